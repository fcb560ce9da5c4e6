"""Safe Surgeries: the Flask application factory."""

import os
from pathlib import Path

from flask import Flask, render_template

from .config import load_config
from .extensions import csrf, db, migrate
from .paths import MIGRATIONS
from .public_urls import external_url
from .security import bodies


def create_app(test_config: dict | None = None) -> Flask:
    """Create the app; test_config, when given, overrides the environment's settings."""
    instance_path = os.environ.get("SAFESURGERIES_INSTANCE_PATH")
    app = Flask(
        __name__, instance_path=instance_path and str(Path(instance_path).resolve()), instance_relative_config=True
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.update(load_config(Path(app.instance_path)))
    if test_config:
        app.config.update(test_config)

    register_extensions(app)
    from .security.bodies import DatabaseIntegerConverter

    app.url_map.converters["int"] = DatabaseIntegerConverter  # before any route is added
    register_blueprints(app)
    register_errorhandlers(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    # Before CSRFProtect's check: a body that is not a web form gets its own plain 415, not "your form expired".
    bodies.init_app(app)
    csrf.init_app(app)


def register_blueprints(app: Flask) -> None:
    from . import (
        audit,  # noqa: F401 (its models must be imported before the tables are made)
        backup,
        demo,
        health,
        i18n,
        mail,
        main,
        pledges,
        postcodes,
        practices,
        registry,
        security,
        staff,
        toolkit,
    )
    from .doctor import doctor_command

    app.register_blueprint(main.bp)
    app.register_blueprint(health.bp)
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
    i18n.init_app(app)
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
    app.jinja_env.globals["public_url"] = external_url


def register_errorhandlers(app: Flask) -> None:
    """Plain pages for HTTP errors; JSON for the API, so a client never gets an HTML traceback."""
    from flask_wtf.csrf import CSRFError
    from sqlalchemy import exc as sa_exc
    from werkzeug.exceptions import HTTPException, MethodNotAllowed, ServiceUnavailable

    from .api_requests import is_api_request, json_problem

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # A 405 must name the methods the path does take (RFC 9110, 15.5.6); werkzeug's routing knows them.
        headers = (
            {"Allow": ", ".join(error.valid_methods)}
            if isinstance(error, MethodNotAllowed) and error.valid_methods
            else {}
        )
        if is_api_request():
            return json_problem(error.code, error.description, headers)
        return render_template("error.html", error=error), error.code, headers

    @app.errorhandler(sa_exc.OperationalError)  # locked, unreachable, connection lost
    @app.errorhandler(sa_exc.InterfaceError)  # the connection closed under us
    @app.errorhandler(sa_exc.ProgrammingError)  # tables gone (a dropped schema, an unmigrated database)
    def database_unavailable(error: sa_exc.DBAPIError):
        """503 and 'try again': the request's transaction is rolled back, so nothing is half-written."""
        app.logger.error("Database unavailable: %s", error, exc_info=error)
        db.session.rollback()
        message = (
            "The service is busy or briefly unavailable, and nothing you sent was saved. Please try again in a minute."
        )
        headers = {"Retry-After": "30"}
        if is_api_request():
            return json_problem(503, message, headers)
        # Straight from the Jinja environment: a blueprint's context processor may itself need the database.
        page = app.jinja_env.get_template("error.html").render(error=ServiceUnavailable(), message=message)
        return page, 503, headers

    @app.after_request  # registered last, so it runs before the app's other after_request hooks
    def end_the_requests_transaction(response):
        """End the transaction here, where a connection lost since the view's last query can still be answered
        with the 503 page: Flask-SQLAlchemy's own clean-up runs after the response is made, where it is a bare
        500. A view that committed has no transaction left, so this costs it nothing; a lost connection is
        invalidated by SQLAlchemy, so the next request gets a fresh one."""
        try:
            db.session.rollback()
        except (sa_exc.OperationalError, sa_exc.InterfaceError) as error:
            return app.make_response(database_unavailable(error))
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        message = "Your form expired or was sent from another site. Go back, reload the page and try again."
        return render_template("error.html", error=error, message=message), 400
