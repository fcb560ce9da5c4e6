"""Demo data for the registry: fictional practices and listings, loaded and cleared from the command line."""

from flask import Flask

from .cli import demo_cli

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
