"""The rules for a practice's details, one set for every way they arrive: the toolkit's details contract (its
form, the JSON API, `toolkit build` and `toolkit batch`) and the pledge form.

Each rule takes the text as given and returns it tidied, or raises FieldError whose message says in plain
words what is wrong; the callers put that message at their own field. The limits are the toolkit's: its
fixed-size cards and posters are fitted for the longest details these rules accept (a 120-character name,
five 80-character address lines, a 30-character phone; tests/conftest.py's LONGEST_PRACTICE), so none may grow
without fitting the toolkit again. The database's columns are wider.
"""

import unicodedata
from typing import Iterable

import phonenumbers

from ..postcodes.grammar import normalise_postcode
from .codes import ODS_CODE

NAME_MAX = 120
ADDRESS_LINE_MAX = 80
ADDRESS_MAX_LINES = 5
PHONE_MAX = 30
CONTACT_NAME_MAX = 120
CONTACT_ROLE_MAX = 80
UK_CALLING_CODE = 44

# What the forms' hints say, from the same limits (README.md repeats them).
ADDRESS_HINT = (
    f"One line per line of the address, up to {ADDRESS_MAX_LINES} lines of at most {ADDRESS_LINE_MAX} "
    "characters, without the postcode."
)
PHONE_HINT = "A UK number as you would write it, like 020 7946 0123 or (01248) 123 456; an extension as ext 2."


class FieldError(ValueError):
    """A value breaks its field's rule; str(error) says what is wrong, in plain words."""


def _capitalised(what: str) -> str:
    return what[0].upper() + what[1:]


def text(value: str, what: str, *, max_length: int, required: bool = False, one_space: bool = False) -> str | None:
    """One line of printable text, trimmed and in Unicode's composed form (NFC); None when empty and optional.

    what names the field in messages ("the practice's name"); one_space makes each run of spaces one.
    """
    value = unicodedata.normalize("NFC", value.strip())
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in value):
        raise FieldError(
            f"{_capitalised(what)} contains characters that cannot be printed "
            "(such as control characters or line breaks); remove them."
        )
    if one_space:
        value = " ".join(value.split())
    if not value:
        if required:
            raise FieldError(f"Enter {what}.")
        return None
    if len(value) > max_length:
        raise FieldError(f"{_capitalised(what)} must be {max_length} characters or fewer (it is {len(value)}).")
    return value


def practice_name(value: str, required: bool = True) -> str | None:
    return text(value, "the practice's name", max_length=NAME_MAX, required=required)


def public_name(value: str) -> str | None:
    """A listing's name for the public, where empty means the directory's name."""
    return practice_name(value, required=False)


def address_lines(
    lines: Iterable[str],
    what: str = "the practice's address",
    *,
    max_lines: int = ADDRESS_MAX_LINES,
    required: bool = True,
) -> tuple[str, ...]:
    """The address's lines, empty ones left out: each at most ADDRESS_LINE_MAX characters, at most max_lines."""
    kept = []
    for number, line in enumerate(lines, start=1):
        line = text(line, f"line {number} of {what}", max_length=ADDRESS_LINE_MAX)
        if line is not None:
            kept.append(line)
    if required and not kept:
        raise FieldError(f"Enter {what}.")
    if len(kept) > max_lines:
        raise FieldError(f"{_capitalised(what)} can have at most {max_lines} lines (it has {len(kept)}).")
    return tuple(kept)


def postcode(value: str) -> str:
    """A full UK postcode, written the standard way: 'se84ru' -> 'SE8 4RU'."""
    value = text(value, "the practice's postcode", max_length=40, required=True)
    normalised = normalise_postcode(value)
    if normalised is None:
        raise FieldError("Enter a real UK postcode, like SW1A 1AA.")
    return normalised


def ods_code(value: str) -> str | None:
    """The NHS code of a GP practice, upper-case; None when left out."""
    value = value.strip().upper()
    if not value:
        return None
    if not ODS_CODE.fullmatch(value):
        raise FieldError("Enter the ODS code as a letter followed by five digits, like A81001, or leave it out.")
    return value


def phone(value: str) -> str | None:
    """A UK phone number as the practice writes it (runs of spaces made one), for printing; None when left out.

    libphonenumber (the phonenumbers package) must find one valid UK number in the whole of the text, so
    "020 7946 0123", "(01248) 123 456", "+44 (0)20 7946 0123" and "01248 123456 ext 2" are accepted, and words
    around a number ("call 020 7946 0123"), two numbers, a number not in use in the UK's numbering plan
    (111, 07700 900123) and a number abroad are not.
    """
    value = text(value, "the phone number", max_length=PHONE_MAX, one_space=True)
    if value is None:
        return None
    # ASCII only: libphonenumber also reads other scripts' digits, which the toolkit's fonts may not print.
    if not value.isascii() or not _one_uk_number(value):
        raise FieldError("Enter a UK phone number, like 020 7946 0123 or (01248) 123 456.")
    return value


def _one_uk_number(value: str) -> bool:
    for match in phonenumbers.PhoneNumberMatcher(value, "GB", leniency=phonenumbers.Leniency.VALID):
        if match.start == 0 and match.end == len(value):
            return match.number.country_code == UK_CALLING_CODE
    return False


def contact_name(value: str) -> str | None:
    return text(value, "the contact's name", max_length=CONTACT_NAME_MAX)


def contact_role(value: str) -> str | None:
    return text(value, "the contact's role", max_length=CONTACT_ROLE_MAX)
