"""The NHS practice directory: import from ODS, look up and search."""

from flask import Flask

from .api import api_bp
from .cli import practices_cli

__all__ = ["api_bp", "init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(practices_cli)
