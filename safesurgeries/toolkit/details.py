"""The practice details contract: one validation for the form, the JSON API, the CLI and the batch CSV."""

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

from email_validator import EmailNotValidError, validate_email

from .. import nations
from ..postcodes.grammar import normalise_postcode
from ..practices.codes import ODS_CODE

PHONE = re.compile(r"\+?[0-9][0-9 ()\-]*")
WEBSITE = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)

FIELDS = (
    "practice_name", "ods_code", "address_lines", "postcode", "nation", "phone", "email", "website",
    "contact_name", "contact_role", "care_of_address_lines", "interpreting_service", "languages",
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
        return {name: list(value) if isinstance(value, tuple) else value
                for name in FIELDS if (value := getattr(self, name)) not in (None, ())}


def _normalised(lines: Iterable[str]) -> tuple[str, ...]:
    return tuple(" ".join(line.split()).casefold() for line in lines)


class DetailsError(ValueError):
    """Invalid details; errors maps each field to plain-words messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))
        self.errors = errors


# What a practice in Northern Ireland is told instead of a toolkit.
NORTHERN_IRELAND_MESSAGE = ("There is no toolkit for practices in Northern Ireland, because the rules there differ "
                            "from England's, Scotland's and Wales's. " + nations.NORTHERN_IRELAND_RULES)


class NorthernIrelandError(DetailsError):
    """The practice is in Northern Ireland, where registration works differently: there is no toolkit for it."""


def parse_details(data: Any, known_languages: Iterable[str] = (ENGLISH,), *,
                  nation_of: Callable[[str], str | None]) -> PracticeDetails:
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
                f"'{name}' is not a field we know. The fields are: {', '.join(FIELDS)}.")

    checker = _Checker(data, errors)
    values = {
        "practice_name": checker.text("practice_name", "the practice's name", required=True, max_length=120),
        "ods_code": checker.ods_code(),
        "address_lines": checker.lines("address_lines", "the practice's address", required=True, max_lines=5),
        "postcode": checker.postcode(),
        "nation": checker.nation(),
        "phone": checker.phone(),
        "email": checker.email(),
        "website": checker.website(),
        "contact_name": checker.text("contact_name", "the contact's name", max_length=120),
        "contact_role": checker.text("contact_role", "the contact's role", max_length=80),
        "care_of_address_lines": checker.lines("care_of_address_lines", "the care-of address", max_lines=6),
        "interpreting_service": checker.text("interpreting_service", "the interpreting service", max_length=160),
        "languages": checker.languages(set(known_languages)),
    }
    if values["postcode"] is not None:
        values["nation"] = checker.reconcile_nation(values["postcode"], values["nation"], nation_of)
    if values["nation"] == nations.NORTHERN_IRELAND:
        raise NorthernIrelandError({"postcode": [NORTHERN_IRELAND_MESSAGE]})
    if errors:
        raise DetailsError(errors)
    return PracticeDetails(**{k: v for k, v in values.items() if v not in (None, ())})


class _Checker:
    """Reads one field at a time, recording a plain-words error per problem."""

    def __init__(self, data: Mapping, errors: dict[str, list[str]]):
        self.data = data
        self.errors = errors

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def _clean(self, name: str, value: Any, what: str) -> str | None:
        if not isinstance(value, str):
            self.fail(name, f"Enter {what} as text.")
            return None
        value = unicodedata.normalize("NFC", value.strip())
        if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in value):
            self.fail(name, f"{what[0].upper()}{what[1:]} contains characters that cannot be printed "
                            "(such as control characters or line breaks); remove them.")
            return None
        return value

    def text(self, name: str, what: str, *, required: bool = False, max_length: int) -> str | None:
        raw = self.data.get(name)
        if raw is None or raw == "":
            if required:
                self.fail(name, f"Enter {what}.")
            return None
        value = self._clean(name, raw, what)
        if value is None:
            return None
        if not value:
            if required:
                self.fail(name, f"Enter {what}.")
            return None
        if len(value) > max_length:
            self.fail(name, f"{what[0].upper()}{what[1:]} must be {max_length} characters or fewer "
                            f"(it is {len(value)}).")
            return None
        return value

    def lines(self, name: str, what: str, *, required: bool = False, max_lines: int) -> tuple[str, ...]:
        raw = self.data.get(name)
        if raw is None:
            raw = []
        if not isinstance(raw, list):
            self.fail(name, f"Give {what} as a list of lines.")
            return ()
        lines = []
        for number, item in enumerate(raw, start=1):
            line = self._clean(name, item, f"line {number} of {what}")
            if line is None:
                return ()
            if len(line) > 80:
                self.fail(name, f"Line {number} of {what} must be 80 characters or fewer (it is {len(line)}).")
                return ()
            if line:
                lines.append(line)
        if required and not lines:
            self.fail(name, f"Enter {what}: at least one line.")
        elif len(lines) > max_lines:
            self.fail(name, f"{what[0].upper()}{what[1:]} can have at most {max_lines} lines "
                            f"(it has {len(lines)}).")
            return ()
        return tuple(lines)

    def ods_code(self) -> str | None:
        value = self.text("ods_code", "the ODS code", max_length=20)
        if value is None:
            return None
        value = value.upper()
        if not ODS_CODE.fullmatch(value):
            self.fail("ods_code", "Enter the ODS code as a letter followed by five digits, like A81001.")
            return None
        return value

    def postcode(self) -> str | None:
        value = self.text("postcode", "the postcode", required=True, max_length=40)
        if value is None:
            return None
        normalised = normalise_postcode(value)
        if normalised is None:
            self.fail("postcode", "Enter a real UK postcode, like SW1A 1AA.")
        return normalised

    def nation(self) -> str | None:
        raw = self.data.get("nation")
        if raw is None or raw == "":
            return None
        given = raw.strip().casefold().replace(" ", "-") if isinstance(raw, str) else None
        if given not in nations.ALL:
            self.fail("nation", f"Give the nation as one of: {', '.join(nations.ALL)}.")
            return None
        return given

    def reconcile_nation(self, postcode: str, given: str | None,
                         nation_of: Callable[[str], str | None]) -> str | None:
        """The postcode's nation; a stated nation must agree with it, and stands alone only for an unknown postcode."""
        found = nation_of(postcode)
        if found and given and found != given:
            self.fail("nation", f"The postcode {postcode} is in {nations.name(found)}, not {nations.name(given)}. "
                                "Each nation has its own rules: check the postcode, or leave the nation out.")
            return None
        if found is None and given is None:
            self.fail("postcode", f"We cannot tell which nation {postcode} is in: it is not in the ONS Postcode "
                                  "Directory. Check the postcode, or say which nation the practice is in.")
        return found or given

    def phone(self) -> str | None:
        value = self.text("phone", "the phone number", max_length=30)
        if value is None:
            return None
        if not PHONE.fullmatch(value) or sum(ch.isdigit() for ch in value) < 6:
            self.fail("phone", "Enter a phone number using digits, spaces, brackets and hyphens, "
                               "like 020 7946 0000.")
            return None
        return value

    def email(self) -> str | None:
        value = self.text("email", "the e-mail address", max_length=254)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized
        except EmailNotValidError:
            self.fail("email", "Enter an e-mail address in the right form, like reception@example.nhs.net.")
            return None

    def website(self) -> str | None:
        value = self.text("website", "the website address", max_length=200)
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
            self.fail("languages", "Give the languages as a list of language codes, like [\"ar\", \"bn\"].")
            return (ENGLISH,)
        canonical = {code.lower(): code for code in known}  # BCP 47 tags are case-insensitive
        chosen = [ENGLISH]
        for given in (item.strip() for item in raw):
            code = canonical.get(given.lower())
            if code is None:
                self.fail("languages", f"'{given}' is not a language we offer; "
                                       "see /api/v1/languages for the codes.")
            elif code not in chosen:
                chosen.append(code)
        return tuple(chosen)
