"""The languages offered for posters and patient cards: translation files, and the fonts they need."""

import functools
import json
import re
import shutil
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..paths import TRANSLATIONS

STRING_KEYS = frozenset(
    {
        "poster_heading",
        "poster_register",
        "poster_no_proof",
        "poster_interpreter",
        "card_heading",
        "card_no_proof",
        "card_interpreter",
        "card_request",
        "phone_label",
        "address_label",
        "nation_england",
        "nation_scotland",
        "nation_wales",
        "machine_translation",
    }
)
ENGLISH = "en"
REVIEW_DATE = re.compile(r"[0-9]{4}-[0-9]{2}")
FONT_FAMILY = re.compile(r"[A-Za-z0-9 ]{1,60}")  # it goes into the toolkit's stylesheet


@dataclass(frozen=True)
class Language:
    """One translation file: who it is for, how it is written and printed, and its sentences."""

    code: str
    name: str
    native_name: str
    script: str
    direction: str
    font_family: str
    strings: MappingProxyType
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
    """A translation file that the toolkit cannot use."""


def _load(path: Path) -> Language:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        strings, review = data["strings"], data["review"]
        reviewed = review["status"] == "reviewed"
        if review["status"] not in ("reviewed", "machine"):
            raise ValueError("review status must be 'reviewed' or 'machine'")
        language = Language(
            code=data["code"],
            name=data["name"],
            native_name=data["native_name"],
            script=data["script"],
            direction=data["direction"],
            font_family=data["font_family"],
            strings=MappingProxyType(dict(strings)),
            reviewed_by=str(review["by"]) if reviewed else None,
            reviewed_on=str(review["on"]) if reviewed else None,
        )
    except (ValueError, KeyError, TypeError) as error:
        raise TranslationFileError(f"{path.name}: not a valid translation file ({error!r})") from error
    if language.reviewed and not (language.reviewed_by.strip() and REVIEW_DATE.fullmatch(language.reviewed_on)):
        raise TranslationFileError(f"{path.name}: a review needs 'by' (a role) and 'on' (YYYY-MM)")
    if path.stem != language.code:
        raise TranslationFileError(f"{path.name}: its code is {language.code!r}; the file must be named after it")
    if language.direction not in ("ltr", "rtl"):
        raise TranslationFileError(f"{path.name}: direction must be 'ltr' or 'rtl'")
    if not FONT_FAMILY.fullmatch(language.font_family):
        raise TranslationFileError(f"{path.name}: font_family may hold only letters, digits and spaces")
    missing = STRING_KEYS - set(strings)
    if missing or not all(isinstance(v, str) and v.strip() for v in strings.values()):
        raise TranslationFileError(f"{path.name}: missing or empty strings: {sorted(missing) or 'some'}")
    return language


@functools.cache
def catalogue(directory: Path = TRANSLATIONS) -> MappingProxyType:
    """Every offered language by code, English first, then by English name."""
    languages = sorted(
        (_load(path) for path in directory.glob("*.json")), key=lambda lang: (lang.code != "en", lang.name)
    )
    return MappingProxyType({language.code: language for language in languages})


@functools.cache
def font_files() -> MappingProxyType:
    """Every font file fontconfig can see -> its family names, as WeasyPrint (through Pango) will see them."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return MappingProxyType({})
    # fc-list found on PATH, fixed arguments, no shell: no input of anyone's reaches the command.
    output = subprocess.run(
        [fc_list, ":", "file", "family"],
        capture_output=True,
        text=True,  # nosec B603
        check=True,
    ).stdout
    files: dict[str, frozenset[str]] = {}
    for line in output.splitlines():  # a font collection (.ttc) has a line for each of its faces
        path, _, names = line.partition(": ")
        files[path] = files.get(path, frozenset()) | {name.strip() for name in names.split(",") if name.strip()}
    return MappingProxyType(files)


@functools.cache
def installed_font_families() -> frozenset[str]:
    """Font families fontconfig can see."""
    return frozenset().union(*font_files().values())


def missing_fonts(languages) -> dict[str, str]:
    """Language name -> the font family it needs that is not installed."""
    installed = installed_font_families()
    return {lang.name: lang.font_family for lang in languages if lang.font_family not in installed}
