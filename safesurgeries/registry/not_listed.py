"""What the listing address of a practice that is not on the registry says: which practice, and whether it was."""

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


def not_listed(ods_code: str) -> NotListed:
    """For /surgeries/<ODS code> when find_listing found nothing (a printed QR code can outlive its listing)."""
    code = "".join(ods_code.split()).upper()[:10]
    practice = find_practice(code)
    was_listed = (
        db.session.scalar(
            db.select(Listing.id)
            .join(Practice, Listing.practice_id == Practice.id)
            .where(Practice.ods_code == code, Listing.active.is_(False))
            .limit(1)
        )
        is not None
    )
    return NotListed(code, as_written(practice).name if practice else None, was_listed)
