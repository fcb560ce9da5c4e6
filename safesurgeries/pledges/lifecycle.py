"""Every change of state of a pledge and of a listing, in one place.

A pledge: submitted (unconfirmed) -> confirmed (waiting) -> approved or rejected; withdrawn by the practice at
any point before it ends; expired when its listing is not re-confirmed a year on. A listing: created by an
approval, re-confirmed yearly, edited or unlisted by an admin, unlisted by a withdrawal or an expiry.

Each change is one transaction and a compare-and-set: a conditional UPDATE on the current state (and, for an
e-mailed link, its nonce) that acts only when exactly one row changed, so that of two requests racing for
the same change (two reviewers, a double click, a link opened in two tabs) exactly one makes it. The audit
entry and the e-mail commit with the change. Every function but `submit` answers an `Outcome`.
("fetch" synchronisation keeps loaded objects in step without comparing Python datetimes, which SQLite hands
back without a time zone.)
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from .. import audit, mail
from ..clock import utcnow
from ..extensions import db, update_rows
from ..postcodes import IndexMissing, NotAPostcode, postcode_index
from ..practices.directory import find_practice
from ..practices.models import Practice, PracticeStatus
from .eligibility import pledge_nation
from .links import CONFIRM_MAX_AGE, BadLink, LinkClaim, link_url
from .models import Listing, Pledge, PledgeStatus, RejectionReason

RESEND_INTERVAL = dt.timedelta(hours=1)
RECONFIRM_MAX_AGE = dt.timedelta(days=30)
RECONFIRM_EVERY = dt.timedelta(days=365)
RECONFIRM_WITHIN = dt.timedelta(days=30)
NOT_RECONFIRMED = "Not re-confirmed within 30 days of the yearly reminder"
WITHDRAWN_BY_PRACTICE = "Withdrawn by the practice"
OPEN = (PledgeStatus.UNCONFIRMED, PledgeStatus.WAITING, PledgeStatus.APPROVED)


@dataclass(frozen=True)
class Outcome:
    """What a change did: `done` when it happened now; `code` names the result (the link pages are keyed
    by it); `message` says it in words, for staff."""

    done: bool
    code: str
    message: str = ""


@dataclass(frozen=True)
class PledgeData:
    ods_code: str | None
    practice_name: str
    address_lines: list[str]
    postcode: str
    contact_name: str
    contact_role: str
    contact_email: str
    principles: list[str]
    consent_public: bool


def _new_nonce() -> str:
    return secrets.token_hex(16)


def _unchanged(code: str, message: str = "") -> Outcome:
    db.session.rollback()
    return Outcome(False, code, message)


# --- the practice's side: the form and the e-mailed links ---------------------------------------------


def submit(data: PledgeData) -> Pledge:
    """Store the pledge and queue its confirmation e-mail, together; NotPledgeableHere stores nothing."""
    nation = pledge_nation(data.ods_code, data.postcode)
    practice = find_practice(data.ods_code) if data.ods_code else None
    pledge = Pledge(
        practice_id=practice.id if practice else None,
        ods_code=data.ods_code or None,
        practice_name=data.practice_name,
        address_lines=data.address_lines,
        postcode=data.postcode,
        nation=nation,
        contact_name=data.contact_name,
        contact_role=data.contact_role,
        contact_email=data.contact_email,
        principles=data.principles,
        consent_public=data.consent_public,
        link_nonce=_new_nonce(),
    )
    db.session.add(pledge)
    db.session.flush()
    audit.record(
        "pledge.submitted",
        pledge,
        actor="contact",
        to_state=PledgeStatus.UNCONFIRMED,
        in_directory=practice is not None,
        nation=nation,
    )
    _queue_confirmation(pledge)
    db.session.commit()
    return pledge


def _queue_confirmation(pledge: Pledge) -> None:
    mail.queue(
        pledge.contact_email,
        "confirm_pledge",
        pledge=pledge,
        confirm_url=link_url(pledge, "confirm"),
        days=CONFIRM_MAX_AGE.days,
    )


def _claimed(claim: LinkClaim) -> Pledge:
    pledge = db.session.get(Pledge, claim.pledge_id)
    if pledge is None:
        raise BadLink(
            "This pledge no longer exists. Unconfirmed pledges are deleted after 30 days; you can pledge again."
        )
    return pledge


def confirm(claim: LinkClaim, now: dt.datetime | None = None) -> Outcome:
    """'confirmed', 'already' (confirmed before), 'expired' or 'used' (a newer link was sent)."""
    now = now or utcnow()
    pledge = _claimed(claim)
    if pledge.status is not PledgeStatus.UNCONFIRMED:
        return Outcome(False, "already")
    if claim.nonce != pledge.link_nonce:
        return Outcome(False, "used")
    if claim.expired(CONFIRM_MAX_AGE, now):
        return Outcome(False, "expired")
    if (
        update_rows(
            Pledge,
            Pledge.id == pledge.id,
            Pledge.status == PledgeStatus.UNCONFIRMED,
            Pledge.link_nonce == claim.nonce,
            status=PledgeStatus.WAITING,
            confirmed_at=now,
            link_nonce=_new_nonce(),
        )
        != 1
    ):
        return _unchanged("already")
    audit.record(
        "pledge.confirmed", pledge, actor="contact", from_state=PledgeStatus.UNCONFIRMED, to_state=PledgeStatus.WAITING
    )
    db.session.commit()
    return Outcome(True, "confirmed")


def resend_confirmation(claim: LinkClaim, now: dt.datetime | None = None) -> Outcome:
    """'sent', 'too-soon' (at most one fresh e-mail an hour) or 'already' (nothing left to confirm)."""
    now = now or utcnow()
    pledge = _claimed(claim)
    if pledge.status is not PledgeStatus.UNCONFIRMED:
        return Outcome(False, "already")
    if (
        update_rows(
            Pledge,
            Pledge.id == pledge.id,
            Pledge.status == PledgeStatus.UNCONFIRMED,
            Pledge.confirmation_sent_at <= now - RESEND_INTERVAL,
            confirmation_sent_at=now,
            link_nonce=_new_nonce(),
        )
        != 1
    ):
        return _unchanged("too-soon")
    db.session.refresh(pledge)
    audit.record("pledge.confirmation_resent", pledge, actor="contact")
    _queue_confirmation(pledge)
    db.session.commit()
    return Outcome(True, "sent")


def withdraw(claim: LinkClaim, now: dt.datetime | None = None) -> Outcome:
    """Withdraw the pledge and take its listing down at once: 'withdrawn' or 'already'."""
    now = now or utcnow()
    pledge = _claimed(claim)
    before = pledge.status
    if before not in OPEN:
        return Outcome(False, "already")
    if (
        update_rows(
            Pledge, Pledge.id == pledge.id, Pledge.status == before, status=PledgeStatus.WITHDRAWN, withdrawn_at=now
        )
        != 1
    ):
        return _unchanged("already")
    if (
        update_rows(
            Listing,
            Listing.pledge_id == pledge.id,
            Listing.active.is_(True),
            active=False,
            unlisted_at=now,
            unlisted_reason=WITHDRAWN_BY_PRACTICE,
        )
        == 1
    ):
        audit.record(
            "listing.unlisted",
            pledge.listing,
            actor="contact",
            from_state="listed",
            to_state="unlisted",
            reason=WITHDRAWN_BY_PRACTICE,
        )
    audit.record("pledge.withdrawn", pledge, actor="contact", from_state=before, to_state=PledgeStatus.WITHDRAWN)
    db.session.commit()
    return Outcome(True, "withdrawn")


def reconfirm(claim: LinkClaim, now: dt.datetime | None = None) -> Outcome:
    """Renew a listing after the yearly reminder, once per link: 'reconfirmed', 'expired', 'used' or 'not-listed'."""
    now = now or utcnow()
    pledge = _claimed(claim)
    listing = pledge.listing
    if pledge.status is not PledgeStatus.APPROVED or listing is None or not listing.active:
        return Outcome(False, "not-listed")
    if claim.nonce != pledge.link_nonce:
        return Outcome(False, "used")
    if claim.expired(RECONFIRM_MAX_AGE + dt.timedelta(days=7), now):
        return Outcome(False, "expired")
    # The link's nonce is spent in the same UPDATE that checks it: a second request finds nothing to change.
    if (
        update_rows(
            Pledge,
            Pledge.id == pledge.id,
            Pledge.status == PledgeStatus.APPROVED,
            Pledge.link_nonce == claim.nonce,
            link_nonce=_new_nonce(),
        )
        != 1
    ):
        return _unchanged("used")
    if (
        update_rows(
            Listing, Listing.id == listing.id, Listing.active.is_(True), last_confirmed=now, reconfirm_requested_at=None
        )
        != 1
    ):
        return _unchanged("not-listed")
    audit.record("listing.reconfirmed", listing, actor="contact")
    db.session.commit()
    return Outcome(True, "reconfirmed")


# --- staff decisions ----------------------------------------------------------------------------------


def _already_decided(pledge_id: int) -> Outcome:
    db.session.rollback()
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        return Outcome(False, "missing", f"Pledge #{pledge_id} does not exist.")
    if pledge.status is PledgeStatus.UNCONFIRMED:
        return Outcome(False, "unconfirmed", f"Pledge #{pledge_id} has not been confirmed by its sender yet.")
    decided = pledge.status in (PledgeStatus.APPROVED, PledgeStatus.REJECTED)
    who = pledge.decided_by.email if pledge.decided_by else "the practice"
    return Outcome(
        False, "already", f"Pledge #{pledge_id} was already {pledge.status.value}{f' by {who}' if decided else ''}."
    )


def approve(pledge_id: int, reviewer, now: dt.datetime | None = None) -> Outcome:
    """List the pledge's practice, once; the contact is e-mailed a withdrawal link."""
    now = now or utcnow()
    if (
        update_rows(
            Pledge,
            Pledge.id == pledge_id,
            Pledge.status == PledgeStatus.WAITING,
            status=PledgeStatus.APPROVED,
            decided_at=now,
            decided_by_id=reviewer.id,
        )
        != 1
    ):
        return _already_decided(pledge_id)
    pledge = db.session.get(Pledge, pledge_id)
    practice = pledge.practice or _practice_from_pledge(pledge)
    listing = Listing(
        practice=practice,
        pledge=pledge,
        listed_since=now,
        last_confirmed=pledge.confirmed_at or now,
        nation=pledge.nation or practice.nation,
    )
    db.session.add(listing)
    name = pledge.practice_name
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique index: the practice already has an active listing
        return _unchanged("duplicate", f"{name} already has an active listing; reject this pledge as a duplicate.")
    audit.record(
        "pledge.approved",
        pledge,
        staff=reviewer,
        from_state=PledgeStatus.WAITING,
        to_state=PledgeStatus.APPROVED,
        listing_id=listing.id,
    )
    audit.record("listing.listed", listing, staff=reviewer, to_state="listed", pledge_id=pledge.id)
    mail.queue(pledge.contact_email, "pledge_approved", pledge=pledge, withdraw_url=link_url(pledge, "withdraw"))
    db.session.commit()
    return Outcome(True, "approved", f"Approved: {pledge.practice_name} is listed.")


def _practice_from_pledge(pledge: Pledge) -> Practice:
    """A practice typed in by hand joins the directory as staff-added when its pledge is approved."""
    existing = (
        db.session.scalar(db.select(Practice).where(Practice.ods_code == pledge.ods_code)) if pledge.ods_code else None
    )
    if existing is not None:
        return existing
    latitude = longitude = None
    try:
        location = postcode_index().lookup(pledge.postcode)
        if location is not None:
            latitude, longitude = location.latitude, location.longitude
    except (IndexMissing, NotAPostcode):
        pass
    practice = Practice(
        ods_code=pledge.ods_code or f"H{pledge.id:09d}"[:10],
        name=pledge.practice_name,
        address_lines=list(pledge.address_lines),
        postcode=pledge.postcode,
        status=PracticeStatus.ACTIVE,
        added_by_staff=True,
        latitude=latitude,
        longitude=longitude,
        nation=pledge.nation,
    )
    db.session.add(practice)
    return practice


def reject(
    pledge_id: int, reviewer, reason: RejectionReason, note: str | None, now: dt.datetime | None = None
) -> Outcome:
    """Reject with a coded reason, once; the reason is e-mailed to the contact."""
    now = now or utcnow()
    note = (note or "").strip() or None
    if reason is RejectionReason.OTHER and not note:
        return Outcome(False, "note-needed", "Say why in the note when the reason is 'Other'.")
    if (
        update_rows(
            Pledge,
            Pledge.id == pledge_id,
            Pledge.status == PledgeStatus.WAITING,
            status=PledgeStatus.REJECTED,
            decided_at=now,
            decided_by_id=reviewer.id,
            rejection_reason=reason,
            rejection_note=note,
        )
        != 1
    ):
        return _already_decided(pledge_id)
    pledge = db.session.get(Pledge, pledge_id)
    audit.record(
        "pledge.rejected",
        pledge,
        staff=reviewer,
        from_state=PledgeStatus.WAITING,
        to_state=PledgeStatus.REJECTED,
        reason=reason.value,
    )
    mail.queue(pledge.contact_email, "pledge_rejected", pledge=pledge)
    db.session.commit()
    return Outcome(True, "rejected", f"Rejected: {pledge.practice_name} ({reason.label}). The contact has been told.")


# --- an admin's corrections ---------------------------------------------------------------------------


def edit_listing(listing_id: int, admin, display_name: str | None, display_phone: str | None) -> Outcome:
    """Correct what the public sees of a listing; 'edited', 'unchanged' or 'missing'."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return Outcome(False, "missing", f"There is no listing #{listing_id}.")
    wanted = {
        name: " ".join((value or "").split()) or None
        for name, value in (("display_name", display_name), ("display_phone", display_phone))
    }
    changes = {
        name: [getattr(listing, name), value] for name, value in wanted.items() if getattr(listing, name) != value
    }
    if not changes:
        return Outcome(False, "unchanged", "Nothing to save: the listing is as it was.")
    update_rows(Listing, Listing.id == listing_id, **{name: new for name, (_, new) in changes.items()})
    audit.record("listing.edited", listing, staff=admin, changes=changes)
    db.session.commit()
    return Outcome(True, "edited", "Listing saved.")


def unlist(listing_id: int, admin, reason: str, now: dt.datetime | None = None) -> Outcome:
    """Take a listing down at once, and close its pledge (withdrawn by staff); 'unlisted' or 'not-listed'."""
    now = now or utcnow()
    reason = reason.strip()[:200]
    if (
        update_rows(
            Listing,
            Listing.id == listing_id,
            Listing.active.is_(True),
            active=False,
            unlisted_at=now,
            unlisted_reason=reason,
        )
        != 1
    ):
        listing = db.session.get(Listing, listing_id)
        return _unchanged("not-listed", f"{listing.name if listing else f'Listing #{listing_id}'} was not listed.")
    listing = db.session.get(Listing, listing_id)
    audit.record("listing.unlisted", listing, staff=admin, from_state="listed", to_state="unlisted", reason=reason)
    if (
        listing.pledge_id is not None
        and update_rows(
            Pledge,
            Pledge.id == listing.pledge_id,
            Pledge.status == PledgeStatus.APPROVED,
            status=PledgeStatus.WITHDRAWN,
            withdrawn_at=now,
        )
        == 1
    ):
        audit.record(
            "pledge.withdrawn",
            listing.pledge,
            staff=admin,
            from_state=PledgeStatus.APPROVED,
            to_state=PledgeStatus.WITHDRAWN,
            reason=f"unlisted by staff: {reason}",
        )
    db.session.commit()
    return Outcome(True, "unlisted", f"{listing.name} is unlisted.")


# --- the yearly re-confirmation (a daily command) -----------------------------------------------------


@dataclass
class ReconfirmReport:
    reminded: int = 0
    unlisted: int = 0


def reconfirm_listings(now: dt.datetime | None = None) -> ReconfirmReport:
    """Remind listings a year old; unlist, and expire the pledges of, those that have not answered a reminder
    within 30 days. Each listing is its own compare-and-set, so two runs at once act on each listing once."""
    now = now or utcnow()
    report = ReconfirmReport()
    due = db.session.scalars(
        db.select(Listing.id)
        .join(Listing.pledge)
        .where(
            Listing.active.is_(True),
            Listing.reconfirm_requested_at.is_(None),
            Listing.last_confirmed <= now - RECONFIRM_EVERY,
            Pledge.status == PledgeStatus.APPROVED,
        )
    ).all()
    for listing_id in due:
        report.reminded += _remind(listing_id, now).done
    lapsed = db.session.scalars(
        db.select(Listing.id).where(
            Listing.active.is_(True),
            Listing.pledge_id.is_not(None),
            Listing.reconfirm_requested_at <= now - RECONFIRM_WITHIN,
        )
    ).all()
    for listing_id in lapsed:
        report.unlisted += _expire(listing_id, now).done
    return report


def _remind(listing_id: int, now: dt.datetime) -> Outcome:
    if (
        update_rows(
            Listing,
            Listing.id == listing_id,
            Listing.active.is_(True),
            Listing.reconfirm_requested_at.is_(None),
            reconfirm_requested_at=now,
        )
        != 1
    ):
        return _unchanged("already")
    listing = db.session.get(Listing, listing_id)
    pledge = listing.pledge
    update_rows(Pledge, Pledge.id == pledge.id, link_nonce=_new_nonce())  # voids any older re-confirm link
    audit.record("listing.reconfirm_requested", listing)
    mail.queue(
        pledge.contact_email,
        "reconfirm_listing",
        pledge=pledge,
        reconfirm_url=link_url(pledge, "reconfirm"),
        withdraw_url=link_url(pledge, "withdraw"),
    )
    db.session.commit()
    return Outcome(True, "reminded")


def _expire(listing_id: int, now: dt.datetime) -> Outcome:
    if (
        update_rows(
            Listing,
            Listing.id == listing_id,
            Listing.active.is_(True),
            Listing.reconfirm_requested_at <= now - RECONFIRM_WITHIN,
            active=False,
            unlisted_at=now,
            unlisted_reason=NOT_RECONFIRMED,
        )
        != 1
    ):
        return _unchanged("already")
    listing = db.session.get(Listing, listing_id)
    audit.record("listing.unlisted", listing, from_state="listed", to_state="unlisted", reason=NOT_RECONFIRMED)
    if (
        update_rows(
            Pledge, Pledge.id == listing.pledge_id, Pledge.status == PledgeStatus.APPROVED, status=PledgeStatus.EXPIRED
        )
        == 1
    ):
        audit.record("pledge.expired", listing.pledge, from_state=PledgeStatus.APPROVED, to_state=PledgeStatus.EXPIRED)
    db.session.commit()
    return Outcome(True, "expired")
