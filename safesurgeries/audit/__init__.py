"""The append-only audit log of staff actions and state changes."""

from .models import AuditEntry, record

__all__ = ["AuditEntry", "record"]
