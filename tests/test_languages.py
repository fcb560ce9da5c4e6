"""Posters and patient cards in every offered language: the right font, no missing glyph, readable text."""

import difflib
import functools
import io
import re
import subprocess
import unicodedata

import pypdf
import pytest
from conftest import TYPICAL_PRACTICE, outline
from fontTools.ttLib import TTFont

from safesurgeries.i18n import fonts
from safesurgeries.toolkit import languages

CATALOGUE = languages.catalogue()
REQUIRED = {
    "Albanian",
    "Amharic",
    "Arabic",
    "Bengali",
    "Chinese (Simplified)",
    "Dari",
    "English",
    "Farsi",
    "French",
    "Gujarati",
    "Kurdish (Sorani)",
    "Pashto",
    "Polish",
    "Portuguese",
    "Punjabi (Gurmukhi)",
    "Romanian",
    "Russian",
    "Somali",
    "Spanish",
    "Tamil",
    "Tigrinya",
    "Turkish",
    "Ukrainian",
    "Urdu",
    "Vietnamese",
}
POSTER_KEYS = ("poster_heading", "poster_register", "poster_no_proof", "nation_england", "poster_interpreter")


@pytest.fixture(scope="module")
def all_languages_pdf(toolkit_pdf_for):
    return toolkit_pdf_for(TYPICAL_PRACTICE).data


def bookmarked_page(pdf: bytes, title: str) -> tuple[pypdf.PdfReader, int]:
    for name, number in outline(pdf):
        if name == title:
            return reader_of(pdf), number
    raise AssertionError(f"no bookmark {title!r}")


@functools.lru_cache(maxsize=2)
def reader_of(pdf: bytes) -> pypdf.PdfReader:
    """One reader per PDF for the whole module: parsing a 75-page toolkit again for each language takes seconds."""
    return pypdf.PdfReader(io.BytesIO(pdf))


def page_font_families(page) -> set[str]:
    """The font families that a page's text is really drawn with (from its content stream's Tf operators)."""
    fonts = {name: font.get_object() for name, font in page["/Resources"]["/Font"].items()}
    content = page.get_contents().get_data().decode("latin-1")
    return {str(fonts["/" + name]["/BaseFont"]).split("+", 1)[1] for name in re.findall(r"/(\S+) [\d.]+ Tf", content)}


def font_cmap(family: str) -> set[int]:
    """Code points that the installed face of a family has glyphs for (what fontconfig gives WeasyPrint)."""
    found = subprocess.run(
        ["fc-match", "-f", "%{file}\n%{index}", family], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    with TTFont(found[0], fontNumber=int(found[1] or 0), lazy=True) as font:
        return set(font.getBestCmap())


def letters(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) != "Cf")


def test_all_required_languages_are_offered():
    assert REQUIRED <= {language.name for language in CATALOGUE.values()}


def test_languages_api_lists_each_language_with_its_fields(client):
    body = client.get("/api/v1/languages").get_json()["languages"]
    assert len(body) == len(CATALOGUE) >= 25
    arabic = next(item for item in body if item["code"] == "ar")
    assert arabic == {
        "code": "ar",
        "name": "Arabic",
        "native_name": "العربية",
        "script": "Arab",
        "direction": "rtl",
        "reviewed": False,
        "review": "machine translation, not yet reviewed by a fluent speaker",
    }
    english = next(item for item in body if item["code"] == "en")
    assert english["reviewed"] is True and english["review"].startswith("reviewed by Safe Surgeries content editor")


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_poster_uses_the_languages_font_with_no_missing_glyph(all_languages_pdf, code):
    language = CATALOGUE[code]
    reader, number = bookmarked_page(all_languages_pdf, f"Poster: {language.name}")
    assert language.font_family.replace(" ", "-") in page_font_families(reader.pages[number])
    # Every character of every sentence has a glyph in the language's font or in the stylesheet's
    # fallback, Noto Sans: nothing is left to fontconfig's guesses or drawn as .notdef boxes.
    covered = font_cmap(language.font_family) | font_cmap("Noto Sans")
    missing = {ch for ch in letters("".join(language.strings.values())) if ord(ch) not in covered}
    assert not missing, missing


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_poster_text_extracts_with_name_phone_and_translation_in_logical_order(all_languages_pdf, code):
    language = CATALOGUE[code]
    reader, number = bookmarked_page(all_languages_pdf, f"Poster: {language.name}")
    text = reader.pages[number].extract_text()
    assert "Riverside Medical Centre" in text
    assert "020 7946 0123" in text  # kept left to right, even inside right-to-left text
    expected = letters("".join(language.strings[key] for key in POSTER_KEYS))
    extracted = letters(text)[: len(expected) + 10]
    # autojunk off: on texts of over 200 characters it ignores a script's common letters, which says nothing of order.
    forward = difflib.SequenceMatcher(None, expected, extracted, autojunk=False).ratio()
    backward = difflib.SequenceMatcher(None, expected[::-1], extracted, autojunk=False).ratio()
    # Indic pre-base vowels and Nastaliq ligatures come back a little shuffled; anything reversed would not match.
    assert forward >= 0.75 and forward > backward + 0.2, (forward, backward)


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_cards_carry_the_language_and_english(all_languages_pdf, code):
    language = CATALOGUE[code]
    reader, number = bookmarked_page(all_languages_pdf, f"Patient cards: {language.name}")
    assert language.font_family.replace(" ", "-") in page_font_families(reader.pages[number])
    text = reader.pages[number].extract_text()
    assert text.count("Registering with a GP") == 6
    if not language.reviewed:  # said in the language and in English, on every card
        assert text.count("This translation was made by machine") == 6


def test_poster_and_card_pages_declare_lang_and_dir(parse):
    import datetime as dt

    from bs4 import BeautifulSoup

    from safesurgeries.toolkit.builder import Edition, toolkit_html

    details = parse(
        {
            "practice_name": "Dr Siân & Partners — Ynys Môn",
            "address_lines": ["1 Road"],
            "postcode": "N1 9GU",
            "phone": "020 7946 0123",
            "languages": ["ur", "zh-Hans"],
        }
    )
    page = BeautifulSoup(toolkit_html(details, Edition("1", dt.date(2026, 11, 1))), "html.parser")
    urdu = page.find(id="poster-ur")
    assert (urdu["lang"], urdu["dir"]) == ("ur", "rtl")
    assert urdu.find(class_="phone")["dir"] == "ltr"
    # The practice's own words are isolated left to right on a right-to-left page, so "&" and "—" stay put.
    name = urdu.find(class_="poster-practice-name").find("bdi")
    assert (name["dir"], name.get_text()) == ("ltr", "Dr Siân & Partners — Ynys Môn")
    assert all(line.find("bdi")["dir"] == "ltr" for line in urdu.find_all(class_="address-line"))
    assert page.find(id="cards-ur").find(class_="card-from").find("bdi")["dir"] == "ltr"
    assert page.find(id="poster-zh-Hans")["lang"] == "zh-Hans"
    assert page.find(id="cards-ur").find(lang="ur")["dir"] == "rtl"


@pytest.mark.parametrize("code", ["ar", "ur", "bn", "zh-Hans"])
def test_rendered_poster_has_ink_where_the_heading_is(all_languages_pdf, tmp_path, code):
    reader, number = bookmarked_page(all_languages_pdf, f"Poster: {CATALOGUE[code].name}")
    pdf_path = tmp_path / "toolkit.pdf"
    pdf_path.write_bytes(all_languages_pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "30",
            "-gray",
            "-f",
            str(number + 1),
            "-l",
            str(number + 1),
            "-singlefile",
            str(pdf_path),
            str(tmp_path / "poster"),
        ],
        check=True,
    )
    pgm = (tmp_path / "poster.pgm").read_bytes()
    header = pgm.split(b"\n", 3)
    width, height = map(int, header[1].split())
    pixels = header[3]
    heading_band = pixels[int(height * 0.05) * width : int(height * 0.25) * width]
    ink = sum(1 for value in heading_band if value < 128) / len(heading_band)
    assert ink > 0.01, f"only {ink:.2%} ink in the heading area"


def test_a_language_whose_font_is_missing_is_refused_by_name(client, runner, monkeypatch):
    monkeypatch.setattr(fonts, "installed_font_families", lambda: frozenset({"Noto Sans"}))
    response = client.post(
        "/api/v1/toolkits",
        json={"practice_name": "P", "address_lines": ["1 Road"], "postcode": "N1 9GU", "languages": ["ti"]},
    )
    assert response.status_code == 503
    assert "Tigrinya needs the font 'Noto Sans Ethiopic'" in response.get_json()["message"]
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1
    assert "[MISSING] Font for Tigrinya (ti): font 'Noto Sans Ethiopic' missing" in result.output


def test_every_poster_and_card_sheet_fits_on_one_page(all_languages_pdf):
    starts = outline(all_languages_pdf)
    for (title, start), (_, next_start) in zip(starts, starts[1:]):
        if title.startswith(("Poster: ", "Patient cards: ")):
            assert next_start - start == 1, f"{title} runs over {next_start - start} pages"
