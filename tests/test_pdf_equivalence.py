"""The PDF equivalence checker (tests/pdf_equivalence.py) finds what a reader would notice and nothing else: each
kind of difference is made on purpose in a small tagged PDF and must be reported; the same document, a re-render
and the same page drawn in another content-stream order must not be."""

import io

import pikepdf
import pypdf
import pytest
from conftest import PRACTICE
from pdf_equivalence import differences

from safesurgeries.toolkit import renderer

HTML = """<html lang="en"><head><title>Equivalence</title><style>
  section { break-before: page }
</style></head><body>
<section id="one"><h1>First page</h1>
  <p>Read <a href="#three">the third page</a> or <a href="https://example.org/">the web</a>.</p>
  <p lang="fr">Bonjour tout le monde.</p></section>
<section id="two"><h2>Second page</h2>
  <p>The quick brown fox jumps over the lazy dog.</p>
  <p>Another paragraph here.</p></section>
<section id="three"><h2>Third page</h2><p>Back to <a href="#one">the first page</a>.</p></section>
</body></html>"""


def render(html: str) -> bytes:
    """A tagged PDF/UA document, written as the toolkit's are (WeasyPrint, then tagging.complete)."""
    return renderer.write(renderer.layout(html, []))


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render(HTML)


def edited(pdf: bytes, edit) -> bytes:
    """The PDF after edit(pikepdf.Pdf)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        edit(document)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()


def elements(document: pikepdf.Pdf):
    """Every structure element, in document order."""
    stack = [document.Root.StructTreeRoot]
    while stack:
        element = stack.pop()
        kids = element.get("/K", [])
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        stack.extend(kid for kid in reversed(kids) if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)
        if "/S" in element:
            yield element


def test_the_same_document_and_a_re_render_have_no_differences(pdf):
    assert differences(pdf, pdf) == []
    assert differences(pdf, render(HTML)) == []


def test_a_changed_word_is_a_text_and_structure_difference_on_its_page(pdf):
    found = differences(pdf, render(HTML.replace("quick", "sleepy")))
    assert any(line.startswith("page 2: the text differs") and "sleepy" in line for line in found), found
    assert any(line.startswith("structure element /Span on page 2") and "sleepy" in line for line in found), found
    assert not any(line.startswith(("page 1", "page 3")) for line in found), found


def test_a_changed_word_is_also_an_image_difference(pdf):
    found = differences(pdf, render(HTML.replace("quick", "sleepy")))
    assert any(line.startswith("page 2: the page looks different") for line in found), found


def test_a_sentence_drawn_lower_is_an_image_difference_and_sub_point_noise_is_not(pdf):
    """The same text and tags, the sentence 2 pt lower: only the image shows it. 0.3 pt lower: anti-aliasing noise."""
    lower = edited(pdf, lambda document: draw_last(document.pages[1], mcid=1, lower=2))
    assert [line[: line.index("(")] for line in differences(pdf, lower)] == ["page 2: the page looks different "]
    slightly_lower = edited(pdf, lambda document: draw_last(document.pages[1], mcid=1, lower=0.3))
    assert differences(pdf, slightly_lower) == []


def test_an_element_language_changed(pdf):
    def to_german(document):
        (french,) = [element for element in elements(document) if element.get("/Lang") == "fr"]
        french.Lang = pikepdf.String("de")

    found = differences(pdf, edited(pdf, to_german))
    assert any("language 'fr' became 'de'" in line and "/P on page 1" in line for line in found), found


def test_a_structure_element_removed(pdf):
    def remove_paragraph(document):
        second_page = [element for element in elements(document) if element.S == "/Sect"][1]
        del second_page.K[-1]  # "Another paragraph here."

    found = differences(pdf, edited(pdf, remove_paragraph))
    assert any(line.startswith("structure element missing: /P on page 2") for line in found), found
    assert any("Another paragraph here." in line for line in found), found
    assert any(line.startswith("the actual PDF fails the PDF/UA check: 01-005") for line in found), found


def test_a_bookmark_retitled(pdf):
    def retitle(document):
        document.Root.Outlines.First.Title = pikepdf.String("Renamed")

    found = differences(pdf, edited(pdf, retitle))
    assert found == ["bookmark 'First page' (level 1, page 1): title 'First page' became 'Renamed'"]


def test_a_page_added(pdf):
    found = differences(pdf, render(HTML.replace("</body>", "<section><h2>Fourth page</h2></section></body>")))
    assert found[0] == "page count: expected 3, got 4"
    assert any(line.startswith("bookmark extra: 'Fourth page'") for line in found), found


def test_a_link_target_changed(pdf):
    def retarget(document):
        document.pages[0].Annots[0].Dest = pikepdf.String("two")

    found = differences(pdf, edited(pdf, retarget))
    assert len(found) == 2, found
    assert found[0].startswith("page 1: link at (") and found[0].endswith(" to page 3 is missing"), found
    assert found[1].startswith("page 1: extra link at (") and found[1].endswith(" to page 2"), found


def test_a_link_to_another_web_address(pdf):
    def retarget(document):
        document.pages[0].Annots[1].A.URI = pikepdf.String("https://example.com/")

    found = differences(pdf, edited(pdf, retarget))
    assert any(line.endswith("to https://example.org/ is missing") for line in found), found


def test_a_link_outside_the_structure_tree_fails_the_pdfua_check(pdf):
    def untag(document):
        del document.pages[0].Annots[0].StructParent

    found = differences(pdf, edited(pdf, untag))
    assert found == [
        "the actual PDF fails the PDF/UA check: 28-011 page 1: a link annotation is not inside a Link structure element"
    ]


def test_a_named_destination_moved_to_another_page(pdf):
    def move(document):
        tree = pikepdf.NameTree(document.Root.Names.Dests)
        tree["two"] = pikepdf.Array([document.pages[2].obj, *list(tree["two"])[1:]])

    found = differences(pdf, edited(pdf, move))
    assert found == ["named destination two: expected 'page 2', got 'page 3'"]


def test_the_document_language_changed(pdf):
    def to_welsh(document):
        document.Root.Lang = pikepdf.String("cy")

    found = differences(pdf, edited(pdf, to_welsh))
    assert "document catalog /Lang: expected 'en', got 'cy'" in found
    assert any(line.endswith("language 'en' became 'cy'") for line in found), found  # every English element's


def test_the_document_title_changed(pdf):
    def retitle(document):
        document.docinfo.Title = pikepdf.String("Another title")

    found = differences(pdf, edited(pdf, retitle))
    assert found == ["document Info /Title: expected 'Equivalence', got 'Another title'"]


def test_content_drawn_in_another_order_is_the_same_document(pdf):
    """The overlay renderer appends the practice's text at the end of a page's content stream. A paragraph cut
    from the middle of page 2's content and drawn last, in the same place with the same tags, is the same
    document for a reader; a stream-order extractor (pypdf) sees the change, so the reordering is real."""
    reordered = edited(pdf, lambda document: draw_last(document.pages[1], mcid=1))
    assert pypdf_text(reordered, 1) != pypdf_text(pdf, 1)
    assert differences(pdf, reordered) == []


def draw_last(page: pikepdf.Page, mcid: int, lower: float = 0) -> None:
    """Move one marked-content sequence to the end of the page's content, under the graphics state it had
    (and lower points further down the page)."""
    instructions = list(pikepdf.parse_content_stream(page))
    state = {"ctm": pikepdf.Matrix(), "fill": [], "gs": []}
    saved = []
    for start, (operands, operator) in enumerate(instructions):
        operator = str(operator)
        if operator == "q":
            saved.append(dict(state))
        elif operator == "Q":
            state = saved.pop()
        elif operator == "cm":
            state["ctm"] = pikepdf.Matrix(*operands) @ state["ctm"]
        elif operator in ("rg", "g", "k"):
            state["fill"] = [instructions[start]]
        elif operator == "gs":
            state["gs"] = [instructions[start]]
        elif operator == "BDC" and "/MCID" in operands[1] and operands[1].MCID == mcid:
            break
    else:
        raise AssertionError(f"no MCID {mcid}")
    end = next(i for i in range(start, len(instructions)) if str(instructions[i].operator) == "EMC") + 1
    # The fill colour and graphics state set inside the sequence carry on to what follows: keep them there.
    carried = [i for i in instructions[start:end] if str(i.operator) in ("rg", "g", "k", "gs")]
    save, restore = (pikepdf.ContentStreamInstruction([], pikepdf.Operator(op)) for op in ("q", "Q"))
    ctm = pikepdf.ContentStreamInstruction(
        list((state["ctm"] @ pikepdf.Matrix().translated(0, -lower)).shorthand), pikepdf.Operator("cm")
    )
    # The page's own content in q/Q (WeasyPrint leaves its first cm outside any), then the sequence, as an overlay.
    content = [save, *instructions[:start], *carried, *instructions[end:], restore]
    content += [save, ctm, *state["gs"], *state["fill"], *instructions[start:end], restore]
    page.obj.Contents.write(pikepdf.unparse_content_stream(content))  # WeasyPrint writes one stream a page


def pypdf_text(pdf: bytes, index: int) -> str:
    return pypdf.PdfReader(io.BytesIO(pdf)).pages[index].extract_text()


@pytest.fixture(scope="module")
def toolkit(toolkit_pdf_for) -> bytes:
    return toolkit_pdf_for(PRACTICE).data


def test_a_real_toolkit_is_the_same_as_itself(toolkit):
    assert differences(toolkit, toolkit) == []


def test_a_real_toolkit_with_another_phone_number_differs_on_the_pages_that_print_it(toolkit, toolkit_pdf_for):
    other = toolkit_pdf_for({**PRACTICE, "phone": "020 7946 0999"}).data
    found = differences(toolkit, other)
    assert any("the text differs" in line and "0999" in line for line in found), found
    assert any(line.startswith("structure element") and "0999" in line for line in found), found
    assert not any("PDF/UA" in line or "bookmark" in line or "named destination" in line for line in found), found
