"""The toolkit builder: PracticeDetails in, the toolkit's HTML and PDF out."""

import datetime as dt
import functools
import re
from dataclasses import dataclass

import jinja2
import segno
from markupsafe import Markup

from ..paths import TOOLKIT_ASSETS, TOOLKIT_TEMPLATES
from . import languages, renderer
from .details import PracticeDetails


@dataclass(frozen=True)
class Edition:
    """What the campaign sets once for every toolkit: its edition and when its content was reviewed."""

    edition: str
    content_reviewed: dt.date
    public_base_url: str = "http://127.0.0.1:5000"  # where the certificate's QR code points


class MissingFontError(RuntimeError):
    """A chosen language's font is not installed, so its pages would print as empty boxes."""


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
        scale=1, omitsize=True, svgclass="certificate-qr-code", lineclass=None,
        title=f"QR code: a link to this practice's page on the Safe Surgeries registry, {url}")
    return Markup(svg)  # nosec B704


def toolkit_html(details: PracticeDetails, edition: Edition, today: dt.date | None = None,
                 preview_stylesheet: str | None = None) -> str:
    """Render the whole toolkit as one HTML document; a preview in the browser links its stylesheet."""
    public_url = public_page_url(details, edition)
    return environment().get_template("toolkit.html").render(
        public_url=public_url,
        certificate_qr=qr_svg(public_url) if public_url else None,
        practice=details,
        languages=chosen_languages(details),
        edition=edition.edition,
        content_reviewed=month_year(edition.content_reviewed),
        generated_on=_long_date(today or dt.date.today()),
        preview_stylesheet=preview_stylesheet,
    )


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
    rules = [f'[lang="{lang.code}"] {{ font-family: "{lang.font_family}", "Noto Sans"; }}'
             for lang in languages.catalogue().values()]
    return "\n".join(rules)


def check_fonts(details: PracticeDetails) -> None:
    """Refuse languages whose fonts are missing, rather than print their pages as empty boxes."""
    missing = languages.missing_fonts(chosen_languages(details))
    if missing:
        names = "; ".join(f"{name} needs the font '{family}'" for name, family in missing.items())
        raise MissingFontError(f"Cannot print these languages because their fonts are not installed: {names}. "
                               "Run `safesurgeries doctor` to see how to install them.")


def build_toolkit(details: PracticeDetails, edition: Edition, today: dt.date | None = None) -> bytes:
    """Render the toolkit PDF for one practice."""
    check_fonts(details)
    return renderer.render_pdf(toolkit_html(details, edition, today), [toolkit_css(), language_css()])


def download_name(details: PracticeDetails) -> str:
    """safe-surgeries-toolkit-<ODS code or a slug of the name>.pdf"""
    slug = details.ods_code or re.sub(r"[^a-z0-9]+", "-", details.practice_name.lower()).strip("-")
    return f"safe-surgeries-toolkit-{slug or 'practice'}.pdf"
