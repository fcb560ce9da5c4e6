"""Looking practices up in the directory."""

from sqlalchemy import case, or_

from ..extensions import db
from .models import Practice, PracticeStatus

SEARCH_LIMIT = 20


def find_practice(ods_code: str) -> Practice | None:
    """A practice in the NHS directory (never a demo practice) by its ODS code."""
    return db.session.scalar(db.select(Practice).where(Practice.ods_code == ods_code.strip().upper(),
                                                       Practice.is_demo.is_(False)))


def search_practices(query: str, limit: int = SEARCH_LIMIT) -> list[Practice]:
    """Practices whose name, ODS code or postcode match; exact code first, then open GP practices."""
    if len(query) < 2:
        return []
    compact = "".join(query.split()).upper()
    statement = (
        db.select(Practice)
        .where(Practice.is_demo.is_(False), or_(
            Practice.name.icontains(query, autoescape=True),
            Practice.ods_code.startswith(compact, autoescape=True),
            db.func.replace(Practice.postcode, " ", "").startswith(compact, autoescape=True),
        ))
        .order_by(
            case((Practice.ods_code == compact, 0), else_=1),
            case((Practice.status == PracticeStatus.ACTIVE, 0), else_=1),
            Practice.name,
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def finder_results(args) -> tuple[str, list[Practice], dict | None]:
    """For the forms' no-JavaScript finder: the search text (?find=), its matches, and the chosen practice
    (?practice=) as a form's starting data (fields by name; a form takes those it has)."""
    find = args.get("find", "").strip()[:100]
    practice = find_practice(args.get("practice", "")[:20])
    chosen = practice and {"practice_name": practice.name, "ods_code": practice.ods_code,
                           "address_lines": "\n".join(practice.address_lines), "postcode": practice.postcode,
                           "phone": practice.phone}
    return find, search_practices(find) if find else [], chosen
