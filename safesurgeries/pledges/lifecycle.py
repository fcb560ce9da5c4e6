"""The yearly re-confirmation of listings, and the retention of contacts' personal data."""

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete

from .. import audit, mail
from ..extensions import db
from ..mail.models import OutboxMessage
from ..clock import utcnow
from .links import link_url
from .models import Listing, Pledge, PledgeStatus
from .pledging import new_nonce

RECONFIRM_EVERY = dt.timedelta(days=365)
RECONFIRM_WITHIN = dt.timedelta(days=30)
NOT_RECONFIRMED = "Not re-confirmed within 30 days of the yearly reminder"


@dataclass
class ReconfirmReport:
    reminded: int = 0
    unlisted: int = 0


def reconfirm_listings(now: dt.datetime | None = None) -> ReconfirmReport:
    """Remind listings a year old; unlist those that have not answered a reminder within 30 days."""
    now = now or utcnow()
    report = ReconfirmReport()
    due = db.session.scalars(db.select(Listing).join(Listing.pledge).where(
        Listing.active.is_(True), Listing.reconfirm_requested_at.is_(None),
        Listing.last_confirmed <= now - RECONFIRM_EVERY, Pledge.status == PledgeStatus.APPROVED)).all()
    for listing in due:
        pledge = listing.pledge
        pledge.link_nonce = new_nonce()
        listing.reconfirm_requested_at = now
        audit.record("listing.reconfirm_requested", listing)
        mail.queue(pledge.contact_email, "reconfirm_listing", pledge=pledge,
                   reconfirm_url=link_url(pledge, "reconfirm"),
                   withdraw_url=link_url(pledge, "withdraw"))
        report.reminded += 1
    db.session.commit()

    lapsed = db.session.scalars(db.select(Listing).join(Listing.pledge).where(
        Listing.active.is_(True), Listing.reconfirm_requested_at <= now - RECONFIRM_WITHIN)).all()
    for listing in lapsed:
        listing.active = False
        listing.unlisted_at = now
        listing.unlisted_reason = NOT_RECONFIRMED
        listing.pledge.status = PledgeStatus.EXPIRED
        audit.record("listing.unlisted", listing, from_state="listed", to_state="unlisted", reason=NOT_RECONFIRMED)
        audit.record("pledge.expired", listing.pledge, from_state=PledgeStatus.APPROVED, to_state=PledgeStatus.EXPIRED)
        report.unlisted += 1
    db.session.commit()
    return report


@dataclass
class RetentionReport:
    deleted_unconfirmed: int = 0
    anonymised: int = 0


def run_retention(now: dt.datetime | None = None) -> RetentionReport:
    """Delete what is no longer needed: unconfirmed pledges, and the contact details of closed ones."""
    now = now or utcnow()
    config = current_app.config
    report = RetentionReport()
    stale = db.session.scalars(db.select(Pledge).where(
        Pledge.status == PledgeStatus.UNCONFIRMED,
        Pledge.created_at <= now - dt.timedelta(days=config["RETENTION_UNCONFIRMED_DAYS"]))).all()
    for pledge in stale:
        audit.record("pledge.deleted", pledge, from_state=PledgeStatus.UNCONFIRMED, to_state="deleted",
                     reason="never confirmed")
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
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.pledge_id == pledge.id,
                                                           OutboxMessage.sent_at.is_not(None)))
            audit.record("pledge.personal_data_removed", pledge, reason=f"{status.value} for {days} days")
            report.anonymised += 1
    db.session.commit()
    return report
