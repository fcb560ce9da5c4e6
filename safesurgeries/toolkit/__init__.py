"""The toolkit generator: a practice's details in, a personalised PDF toolkit out."""

from flask import Flask

from .api import api_bp
from .cli import toolkit_cli
from .editions import mail_edition_command
from .jobs import worker_command
from .service import init_rendering
from .views import bp

__all__ = ["api_bp", "bp", "init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(toolkit_cli)
    toolkit_cli.add_command(mail_edition_command)
    app.cli.add_command(worker_command)
    init_rendering(app)
