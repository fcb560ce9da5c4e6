"""`safesurgeries practices import`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from .importer import NotAnEpraccurFile, import_epraccur


@click.group("practices", help="The NHS practice directory.")
def practices_cli():
    pass


@practices_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path):
    """Import (upsert) NHS England's epraccur.csv into the practice directory."""
    try:
        report = import_epraccur(path)
    except NotAnEpraccurFile as error:
        raise click.ClickException(str(error)) from None
    for line, reason in report.skipped:
        click.echo(f"Line {line}: skipped: {reason}", err=True)
    click.echo(f"Added {report.added}, updated {report.updated}, closed {report.closed}, "
               f"unchanged {report.unchanged}, skipped {len(report.skipped)}.")
