"""Are two PDFs the same document for every reader? Built for issue 19: the overlay renderer's toolkit must be the
plain render's toolkit, as a reader, a screen reader, a PDF viewer and the PDF/UA check get it.

`differences(expected, actual)` lists every way two PDFs differ, each a short sentence naming the page or element;
an empty list means the same document. What is compared, and how:
  pages        the page count and each page's MediaBox;
  text         each page's text as poppler's pdftotext gets it in its reading-order mode (by position on the page,
               so the order of the content stream does not matter), whitespace collapsed;
  structure    the structure elements in tree order: role (through the RoleMap), depth, effective language, Alt,
               ActualText, page, and the text of its own marked content in the order of its kids (pdfium reads
               each marked-content sequence's glyphs: ~0.6 s for 75 pages, where pypdf's visitor took ~5 s);
  outline      every bookmark: title, level, target page;
  links        each page's link annotations: rectangle (to 1 pt), target page or URI;
  names        named destinations: name -> page;
  metadata     catalog /Lang, Info /Title, XMP dc:title, ViewerPreferences /DisplayDocTitle;
  images       each page drawn at 36 dpi in grey by pdftoppm: more than 0.05% of pixels off by more than 48 levels
               (anti-aliasing noise is allowed; see PIXEL_SHARE);
  PDF/UA       both pass tests/pdfua_check.py (which also requires every link to sit in a Link element).
pdftotext and pdftoppm run once per document, in parallel with the rest of the comparison.
"""

import ctypes
import difflib
import io
import subprocess  # nosec B404
import tempfile
from collections import Counter
from pathlib import Path

import pdfua_check
import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium
from PIL import Image, ImageChops

EXAMPLES = 5  # differences reported per kind; the rest are counted
GREY_LEVELS = 48  # a pixel differs when its grey levels differ by more than this
# A page differs when more than this share of its pixels differ (0.05%: 63 pixels of an A4 page at 36 dpi). Measured
# on a 16 px sentence: moved by 0.3 pt or 1 pt, 0 pixels differ (anti-aliasing noise stays under 48 levels); by 2 pt,
# 0.23%; one word changed, 0.21%; the whole sentence moved to the foot of the page, 0.50%. So 0.5% would pass all.
PIXEL_SHARE = 0.0005


def differences(expected: bytes, actual: bytes) -> list[str]:
    """Every way the two PDFs differ as a reader gets them, one short sentence each; [] when they are the same."""
    with tempfile.TemporaryDirectory() as folder:
        runs = {name: _start_poppler(data, Path(folder) / name) for name, data in (("a", expected), ("b", actual))}
        old, new = _read(expected), _read(actual)
        for name, document in (("a", old), ("b", new)):
            for process in runs[name]:
                if process.wait() != 0:
                    raise RuntimeError(f"{process.args[0]} failed on the {'expected' if name == 'a' else 'actual'} PDF")
            document["text"] = _poppler_text(Path(folder) / name)
            document["images"] = _poppler_images(Path(folder) / name)
    found = {kind: [] for kind in ("page", "text", "image", "structure", "bookmark", "link", "name", "metadata")}
    if len(old["boxes"]) != len(new["boxes"]):
        found["page"].append(f"page count: expected {len(old['boxes'])}, got {len(new['boxes'])}")
    for i in range(min(len(old["boxes"]), len(new["boxes"]))):  # pages beyond the shorter one: the count says it
        if old["boxes"][i] != new["boxes"][i]:
            found["page"].append(f"page {i + 1}: MediaBox {old['boxes'][i]} became {new['boxes'][i]}")
        if old["text"][i] != new["text"][i]:
            found["text"].append(_text_difference(i, old["text"][i], new["text"][i]))
        found["image"].append(_image_difference(i, old["images"][i], new["images"][i]))
        missing, extra = Counter(old["links"][i]), Counter(new["links"][i])
        missing, extra = missing - extra, extra - missing
        found["link"] += [f"page {i + 1}: link at {rect} to {to} is missing" for rect, to in missing.elements()]
        found["link"] += [f"page {i + 1}: extra link at {rect} to {to}" for rect, to in extra.elements()]
    found["structure"] = _sequence_differences("structure element", old["structure"], new["structure"])
    found["bookmark"] = _sequence_differences("bookmark", old["outline"], new["outline"])
    found["name"] = _mapping_differences("named destination", old["names"], new["names"])
    found["metadata"] = _mapping_differences("document", old["metadata"], new["metadata"])
    for which, document in (("expected", old), ("actual", new)):
        found[which + " PDF/UA"] = [
            f"the {which} PDF fails the PDF/UA check: {failure.checkpoint} {failure.message}"
            for failure in document["pdfua"]
        ]
    return [message for kind, messages in found.items() for message in _few(kind, messages)]


# -- reading one document ------------------------------------------------------------------------------------


def _start_poppler(data: bytes, stem: Path) -> list[subprocess.Popen]:
    """pdftotext (all pages, form feeds between them) and pdftoppm (36 dpi, grey), writing beside stem."""
    source = stem.with_suffix(".pdf")
    source.write_bytes(data)
    return [
        subprocess.Popen(["pdftotext", "-enc", "UTF-8", source, stem.with_suffix(".txt")]),  # nosec B603 B607
        subprocess.Popen(["pdftoppm", "-r", "36", "-gray", source, stem]),  # nosec B603 B607
    ]


def _poppler_text(stem: Path) -> list[str]:
    pages = stem.with_suffix(".txt").read_text(encoding="utf-8").split("\f")[:-1]  # a form feed ends every page
    return [_normal(page) for page in pages]


def _poppler_images(stem: Path) -> list[Image.Image]:
    return [Image.open(path).convert("L") for path in sorted(stem.parent.glob(stem.name + "-*.pgm"))]


def _read(data: bytes) -> dict:
    """Everything but poppler's text and images, read with pikepdf and pdfium."""
    mcid_text = _marked_content_text(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        page_of = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        names = {}
        if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
            names = {str(name): dest for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
        names.update({key[1:]: dest for key, dest in pdf.Root.get("/Dests", {}).items()})

        def target(dest):
            """The page index a destination leads to (an explicit one, a name, or a dictionary with /D)."""
            if isinstance(dest, pikepdf.Dictionary):
                return target(dest.get("/D"))
            if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                name = str(dest).lstrip("/")
                return target(names[name]) if name in names else f"unknown destination {name!r}"
            if isinstance(dest, pikepdf.Array) and len(dest) and isinstance(dest[0], pikepdf.Dictionary):
                index = page_of.get(dest[0].objgen)
                return f"page {index + 1}" if index is not None else "a page not in the document"
            return f"no destination ({_show(dest, 40)})"

        def action_target(holder):
            action = holder.get("/A")
            if action is not None and action.get("/S") == "/URI":
                return str(action.URI)
            return target(holder["/Dest"] if "/Dest" in holder else action.get("/D") if action is not None else None)

        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp_title = str(xmp.get("dc:title", ""))
        return {
            "boxes": [tuple(round(float(value), 2) for value in page.mediabox) for page in pdf.pages],
            "structure": _structure(pdf, page_of, mcid_text),
            "outline": _outline(pdf.Root.get("/Outlines"), action_target),
            "links": [
                sorted(
                    (
                        tuple(round(float(value)) for value in pikepdf.Rectangle(link.Rect).as_array()),
                        action_target(link),
                    )
                    for link in page.obj.get("/Annots", [])
                    if link.get("/Subtype") == "/Link"
                )
                for page in pdf.pages
            ],
            "names": {name: target(dest) for name, dest in names.items()},
            "metadata": {
                "catalog /Lang": str(pdf.Root.get("/Lang", "")),
                "Info /Title": str(pdf.docinfo.get("/Title", "")),
                "XMP dc:title": xmp_title,
                "DisplayDocTitle": bool(pdf.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
            },
            "pdfua": pdfua_check.Checker(pdf).run(),
        }


def _marked_content_text(data: bytes) -> dict[tuple[int, int], str]:
    """{(page index, MCID): the text of that marked-content sequence's glyphs}, as pdfium decodes them."""
    texts: dict[tuple[int, int], str] = {}
    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            for item in page.get_objects(max_depth=8):  # into Form XObjects, whose MCIDs belong to the page
                if item.type != pdfium.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = pdfium.FPDFPageObj_GetMarkedContentID(item.raw)
                size = pdfium.FPDFTextObj_GetText(item.raw, text_page.raw, None, 0)  # in bytes, with the NUL
                buffer = ctypes.create_string_buffer(size)
                pdfium.FPDFTextObj_GetText(
                    item.raw, text_page.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), size
                )
                text = buffer.raw[: max(size - 2, 0)].decode("utf-16-le", errors="replace")
                texts[(index, mcid)] = texts.get((index, mcid), "") + text
            text_page.close()
            page.close()
    finally:
        document.close()
    return texts


def _structure(pdf: pikepdf.Pdf, page_of: dict, mcid_text: dict) -> list[tuple]:
    """Each structure element reachable from the root, depth first:
    (role, depth, language, Alt, ActualText, page number, the text of its own marked content)."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return []
    role_map = tree.get("/RoleMap", {})
    catalog_lang = str(pdf.Root.get("/Lang", ""))
    found, seen = [], set()
    stack = [(kid, 0, catalog_lang) for kid in reversed(pdfua_check._kids(tree))]
    while stack:
        element, depth, inherited = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if element.objgen in seen and element.objgen != (0, 0):  # (0, 0): a direct object, met once
            continue
        seen.add(element.objgen)
        role, hops = str(element.get("/S", "/?")), 0
        while role[1:] not in pdfua_check.STANDARD_TYPES and role in role_map and hops < 10:
            role, hops = str(role_map[role]), hops + 1
        lang = str(element["/Lang"]) if "/Lang" in element else inherited
        kids = pdfua_check._kids(element)
        own_page = page_of.get(element.Pg.objgen) if "/Pg" in element else None
        marked, page = [], own_page
        for kid in kids:
            if isinstance(kid, int):
                marked.append((own_page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                marked.append((page_of.get(kid.Pg.objgen) if "/Pg" in kid else own_page, int(kid.MCID)))
        if page is None and marked:
            page = marked[0][0]  # no /Pg of its own: the page of its first marked content
        text = " ".join(filter(None, (_normal(mcid_text.get(key, "")) for key in marked)))
        number = page + 1 if page is not None else None
        alt, actual = (str(element[key]) if key in element else None for key in ("/Alt", "/ActualText"))
        found.append((role[1:], depth, lang, alt, actual, number, text))
        stack.extend((kid, depth + 1, lang) for kid in reversed(kids))
    return found


def _outline(outlines, target_of) -> list[tuple]:
    """Every bookmark, depth first: (title, level from 1, where it leads)."""
    found, seen = [], set()

    def walk(item, level):
        while isinstance(item, pikepdf.Dictionary) and item.objgen not in seen:
            seen.add(item.objgen)
            found.append((str(item.get("/Title", "")), level, target_of(item)))
            walk(item.get("/First"), level + 1)
            item = item.get("/Next")

    if outlines is not None:
        walk(outlines.get("/First"), 1)
    return found


# -- describing differences ----------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.split())


def _show(value, width: int = 70) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _few(kind: str, messages: list[str]) -> list[str]:
    """The first EXAMPLES messages of a kind, and how many more there are."""
    messages = [message for message in messages if message]
    more = len(messages) - EXAMPLES
    return messages[:EXAMPLES] + ([f"... and {more} more {kind} differences"] if more > 0 else [])


def _text_difference(index: int, old: str, new: str) -> str:
    """Where a page's text first differs, with some context either side."""
    start = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    left = max(start - 30, 0)
    return f"page {index + 1}: the text differs: expected {old[left : start + 40]!r}, got {new[left : start + 40]!r}"


def _image_difference(index: int, old: Image.Image, new: Image.Image) -> str | None:
    if old.size != new.size:
        return (
            f"page {index + 1}: the page image is {new.size[0]}x{new.size[1]} px, expected {old.size[0]}x{old.size[1]}"
        )
    histogram = ImageChops.difference(old, new).histogram()
    changed = sum(histogram[GREY_LEVELS + 1 :])
    share = changed / (old.size[0] * old.size[1])
    if share > PIXEL_SHARE:
        return f"page {index + 1}: the page looks different ({share:.2%} of its pixels changed)"
    return None


STRUCTURE_FIELDS = ("role", "depth", "language", "Alt", "ActualText", "page", "text")
OUTLINE_FIELDS = ("title", "level", "page")


def _sequence_differences(what: str, old: list[tuple], new: list[tuple]) -> list[str]:
    """Elements missing, extra or changed between two sequences of tuples, matched with difflib."""
    fields = STRUCTURE_FIELDS if what == "structure element" else OUTLINE_FIELDS
    found = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            continue
        if operation == "replace" and old_end - old_start == new_end - new_start:
            for a, b in zip(old[old_start:old_end], new[new_start:new_end]):
                changes = [f"{name} {x!r} became {y!r}" for name, x, y in zip(fields, a, b) if x != y]
                found.append(f"{what} {_describe(fields, a)}: {', '.join(changes)}")
            continue
        found += [f"{what} missing: {_describe(fields, a)}" for a in old[old_start:old_end]]
        found += [f"{what} extra: {_describe(fields, b)}" for b in new[new_start:new_end]]
    return found


def _describe(fields: tuple, entry: tuple) -> str:
    named = dict(zip(fields, entry))
    if "role" in named:
        return f"/{named['role']} on page {named['page'] or '?'} (depth {named['depth']}) {_show(named['text'], 50)}"
    return f"{_show(named['title'], 50)} (level {named['level']}, {named['page']})"


def _mapping_differences(what: str, old: dict, new: dict) -> list[str]:
    found = []
    for key in sorted(old.keys() | new.keys()):
        if key not in new:
            found.append(f"{what} {key!r} is missing")
        elif key not in old:
            found.append(f"{what} {key!r} is extra")
        elif old[key] != new[key]:
            found.append(f"{what} {key}: expected {old[key]!r}, got {new[key]!r}")
    return found
