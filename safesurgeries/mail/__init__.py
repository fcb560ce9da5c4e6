"""E-mail through an outbox table: queued with the change that caused it, delivered by `outbox send`."""

from flask import Flask

from .cli import outbox_cli
from .models import OutboxMessage
from .outbox import queue, send_due

__all__ = ["OutboxMessage", "init_app", "queue", "send_due"]


def init_app(app: Flask) -> None:
    app.cli.add_command(outbox_cli)
