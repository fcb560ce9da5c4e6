"""What the listing address of a practice that is not on the registry says: which practice, and whether it was.

Three cases, all answered 404 (not 410 Gone: a practice may pledge and be listed again at the same address,
and the open data API answers 404 for anything not listed): a code no practice has; a practice that was
never listed (a pledge waiting for review is not mentioned: nothing private about a pledge is shown before
it is approved); a practice whose listing was withdrawn or lapsed ("no longer listed").
"""

from dataclasses import dataclass

from ..extensions import db
from ..pledges.models import Listing
from ..practices.directory import as_written, find_practice
from ..practices.models import Practice


@dataclass(frozen=True)
class NotListed:
    ods_code: str
    name: str | None  # the directory's practice, cased as a person writes it; None when the code is not in it
    was_listed: bool  # withdrawn, unlisted or lapsed: "no longer listed"
    nation: str | None = None  # the practice's nation, whose registration rules the page may state; None if unknown


def not_listed(ods_code: str) -> NotListed:
    """For /surgeries/<ODS code> when find_listing found nothing (a printed QR code can outlive its listing)."""
    code = "".join(ods_code.split()).upper()[:10]
    practice = find_practice(code)
    was_listed = (
        db.session.scalar(
            db.select(Listing.id)
            .join(Practice, Listing.practice_id == Practice.id)
            .where(Practice.ods_code == code, Practice.is_demo.is_(False), Listing.active.is_(False))
            .limit(1)
        )
        is not None
    )
    if practice is None:
        return NotListed(code, None, was_listed)
    return NotListed(code, as_written(practice).name, was_listed, practice.nation)
