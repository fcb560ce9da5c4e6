"""Moderation: the checks a reviewer needs beside each pledge, and decisions that happen exactly once.

A decision is a conditional UPDATE (`WHERE status = 'waiting'`): when two reviewers act on the same pledge
at the same moment, the database lets one UPDATE through; the other finds nothing to change and is told
who decided. The decision, its listing, its audit entry and its e-mail commit together.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError

from .. import audit, mail, nations
from ..extensions import db, update_rows
from ..pledges.links import link_url
from ..pledges.models import Listing, Pledge, PledgeStatus, RejectionReason
from ..clock import as_utc, utcnow
from ..practices.codes import GP_PRACTICE_SETTING
from ..practices.models import Practice, PracticeStatus
from ..postcodes import IndexMissing, NotAPostcode, postcode_index
from .models import StaffUser

NHS_MAIL_DOMAIN = "nhs.net"


@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str


def checks(pledge: Pledge) -> list[Check]:
    """What a reviewer needs to know to trust a pledge."""
    practice = pledge.practice
    result = []
    if practice is None:
        result.append(Check("In the NHS directory", False,
                            f"Entered by hand{f' with ODS code {pledge.ods_code}' if pledge.ods_code else ''}: "
                            "not in the directory. Check the practice exists."))
    else:
        result.append(Check("Open GP practice", practice.is_open_gp_practice,
                            f"{practice.ods_code} is {practice.status.name.lower()}"
                            f"{', a GP practice' if practice.prescribing_setting == GP_PRACTICE_SETTING else ', not a GP practice (prescribing setting ' + str(practice.prescribing_setting) + ')'}"))
        same = (practice.postcode or "").replace(" ", "") == pledge.postcode.replace(" ", "")
        result.append(Check("Postcode matches the directory", same,
                            f"pledge {pledge.postcode}, directory {practice.postcode or 'none'}"))
    result.append(Check("Nation known", pledge.nation is not None,
                        f"{nations.name(pledge.nation)}: the principles signed are worded for it"
                        if pledge.nation else "the postcode is not in the ONS Postcode Directory: check which "
                                              "nation the practice is in (we list none in Northern Ireland)"))
    email = pledge.contact_email or ""
    on_nhs_mail = email.lower().endswith("@" + NHS_MAIL_DOMAIN)
    result.append(Check("E-mail on nhs.net", on_nhs_mail,
                        "nhs.net address" if on_nhs_mail else f"{email.rpartition('@')[2] or 'no address'}: "
                        "not nhs.net, check the sender works at the practice"))
    listed = _active_listing(pledge)
    result.append(Check("Not already listed", listed is None,
                        "no active listing" if listed is None else f"listed since {listed.listed_since:%d %B %Y}"))
    others = _other_pledges(pledge)
    result.append(Check("No other pledge for this practice", not others,
                        "none" if not others else ", ".join(f"#{p.id} ({p.status.value})" for p in others)))
    return result


def _practice_filter(pledge: Pledge):
    conditions = []
    if pledge.practice_id is not None:
        conditions.append(Pledge.practice_id == pledge.practice_id)
    if pledge.ods_code:
        conditions.append(Pledge.ods_code == pledge.ods_code)
    return or_(*conditions) if conditions else None


def _other_pledges(pledge: Pledge) -> list[Pledge]:
    condition = _practice_filter(pledge)
    if condition is None:
        return []
    return list(db.session.scalars(db.select(Pledge).where(
        condition, Pledge.id != pledge.id,
        Pledge.status.in_([PledgeStatus.UNCONFIRMED, PledgeStatus.WAITING, PledgeStatus.APPROVED]))))


def _active_listing(pledge: Pledge) -> Listing | None:
    if pledge.practice_id is None:
        return None
    return db.session.scalar(db.select(Listing).where(Listing.practice_id == pledge.practice_id,
                                                      Listing.active.is_(True)))


def waited(pledge: Pledge, now: dt.datetime) -> str:
    """How long a confirmed pledge has waited for a decision, for the queue."""
    if pledge.confirmed_at is None:
        return "not confirmed"
    hours = int((now - as_utc(pledge.confirmed_at)).total_seconds() // 3600)
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"


@dataclass(frozen=True)
class Decision:
    ok: bool
    message: str


def _already_decided(pledge_id: int) -> Decision:
    db.session.rollback()
    pledge = db.session.get(Pledge, pledge_id)
    if pledge is None:
        return Decision(False, f"Pledge #{pledge_id} does not exist.")
    if pledge.status is PledgeStatus.UNCONFIRMED:
        return Decision(False, f"Pledge #{pledge_id} has not been confirmed by its sender yet.")
    who = pledge.decided_by.email if pledge.decided_by else "the practice"
    return Decision(False, f"Pledge #{pledge_id} was already {pledge.status.value}"
                           f"{f' by {who}' if pledge.status in (PledgeStatus.APPROVED, PledgeStatus.REJECTED) else ''}.")


def approve(pledge_id: int, reviewer: StaffUser, now: dt.datetime | None = None) -> Decision:
    """List the pledge's practice, once; the contact is e-mailed a withdrawal link."""
    now = now or utcnow()
    if update_rows(Pledge, Pledge.id == pledge_id, Pledge.status == PledgeStatus.WAITING,
                   status=PledgeStatus.APPROVED, decided_at=now, decided_by_id=reviewer.id) != 1:
        return _already_decided(pledge_id)
    pledge = db.session.get(Pledge, pledge_id)
    practice = pledge.practice or _practice_from_pledge(pledge)
    listing = Listing(practice=practice, pledge=pledge, listed_since=now, last_confirmed=pledge.confirmed_at or now,
                      nation=pledge.nation or practice.nation)
    db.session.add(listing)
    try:
        db.session.flush()
    except IntegrityError:  # the partial unique index: the practice already has an active listing
        db.session.rollback()
        return Decision(False, f"{pledge.practice_name} already has an active listing; reject this pledge as a duplicate.")
    audit.record("pledge.approved", pledge, staff=reviewer, from_state=PledgeStatus.WAITING,
                 to_state=PledgeStatus.APPROVED, listing_id=listing.id)
    mail.queue(pledge.contact_email, "pledge_approved", pledge=pledge,
               withdraw_url=link_url(pledge, "withdraw"))
    db.session.commit()
    return Decision(True, f"Approved: {pledge.practice_name} is listed.")


def _practice_from_pledge(pledge: Pledge) -> Practice:
    """A practice typed in by hand joins the directory as staff-added when its pledge is approved."""
    existing = db.session.scalar(db.select(Practice).where(Practice.ods_code == pledge.ods_code)) if pledge.ods_code else None
    if existing is not None:
        return existing
    latitude = longitude = None
    try:
        location = postcode_index().lookup(pledge.postcode)
        if location is not None:
            latitude, longitude = location.latitude, location.longitude
    except (IndexMissing, NotAPostcode):
        pass
    practice = Practice(ods_code=pledge.ods_code or f"H{pledge.id:09d}"[:10], name=pledge.practice_name,
                        address_lines=list(pledge.address_lines), postcode=pledge.postcode,
                        status=PracticeStatus.ACTIVE, added_by_staff=True, latitude=latitude, longitude=longitude,
                        nation=pledge.nation)
    db.session.add(practice)
    return practice


def reject(pledge_id: int, reviewer: StaffUser, reason: RejectionReason, note: str | None,
           now: dt.datetime | None = None) -> Decision:
    """Reject with a coded reason, once; the reason is e-mailed to the contact."""
    now = now or utcnow()
    note = (note or "").strip() or None
    if reason is RejectionReason.OTHER and not note:
        return Decision(False, "Say why in the note when the reason is 'Other'.")
    if update_rows(Pledge, Pledge.id == pledge_id, Pledge.status == PledgeStatus.WAITING,
                   status=PledgeStatus.REJECTED, decided_at=now, decided_by_id=reviewer.id,
                   rejection_reason=reason, rejection_note=note) != 1:
        return _already_decided(pledge_id)
    pledge = db.session.get(Pledge, pledge_id)
    audit.record("pledge.rejected", pledge, staff=reviewer, from_state=PledgeStatus.WAITING,
                 to_state=PledgeStatus.REJECTED, reason=reason.value)
    mail.queue(pledge.contact_email, "pledge_rejected", pledge=pledge)
    db.session.commit()
    return Decision(True, f"Rejected: {pledge.practice_name} ({reason.label}). The contact has been told.")
