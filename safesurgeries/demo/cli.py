"""`safesurgeries demo load` and `safesurgeries demo clear`."""

import click
from flask.cli import with_appcontext

from ..postcodes import IndexMissing
from .loader import DEFAULT_COUNT, CodeClash, RealListingsExist, clear_demo, load_demo


@click.group("demo", help="Fictional listings for demonstrations (never mixed with real ones).")
def demo_cli():
    pass


@demo_cli.command("load")
@click.option(
    "--count",
    default=DEFAULT_COUNT,
    show_default=True,
    type=click.IntRange(1, 9999),
    help="How many demo practices to add.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="If the registry lists real practices, say so and skip (exit 0) instead of failing.",
)
@with_appcontext
def load_command(count: int, if_empty: bool):
    """Load fictional "Demo ..." listings at real postcodes in every NHS region; does nothing if already loaded."""
    try:
        report = load_demo(count)
    except RealListingsExist as error:
        if if_empty:
            click.echo(f"{error} Skipped.")
            return
        raise click.ClickException(f"{error} Nothing was loaded.") from None
    except (CodeClash, IndexMissing) as error:
        raise click.ClickException(str(error)) from None
    if report.already_loaded:
        click.echo("Demo data is already loaded; nothing to do (`safesurgeries demo clear` removes it).")
    else:
        click.echo(
            f"Loaded {report.loaded} demo listings. Each is marked demo on every registry page and in every export."
        )


@demo_cli.command("clear")
@with_appcontext
def clear_command():
    """Remove all demo listings and demo practices (as an admin's "Remove" on /staff/demo does)."""
    listings, practices = clear_demo()
    click.echo(f"Removed {listings} demo listings and {practices} demo practices.")
