"""Fonts the site serves itself, for scripts an ordinary phone may have no font for.

Ethiopic (Amharic, Tigrinya) is missing from many phones' system fonts, so the page would show empty boxes. The
site serves a subset of the Noto font the toolkit already prints these languages with: only the characters
its catalogs use, as WOFF2 (a few tens of kilobytes). The stylesheet's unicode-range means a browser fetches it
only for a page with Ethiopic text, and only when no font before it in the list has the characters.
"""

import functools
import io
from dataclasses import dataclass

from babel.messages.pofile import read_po
from fontTools import subset
from fontTools.ttLib import TTFont

from ..paths import TRANSLATIONS
from .fonts import font_files
from .languages import catalog_path, catalogue


@dataclass(frozen=True)
class WebFont:
    script: str  # ISO 15924, as languages.json names it
    family: str  # the installed Noto family to subset


WEB_FONTS = {"ethiopic": WebFont(script="Ethi", family="Noto Sans Ethiopic")}
WEIGHTS = {400: "Regular", 700: "Bold"}


class NoSuchFont(LookupError):
    pass


def _text_for(script: str) -> str:
    """Every character the site may show in that script: the catalogs' sentences and the languages' own names."""
    text = set("0123456789 .,:;!?()-–%")
    for language in catalogue().values():
        text |= set(language.native_name)
        if language.script != script:
            continue
        with catalog_path(TRANSLATIONS, language.catalog).open("rb") as file:
            for message in read_po(file):
                text |= set(message.string if isinstance(message.string, str) else "".join(message.string))
    return "".join(sorted(text))


def _font_path(family: str, style: str) -> str:
    for path, names in font_files().items():
        if family in names and path.endswith(f"-{style}.ttf"):
            return path
    raise NoSuchFont(f"{family} {style} is not installed")


@functools.cache
def woff2(name: str, weight: int) -> bytes:
    """The subset font, made once per process (about a second)."""
    if name not in WEB_FONTS or weight not in WEIGHTS:
        raise NoSuchFont(name)
    font_spec = WEB_FONTS[name]
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]  # keep the shaping rules the script needs
    font = TTFont(_font_path(font_spec.family, WEIGHTS[weight]))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=_text_for(font_spec.script))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()
