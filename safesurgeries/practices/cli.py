"""`safesurgeries practices import`."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import nations
from ..extensions import db
from ..postcodes.cli import ensure_index
from .importer import NotAnEpraccurFile, import_epraccur
from .models import Practice


@click.group("practices", help="The NHS practice directory.")
def practices_cli():
    pass


@practices_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--only-if-empty",
    is_flag=True,
    help="Do nothing if the directory already holds practices (so an old file never undoes a newer one).",
)
@with_appcontext
def import_command(path: Path, only_if_empty: bool):
    """Import (upsert) NHS England's epraccur.csv into the practice directory, with coordinates."""
    if only_if_empty and db.session.scalar(db.select(Practice.id).limit(1)) is not None:
        click.echo("The practice directory already holds practices; nothing imported.")
        return
    try:
        report = import_epraccur(path, ensure_index())
    except NotAnEpraccurFile as error:
        raise click.ClickException(str(error)) from None
    for line, reason in report.skipped:
        click.echo(f"Line {line}: skipped: {reason}", err=True)
    click.echo(
        f"Added {report.added}, updated {report.updated}, closed {report.closed}, "
        f"unchanged {report.unchanged}, skipped {len(report.skipped)}; "
        f"{report.without_coordinates} with a postcode not in the ONS Postcode Directory (no map position)."
    )
    counts = [
        f"{nations.NAMES[nation]} {report.open_by_nation[nation]:,}"
        for nation in nations.ALL
        if report.open_by_nation.get(nation)
    ]
    if report.open_by_nation.get(None):
        counts.append(f"no nation known {report.open_by_nation[None]:,}")
    click.echo(f"Open GP practices by nation: {', '.join(counts) or 'none'}.")
