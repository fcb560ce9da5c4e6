"""The toolkit builder: PracticeDetails in, the toolkit's HTML and PDF out."""

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass

import jinja2
import segno
from markupsafe import Markup

from .. import nations
from ..paths import TOOLKIT_ASSETS, TOOLKIT_TEMPLATES
from ..pledges.principles import principles_for
from . import fitting, languages, renderer
from .details import PracticeDetails
from .errors import MissingFontError


@dataclass(frozen=True)
class Edition:
    """What the campaign sets once for every toolkit: its edition and when its content was reviewed."""

    edition: str
    content_reviewed: dt.date
    public_base_url: str = "http://127.0.0.1:5000"  # where the certificate's QR code points


@functools.cache
def environment() -> jinja2.Environment:
    """The toolkit's own Jinja2 environment: every template autoescaped, a missing value an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TOOLKIT_TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def chosen_languages(details: PracticeDetails) -> list[languages.Language]:
    return [languages.catalogue()[code] for code in details.languages]


REFERENCE_KEY = re.compile(r"[a-z0-9-]{1,40}")


@functools.cache
def all_references() -> tuple[dict, ...]:
    """Every source the toolkit may cite (toolkit_templates/references.json), each for the nations it speaks for."""
    entries = json.loads((TOOLKIT_TEMPLATES / "references.json").read_text(encoding="utf-8"))["references"]
    for entry in entries:
        # Keys become element ids and links, so they are checked here rather than trusted.
        if not REFERENCE_KEY.fullmatch(entry["key"]) or not set(entry["nations"]) <= set(nations.WITH_TOOLKIT):
            raise ValueError(f"references.json: bad key or nations in {entry['key']!r}")
    return tuple(entries)


def references_for(nation: str) -> list[dict]:
    """One nation's references list, in the order of the file: another nation's sources are never printed."""
    return [entry for entry in all_references() if nation in entry["nations"]]


def citer(references: list[dict]):
    """cite("sop", "gms") -> linked reference numbers; a key that is not in this nation's list is an error."""
    numbers = {entry["key"]: number for number, entry in enumerate(references, start=1)}

    def cite(*keys: str) -> Markup:
        missing = [key for key in keys if key not in numbers]
        if missing:
            raise KeyError(f"the toolkit cites {missing}, which are not in this nation's references")
        # Safe to mark up: the keys and numbers come from references.json, checked above.
        return Markup(
            "".join(
                f'<a class="citation" href="#ref-{key}">[{numbers[key]}]</a>'  # nosec B704
                for key in keys
            )
        )

    return cite


def month_year(day: dt.date) -> str:
    return f"{day:%B} {day.year}"


def _long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B} {day.year}"


def public_page_url(details: PracticeDetails, edition: Edition) -> str | None:
    """The practice's page on the public registry, or None without an ODS code."""
    if not details.ods_code:
        return None
    return f"{edition.public_base_url.rstrip('/')}/surgeries/{details.ods_code}"


def qr_svg(url: str) -> Markup:
    """A QR code as inline SVG markup: drawn by WeasyPrint without fetching anything (the fetcher stays strict).

    Its <title> says where it leads: WeasyPrint makes it the Figure's alternative text (/Alt), which PDF/UA needs.
    Safe to mark up: segno writes only path data and the title (escaped), and the URL is made of the base URL
    setting and an ODS code that details.py has checked is a letter and five digits.
    """
    svg = segno.make_qr(url, error="m").svg_inline(
        scale=1,
        omitsize=True,
        svgclass="certificate-qr-code",
        lineclass=None,
        title=f"QR code: a link to this practice's page on the Safe Surgeries registry, {url}",
    )
    return Markup(svg)  # nosec B704


SLOT_MODES = ("fill", "placeholder")


def toolkit_html(
    details: PracticeDetails,
    edition: Edition,
    today: dt.date | None = None,
    preview_stylesheet: str | None = None,
    fit_levels: dict[str, int] | None = None,
    measuring: bool = False,
    slot_mode: str = "fill",
    slot_sink=None,
) -> str:
    """Render the whole toolkit as one HTML document; a preview in the browser links its stylesheet.

    fit_levels: how far to shrink each fixed-size item's type (fitting.py); none shrunk by default.
    measuring: only the fixed-size items, on pages too tall to break, for fitting.py to measure.
    slot_mode: "fill" prints the practice's details in their slots (_macros.html: slot); "placeholder" leaves
    each slot holding a transparent placeholder, for pages that are the same for every practice (overlay.py).
    slot_sink: called with each filled slot's id, tag, classes and content (overlay.py collects them).
    """
    if slot_mode not in SLOT_MODES:
        raise ValueError(f"slot_mode must be one of {SLOT_MODES}, not {slot_mode!r}")
    levels = fit_levels or {}
    public_url = public_page_url(details, edition)
    references = references_for(details.nation)
    chosen = chosen_languages(details)
    return (
        environment()
        .get_template("toolkit.html")
        .render(
            public_url=public_url,
            certificate_qr=qr_svg(public_url) if public_url else None,
            practice=details,
            nation=details.nation,
            principles=[text for _, text in principles_for(details.nation)],  # what the pledge form signs, too
            nation_name=nations.name(details.nation),
            references=references,
            cite=citer(references),
            languages=chosen,
            english=languages.catalogue()[languages.ENGLISH],
            unreviewed=[lang for lang in chosen if not lang.reviewed],
            fit_level=lambda item: levels.get(item, 0),
            measuring=measuring,
            slot_mode=slot_mode,
            slot_sink=slot_sink,
            title=toolkit_title(details) if slot_mode == "fill" else "Safe Surgeries toolkit",
            language_footer=functools.partial(language_footer, nations.name(details.nation), edition),
            footer=(
                f"Safe Surgeries toolkit for {nations.name(details.nation)}, edition {edition.edition}. "
                f"Content last reviewed {month_year(edition.content_reviewed)}."
            ),
            edition=edition.edition,
            content_reviewed=month_year(edition.content_reviewed),
            generated_on=_long_date(today or dt.date.today()),
            preview_stylesheet=preview_stylesheet,
        )
    )


def toolkit_title(details: PracticeDetails) -> str:
    """The PDF's title (its metadata, which viewers show): the edition pages' is replaced by overlay.py."""
    return f"Safe Surgeries toolkit: {details.practice_name}"


def language_footer(nation_name: str, edition: Edition, language: languages.Language) -> str:
    """A poster's or card sheet's footer: the review date speaks only for what was reviewed."""
    footer = (
        f"Safe Surgeries toolkit for {nation_name}, edition {edition.edition}. "
        f"English content last reviewed {month_year(edition.content_reviewed)}."
    )
    if language.code == languages.ENGLISH:
        return footer
    return f"{footer} {language.name} translation: {language.review_status()}."


def stylesheets() -> list[str]:
    return [toolkit_css(), language_css()]


@functools.cache
def toolkit_css() -> str:
    return (TOOLKIT_ASSETS / "toolkit.css").read_text(encoding="utf-8")


@functools.cache
def language_css() -> str:
    """An explicit font family for each offered language, chosen by its lang attribute.

    fontconfig's fallback picks the wrong faces (Japanese shapes for Chinese, Naskh for Urdu),
    so every language's pages name their font. The families come from our translation files,
    which languages.py checks hold only letters, digits and spaces.
    """
    rules = [
        f'[lang="{lang.code}"] {{ font-family: "{lang.font_family}", "Noto Sans"; }}'
        for lang in languages.catalogue().values()
    ]
    return "\n".join(rules)


def check_fonts(details: PracticeDetails) -> None:
    """Refuse languages whose fonts are missing, rather than print their pages as empty boxes."""
    missing = languages.missing_fonts(chosen_languages(details))
    if missing:
        names = "; ".join(f"{name} needs the font '{family}'" for name, family in missing.items())
        raise MissingFontError(
            f"Cannot print these languages because their fonts are not installed: {names}. "
            "Run `safesurgeries doctor` to see how to install them."
        )


def build_toolkit(details: PracticeDetails, edition: Edition, today: dt.date | None = None) -> bytes:
    """Render the toolkit PDF for one practice, every fixed-size page shrunk until its content fits.

    The one font check of a build (MissingFontError): wherever it renders, in the web process or a queue worker.
    """
    check_fonts(details)
    today = today or dt.date.today()
    document, _ = fitting.layout_fitted(
        lambda levels, measuring: renderer.layout(
            toolkit_html(details, edition, today, fit_levels=levels, measuring=measuring), stylesheets()
        )
    )
    return renderer.write(document)


def download_name(details: PracticeDetails) -> str:
    """safe-surgeries-toolkit-<ODS code or a slug of the name>.pdf"""
    slug = details.ods_code or re.sub(r"[^a-z0-9]+", "-", details.practice_name.lower()).strip("-")
    return f"safe-surgeries-toolkit-{slug or 'practice'}.pdf"
