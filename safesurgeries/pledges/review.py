"""What a reviewer needs to know beside each pledge: the queue, the checks, how long it has waited.
The decisions themselves are lifecycle.py's (approve, reject)."""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import or_

from .. import nations
from ..clock import as_utc
from ..extensions import db
from ..practices.codes import GP_PRACTICE_SETTING
from .models import Listing, Pledge, PledgeStatus

NHS_MAIL_DOMAIN = "nhs.net"
QUEUE_FILTERS = {
    "waiting": PledgeStatus.WAITING,
    "approved": PledgeStatus.APPROVED,
    "rejected": PledgeStatus.REJECTED,
    "withdrawn": PledgeStatus.WITHDRAWN,
    "expired": PledgeStatus.EXPIRED,
}
QUEUE_LIMIT = 500


def queue(status_name: str) -> list[Pledge]:
    """Pledges in one state (a QUEUE_FILTERS name), oldest confirmation first."""
    return list(
        db.session.scalars(
            db.select(Pledge)
            .where(Pledge.status == QUEUE_FILTERS[status_name])
            .order_by(Pledge.confirmed_at, Pledge.id)
            .limit(QUEUE_LIMIT)
        )
    )


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
        result.append(
            Check(
                "In the NHS directory",
                False,
                f"Entered by hand{f' with ODS code {pledge.ods_code}' if pledge.ods_code else ''}: "
                "not in the directory. Check the practice exists.",
            )
        )
    else:
        result.append(
            Check(
                "Open GP practice",
                practice.is_open_gp_practice,
                f"{practice.ods_code} is {practice.status.name.lower()}"
                + (
                    ", a GP practice"
                    if practice.prescribing_setting == GP_PRACTICE_SETTING
                    else f", not a GP practice (prescribing setting {practice.prescribing_setting})"
                ),
            )
        )
        same = (practice.postcode or "").replace(" ", "") == pledge.postcode.replace(" ", "")
        result.append(
            Check(
                "Postcode matches the directory",
                same,
                f"pledge {pledge.postcode}, directory {practice.postcode or 'none'}",
            )
        )
    result.append(
        Check(
            "Nation known",
            pledge.nation is not None,
            f"{nations.name(pledge.nation)}: the principles signed are worded for it"
            if pledge.nation
            else "the postcode is not in the ONS Postcode Directory: check which "
            "nation the practice is in (we list none in Northern Ireland)",
        )
    )
    email = pledge.contact_email or ""
    on_nhs_mail = email.lower().endswith("@" + NHS_MAIL_DOMAIN)
    result.append(
        Check(
            "E-mail on nhs.net",
            on_nhs_mail,
            "nhs.net address"
            if on_nhs_mail
            else f"{email.rpartition('@')[2] or 'no address'}: not nhs.net, check the sender works at the practice",
        )
    )
    listed = _active_listing(pledge)
    result.append(
        Check(
            "Not already listed",
            listed is None,
            "no active listing" if listed is None else f"listed since {listed.listed_since:%d %B %Y}",
        )
    )
    others = _other_pledges(pledge)
    result.append(
        Check(
            "No other pledge for this practice",
            not others,
            "none" if not others else ", ".join(f"#{p.id} ({p.status.value})" for p in others),
        )
    )
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
    return list(
        db.session.scalars(
            db.select(Pledge).where(
                condition,
                Pledge.id != pledge.id,
                Pledge.status.in_([PledgeStatus.UNCONFIRMED, PledgeStatus.WAITING, PledgeStatus.APPROVED]),
            )
        )
    )


def _active_listing(pledge: Pledge) -> Listing | None:
    if pledge.practice_id is None:
        return None
    return db.session.scalar(
        db.select(Listing).where(Listing.practice_id == pledge.practice_id, Listing.active.is_(True))
    )


def waited(pledge: Pledge, now: dt.datetime) -> str:
    """How long a confirmed pledge has waited for a decision, for the queue."""
    if pledge.confirmed_at is None:
        return "not confirmed"
    hours = int((now - as_utc(pledge.confirmed_at)).total_seconds() // 3600)
    return f"{hours // 24} days" if hours >= 48 else f"{hours} hours"
