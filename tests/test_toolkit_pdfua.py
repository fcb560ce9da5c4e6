"""The toolkit PDF with all 25 languages as a PDF/UA checker, a screen reader and a text extractor get it."""

import collections
import difflib
import io
import shutil
import subprocess  # nosec B404

import pdfua_check
import pypdf
import pytest
from conftest import LONGEST_PRACTICE, TYPICAL_PRACTICE

from safesurgeries.i18n.languages import catalogue
from safesurgeries.paths import TRANSLATIONS

ZWNJ = "\u200c"


@pytest.fixture(scope="module")
def toolkit_pdf(toolkit_pdf_for):
    """The typical practice's toolkit in all 25 languages, rendered once per test run and shared (conftest)."""
    assert len(TYPICAL_PRACTICE["languages"]) == 24  # and English, always
    return toolkit_pdf_for(TYPICAL_PRACTICE).data


@pytest.fixture(scope="module")
def translations():
    """Each language's poster and card sentences, read from its gettext catalog."""
    return {code: {"strings": dict(language.strings)} for code, language in catalogue(TRANSLATIONS).items()}


@pytest.fixture(scope="module")
def blocks(toolkit_pdf, page_of):
    """Each page's paragraphs and headings as assistive technology reads them from the structure tree:
    {page: [(language, text)]}, one entry per language a block holds, its text the ActualText of each tagged
    span where there is one, else the span's glyphs."""
    sheets = {page for anchor, page in page_of.items() if anchor.startswith(("poster-", "cards-"))}
    glyphs = _text_by_mcid(toolkit_pdf, sheets)
    elements = pdfua_check.structure(toolkit_pdf)
    by_page = collections.defaultdict(list)
    for element in elements:
        if element.role not in ("P", "H1", "H2", "H3", "H4", "H5", "H6"):
            continue
        parts = collections.defaultdict(list)
        for leaf in [element, *_descendants(element)]:
            for mcid in leaf.mcids:
                parts[leaf.lang].append(leaf.actual_text or glyphs.get((leaf.page, mcid), ""))
        for lang, texts in parts.items():
            by_page[element.page].append((lang, "".join(texts)))
    return by_page


def _descendants(element):
    for kid in element.kids:
        yield kid
        yield from _descendants(kid)


def _text_by_mcid(pdf: bytes, pages: set[int]) -> dict[tuple[int, int], str]:
    """The glyphs' text of every marked-content sequence on those pages, {(page, MCID): text}, as pypdf gets it."""
    texts = {}
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for number in sorted(pages):
        page = reader.pages[number]
        texts.update(((number, mcid), text) for mcid, text in _page_text_by_mcid(page).items())
    return texts


def _page_text_by_mcid(page: pypdf.PageObject) -> dict[int, str]:
    texts = collections.defaultdict(str)
    open_mcids = []

    def before(operator, operands, cm, tm):
        if operator == b"BDC":
            properties = operands[1] if isinstance(operands[1], dict) else {}
            open_mcids.append(properties.get("/MCID"))
        elif operator == b"BMC":
            open_mcids.append(None)
        elif operator == b"EMC" and open_mcids:
            open_mcids.pop()

    def text(value, cm, tm, font, size):
        if open_mcids and open_mcids[-1] is not None:
            texts[open_mcids[-1]] += value

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return texts


def _compact(text: str) -> str:
    return "".join(text.split())


def _best_match(expected: str, candidates: list[str]) -> tuple[float, str]:
    """The closest candidate to expected and its similarity, whitespace aside."""
    scored = [
        (difflib.SequenceMatcher(None, _compact(expected), _compact(text), autojunk=False).ratio(), text)
        for text in candidates
    ]
    return max(scored, default=(0.0, ""))


@pytest.fixture(scope="module")
def page_of(toolkit_pdf) -> dict[str, int]:
    """The page (from 0) of each section, by its id: the PDF's named destinations."""
    reader = pypdf.PdfReader(io.BytesIO(toolkit_pdf))
    return {
        name: reader.get_destination_page_number(destination) for name, destination in reader.named_destinations.items()
    }


@pytest.mark.parametrize("details", [TYPICAL_PRACTICE, LONGEST_PRACTICE], ids=["typical", "longest"])
def test_toolkit_in_every_language_passes_the_pdfua_check(toolkit_pdf_for, details):
    failures = pdfua_check.check(toolkit_pdf_for(details).data)
    assert not failures, pdfua_check.summary(failures)


POSTER_SENTENCES = ("poster_heading", "poster_register", "poster_no_proof", "poster_interpreter")
CARD_SENTENCES = ("card_heading", "card_interpreter", "card_request")  # each a paragraph of its own
ENGLISH_CARD_SENTENCES = ("card_heading", "card_request")


def _sheets(code: str) -> dict[str, list[tuple[str, str]]]:
    """Each sheet of a language (by its section id) and the (language, string key) of its sentences."""
    cards = [(code, key) for key in CARD_SENTENCES]
    if code != "en":
        cards += [("en", key) for key in ENGLISH_CARD_SENTENCES]
    return {f"poster-{code}": [(code, key) for key in POSTER_SENTENCES], f"cards-{code}": cards}


def test_every_poster_and_card_sentence_is_tagged_with_its_language_and_reads_as_written(blocks, page_of, translations):
    """For each language, every sentence of its poster and cards is a block tagged with that language whose
    text (as the tags give it) matches the translation; the cards' English side is tagged English."""
    misses = []
    for code in translations:
        for anchor, sentences in _sheets(code).items():
            page_blocks = blocks[page_of[anchor]]
            for lang, key in sentences:
                sentence = translations[lang]["strings"][key]
                score, found = _best_match(sentence, [text for block_lang, text in page_blocks if block_lang == lang])
                if score < 0.9:
                    misses.append(f"{anchor} [{lang}] {key} {score:.2f}: expected {sentence!r}, closest {found!r}")
    assert not misses, "\n".join(misses)


def test_persian_script_keeps_its_zero_width_non_joiners(blocks, page_of, translations):
    for code in ("fa", "prs"):
        with_zwnj = [
            (anchor, translations[code]["strings"][key])
            for anchor, sentences in _sheets(code).items()
            for lang, key in sentences
            if lang == code and ZWNJ in translations[code]["strings"][key]
        ]
        assert with_zwnj, f"no {code} sentence has a zero-width non-joiner: the test would prove nothing"
        for anchor, sentence in with_zwnj:
            texts = [_compact(text) for lang, text in blocks[page_of[anchor]] if lang == code]
            assert any(_compact(sentence) in text for text in texts), (anchor, sentence, texts)


def test_certificate_qr_code_says_where_it_leads(toolkit_pdf):
    figures = [element for element in pdfua_check.structure(toolkit_pdf) if element.role == "Figure"]
    assert len(figures) == 1
    assert figures[0].alt.startswith("QR code") and figures[0].alt.endswith("/surgeries/Y99001")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")
def test_text_extractors_get_letter_spaced_and_indic_text_as_written(toolkit_pdf, page_of, translations):
    """pdftotext (poppler) follows ActualText in the content: letter-spaced text ("SAFE SURGERIES TOOLKIT", where
    it printed "C ERTIFICATE" before) and Bengali and Tamil vowel signs come out as written. (It reverses ActualText
    on right-to-left lines, so right-to-left text has it in the structure tree only.)"""

    def pdftotext(first: int = 1, last: int = 0) -> str:
        command = ["pdftotext", "-f", str(first), "-l", str(last), "-", "-"]
        output = subprocess.run(command, input=toolkit_pdf, capture_output=True, check=True).stdout  # nosec B603 B607
        return " ".join(output.decode().split())

    everything = pdftotext()
    letter_spaced = {
        element.actual_text
        for element in pdfua_check.structure(toolkit_pdf)
        if element.actual_text and element.actual_text.isascii()
    }
    assert letter_spaced, "no letter-spaced text: the test would prove nothing"
    for text in letter_spaced:
        assert " ".join(text.split()) in everything
    for code in ("bn", "ta"):
        page = page_of[f"poster-{code}"] + 1
        assert _compact(translations[code]["strings"]["poster_register"]) in _compact(pdftotext(page, page)), code


def test_the_checker_fails_what_weasyprint_leaves_unfinished_and_passes_it_finished():
    """The check is only as good as what it catches: WeasyPrint's own output (a running footer outside the tree,
    a figure without alternative text) fails it; the same pages with their tags finished pass."""
    from safesurgeries.toolkit import renderer, tagging

    html = """<html lang="en"><head><title>Check the checker</title><style>
      @page { @bottom-center { content: element(footer) } } footer { position: running(footer) }
      </style></head><body><footer>Page footer</footer><h1>A heading</h1><p lang="ar">مرحبا بالجميع</p>
      <svg width="20" height="20"><rect width="20" height="20"/></svg></body></html>"""
    document = renderer.layout(html, [])
    unfinished = document.write_pdf(pdf_variant=renderer.PDF_VARIANT)
    assert {failure.checkpoint for failure in pdfua_check.check(unfinished)} == {"01-005", "13-004"}

    finished = tagging.complete(document, unfinished)
    assert [failure.checkpoint for failure in pdfua_check.check(finished)] == ["13-004"]  # no alt to invent
    arabic = [element for element in pdfua_check.structure(finished) if element.role == "P"]
    assert [element.lang for element in arabic] == ["ar"]
