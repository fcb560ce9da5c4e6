"""Finish the PDF/UA tags where WeasyPrint stops: each element's language, ActualText, running footers as artifacts.

WeasyPrint (70) tags the document from its boxes but writes no /Lang below the catalog, writes letter-spaced and
complex-script text as glyphs that text extractors cannot put back together, and maps the marked content of page
margin boxes to structure elements that it leaves out of the tree. This module reads the laid-out pages (each
line of text with its language, its source text and its origin on the page) and the written PDF's content streams
(each marked-content sequence with the origin of its first text), pairs them by position, and then, with pikepdf:

- gives each structure element the language of its text as /Lang, where it differs from its parent's;
- adds /ActualText (the source text, in logical order) to the structure element of text whose glyphs do not give
  it back: letter-spaced text, right-to-left text (Urdu's Nastaliq glyphs map to the wrong letters; Persian
  loses its zero-width non-joiners), text with combining marks (Indic vowel signs); and, but for right-to-left
  text, to its marked content too, which is where text extractors look;
- marks the margin boxes' content (the running footer) as a pagination artifact instead;
- adds the IDTree that resolves the table header IDs WeasyPrint writes;
- moves what WeasyPrint puts beside a list item's LBody (its block-level children after the first) into it.

The pairing keys on what WeasyPrint draws (a text box's origin is its left edge and baseline), not on the order
of its tag tree, so it holds when templates change. Laid-out page boxes are read through Page._page_box, which
WeasyPrint does not document; the toolkit's PDF/UA tests fail if that ever stops working.
"""

import io
import logging
import re
import unicodedata
from dataclasses import dataclass

import pikepdf
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

log = logging.getLogger(__name__)
TOLERANCE = 0.05  # CSS px: the PDF writes origins to 6 decimal places


JOINERS = frozenset("\u200c\u200d")  # zero-width non-joiner and joiner: Persian and Pashto spelling needs them
# Bidi isolates, embeddings and marks: they steer layout and are not part of the text a reader gets.
BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


@dataclass(frozen=True)
class Run:
    """One text box as WeasyPrint draws it under one MCID: its origin (CSS px), language and source text."""

    x: float
    y: float
    lang: str | None
    text: str
    actual_text: str | None  # the text, when its glyphs do not give it back
    rtl: bool


def glyphs_lose_text(text: str, letter_spaced: bool) -> tuple[bool, bool]:
    """(whether extractors cannot rebuild this text from its glyphs, whether it is right-to-left).

    Letter-spacing splits words at the first letter; right-to-left text comes out in visual order, and Urdu's
    Nastaliq glyphs map to the wrong letters; combining marks (Indic vowel signs, Arabic harakat) are reordered
    or merged into ligatures by shaping; zero-width (non-)joiners have no glyph at all.
    """
    if text.isascii():
        return letter_spaced, False
    rtl = marks = False
    for char in text:
        if unicodedata.bidirectional(char) in ("R", "AL"):
            rtl = True
        elif char in JOINERS or unicodedata.category(char) in ("Mn", "Mc"):
            marks = True
    return letter_spaced or rtl or marks, rtl


def page_runs(page) -> dict[tuple[int, int], list[Run]]:
    """A page's text boxes, indexed by their origin rounded to whole CSS pixels."""
    index: dict[tuple[int, int], list[Run]] = {}
    for box in _text_boxes(page._page_box):  # the laid-out boxes; see the module docstring
        x, y = box.position_x, box.position_y + box.baseline
        spacing = box.style["letter_spacing"]
        text = box.text.translate(BIDI_CONTROLS)
        lose, rtl = glyphs_lose_text(text, spacing != "normal" and getattr(spacing, "value", 1) != 0)
        run = Run(x, y, box.style["lang"], box.text, text if lose and text.strip() else None, rtl)
        index.setdefault((round(x), round(y)), []).append(run)
    return index


def _text_boxes(root):
    """Every text box under root, including those of absolutely placed boxes (such as outside list markers)."""
    stack = [root]
    while stack:
        box = stack.pop()
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.TextBox):
            yield box
        elif isinstance(box, boxes.ParentBox):
            stack.extend(reversed(box.children))


def find_run(index, x: float, y: float) -> Run | None:
    """The text box drawn at (x, y), allowing for rounding on either side of a pixel boundary."""
    for key_x in (round(x), round(x) - 1, round(x) + 1):
        for key_y in (round(y), round(y) - 1, round(y) + 1):
            for run in index.get((key_x, key_y), ()):
                if abs(run.x - x) < TOLERANCE and abs(run.y - y) < TOLERANCE:
                    return run
    return None


def _kids(obj) -> list:
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def structure(pdf: pikepdf.Pdf) -> tuple[list, dict, dict]:
    """The structure elements reachable from the root, parents before children, by object id: their order,
    each one's parent's id (None at the top) and how many kids each has. List items are regrouped on the way."""
    order, parents, kid_counts = [], {}, {}
    stack = [(kid, None) for kid in reversed(_kids(pdf.Root.StructTreeRoot))]
    while stack:
        obj, parent = stack.pop()
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") in ("/OBJR", "/MCR"):
            continue
        key = obj.objgen
        if key in parents:
            continue
        parents[key] = parent
        order.append((key, obj))
        kids = _kids(obj)
        if obj.get("/S") == "/LI":
            kids = _regroup_list_item(pdf, obj, kids)
        kid_counts[key] = len(kids)
        stack.extend((kid, key) for kid in reversed(kids))
    return order, parents, kid_counts


def _regroup_list_item(pdf: pikepdf.Pdf, item: pikepdf.Dictionary, kids: list) -> list:
    """A list item may hold only Lbl and LBody (ISO 32000-1 Table 336); WeasyPrint puts a list item's block-level
    children after the first (a block link, say) beside its LBody. Move them into the LBody, in reading order."""
    if all(isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in ("/Lbl", "/LBody") for kid in kids):
        return kids
    body = next((kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/LBody"), None)
    if body is None:
        body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, K=[], P=item))
        if "/Pg" in item:
            body.Pg = item.Pg
    before, after, seen_body = [], [], False
    for kid in kids:
        if kid is body or (isinstance(kid, pikepdf.Dictionary) and kid.objgen == body.objgen):
            seen_body = True
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Lbl":
            continue
        else:
            (after if seen_body else before).append(kid)
    for kid in before + after:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            kid.P = body
    body.K = pikepdf.Array(before + _kids(body) + after)
    item.K = pikepdf.Array(
        [kid for kid in kids if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Lbl"] + [body]
    )
    return _kids(item)


# Marked content as WeasyPrint writes it: "/Span <</MCID 3>> BDC", then (for text) "BT ... 1 0 0 -1 x y Tm" in the
# page's CSS-pixel space. Content streams are read with these patterns, not parsed into objects with pikepdf:
# parsing and re-serialising every page costs ~0.6 s for a 73-page toolkit; the patterns take ~20 ms. Glyphs are
# written as hex strings, so the operators cannot occur inside text. A span these patterns do not recognise (a
# transform before its text, say) is left as WeasyPrint wrote it and keeps the language it inherits.
OPENER = re.compile(rb"/(?P<tag>[A-Za-z]+)\s*<<\s*/MCID\s+(?P<mcid>\d+)\s*>>\s*BDC")
TEXT_ORIGIN = re.compile(rb"\bcm\b|(?P<x>[-+]?[\d.]+)\s+(?P<y>[-+]?[\d.]+)\s+Tm\b")


def text_origins(data: bytes) -> dict[int, tuple[float, float]]:
    """MCID -> the origin of its first text (CSS px), for the marked-content sequences that hold text."""
    origins = {}
    for match in OPENER.finditer(data):
        end = data.find(b"EMC", match.end())
        origin = TEXT_ORIGIN.search(data, match.end(), end if end >= 0 else len(data))
        if origin is not None and origin["x"] is not None:
            origins[int(match["mcid"])] = (float(origin["x"]), float(origin["y"]))
    return origins


def rewrite_openers(data: bytes, openers: dict[int, tuple[bytes | None, bytes]]) -> tuple[bytes, set[int]]:
    """Give each MCID in openers a new BDC opener: (its tag, or None to keep it; its property list's entries).

    Returns the new data and the MCIDs whose opener was rewritten.
    """
    done = set()

    def replace(match):
        mcid = int(match["mcid"])
        if mcid not in openers:
            return match[0]
        tag, properties = openers[mcid]
        done.add(mcid)
        return b"/%s <<%s>> BDC" % (tag or match["tag"], properties)

    return OPENER.sub(replace, data), done


def _pdf_text(text: str) -> bytes:
    """A PDF text string in UTF-16BE hex, safe for any text."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def complete(document: Document, pdf_bytes: bytes) -> bytes:
    """The PDF WeasyPrint wrote for this laid-out document, with the tags finished (see the module docstring)."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return pdf_bytes
        catalog_lang = str(pdf.Root.get("/Lang", "")) or None
        order, parents, kid_counts = structure(pdf)
        parent_tree = pdf.Root.StructTreeRoot.ParentTree
        nums = parent_tree.Nums
        mappings = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
        element_langs: dict[tuple[int, int], set] = {}
        unmatched = 0
        for page, laid_out in zip(pdf.pages, document.pages):
            mapping = mappings.get(int(page.obj.get("/StructParents", -1)))
            if not isinstance(mapping, pikepdf.Array) or not isinstance(page.obj.get("/Contents"), pikepdf.Stream):
                continue
            data = page.obj.Contents.read_bytes()
            origins = text_origins(data)
            runs = page_runs(laid_out)
            openers: dict[int, tuple[bytes | None, bytes]] = {}
            artifacts = []
            for mcid, element in enumerate(mapping):
                if not isinstance(element, pikepdf.Dictionary):
                    continue
                if element.objgen not in parents:
                    # A margin box's content: WeasyPrint keeps it out of the tree; say it is a page artifact.
                    openers[mcid] = (b"Artifact", b"/Type /Pagination")
                    artifacts.append(mcid)
                    continue
                origin = origins.get(mcid)
                run = find_run(runs, *origin) if origin else None
                if run is None:
                    unmatched += origin is not None  # text we cannot place keeps the language it inherits
                    continue
                element_langs.setdefault(element.objgen, set()).add(run.lang or catalog_lang)
                if run.actual_text is None:
                    continue
                if kid_counts[element.objgen] == 1:  # for assistive technology, which reads the structure tree
                    element.ActualText = pikepdf.String(run.actual_text)
                if not run.rtl:
                    # For text extractors too. Not right-to-left text: poppler (pdftotext) and MuPDF apply their
                    # visual-to-logical reordering to ActualText as well, and print it backwards.
                    openers[mcid] = (None, b"/MCID %d /ActualText %s" % (mcid, _pdf_text(run.actual_text)))
            if openers:
                data, done = rewrite_openers(data, openers)
                page.obj.Contents.write(data)
                for mcid in artifacts:
                    if mcid in done:  # no longer tagged content: out of the ParentTree too
                        mapping[mcid] = None
                unmatched += len(openers) - len(done)
        if unmatched:
            log.warning(
                "Tagging: %d marked-content sequences could not be placed or rewritten; they keep the tags "
                "WeasyPrint gave them",
                unmatched,
            )
        set_languages(order, parents, element_langs, catalog_lang)
        _add_id_tree(pdf, order)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)  # the same toolkit, byte for byte (the PDF cache relies on it)
        return output.getvalue()


def _add_id_tree(pdf: pikepdf.Pdf, order) -> None:
    """The IDTree that ISO 32000-1 (14.7.2) requires once elements have IDs: WeasyPrint gives table headers IDs
    (the cells' /Headers point at them) but writes no IDTree, so nothing could resolve them."""
    tree_root = pdf.Root.StructTreeRoot
    if "/IDTree" in tree_root:
        return
    identified = [(str(element.ID), element) for _, element in order if "/ID" in element]
    if identified:
        tree = pikepdf.NameTree.new(pdf)
        for identifier, element in identified:
            tree[identifier] = element
        tree_root.IDTree = tree.obj


def set_languages(order, parents, element_langs, catalog_lang) -> None:
    """/Lang on each element whose text is all in one language other than the one it inherits."""
    langs_below = {key: set(element_langs.get(key, ())) - {None} for key, _ in order}
    for key, _ in reversed(order):  # children before parents
        if parents[key] is not None:
            langs_below[parents[key]] |= langs_below[key]
    inherited = {}
    for key, element in order:  # parents before children
        from_parent = inherited[parents[key]] if parents[key] is not None else catalog_lang
        langs = langs_below[key]
        if len(langs) == 1 and (lang := next(iter(langs))) != from_parent:
            element.Lang = pikepdf.String(lang)
            from_parent = lang
        inherited[key] = from_parent
