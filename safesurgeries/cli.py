"""The `safesurgeries` console script: Flask's CLI with the app factory, so `run`, `db` and ours all work."""

from flask.cli import FlaskGroup

from . import create_app

cli = FlaskGroup(create_app=create_app, help="Safe Surgeries: toolkit generator and practice registry.")


def main():
    cli(prog_name="safesurgeries")
