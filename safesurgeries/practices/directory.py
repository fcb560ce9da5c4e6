"""Looking practices up in the directory."""

import math
from dataclasses import dataclass

from sqlalchemy import String, case, cast, or_

from ..extensions import db
from .models import Practice, PracticeStatus
from .naming import WrittenPractice, written_practice

SEARCH_LIMIT = 20


def find_practice(ods_code: str) -> Practice | None:
    """A practice in the NHS directory (never a demo practice) by its ODS code."""
    return db.session.scalar(
        db.select(Practice).where(Practice.ods_code == ods_code.strip().upper(), Practice.is_demo.is_(False))
    )


# A place's practices: those within this many degrees of latitude of it (about 7 miles), nearest first.
PLACE_SPAN_DEGREES = 0.1


def search_practices(query: str, limit: int = SEARCH_LIMIT) -> list[Practice]:
    """Practices whose name, ODS code or postcode match; exact code first, then open GP practices. If fewer than
    limit match, then practices in the place query names ("Harrow", "London": the registry's places, nearest to
    its centre first) or, for a place we cannot place, whose address mentions it."""
    found = _by_name_code_or_postcode(query, limit)
    if len(query) < 2 or len(found) >= limit:
        return found
    seen = {practice.id for practice in found}
    more = [p for p in _in_place(query, limit + len(seen)) if p.id not in seen]
    return found + more[: limit - len(found)]


def _in_place(query: str, limit: int) -> list[Practice]:
    # The registry's places: postcode districts, the directory's towns and a few cities (imported here, where it
    # is used, as the registry's modules import this package's models).
    from ..registry.places import OutsideTheNations, PlaceError, find_place, looks_like_postcode

    if looks_like_postcode(query):
        return []  # a postcode's practices are found by its prefix already
    try:
        origin = find_place(query)
    except (PlaceError, OutsideTheNations):
        origin = None
    open_first = case((Practice.status == PracticeStatus.ACTIVE, 0), else_=1)
    if origin is None:
        # Not a place we can put on a map: the practices whose address has the words in it.
        statement = (
            db.select(Practice)
            .where(Practice.is_demo.is_(False), cast(Practice.address_lines, String).icontains(query, autoescape=True))
            .order_by(open_first, Practice.name)
            .limit(limit)
        )
        return list(db.session.scalars(statement))
    span_lon = PLACE_SPAN_DEGREES / max(0.1, math.cos(math.radians(origin.latitude)))
    statement = db.select(Practice).where(
        Practice.is_demo.is_(False),
        Practice.latitude.between(origin.latitude - PLACE_SPAN_DEGREES, origin.latitude + PLACE_SPAN_DEGREES),
        Practice.longitude.between(origin.longitude - span_lon, origin.longitude + span_lon),
    )

    def distance(practice: Practice) -> float:
        dx = (practice.longitude - origin.longitude) * math.cos(math.radians(origin.latitude))
        return math.hypot(practice.latitude - origin.latitude, dx)

    nearby = sorted(db.session.scalars(statement), key=lambda p: (p.status is not PracticeStatus.ACTIVE, distance(p)))
    return nearby[:limit]


def _by_name_code_or_postcode(query: str, limit: int) -> list[Practice]:
    if len(query) < 2:
        return []
    compact = "".join(query.split()).upper()
    statement = (
        db.select(Practice)
        .where(
            Practice.is_demo.is_(False),
            or_(
                Practice.name.icontains(query, autoescape=True),
                Practice.ods_code.startswith(compact, autoescape=True),
                db.func.replace(Practice.postcode, " ", "").startswith(compact, autoescape=True),
            ),
        )
        .order_by(
            case((Practice.ods_code == compact, 0), else_=1),
            case((Practice.status == PracticeStatus.ACTIVE, 0), else_=1),
            Practice.name,
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def as_written(practice: Practice) -> WrittenPractice:
    """The practice's name and address as a person writes them (the directory keeps NHS England's capitals)."""
    return written_practice(practice.name, practice.address_lines)


def public_practice(practice: Practice) -> dict:
    """What the practices API gives: the directory's fields as published, and the name and address as written."""
    written = as_written(practice)
    return {**practice.public(), "written_name": written.name, "written_address_lines": written.address_lines}


@dataclass(frozen=True)
class FoundPractice:
    """One line of the no-JavaScript finder's results."""

    ods_code: str
    name: str
    postcode: str | None
    status: PracticeStatus


def finder_results(args) -> tuple[str, list[FoundPractice], dict | None]:
    """For the forms' no-JavaScript finder: the search text (?find=), its matches, and the chosen practice
    (?practice=) as a form's starting data (fields by name; a form takes those it has), name and address cased
    as a person writes them; the practice manager can still change them in the form."""
    find = args.get("find", "").strip()[:100]
    found = [
        FoundPractice(p.ods_code, as_written(p).name, p.postcode, p.status)
        for p in (search_practices(find) if find else [])
    ]
    practice = find_practice(args.get("practice", "")[:20])
    chosen = None
    if practice:
        written = as_written(practice)
        chosen = {
            "practice_name": written.name,
            "ods_code": practice.ods_code,
            "address_lines": "\n".join(written.address_lines),
            "postcode": practice.postcode,
            "phone": practice.phone,
        }
    return find, found, chosen
