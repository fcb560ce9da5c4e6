"""The one grammar of UK postcodes, for every package that reads one."""

import re

OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
FULL_POSTCODE = re.compile(rf"(?P<outward>{OUTWARD})(?P<inward>[0-9][A-Z]{{2}})")
DISTRICT = re.compile(OUTWARD)
# Loose enough for a mistyped postcode ("SW1A1A"): text meant as a postcode rather than a name or a place.
POSTCODE_LIKE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]{0,4}")


class NotAPostcode(ValueError):
    """The text is not shaped like a UK postcode or postcode district."""


def compact(text: str) -> str:
    return "".join(str(text).split()).upper()


def normalise_postcode(text: str) -> str | None:
    """'sw1a1aa' -> 'SW1A 1AA'; None when it is not shaped like a full UK postcode."""
    match = FULL_POSTCODE.fullmatch(compact(text))
    return f"{match['outward']} {match['inward']}" if match else None


def parse_postcode(text: str) -> tuple[str, str]:
    """('postcode', 'SW1A 1AA') or ('district', 'SE15') from any spacing and case; NotAPostcode otherwise."""
    if postcode := normalise_postcode(text):
        return "postcode", postcode
    if DISTRICT.fullmatch(compact(text)):
        return "district", compact(text)
    raise NotAPostcode(f"{str(text)[:20]!r} is not a UK postcode. Enter one like SW1A 1AA, or a district like SE15.")
