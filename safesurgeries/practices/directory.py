"""Looking practices up in the directory."""

from dataclasses import dataclass

from sqlalchemy import case, or_

from ..extensions import db
from .models import Practice, PracticeStatus
from .naming import WrittenPractice, written_practice

SEARCH_LIMIT = 20


def find_practice(ods_code: str) -> Practice | None:
    """A practice in the NHS directory (never a demo practice) by its ODS code."""
    return db.session.scalar(
        db.select(Practice).where(Practice.ods_code == ods_code.strip().upper(), Practice.is_demo.is_(False))
    )


def search_practices(query: str, limit: int = SEARCH_LIMIT) -> list[Practice]:
    """Practices whose name, ODS code or postcode match; exact code first, then open GP practices."""
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
