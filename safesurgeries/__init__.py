"""Safe Surgeries: the Flask application factory."""

import os
from pathlib import Path

from flask import Flask, render_template

from .config import load_config
from .extensions import csrf, db, migrate
from .paths import MIGRATIONS


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; test_config, when given, overrides the environment's settings."""
    instance_path = os.environ.get("SAFESURGERIES_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path and str(Path(instance_path).resolve()),
                instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    from . import audit, backup, demo, mail, main, pledges, postcodes, practices, registry, security, staff, toolkit  # noqa: F401 (audit: models)
    from .doctor import doctor_command

    app.register_blueprint(main.bp)
    app.register_blueprint(pledges.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(toolkit.bp)
    app.register_blueprint(toolkit.api_bp)
    app.register_blueprint(practices.api_bp)
    app.register_blueprint(postcodes.api_bp)
    app.register_blueprint(registry.bp)
    app.register_blueprint(registry.api_bp)
    # The JSON API takes no cookies, so it needs no CSRF token (and cannot be forged from a form).
    for api_bp in (toolkit.api_bp, practices.api_bp, postcodes.api_bp, registry.api_bp):
        csrf.exempt(api_bp)
    toolkit.init_app(app)
    practices.init_app(app)
    postcodes.init_app(app)
    pledges.init_app(app)
    staff.init_app(app)
    mail.init_app(app)
    demo.init_app(app)
    backup.init_app(app)
    security.init_app(app)  # after the blueprints: it wraps their views in rate limits
    app.cli.add_command(doctor_command)


def register_errorhandlers(app: Flask) -> None:
    """Plain pages for HTTP errors; JSON for the API, so a client never gets an HTML traceback."""
    from flask import jsonify, request
    from flask_wtf.csrf import CSRFError
    from werkzeug.exceptions import HTTPException

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if wants_json():
            return jsonify(error=error.name, message=error.description), error.code
        return render_template("error.html", error=error), error.code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "Your form expired or was sent from another site. Go back, reload the page and try again."
        return render_template("error.html", error=error, message=message), 400
