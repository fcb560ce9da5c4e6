"""A pledge's life on the practice's side: submit, confirm, ask for a fresh link, withdraw, re-confirm.

Each function is one transaction, and every state change is a conditional UPDATE (`WHERE status = ...`)
so that it happens once however many requests race for it. ("fetch" keeps objects already in the
session in step without comparing Python datetimes, which SQLite hands back without a time zone.)
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from .. import audit, mail, nations
from ..extensions import db, update_rows
from ..practices.directory import find_practice
from ..clock import utcnow
from .links import CONFIRM_MAX_AGE, BadLink, LinkClaim, link_url
from .models import Listing, Pledge, PledgeStatus

RESEND_INTERVAL = dt.timedelta(hours=1)
RECONFIRM_MAX_AGE = dt.timedelta(days=30)


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


class NotPledgeableHere(ValueError):
    """The practice is in a nation where the registry takes no pledges (Northern Ireland); nothing is stored."""


NORTHERN_IRELAND_REFUSAL = ("Your practice is in Northern Ireland, where we cannot take pledges. "
                            + nations.NORTHERN_IRELAND_RULES)


def pledge_nation(ods_code: str | None, postcode: str) -> str | None:
    """The nation whose principles a pledge follows: the directory practice's, else the postcode's (None if
    neither says). NotPledgeableHere for Northern Ireland."""
    practice = find_practice(ods_code) if ods_code else None
    nation = (practice.nation if practice else None) or nations.of_postcode(postcode)
    if nation == nations.NORTHERN_IRELAND:
        raise NotPledgeableHere(NORTHERN_IRELAND_REFUSAL)
    return nation


def new_nonce() -> str:
    return secrets.token_hex(16)


def submit_pledge(data: PledgeData) -> Pledge:
    """Store the pledge and queue its confirmation e-mail, together; NotPledgeableHere stores nothing."""
    nation = pledge_nation(data.ods_code, data.postcode)
    practice = find_practice(data.ods_code) if data.ods_code else None
    pledge = Pledge(practice_id=practice.id if practice else None, ods_code=data.ods_code or None,
                    practice_name=data.practice_name, address_lines=data.address_lines, postcode=data.postcode,
                    nation=nation,
                    contact_name=data.contact_name, contact_role=data.contact_role, contact_email=data.contact_email,
                    principles=data.principles, consent_public=data.consent_public, link_nonce=new_nonce())
    db.session.add(pledge)
    db.session.flush()
    audit.record("pledge.submitted", pledge, actor="contact", to_state=PledgeStatus.UNCONFIRMED,
                 in_directory=practice is not None, nation=nation)
    _queue_confirmation(pledge)
    db.session.commit()
    return pledge


def _queue_confirmation(pledge: Pledge) -> None:
    mail.queue(pledge.contact_email, "confirm_pledge", pledge=pledge,
               confirm_url=link_url(pledge, "confirm"),
               days=CONFIRM_MAX_AGE.days)


def load_claimed(claim: LinkClaim) -> Pledge:
    pledge = db.session.get(Pledge, claim.pledge_id)
    if pledge is None:
        raise BadLink("This pledge no longer exists. Unconfirmed pledges are deleted after 30 days; you can pledge again.")
    return pledge


def confirm(claim: LinkClaim, now: dt.datetime | None = None) -> str:
    """'confirmed', 'already' (confirmed before), 'expired' or 'used' (a newer link was sent)."""
    now = now or utcnow()
    pledge = load_claimed(claim)
    if pledge.status is not PledgeStatus.UNCONFIRMED:
        return "already"
    if claim.nonce != pledge.link_nonce:
        return "used"
    if claim.expired(CONFIRM_MAX_AGE, now):
        return "expired"
    if update_rows(Pledge, Pledge.id == pledge.id, Pledge.status == PledgeStatus.UNCONFIRMED,
                   Pledge.link_nonce == claim.nonce,
                   status=PledgeStatus.WAITING, confirmed_at=now, link_nonce=new_nonce()) != 1:
        db.session.rollback()
        return "already"
    audit.record("pledge.confirmed", pledge, actor="contact", from_state=PledgeStatus.UNCONFIRMED,
                 to_state=PledgeStatus.WAITING)
    db.session.commit()
    return "confirmed"


def resend_confirmation(claim: LinkClaim, now: dt.datetime | None = None) -> str:
    """'sent', 'too-soon' (at most one fresh e-mail an hour) or 'already' (nothing left to confirm)."""
    now = now or utcnow()
    pledge = load_claimed(claim)
    if pledge.status is not PledgeStatus.UNCONFIRMED:
        return "already"
    if update_rows(Pledge, Pledge.id == pledge.id, Pledge.status == PledgeStatus.UNCONFIRMED,
                   Pledge.confirmation_sent_at <= now - RESEND_INTERVAL,
                   confirmation_sent_at=now, link_nonce=new_nonce()) != 1:
        db.session.rollback()
        return "too-soon"
    db.session.refresh(pledge)
    audit.record("pledge.confirmation_resent", pledge, actor="contact")
    _queue_confirmation(pledge)
    db.session.commit()
    return "sent"


def withdraw(claim: LinkClaim, now: dt.datetime | None = None) -> str:
    """Withdraw the pledge and take its listing down at once: 'withdrawn' or 'already'."""
    now = now or utcnow()
    pledge = load_claimed(claim)
    before = pledge.status
    if before not in (PledgeStatus.UNCONFIRMED, PledgeStatus.WAITING, PledgeStatus.APPROVED):
        return "already"
    if update_rows(Pledge, Pledge.id == pledge.id, Pledge.status == before,
                   status=PledgeStatus.WITHDRAWN, withdrawn_at=now) != 1:
        db.session.rollback()
        return "already"
    update_rows(Listing, Listing.pledge_id == pledge.id, Listing.active.is_(True),
                active=False, unlisted_at=now, unlisted_reason="Withdrawn by the practice")
    audit.record("pledge.withdrawn", pledge, actor="contact", from_state=before, to_state=PledgeStatus.WITHDRAWN)
    db.session.commit()
    return "withdrawn"


def reconfirm(claim: LinkClaim, now: dt.datetime | None = None) -> str:
    """Renew a listing after the yearly reminder: 'reconfirmed', 'expired', 'used' or 'not-listed'."""
    now = now or utcnow()
    pledge = load_claimed(claim)
    listing = pledge.listing
    if pledge.status is not PledgeStatus.APPROVED or listing is None or not listing.active:
        return "not-listed"
    if claim.nonce != pledge.link_nonce:
        return "used"
    if claim.expired(RECONFIRM_MAX_AGE + dt.timedelta(days=7), now):
        return "expired"
    pledge.link_nonce = new_nonce()
    listing.last_confirmed = now
    listing.reconfirm_requested_at = None
    audit.record("listing.reconfirmed", listing, actor="contact")
    db.session.commit()
    return "reconfirmed"
