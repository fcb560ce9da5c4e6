"""The `safesurgeries` console script: Flask's CLI with the app factory, so `run`, `db` and ours all work."""

import click
from flask.cli import FlaskGroup

from . import create_app
from .config import ConfigError


def _create_app():
    """The app, or a one-line error naming the bad setting (not a traceback)."""
    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


cli = FlaskGroup(create_app=_create_app, help="Safe Surgeries: toolkit generator and practice registry.")


def main():
    cli(prog_name="safesurgeries")
