"""The `safesurgeries` console script: Flask's CLI with the app factory, plus our commands."""

import click
from flask.cli import FlaskGroup, with_appcontext

from . import create_app
from .doctor import run_checks

cli = FlaskGroup(create_app=create_app, help="Safe Surgeries: toolkit generator and practice registry.")


@cli.command("doctor")
@with_appcontext
def doctor():
    """Check that everything the toolkit needs is installed and the database is migrated."""
    checks = run_checks()
    for check in checks:
        click.echo(f"[{'ok' if check.ok else 'MISSING'}] {check.name}: {check.detail}")
    failed = [check for check in checks if not check.ok]
    if failed:
        click.echo(f"{len(failed)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("Everything the toolkit needs is in place.")


def main():
    cli(prog_name="safesurgeries")
