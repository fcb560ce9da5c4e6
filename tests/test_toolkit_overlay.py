"""The overlay renderer makes the same document as the plain render, for any details the contract accepts.

Both renderers are given the same parsed details; tests/pdf_equivalence.py compares what a reader gets: each page's
text and image, the structure tree's roles, languages and alternative texts, bookmarks, links, metadata, and the
PDF/UA check of both.
"""

import datetime as dt
import io

import pypdf
import pytest
from conftest import LONGEST_PRACTICE, PRACTICE, TYPICAL_PRACTICE
from pdf_equivalence import differences

from safesurgeries.toolkit import builder, overlay
from safesurgeries.toolkit.pdf_cache import PdfCache

EDITION = builder.Edition("2026.2", dt.date(2026, 11, 1), "https://safesurgeries.example")
TODAY = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return PdfCache(tmp_path_factory.mktemp("overlay-store"), 512 * 1024 * 1024)


def both(details, store):
    return builder.build_toolkit(details, EDITION, TODAY), overlay.build_toolkit(details, EDITION, store, TODAY)


NO_OPTIONAL_FIELDS = {
    "practice_name": "Hill Surgery",
    "address_lines": ["1 Hill Road"],
    "postcode": "EH1 1YZ",  # Scotland
    "languages": ["en", "ur", "ti"],
}


@pytest.mark.parametrize(
    "case, data",
    [
        ("typical, England, Arabic", PRACTICE),
        ("no optional field, Scotland", NO_OPTIONAL_FIELDS),
        ("typical, every language", TYPICAL_PRACTICE),
        ("longest accepted input, Wales, every language", LONGEST_PRACTICE),
    ],
)
def test_the_overlay_makes_the_plain_renders_document(parse, store, case, data):
    plain, fast = both(parse(data), store)
    assert differences(plain, fast) == [], case


def test_edition_pages_are_made_once_per_nation_and_language_set(parse, tmp_path):
    store = PdfCache(tmp_path, 512 * 1024 * 1024)
    first = parse(PRACTICE)
    overlay.build_toolkit(first, EDITION, store, TODAY)
    edition_pages = tmp_path / "edition-pages"
    assert len(list(edition_pages.glob("*.pdf"))) == 1  # finished toolkits are the caller's to store
    other_practice = parse({**PRACTICE, "practice_name": "Quay Surgery", "phone": "020 7946 0999"})
    overlay.build_toolkit(other_practice, EDITION, store, TODAY)
    assert len(list(edition_pages.glob("*.pdf"))) == 1
    overlay.build_toolkit(parse({**PRACTICE, "languages": ["bn"]}), EDITION, store, TODAY)
    assert len(list(edition_pages.glob("*.pdf"))) == 2
    assert not list(tmp_path.glob("*.pdf"))


def test_the_practices_markup_stays_text_in_the_overlay(parse, store):
    name = 'Surgery <img src="x.png"> & <b>Co</b>'
    plain, fast = both(parse({**PRACTICE, "practice_name": name}), store)
    assert differences(plain, fast) == []
    cover = " ".join(pypdf.PdfReader(io.BytesIO(fast)).pages[0].extract_text().split())
    assert name in cover
