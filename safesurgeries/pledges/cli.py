"""`safesurgeries listings reconfirm` and `safesurgeries retention run` (run them daily, e.g. from cron)."""

import click
from flask.cli import with_appcontext

from .lifecycle import reconfirm_listings
from .retention import run_retention


@click.group("listings", help="Listings on the public registry.")
def listings_cli():
    pass


@listings_cli.command("reconfirm")
@with_appcontext
def reconfirm_command():
    """E-mail listings due for their yearly re-confirmation; unlist those 30 days past a reminder."""
    report = reconfirm_listings()
    click.echo(f"Reminded {report.reminded}; unlisted {report.unlisted} not re-confirmed in time.")


@click.group("retention", help="Deleting personal data that is no longer needed.")
def retention_cli():
    pass


@retention_cli.command("run")
@with_appcontext
def retention_command():
    """Delete unconfirmed pledges and the contact details of rejected, withdrawn and lapsed ones."""
    report = run_retention()
    click.echo(
        f"Deleted {report.deleted_unconfirmed} unconfirmed pledge(s); removed the contact details "
        f"of {report.anonymised} closed pledge(s)."
    )
