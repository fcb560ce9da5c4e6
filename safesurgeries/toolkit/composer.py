"""The fast path: sections that hold no practice data are laid out once per process and their pages reused.

A toolkit is laid out with blank placeholder pages where those sections go (so the contents, the page
numbers and the page count come out as in one whole layout); the cached pages of each fixed section,
laid out for the same first page and page count, then take the placeholders' places, and WeasyPrint
writes the pages as one document (Document.copy keeps the tags, bookmarks and links, which splicing
finished PDFs would lose). tests/test_toolkit_fast_path.py checks the result equals builder.build_toolkit.
"""

import datetime as dt
import functools
import logging
import threading

from markupsafe import Markup
from weasyprint.document import Document

from . import builder, renderer
from .details import PracticeDetails

log = logging.getLogger(__name__)

# Two practices that differ in every field, and their languages: a section that renders the same for both
# holds no practice data.
_PROBES = (
    PracticeDetails(practice_name="Probe One Surgery", ods_code="A00001", address_lines=("1 First Street",),
                    postcode="AB1 2CD", phone="0100 000 0001", email="one@example.org", website="https://one.example",
                    contact_name="Ann One", contact_role="Manager", care_of_address_lines=("Hub One",),
                    interpreting_service="Service One", languages=("en",)),
    PracticeDetails(practice_name="Probe Two Practice", ods_code=None, address_lines=("2 Second Road", "Town"),
                    postcode="ZZ9 9ZZ", phone=None, email=None, website=None, contact_name=None, contact_role=None,
                    care_of_address_lines=(), interpreting_service=None, languages=("en", "ar", "zh-Hans")),
)

# Renders share the cached pages; one at a time per process (the work is CPU-bound anyway).
_lock = threading.Lock()


@functools.cache
def fixed_sections() -> tuple[str, ...]:
    """The ids of the sections whose HTML is the same for every practice, edition and date."""
    template = builder.environment().get_template("fixed-section.html")
    fixed = []
    for section_id in builder.section_ids():
        renders = {template.render(id=section_id, practice=probe, languages=builder.chosen_languages(probe),
                                   edition=day.year, content_reviewed=day.month, generated_on=str(day),
                                   public_url=url, certificate_qr=url and Markup("<svg></svg>"))
                   for probe, day, url in zip(_PROBES, (dt.date(2001, 1, 1), dt.date(2002, 2, 2)),
                                              ("https://one.example/surgeries/A00001", None))}
        if len(renders) == 1:
            fixed.append(section_id)
    return tuple(fixed)


def _fixed_html(section_id: str) -> str:
    return builder.environment().get_template("fixed-section.html").render(id=section_id)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _page_css(edition: builder.Edition, first_page: int, total_pages: int) -> str:
    """Footers as in the whole toolkit: its running footer's text, and pages numbered from first_page."""
    footer = builder.environment().from_string('{% import "_macros.html" as m %}{{ m.running_footer(e, c) }}').render(
        e=edition.edition, c=builder.month_year(edition.content_reviewed))
    # Markup: footer is our own autoescaped template's output (edition settings, no user data); striptags
    # turns it back into plain text for a CSS string.
    return (f'@page :first {{ counter-set: page {first_page}; }}\n'
            f'@page {{ @bottom-left {{ content: {_css_string(Markup(footer).striptags())}; }}\n'  # nosec B704
            f'        @bottom-right {{ content: "Page " counter(page) " of {total_pages}"; }} }}\n'
            '.section { break-before: auto; }  /* each starts its own document */\n')


@functools.lru_cache(maxsize=64)  # a few MB each; toolkits of one page count share them
def _fixed_pages(section_id: str, edition: builder.Edition, first_page: int, total_pages: int) -> tuple:
    """The pages of one fixed section, numbered from first_page of total_pages (cached per process)."""
    document = renderer.layout(_fixed_html(section_id),
                               [builder.toolkit_css(), builder.language_css(), _page_css(edition, first_page, total_pages)])
    return tuple(document.pages)


@functools.lru_cache(maxsize=16)
def fixed_page_count(section_id: str, edition: builder.Edition) -> int:
    return len(_fixed_pages(section_id, edition, 1, 1))


def compose(details: PracticeDetails, edition: builder.Edition, today: dt.date | None = None) -> Document | None:
    """The toolkit's pages: the practice's own laid out now, the fixed sections' from the cache.

    None if a fixed section's pages do not fit its placeholder.
    """
    placeholders = {section_id: fixed_page_count(section_id, edition) for section_id in fixed_sections()}
    html = builder.toolkit_html(details, edition, today, placeholders=placeholders)
    document = renderer.layout(html, [builder.toolkit_css(), builder.language_css(), PLACEHOLDER_CSS])
    pages, total, index = [], len(document.pages), 0
    while index < total:
        page = document.pages[index]
        section_id = next((name for name in placeholders if name in page.anchors), None)
        if section_id is None:
            pages.append(page)
            index += 1
            continue
        fixed = _fixed_pages(section_id, edition, index + 1, total)
        if len(fixed) != placeholders[section_id]:
            return None  # cannot happen while page numbers leave the body's layout alone; never risk a wrong PDF
        pages.extend(fixed)
        index += len(fixed)
    return document.copy(pages)


# A placeholder page only needs to exist: one small block a page.
PLACEHOLDER_CSS = ".placeholder-page { height: 1px; } .placeholder-page + .placeholder-page { break-before: page; }"


def build_toolkit_fast(details: PracticeDetails, edition: builder.Edition, today: dt.date | None = None) -> bytes:
    """The same PDF as builder.build_toolkit, with the fixed sections' layout reused."""
    builder.check_fonts(details)
    with _lock:
        document = compose(details, edition, today)
        if document is None:
            log.error("A fixed section's pages did not fit its placeholder; rendering %r the plain way.",
                      details.practice_name)
            return builder.build_toolkit(details, edition, today)
        return renderer.write(document)
