"""The retention of contacts' personal data: what `retention run` deletes, and when (see README)."""

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete

from .. import audit
from ..clock import utcnow
from ..extensions import db
from ..mail.models import OutboxMessage
from .models import Listing, Pledge, PledgeStatus


@dataclass
class RetentionReport:
    deleted_unconfirmed: int = 0
    anonymised: int = 0


def run_retention(now: dt.datetime | None = None) -> RetentionReport:
    """Delete what is no longer needed: unconfirmed pledges, and the contact details of closed ones."""
    now = now or utcnow()
    config = current_app.config
    report = RetentionReport()
    stale = db.session.scalars(
        db.select(Pledge).where(
            Pledge.status == PledgeStatus.UNCONFIRMED,
            Pledge.created_at <= now - dt.timedelta(days=config["RETENTION_UNCONFIRMED_DAYS"]),
        )
    ).all()
    for pledge in stale:
        audit.record(
            "pledge.deleted", pledge, from_state=PledgeStatus.UNCONFIRMED, to_state="deleted", reason="never confirmed"
        )
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.pledge_id == pledge.id))
        db.session.delete(pledge)
        report.deleted_unconfirmed += 1

    closed = [
        (PledgeStatus.REJECTED, Pledge.decided_at, config["RETENTION_REJECTED_DAYS"]),
        (PledgeStatus.WITHDRAWN, Pledge.withdrawn_at, config["RETENTION_WITHDRAWN_DAYS"]),
        (PledgeStatus.EXPIRED, None, config["RETENTION_WITHDRAWN_DAYS"]),
    ]
    for status, since, days in closed:
        cutoff = now - dt.timedelta(days=days)
        query = db.select(Pledge).where(Pledge.status == status, Pledge.personal_data_removed_at.is_(None))
        if since is not None:
            query = query.where(since <= cutoff)
        else:  # expired: counted from the unlisting
            query = query.join(Pledge.listing).where(Listing.unlisted_at <= cutoff)
        for pledge in db.session.scalars(query).all():
            pledge.contact_name = pledge.contact_role = pledge.contact_email = None
            pledge.personal_data_removed_at = now
            db.session.execute(
                delete(OutboxMessage).where(OutboxMessage.pledge_id == pledge.id, OutboxMessage.sent_at.is_not(None))
            )
            audit.record("pledge.personal_data_removed", pledge, reason=f"{status.value} for {days} days")
            report.anonymised += 1
    db.session.commit()
    return report
