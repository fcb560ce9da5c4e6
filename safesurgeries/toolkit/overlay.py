"""A fresh toolkit without laying out the whole toolkit again: edition pages made once, the practice laid over.

Everything in the toolkit that depends on the practice (its name, addresses, phone, contact, the day, the
certificate's QR code) is printed in a slot: an element with data-slot whose position and size never depend on
what it holds (toolkit.css gives every slot a fixed height; _macros.html's slot macro). So the toolkit splits:

- Edition pages: the whole toolkit laid out once per edition, nation, language set and care-of arrangement, with
  every slot holding a transparent placeholder. Kept in the PDF store, with where each slot is (EditionPages).
- Per request, the slots alone: one small WeasyPrint document whose pages hold each slot at the place and width it
  has on its edition page, with the inherited style of its parent there (font, size, colour, language,
  direction), fitted to its box by fitting.py. Tagged and finished like any toolkit (renderer.write).
- The merge (pikepdf): each overlay page's content is drawn after its edition page's; its fonts and graphics
  states come along under new names; its marked-content ids follow the page's own; the structure elements of each
  slot's contents take the place of the placeholder's, under the slot's own element, in reading order; the
  placeholder becomes an artifact with no text. Bookmarks, links, the contents' page numbers and "Page X of Y"
  are the edition pages' own: no slot changes where anything falls.

builder.build_toolkit is the plain render, kept as the reference: tests/test_toolkit_overlay.py renders the same
details both ways and proves them the same document.
"""

import dataclasses
import datetime as dt
import io
import json
import re
from dataclasses import dataclass

import pikepdf
from markupsafe import Markup, escape
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder

from . import builder, fitting, pdf_cache, renderer, tagging

PLACEHOLDER_CLASS = "slot-placeholder"  # toolkit.css draws it transparent: it only marks where the slot is
SLOTS_KEY = "/SafeSurgeriesSlots"  # where the edition pages keep their slots (removed from every toolkit made)
A4_PX = (793.7, 1122.5)  # A4 in CSS px, to a tenth: every toolkit page is A4

# The overlay's own pages: no margins and no margin boxes, each holding the slots of one edition page. A4 wide and
# far taller than A4, as fitting.py's measuring pages are: a slot that overflows its box near the foot of the page
# must be measured whole, not cut at the page's end. The merge draws them from the top of the A4 page.
OVERLAY_CSS = """
@page overlay { size: 210mm 2000mm; margin: 0;
  @top-left { content: none } @top-center { content: none } @top-right { content: none }
  @bottom-left { content: none } @bottom-center { content: none } @bottom-right { content: none } }
html, body { margin: 0; padding: 0; }
.overlay-page { page: overlay; position: relative; height: 200mm; break-after: page; margin: 0; }
.overlay-frame { position: absolute; margin: 0; padding: 0; border: 0; }
.overlay-frame > [data-slot] { margin: 0 !important; bookmark-level: none; }
"""


class OverlayError(RuntimeError):
    """The edition pages and the overlay do not fit together (a template broke the slot contract)."""


@dataclass(frozen=True)
class Slot:
    """Where a slot is on the edition pages, and what its parent there gives it."""

    id: str
    page: int  # index of the edition page
    x: float  # the slot's border box, CSS px from the page's top left corner (its margins are the page's affair)
    y: float
    width: float
    style: str  # CSS declarations: the parent's inherited style, made of our stylesheet's values only
    lang: str
    direction: str
    placeholder_mcid: int  # the marked content of the placeholder on its page


def _walk_with_parent(box, parent=None):
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    yield box, parent
    for child in getattr(box, "children", ()):
        yield from _walk_with_parent(child, box)


def _css_length(value) -> str:
    if hasattr(value, "unit"):
        return f"{value.value}{value.unit}"
    return "normal" if value == "normal" else f"{value}px"


def _color(color) -> str:
    red, green, blue = (round(channel * 255, 3) for channel in color.to("srgb").coordinates)
    return f"rgb({red} {green} {blue} / {color.alpha})"


def inherited_css(style) -> str:
    """The inherited properties a slot's text depends on, as its parent computed them: the overlay sets them on the
    slot's frame, so that the slot lays out as it would in place. Values come from toolkit.css and the language
    data (font families are letters, digits and spaces), never from the practice."""
    line_height = style["line_height"]
    families = ", ".join(f'"{name}"' for name in style["font_family"] if re.fullmatch(r"[\w ]+", name))
    declarations = {
        "font-family": families,
        "font-size": f"{style['font_size']}px",
        "font-weight": str(style["font_weight"]),
        "font-style": style["font_style"],
        "font-stretch": style["font_stretch"],
        "line-height": _css_length(line_height) if hasattr(line_height, "unit") else str(line_height),
        "color": _color(style["color"]),
        "text-align": style["text_align_all"],
        "text-align-last": style["text_align_last"],
        "direction": style["direction"],
        "letter-spacing": _css_length(style["letter_spacing"]),
        "word-spacing": _css_length(style["word_spacing"]),
        "text-indent": _css_length(style["text_indent"]),
        "text-transform": style["text_transform"],
        "white-space": style["white_space"],
        "hyphens": style["hyphens"],
        "overflow-wrap": style["overflow_wrap"],
        "word-break": style["word_break"],
    }
    return "; ".join(f"{name}: {value}" for name, value in declarations.items())


def _placeholder_origin(slot_box) -> tuple[float, float] | None:
    for box, _ in _walk_with_parent(slot_box):
        if isinstance(box, boxes.TextBox) and box.text.strip():
            return box.position_x, box.position_y + box.baseline
    return None


def find_slots(document, pdf: pikepdf.Pdf) -> list[Slot]:
    """Every slot of the laid-out edition pages, with its placeholder's marked content in the written PDF."""
    slots, seen = [], set()
    for index, (page, pdf_page) in enumerate(zip(document.pages, pdf.pages)):
        page_box = page._page_box
        if abs(page_box.margin_width() - A4_PX[0]) > 1 or abs(page_box.margin_height() - A4_PX[1]) > 1:
            raise OverlayError(f"page {index + 1} is not A4")
        origins = None
        for box, parent in _walk_with_parent(page_box):
            element = getattr(box, "element", None)
            if element is None or not element.get("data-slot") or parent is None or parent.element is element:
                continue
            slot_id = element.get("data-slot")
            if slot_id in seen:
                raise OverlayError(f"slot {slot_id!r} is split over two pages, or its id is not unique")
            seen.add(slot_id)
            origin = _placeholder_origin(box)
            if origin is None:
                raise OverlayError(f"slot {slot_id!r} has no placeholder text")
            if origins is None:
                origins = tagging.text_origins(pdf_page.obj.Contents.read_bytes())
            mcid = next(
                (
                    mcid
                    for mcid, (x, y) in origins.items()
                    if abs(x - origin[0]) < tagging.TOLERANCE and abs(y - origin[1]) < tagging.TOLERANCE
                ),
                None,
            )
            if mcid is None:
                raise OverlayError(f"slot {slot_id!r}: its placeholder was not found in the page's content")
            slots.append(
                Slot(
                    id=slot_id,
                    page=index,
                    x=box.border_box_x(),
                    y=box.border_box_y(),
                    width=box.border_width(),
                    style=inherited_css(parent.style),
                    lang=str(parent.style["lang"] or "en"),
                    direction=parent.style["direction"],
                    placeholder_mcid=mcid,
                )
            )
    return slots


def overlay_html(slots: list[Slot], markup: dict[str, Markup], title: str) -> str:
    """The overlay document: one page per edition page with slots, each slot's markup in a frame at its place.

    `markup` is each slot's element as the toolkit's templates rendered it (autoescaped): the practice's data
    reaches WeasyPrint only as element text, as in the plain render. Positions and styles are our own numbers.
    """
    pages: dict[int, list[Slot]] = {}
    for slot in slots:
        pages.setdefault(slot.page, []).append(slot)
    parts = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>']
    for page_slots in pages.values():
        parts.append('<div class="overlay-page">')
        for slot in page_slots:
            parts.append(
                f'<div class="overlay-frame" lang="{escape(slot.lang)}" dir="{escape(slot.direction)}" '
                f'style="left: {slot.x}px; top: {slot.y}px; width: {slot.width}px; {escape(slot.style)}">'
                f"{markup[slot.id]}</div>"
            )
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


# --- The edition pages in the PDF store -------------------------------------------------------------------------


def store_slots(pdf_bytes: bytes, slots: list[Slot]) -> bytes:
    """The edition pages' PDF with their slots kept inside it, so that one file in the PDF store holds both."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        pdf.Root[SLOTS_KEY] = pikepdf.Stream(pdf, json.dumps([dataclasses.asdict(slot) for slot in slots]).encode())
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
        return output.getvalue()


def stored_slots(pdf: pikepdf.Pdf) -> list[Slot]:
    return [Slot(**entry) for entry in json.loads(pdf.Root[SLOTS_KEY].read_bytes())]


# --- The merge ----------------------------------------------------------------------------------------------------

RESOURCE_OPERATORS = {"Tf": 0, "gs": 0, "Do": 0, "sh": 0, "cs": 0, "CS": 0}  # operator -> operand that names one
PREFIX = "ov"  # the overlay's resources take this prefix on the page they are drawn on


def _overlay_instructions(page: pikepdf.Page, mcid_offset: int, height: float) -> bytes:
    """The overlay page's content, its resource names prefixed, its marked-content ids moved past the page's, and
    drawn from the top of a page of this height (WeasyPrint's first operator turns the page upside down, its
    origin at the top)."""
    instructions = []
    for index, (operands, operator) in enumerate(pikepdf.parse_content_stream(page)):
        name = str(operator)
        operands = list(operands)
        if index == 0:
            if name != "cm" or [float(value) for value in operands[:5]] != [1, 0, 0, -1, 0]:
                raise OverlayError("the overlay page does not start by turning its origin to the top")
            operands[5] = height
        elif name in RESOURCE_OPERATORS and isinstance(operands[0], pikepdf.Name):
            operands[0] = pikepdf.Name("/" + PREFIX + str(operands[0])[1:])
        elif name in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
            operands[-1] = pikepdf.Name("/" + PREFIX + str(operands[-1])[1:])
        elif name in ("BDC", "DP") and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
            properties = pikepdf.Dictionary(operands[1])
            properties.MCID = int(properties.MCID) + mcid_offset
            operands[1] = properties
        instructions.append(pikepdf.ContentStreamInstruction(operands, operator))
    return pikepdf.unparse_content_stream(instructions)


def _artifact_placeholder(data: bytes, mcid: int) -> bytes:
    """The placeholder's marked content as an artifact that shows no text (its graphics state changes are kept:
    WeasyPrint does not repeat a state that the content after it relies on)."""
    opener = re.compile(rb"/[A-Za-z]+\s*<<\s*/MCID\s+%d\s*>>\s*BDC" % mcid)
    match = opener.search(data)
    end = data.find(b"EMC", match.end()) if match else -1
    if match is None or end < 0:
        raise OverlayError(f"the placeholder's marked content {mcid} is not in the page")
    inside = re.sub(rb"\[[^\]]*\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj", b"", data[match.end() : end])
    return data[: match.start()] + b"/Artifact BMC" + inside + data[end:]


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _effective_lang(element, default: str) -> str:
    while isinstance(element, pikepdf.Dictionary) and element.get("/Type") != "/StructTreeRoot":
        if "/Lang" in element:
            return str(element.Lang)
        element = element.get("/P")
    return default


def _detach(element) -> None:
    """Cut an overlay structure element (and its subtree) from the overlay's parents and pages before copying it;
    remember each marked-content kid's element."""
    for key in ("/P", "/Pg"):
        if key in element:
            del element[key]
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary):
            if kid.get("/Type") == "/OBJR":
                raise OverlayError("a slot holds a link or a form field, which the overlay does not carry over")
            if kid.get("/Type") == "/MCR":
                del kid["/Pg"]
                if "/Stm" in kid:
                    raise OverlayError("a slot draws marked content inside a form XObject")
            else:
                _detach(kid)


def _attach(element, parent, page, mcid_offset: int, mapping: dict[int, object]) -> None:
    """Hang a copied element under parent on page, its marked-content ids moved by mcid_offset."""
    element.P = parent
    element.Pg = page.obj
    new_kids = []
    for kid in _kids(element):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object) and kid._type_code == pikepdf.ObjectType.integer):
            new = int(kid) + mcid_offset
            mapping[new] = element
            new_kids.append(new)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            kid.MCID = int(kid.MCID) + mcid_offset
            kid.Pg = page.obj
            mapping[int(kid.MCID)] = element
            new_kids.append(kid)
        else:
            _attach(kid, element, page, mcid_offset, mapping)
            new_kids.append(kid)
    element.K = pikepdf.Array(new_kids)


def _holds_content(element) -> bool:
    return any(not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") == "/MCR" for kid in _kids(element))


def _pin_languages(element, default: str) -> None:
    """Write on every element of an overlay slot that holds text the language the overlay gives it, before the
    element leaves the overlay's tree, whose languages it inherits there."""
    if _holds_content(element):
        element.Lang = pikepdf.String(_effective_lang(element, default))
    for kid in _kids(element):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            _pin_languages(kid, default)


def _relanguage(pdf: pikepdf.Pdf, catalog_lang: str) -> None:
    """/Lang written as tagging.py writes it, from each text's language: on an element whose text is all in one
    language other than the one it inherits. The edition pages chose their elements' languages with a placeholder
    in each slot; the slots' real text changes what their ancestors hold."""
    order, parents, _ = tagging.structure(pdf)
    effective: dict = {}
    text_langs = {}
    for key, element in order:  # parents before children
        effective[key] = str(element.Lang) if "/Lang" in element else effective.get(parents[key], catalog_lang)
        if _holds_content(element):
            text_langs[key] = {effective[key]}
    for _, element in order:
        if "/Lang" in element:
            del element["/Lang"]
    tagging.set_languages(order, parents, text_langs, catalog_lang)


def merge(edition_pages: bytes, overlay_pdf: bytes, title: str) -> bytes:
    """The toolkit: the edition pages with the overlay's slots drawn and tagged in place (module docstring)."""
    with pikepdf.open(io.BytesIO(edition_pages)) as pdf, pikepdf.open(io.BytesIO(overlay_pdf)) as overlay:
        slots = stored_slots(pdf)
        del pdf.Root[SLOTS_KEY]
        catalog_lang = str(pdf.Root.get("/Lang", "en"))
        template_tree = _page_mappings(pdf)
        overlay_tree = _page_mappings(overlay)
        overlay_roots = _overlay_slot_roots(overlay)
        by_page: dict[int, list[Slot]] = {}
        for slot in slots:
            by_page.setdefault(slot.page, []).append(slot)
        if len(by_page) != len(overlay.pages) or len(overlay_roots) != len(slots):
            raise OverlayError(
                f"{len(slots)} slots on {len(by_page)} edition pages, but the overlay has {len(overlay_roots)} "
                f"slots on {len(overlay.pages)} pages"
            )
        for root in overlay_roots:
            _pin_languages(root, str(overlay.Root.get("/Lang", "en")))
        roots = iter(overlay_roots)
        for overlay_index, (page_index, page_slots) in enumerate(by_page.items()):
            page, overlay_page = pdf.pages[page_index], overlay.pages[overlay_index]
            mapping = template_tree[page_index]
            offset = len(mapping)  # the overlay's marked content follows the page's own
            new_mapping: dict[int, object] = {}
            data = page.obj.Contents.read_bytes()
            for slot in page_slots:
                target = mapping[slot.placeholder_mcid].P  # the slot's own element
                data = _artifact_placeholder(data, slot.placeholder_mcid)
                mapping[slot.placeholder_mcid] = None
                root = next(roots)
                for key in ("/ActualText", "/Alt", "/Lang"):
                    if key in root:
                        target[key] = root[key]
                copied = []
                for kid in _kids(root):
                    if not isinstance(kid, pikepdf.Dictionary):
                        raise OverlayError(f"slot {slot.id!r} holds text outside any element")
                    _detach(kid)
                    copy = pdf.copy_foreign(kid)
                    _attach(copy, target, page, offset, new_mapping)
                    copied.append(copy)
                target.K = pikepdf.Array(copied)
            _copy_resources(pdf, page, overlay, overlay_page)
            overlay_content = _overlay_instructions(overlay_page, offset, float(page.mediabox[3]))
            page.obj.Contents = pdf.make_stream(b"q\n" + data + b"\nQ\nq\n" + overlay_content + b"\nQ\n")
            for mcid in range(len(overlay_tree[overlay_index])):
                mapping.append(new_mapping.get(offset + mcid))
        _relanguage(pdf, catalog_lang)
        _set_title(pdf, title)
        output = io.BytesIO()
        pdf.save(output, deterministic_id=True)
        return output.getvalue()


def _page_mappings(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Array]:
    """Page index -> its ParentTree array (marked-content id -> structure element)."""
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums) - 1, 2)}
    return {index: by_key[int(page.obj.StructParents)] for index, page in enumerate(pdf.pages)}


def _overlay_slot_roots(overlay: pikepdf.Pdf) -> list:
    """The overlay's slot elements, in order: Document > Div (an overlay page) > Div (a frame) > the slot."""
    document = _kids(overlay.Root.StructTreeRoot)[0]
    roots = []
    for page_div in _kids(document):
        for frame in _kids(page_div):
            kids = [kid for kid in _kids(frame) if isinstance(kid, pikepdf.Dictionary)]
            if len(kids) != 1:
                raise OverlayError(f"an overlay frame holds {len(kids)} elements, not one slot")
            roots.append(kids[0])
    return roots


def _copy_resources(pdf: pikepdf.Pdf, page: pikepdf.Page, overlay: pikepdf.Pdf, overlay_page: pikepdf.Page) -> None:
    """The overlay page's fonts, graphics states and the like, on the page under the prefixed names. A font used on
    several overlay pages is copied once (pikepdf copies each foreign object once per document)."""
    resources = page.obj.Resources
    for category, entries in overlay_page.obj.Resources.items():
        if not isinstance(entries, pikepdf.Dictionary):
            continue
        if category not in resources:
            resources[category] = pikepdf.Dictionary()
        for name, value in entries.items():
            if not value.is_indirect:  # pikepdf copies only indirect objects from another document
                value = overlay.make_indirect(value)
            resources[category]["/" + PREFIX + name[1:]] = pdf.copy_foreign(value)


def _set_title(pdf: pikepdf.Pdf, title: str) -> None:
    pdf.docinfo.Title = pikepdf.String(title)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as metadata:
        metadata["dc:title"] = title


# --- Making a toolkit ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotMarkup:
    """A slot as the toolkit's templates render it (_macros.html: slot), before its fit level is chosen."""

    tag: str
    classes: str
    content: Markup

    def element(self, slot_id: str, level: int) -> Markup:
        # The tag and classes are the templates' literals; the content is autoescaped by Jinja.
        return Markup(  # nosec B704
            f'<{self.tag} class="{escape(self.classes)} fit-{level}" data-slot="{escape(slot_id)}" '
            f'data-fit="{escape(slot_id)}">{self.content}</{self.tag}>'
        )


def slot_markup(details, edition, today) -> dict[str, SlotMarkup]:
    """Every slot's markup for these details, from one render of the toolkit's templates (no layout)."""
    collected: dict[str, SlotMarkup] = {}

    def sink(slot_id, tag, classes, content) -> str:
        collected[slot_id] = SlotMarkup(tag, classes, escape(content))  # Jinja autoescaped it: escape() keeps it
        return ""

    builder.toolkit_html(details, edition, today, slot_sink=sink)
    return collected


def edition_pages_key(details, edition) -> str:
    """What the edition pages depend on: not the practice, only its nation, languages, care-of arrangement and
    whether it gave a phone number (the posters' label)."""
    return pdf_cache.material_key(
        {
            "edition-pages": [
                details.nation,
                list(details.languages),
                details.care_of_is_practice_address,
                bool(details.phone),
            ],
            "edition": [edition.edition, edition.content_reviewed.isoformat()],
        }
    )


def make_edition_pages(details, edition) -> bytes:
    """The toolkit with a placeholder in every slot, fitted as the plain render fits it, and where its slots are."""
    document, _ = fitting.layout_fitted(
        lambda levels, measuring: renderer.layout(
            builder.toolkit_html(details, edition, fit_levels=levels, measuring=measuring, slot_mode="placeholder"),
            builder.stylesheets(),
        )
    )
    pdf_bytes = renderer.write(document)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        slots = find_slots(document, pdf)
    return store_slots(pdf_bytes, slots)


_recent_edition_pages: dict[str, bytes] = {}  # this process's last few, for a store that is disabled or shared


def edition_pages(details, edition, store) -> bytes:
    """The edition pages for these details, from the PDF store's edition-pages folder or made and kept there.

    A folder of their own, with the store's size limit: they are not toolkits, and evicting toolkits never
    touches them."""
    key = edition_pages_key(details, edition)
    pages_store = pdf_cache.PdfCache(store.folder / "edition-pages", store.max_bytes)
    memo_key = f"{pages_store.folder}/{key}"
    pages = _recent_edition_pages.get(memo_key) or pages_store.get(key)
    if pages is None:
        pages = make_edition_pages(details, edition)
        pages_store.put(key, pages)
    if memo_key not in _recent_edition_pages:
        while len(_recent_edition_pages) >= 8:
            _recent_edition_pages.pop(next(iter(_recent_edition_pages)))
        _recent_edition_pages[memo_key] = pages
    return pages


def build_toolkit(details, edition, store, today=None) -> bytes:
    """The toolkit for these details: the same document as builder.build_toolkit, made from the edition pages."""
    builder.check_fonts(details)
    today = today or dt.date.today()
    pages = edition_pages(details, edition, store)
    with pikepdf.open(io.BytesIO(pages)) as pdf:
        slots = stored_slots(pdf)
    markup = slot_markup(details, edition, today)
    title = builder.toolkit_title(details)
    document = fitting.slots_fitted(
        lambda levels: renderer.layout(
            overlay_html(
                slots, {slot.id: markup[slot.id].element(slot.id, levels.get(slot.id, 0)) for slot in slots}, title
            ),
            [*builder.stylesheets(), OVERLAY_CSS],
        )
    )
    return merge(pages, renderer.write(document), title)
