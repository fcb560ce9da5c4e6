"""Changes since a moment: what a mirror of the open data needs to stay right without downloading everything.

A listed practice counts as changed when its listing or its directory entry was written at or after the
moment (listings.updated_at changes with every edit, see freshness.py; practices.updated_at with every
directory import that changed it). A listing that left the list since then is a removal: a tombstone with
the ODS code and when it left, nothing else (never a reason, never anything from the pledge). A practice
that left and came back is simply listed. Demo data is deleted when it is unloaded, not unlisted, so it
leaves no tombstones (nor does a demo listing an admin unlisted): every item says whether it is demo, and a
mirror that sees the answer's `demo` turn false deletes the items it holds marked demo (or downloads
everything again).
"""

import datetime as dt

from sqlalchemy import or_, select

from ..clock import as_utc
from ..extensions import db
from ..pledges.models import Listing
from ..practices.models import Practice
from .search import SearchError

EXAMPLE = "2026-01-31T09:00:00Z"


def parse_changed_since(text: str | None) -> dt.datetime | None:
    """An ISO 8601 date or date and time (UTC unless it says otherwise) as an aware datetime; None if absent."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.upper())  # RFC 3339 allows a lower-case t and z
        return as_utc(moment).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):  # OverflowError: year 1 with a negative offset, say
        raise SearchError(
            "changed_since", f"changed_since must be a date or a date and time, like {EXAMPLE}."
        ) from None


def changes_since(moment: dt.datetime) -> tuple[set[str], list[dict]]:
    """(ODS codes of listed practices changed at or after moment, tombstones of listings removed since then)."""
    rows = db.session.execute(
        select(
            Practice.ods_code,
            Listing.active,
            Listing.updated_at,
            Listing.unlisted_at,
            Listing.updated_at >= moment,
            Listing.is_demo | Practice.is_demo,
        )
        .join(Practice, Listing.practice_id == Practice.id)
        .where(
            or_(
                Listing.updated_at >= moment,
                Listing.listed_since >= moment,
                Listing.last_confirmed >= moment,
                Listing.unlisted_at >= moment,
                Practice.updated_at >= moment,
            )
        )
    ).all()
    listed = set(
        db.session.scalars(
            select(Practice.ods_code).join(Listing, Listing.practice_id == Practice.id).where(Listing.active.is_(True))
        )
    )
    changed, removed = set(), {}
    for ods_code, active, updated_at, unlisted_at, listing_changed, is_demo in rows:
        if active:
            changed.add(ods_code)
        elif (
            not is_demo
            and ods_code not in listed
            and (listing_changed or (unlisted_at and as_utc(unlisted_at) >= moment))
        ):
            # Only the listing's own change makes a removal news: a later directory import touches the practice.
            when = as_utc(unlisted_at or updated_at)
            removed[ods_code] = max(when, removed.get(ods_code, when))
    tombstones = [
        {"ods_code": code, "removed_at": when.isoformat().replace("+00:00", "Z")}
        for code, when in sorted(removed.items())
    ]
    return changed, tombstones
