"""E-mail through an outbox table: queued with the change that caused it, delivered by `outbox send`."""

from .models import OutboxMessage

__all__ = ["OutboxMessage"]
