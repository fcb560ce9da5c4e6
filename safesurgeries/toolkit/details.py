"""The practice details contract: one validation for the form, the JSON API, the CLI and the batch CSV.

The practice's own fields follow practices/fields.py, the rules the pledge form follows too.
"""

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from email_validator import EmailNotValidError, validate_email

from .. import nations
from ..practices import fields as practice_fields
from ..practices.fields import FieldError
from .errors import DetailsError, NorthernIrelandError

WEBSITE = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)

FIELDS = (
    "practice_name",
    "ods_code",
    "address_lines",
    "postcode",
    "nation",
    "phone",
    "email",
    "website",
    "contact_name",
    "contact_role",
    "care_of_address_lines",
    "interpreting_service",
    "languages",
)
LIST_FIELDS = ("address_lines", "care_of_address_lines", "languages")
ENGLISH = "en"


@dataclass(frozen=True)
class PracticeDetails:
    """Validated details of one practice: the toolkit builder's only input."""

    practice_name: str
    address_lines: tuple[str, ...]
    postcode: str
    nation: str  # one of nations.WITH_TOOLKIT: whose rules the toolkit states
    ods_code: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    contact_name: str | None = None
    contact_role: str | None = None
    care_of_address_lines: tuple[str, ...] = ()
    interpreting_service: str | None = None
    languages: tuple[str, ...] = (ENGLISH,)
    care_of_is_practice_address: bool = field(init=False)

    def __post_init__(self):
        if not self.care_of_address_lines:
            object.__setattr__(self, "care_of_address_lines", (*self.address_lines, self.postcode))
        object.__setattr__(self, "care_of_is_practice_address", self._care_of_is_own_address())

    def _care_of_is_own_address(self) -> bool:
        """The practice's own address, even written differently ("c/o Hill Surgery, Patient Post Desk", ...):
        the care-of address has the practice's postcode and its first address line or its name."""
        care_of = " ".join(_normalised(self.care_of_address_lines))
        if _normalised(self.care_of_address_lines) == _normalised((*self.address_lines, self.postcode)):
            return True
        first_line, name = _normalised((self.address_lines[0], self.practice_name))
        return _normalised((self.postcode,))[0] in care_of and (first_line in care_of or name in care_of)

    def as_dict(self) -> dict:
        """The details as the JSON contract spells them (the inverse of parse_details)."""
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name in FIELDS
            if (value := getattr(self, name)) not in (None, ())
        }


def _normalised(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(" ".join(line.split()).casefold() for line in lines)


def parse_details(
    data: Any, known_languages: Iterable[str] = (ENGLISH,), *, nation_of: Callable[[str], str | None]
) -> PracticeDetails:
    """Validate raw details (a JSON-like mapping) and return PracticeDetails, or raise DetailsError.

    nation_of gives a postcode's nation (the postcode index's lookup): the toolkit follows the rules of the
    nation the practice is in, so a postcode and a stated nation that disagree are an error, never a guess.
    """
    if not isinstance(data, Mapping):
        raise DetailsError({"details": ["Send the practice details as a JSON object of named fields."]})
    errors: dict[str, list[str]] = {}
    for name in data:
        if name not in FIELDS:
            errors.setdefault(str(name), []).append(
                f"'{name}' is not a field we know. The fields are: {', '.join(FIELDS)}."
            )

    checker = _Checker(data, errors)
    values = {
        "practice_name": checker.text("practice_name", "the practice's name", practice_fields.practice_name),
        "ods_code": checker.text("ods_code", "the ODS code", practice_fields.ods_code),
        "address_lines": checker.lines("address_lines", "the practice's address", practice_fields.address_lines),
        "postcode": checker.text("postcode", "the practice's postcode", practice_fields.postcode),
        "nation": checker.nation(),
        "phone": checker.text("phone", "the phone number", practice_fields.phone),
        "email": checker.email(),
        "website": checker.website(),
        "contact_name": checker.text("contact_name", "the contact's name", practice_fields.contact_name),
        "contact_role": checker.text("contact_role", "the contact's role", practice_fields.contact_role),
        "care_of_address_lines": checker.lines("care_of_address_lines", "the care-of address", _care_of_lines),
        "interpreting_service": checker.line("interpreting_service", "the interpreting service", 160),
        "languages": checker.languages(set(known_languages)),
    }
    if values["postcode"] is not None:
        values["nation"] = checker.reconcile_nation(values["postcode"], values["nation"], nation_of)
    if values["nation"] == nations.NORTHERN_IRELAND:
        raise NorthernIrelandError()
    if errors:
        raise DetailsError(errors)
    return PracticeDetails(**{k: v for k, v in values.items() if v not in (None, ())})


def _care_of_lines(lines: list[str]) -> tuple[str, ...]:
    """The address patients may give instead of their own: postcode included, so one line more than an address."""
    return practice_fields.address_lines(
        lines, "the care-of address", max_lines=practice_fields.ADDRESS_MAX_LINES + 1, required=False
    )


class _Checker:
    """Reads one field at a time, recording a plain-words error per problem.

    The shapes are JSON's (text, a list of lines); the rules for a practice's fields are practices.fields's,
    the same the pledge form uses.
    """

    def __init__(self, data: Mapping, errors: dict[str, list[str]]):
        self.data = data
        self.errors = errors

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, what: str, rule: Callable[[str], Any]) -> Any:
        """A text field, checked by its rule; None when it is missing or breaks the rule."""
        raw = self.data.get(name)
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            self.fail(name, f"Enter {what} as text.")
            return None
        try:
            return rule(raw)
        except FieldError as error:
            self.fail(name, str(error))
            return None

    def line(self, name: str, what: str, max_length: int) -> str | None:
        """An optional field of one line of printable text."""
        return self.text(name, what, lambda value: practice_fields.text(value, what, max_length=max_length))

    def lines(self, name: str, what: str, rule: Callable[[list[str]], tuple[str, ...]]) -> tuple[str, ...]:
        """A list of lines, checked by its rule; () when it is missing or breaks the rule."""
        raw = self.data.get(name)
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            self.fail(name, f"Give {what} as a list of lines.")
            return ()
        for number, item in enumerate(raw, start=1):
            if not isinstance(item, str):
                self.fail(name, f"Enter line {number} of {what} as text.")
                return ()
        try:
            return rule(raw)
        except FieldError as error:
            self.fail(name, str(error))
            return ()

    def nation(self) -> str | None:
        raw = self.data.get("nation")
        if raw is None or raw == "":
            return None
        given = raw.strip().casefold().replace(" ", "-") if isinstance(raw, str) else None
        if given not in nations.ALL:
            self.fail("nation", f"Give the nation as one of: {', '.join(nations.ALL)}.")
            return None
        return given

    def reconcile_nation(self, postcode: str, given: str | None, nation_of: Callable[[str], str | None]) -> str | None:
        """The postcode's nation; a stated nation must agree with it, and stands alone only for an unknown postcode."""
        found = nation_of(postcode)
        if found and given and found != given:
            self.fail(
                "nation",
                f"The postcode {postcode} is in {nations.name(found)}, not {nations.name(given)}. "
                "Each nation has its own rules: check the postcode, or leave the nation out.",
            )
            return None
        if found is None and given is None:
            self.fail(
                "postcode",
                f"We cannot tell which nation {postcode} is in: it is not in the ONS Postcode "
                "Directory. Check the postcode, or say which nation the practice is in.",
            )
        return found or given

    def email(self) -> str | None:
        value = self.line("email", "the e-mail address", 254)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            self.fail("email", "Enter an e-mail address in the right form, like reception@example.nhs.net.")
            return None

    def website(self) -> str | None:
        value = self.line("website", "the website address", 200)
        if value is None:
            return None
        if not WEBSITE.fullmatch(value):
            self.fail("website", "Enter the website's full address, starting with https://.")
            return None
        return value

    def languages(self, known: set[str]) -> tuple[str, ...]:
        raw = self.data.get("languages")
        if raw is None:
            return (ENGLISH,)
        if not isinstance(raw, list) or not all(isinstance(code, str) for code in raw):
            self.fail("languages", 'Give the languages as a list of language codes, like ["ar", "bn"].')
            return (ENGLISH,)
        canonical = {code.lower(): code for code in known}  # BCP 47 tags are case-insensitive
        chosen = [ENGLISH]
        for given in (item.strip() for item in raw):
            code = canonical.get(given.lower())
            if code is None:
                self.fail("languages", f"'{given}' is not a language we offer; see /api/v1/languages for the codes.")
            elif code not in chosen:
                chosen.append(code)
        return tuple(chosen)
