"""Fixed-size pages never lose the practice's details: read from the PDF's character positions, every card and
poster holds the practice's name, address and phone whole, inside its own box, on its own page, in every language,
for a typical practice and for the longest details the contract accepts."""

import functools
import io
from dataclasses import dataclass

import pdfplumber
import pytest
from conftest import ALL_LANGUAGES, LONGEST_PRACTICE, TYPICAL_PRACTICE, outline

from safesurgeries.toolkit import languages

MM = 72 / 25.4
CARD_SIZE = (105 * MM - 16 * MM, 78 * MM)  # half the A4 text width by the card's height, in points
NAMES = {code: language.name for code, language in languages.catalogue().items()}
TOOLKITS = {"typical": TYPICAL_PRACTICE, "longest": LONGEST_PRACTICE}


def squash(text: str) -> str:
    """Text without whitespace: a name wrapped over lines, or a PDF's extra spaces, still compares equal."""
    return "".join(text.split())


@pytest.fixture(scope="module")
def toolkits(toolkit_pdf_for):
    return {name: toolkit_pdf_for(details).data for name, details in TOOLKITS.items()}


def pages_of(pdf: bytes, title: str) -> range:
    """The pages a bookmarked section covers, up to the next bookmark."""
    marks = outline(pdf)
    for index, (name, start) in enumerate(marks):
        if name == title:
            end = marks[index + 1][1] if index + 1 < len(marks) else start + 1
            return range(start, end)
    raise AssertionError(f"no bookmark {title!r}")


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    chars: list
    rects: list


# Reading a page's characters takes seconds: each page is read once (conftest's outline is cached too), and the
# many tests below ask the cache (the PDFs never change during a run).
@functools.lru_cache(maxsize=256)
def page_of(pdf: bytes, number: int) -> Page:
    with pdfplumber.open(io.BytesIO(pdf), pages=[number + 1]) as document:
        (page,) = document.pages
        return Page(page.width, page.height, page.chars, page.rects)


def inside(char, box, slack=0.5) -> bool:
    x0, top, x1, bottom = box
    return (
        char["x0"] >= x0 - slack
        and char["x1"] <= x1 + slack
        and char["top"] >= top - slack
        and char["bottom"] <= bottom + slack
    )


def overlaps(char, box) -> bool:
    x0, top, x1, bottom = box
    return char["x0"] < x1 and char["x1"] > x0 and char["top"] < bottom and char["bottom"] > top


def text_of(chars) -> str:
    """The characters line by line, each line left to right as printed: a left-to-right name or phone inside a
    right-to-left page reads in order, whatever order the PDF draws its glyphs in."""
    return squash(pdfplumber.utils.extract_text(chars))


def card_boxes(page) -> list[tuple[float, float, float, float]]:
    """The six cards of a sheet, from their dashed cutting guides (each card's own border box)."""
    width, height = CARD_SIZE
    boxes = {
        (round(rect["x0"]), round(rect["top"]), round(rect["x1"]), round(rect["bottom"]))
        for rect in page.rects
        if abs(rect["width"] - width) < 4 and abs(rect["height"] - height) < 4
    }
    merged = []  # a border is drawn as a few nearly equal rectangles: keep one per card
    for box in sorted(boxes):
        if not any(abs(box[0] - other[0]) < 3 and abs(box[1] - other[1]) < 3 for other in merged):
            merged.append(box)
    return merged


def content_inside_margins(pdf: bytes, title: str, left: float, top: float, bottom: float) -> list:
    """The characters above a one-page section's bottom margin (in mm), checked to lie inside all its margins
    and none crossing the bottom one (below it is only the running footer)."""
    (number,) = pages_of(pdf, title)
    page = page_of(pdf, number)
    area = (left * MM, top * MM, page.width - left * MM, page.height - bottom * MM)
    content = [char for char in page.chars if char["bottom"] <= area[3] + 0.5]
    assert all(inside(char, area) for char in content)
    assert not [char for char in page.chars if char["top"] < area[3] < char["bottom"]], "text crosses the margin"
    return content


def practice_texts(details: dict) -> list[str]:
    return [details["practice_name"], details["phone"]]


@pytest.mark.parametrize("toolkit", TOOLKITS)
def test_every_page_is_there_once_and_in_order(toolkits, toolkit):
    marks = outline(toolkits[toolkit])
    titles = [title for title, _ in marks]
    posters = [f"Poster: {NAMES[code]}" for code in ["en", *ALL_LANGUAGES]]
    cards = [f"Patient cards: {NAMES[code]}" for code in ["en", *ALL_LANGUAGES]]
    assert titles[-len(posters) * 2 - 1 :] == [*posters, *cards, "References"]
    starts = [start for _, start in marks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    # Each poster, each card sheet, the certificate, the pledge and the reception guide is exactly one page.
    for title in [*posters, *cards, "Certificate", "The Safe Surgery pledge", "Reception guide"]:
        assert len(pages_of(toolkits[toolkit], title)) == 1, title


@pytest.mark.parametrize("code", ["en", *ALL_LANGUAGES])
@pytest.mark.parametrize("toolkit", TOOLKITS)
def test_each_card_holds_the_practice_name_and_phone_whole(toolkits, toolkit, code):
    pdf, details = toolkits[toolkit], TOOLKITS[toolkit]
    (number,) = pages_of(pdf, f"Patient cards: {NAMES[code]}")
    page = page_of(pdf, number)
    boxes = card_boxes(page)
    assert len(boxes) == 6, boxes
    for box in boxes:
        card_chars = [char for char in page.chars if inside(char, box)]
        straddling = [char["text"] for char in page.chars if overlaps(char, box) and not inside(char, box)]
        assert not straddling, f"text crosses a cutting line: {''.join(straddling)!r}"
        for text in practice_texts(details):
            assert squash(text) in text_of(card_chars), (text, text_of(card_chars)[-200:])


@pytest.mark.parametrize("code", ["en", *ALL_LANGUAGES])
@pytest.mark.parametrize("toolkit", TOOLKITS)
def test_each_poster_holds_the_practice_name_address_and_phone_inside_the_page(toolkits, toolkit, code):
    details = TOOLKITS[toolkit]
    content = content_inside_margins(toolkits[toolkit], f"Poster: {NAMES[code]}", left=14, top=14, bottom=20)
    for text in [*practice_texts(details), *details["address_lines"], details["postcode"]]:
        assert squash(text) in text_of(content), text


@pytest.mark.parametrize("toolkit", TOOLKITS)
def test_certificate_holds_the_name_inside_its_frame(toolkits, toolkit):
    content = content_inside_margins(toolkits[toolkit], "Certificate", left=16, top=18, bottom=20)
    assert squash(TOOLKITS[toolkit]["practice_name"]) in text_of(content)


def test_cards_shrink_their_type_only_as_far_as_their_text_needs(toolkits):
    """Cards use their space: a short English card keeps the full size, and the longest details shrink the type
    further than a typical practice's on the cards whose languages leave the least room."""

    def phone_size(pdf: bytes, language: str) -> float:  # the phone is the only thing with digits on a card
        (number,) = pages_of(pdf, f"Patient cards: {language}")
        page = page_of(pdf, number)
        return max(
            char["size"] for char in page.chars if char["text"].isdigit() and char["bottom"] < page.height - 20 * MM
        )

    assert phone_size(toolkits["typical"], "English") > 9.5  # toolkit.css's full size: 10.5 pt x 0.95
    smaller = [
        NAMES[code]
        for code in ALL_LANGUAGES
        if phone_size(toolkits["longest"], NAMES[code]) < phone_size(toolkits["typical"], NAMES[code]) - 0.1
    ]
    assert smaller, "the longest details shrank no card sheet further than a typical practice's"
