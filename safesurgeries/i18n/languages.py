"""The languages the site and the toolkit offer: who each is for, how it is written and printed, its review, and
its patient sentences from the gettext catalogs.

translations/languages.json lists them; translations/<catalog>/LC_MESSAGES/messages.po holds each one's
sentences (what Poedit, Weblate and every translator's tool edit). A language's review status sits in
languages.json, beside its catalog: a catalog's header has no field for it that `pybabel update` would keep.
"""

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from babel.messages.pofile import read_po

from ..paths import TRANSLATIONS
from .patient_text import SHEET_TEXT

STRING_KEYS = frozenset(SHEET_TEXT)
ENGLISH = "en"
REVIEW_DATE = re.compile(r"[0-9]{4}-[0-9]{2}")
FONT_FAMILY = re.compile(r"[A-Za-z0-9 ]{1,60}")  # it goes into the toolkit's stylesheet
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?")  # BCP 47: language, and a script where it matters


@dataclass(frozen=True)
class Language:
    """One offered language: its BCP 47 code, names, script, direction, font, review and patient sentences."""

    code: str  # BCP 47, as HTML's lang and the PDF's /Lang say it: "zh-Hans", "prs"
    catalog: str  # the catalog's folder, a locale Babel knows: "zh_Hans"; Dari ("prs") is Babel's "fa_AF"
    name: str
    native_name: str
    script: str
    direction: str
    font_family: str
    strings: MappingProxyType  # the poster and card sentences (patient_text.SHEET_TEXT's keys)
    reviewed_by: str | None = None  # a role, never a private name; None: a machine translation, not yet reviewed
    reviewed_on: str | None = None  # YYYY-MM

    @property
    def reviewed(self) -> bool:
        return self.reviewed_by is not None

    def review_status(self) -> str:
        """How far to trust this translation, in words."""
        if self.reviewed:
            return f"reviewed by {self.reviewed_by}, {self.reviewed_on}"
        return "machine translation, not yet reviewed by a fluent speaker"

    def public(self) -> dict:
        """The fields the languages API publishes."""
        return {
            "code": self.code,
            "name": self.name,
            "native_name": self.native_name,
            "script": self.script,
            "direction": self.direction,
            "reviewed": self.reviewed,
            "review": self.review_status(),
        }


class TranslationFileError(ValueError):
    """A language entry or catalog that the site and the toolkit cannot use."""


def catalog_path(directory: Path, catalog: str) -> Path:
    return directory / catalog / "LC_MESSAGES" / "messages.po"


def sheet_strings(path: Path) -> dict[str, str]:
    """The catalog's translated patient sentences, by key; a fuzzy or empty translation counts as missing."""
    with path.open("rb") as file:
        messages = read_po(file)
    found = {}
    for key, english in SHEET_TEXT.items():
        message = messages.get(english, context=key)
        if message is not None and message.string and not message.fuzzy and message.string.strip():
            found[key] = message.string
    return found


def _language(entry: dict, directory: Path) -> Language:
    code = entry.get("code", "?")
    try:
        review = entry["review"]
        if review["status"] not in ("reviewed", "machine"):
            raise ValueError("review status must be 'reviewed' or 'machine'")
        reviewed = review["status"] == "reviewed"
        catalog = entry.get("catalog", code.replace("-", "_"))
        if code == ENGLISH:
            strings = dict(SHEET_TEXT)  # English is the source: the msgids themselves
        elif (path := catalog_path(directory, catalog)).is_file():
            strings = sheet_strings(path)
        else:
            raise TranslationFileError(f"{code}: no catalog at {path}")
        language = Language(
            code=code,
            catalog=catalog,
            name=entry["name"],
            native_name=entry["native_name"],
            script=entry["script"],
            direction=entry["direction"],
            font_family=entry["font_family"],
            strings=MappingProxyType(strings),
            reviewed_by=str(review["by"]) if reviewed else None,
            reviewed_on=str(review["on"]) if reviewed else None,
        )
    except (ValueError, KeyError, TypeError, OSError) as error:
        if isinstance(error, TranslationFileError):
            raise
        raise TranslationFileError(f"{code}: not a valid language entry or catalog ({error!r})") from error
    if not LANGUAGE_CODE.fullmatch(language.code):
        raise TranslationFileError(f"{code}: not a BCP 47 language code of the form 'ar' or 'zh-Hans'")
    if language.reviewed and not (language.reviewed_by.strip() and REVIEW_DATE.fullmatch(language.reviewed_on)):
        raise TranslationFileError(f"{code}: a review needs 'by' (a role) and 'on' (YYYY-MM)")
    if language.direction not in ("ltr", "rtl"):
        raise TranslationFileError(f"{code}: direction must be 'ltr' or 'rtl'")
    if not FONT_FAMILY.fullmatch(language.font_family):
        raise TranslationFileError(f"{code}: font_family may hold only letters, digits and spaces")
    missing = STRING_KEYS - set(strings)
    if missing:
        raise TranslationFileError(f"{code}: the catalog has no translation for {sorted(missing)}")
    return language


@functools.cache
def catalogue(directory: Path = TRANSLATIONS) -> MappingProxyType:
    """Every offered language by code, English first, then by English name."""
    try:
        entries = json.loads((directory / "languages.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TranslationFileError(f"{directory / 'languages.json'}: {error}") from error
    languages = sorted(
        (_language(entry, directory) for entry in entries), key=lambda lang: (lang.code != ENGLISH, lang.name)
    )
    if len({language.code for language in languages}) != len(languages):
        raise TranslationFileError("languages.json lists a language twice")
    return MappingProxyType({language.code: language for language in languages})
