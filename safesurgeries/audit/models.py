"""The audit log: every staff action and state change. Append-only: the application never updates or
deletes an entry (enforced below), and entries hold no contact's personal data."""

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    # The staff member who acted; None for the contact (via a signed link) or the system (a command).
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"), index=True)
    actor: Mapped[str] = mapped_column(String(260))  # "staff:alice@dotw.example", "contact", "system"
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    staff = relationship("StaffUser")


class AppendOnly(Exception):
    pass


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(mapper, connection, target):
    raise AppendOnly("The audit log is append-only.")


def record(
    action: str, subject, *, staff=None, actor: str | None = None, from_state=None, to_state=None, **detail
) -> AuditEntry:
    """Add an entry to the current transaction (committed with the change it records)."""
    entry = AuditEntry(
        staff_id=staff.id if staff is not None else None,
        actor=actor or (f"staff:{staff.email}" if staff is not None else "system"),
        action=action,
        subject_type=type(subject).__tablename__ if subject is not None else "none",
        subject_id=getattr(subject, "id", None),
        from_state=getattr(from_state, "value", from_state),
        to_state=getattr(to_state, "value", to_state),
        detail=detail,
    )
    db.session.add(entry)
    return entry
