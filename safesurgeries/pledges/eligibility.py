"""Where a practice can pledge: the nation whose principles it signs, and Northern Ireland's refusal."""

from .. import nations
from ..postcodes import nation_of
from ..practices.directory import find_practice


class NotPledgeableHere(ValueError):
    """The practice is in a nation where the registry takes no pledges (Northern Ireland); nothing is stored."""


NORTHERN_IRELAND_REFUSAL = (
    "Your practice is in Northern Ireland, where we cannot take pledges. " + nations.NORTHERN_IRELAND_RULES
)


def pledge_nation(ods_code: str | None, postcode: str) -> str | None:
    """The nation whose principles a pledge follows: the directory practice's, else the postcode's (None if
    neither says). NotPledgeableHere for Northern Ireland."""
    practice = find_practice(ods_code) if ods_code else None
    nation = (practice.nation if practice else None) or nation_of(postcode)
    if nation == nations.NORTHERN_IRELAND:
        raise NotPledgeableHere(NORTHERN_IRELAND_REFUSAL)
    return nation
