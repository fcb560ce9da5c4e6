"""`safesurgeries postcodes build` and `postcodes lookup`."""

import time

import click
from flask.cli import with_appcontext

from .grammar import NotAPostcode
from .index import IndexMissing, PostcodeIndex, build_index
from .service import index_path, postcode_index


@click.group("postcodes", help="The offline postcode index (ONS Postcode Directory).")
def postcodes_cli():
    pass


def ensure_index(force: bool = False) -> PostcodeIndex:
    """Open the index, building it first if it is missing or stale (or force is set)."""
    path = index_path()
    if not force:
        try:
            return postcode_index()
        except IndexMissing:
            pass
    click.echo(f"Building the postcode index at {path} (takes about 10 seconds)...")
    started = time.perf_counter()
    report = build_index(path)
    click.echo(
        f"Indexed {report.postcodes:,} postcodes and {report.districts:,} districts from ONS Postcode "
        f"Directory package {report.source_version} in {time.perf_counter() - started:.1f} s "
        f"({report.without_coordinates:,} without a grid reference left out)."
    )
    return postcode_index()


@postcodes_cli.command("build")
@click.option("--force", is_flag=True, help="Rebuild even if an up-to-date index exists.")
@with_appcontext
def build_command(force: bool):
    """Build the postcode index (once; later runs do nothing unless --force)."""
    index = ensure_index(force)
    if not force:
        click.echo(f"The postcode index at {index.path} is up to date ({len(index):,} postcodes).")


@postcodes_cli.command("lookup")
@click.argument("postcodes", nargs=-1, required=True)
@with_appcontext
def lookup_command(postcodes: tuple[str, ...]):
    """Print the latitude and longitude of each postcode or district."""
    try:
        index = postcode_index()
    except IndexMissing as error:
        raise click.ClickException(str(error)) from None
    failed = False
    for text in postcodes:
        try:
            location = index.lookup(text)
        except NotAPostcode as error:
            click.echo(str(error), err=True)
            failed = True
            continue
        if location is None:
            click.echo(f"{text}: not in the ONS Postcode Directory", err=True)
            failed = True
        else:
            click.echo(f"{location.postcode}\t{location.latitude:.6f}\t{location.longitude:.6f}\t{location.precision}")
    if failed:
        raise SystemExit(1)
