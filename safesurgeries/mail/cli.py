"""`safesurgeries outbox send [--loop]` and `outbox status`."""

import time

import click
from flask.cli import with_appcontext

from ..extensions import db
from .models import OutboxMessage
from .outbox import send_due


@click.group("outbox", help="E-mails waiting to be sent.")
def outbox_cli():
    pass


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending every --interval seconds (for production).")
@click.option("--interval", default=10, show_default=True, type=click.IntRange(1, 3600))
@with_appcontext
def send_command(loop: bool, interval: int):
    """Send every e-mail that is due (SMTP, or .eml files under instance/outbox/ with no SMTP host)."""
    while True:
        report = send_due()
        for path in report.written:
            click.echo(f"Wrote {path} (no SAFESURGERIES_SMTP_HOST set)")
        if report.sent or report.retrying or report.failed or not loop:
            click.echo(f"Sent {report.sent}, will retry {report.retrying}, failed for good {report.failed}.")
        if not loop:
            return
        time.sleep(interval)


@outbox_cli.command("status")
@with_appcontext
def status_command():
    """Count the e-mails waiting, sent and failed, and show the last error of each failure."""
    messages = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()
    waiting = [m for m in messages if m.sent_at is None and m.failed_at is None]
    failed = [m for m in messages if m.failed_at is not None]
    click.echo(f"Waiting {len(waiting)}, sent {len(messages) - len(waiting) - len(failed)}, failed {len(failed)}.")
    for message in failed:
        click.echo(f"  #{message.id} to {message.to_address}: {message.last_error}")
