"""A PDF/UA-1 checker for the test suite: the machine-checkable Matterhorn Protocol 1.1 conditions our toolkit can meet.

Why hand-written: veraPDF (Java) is not available here, and the `pdfua` package on PyPI (0.1.3, built on pikepdf)
was tried on the toolkit: it implements 16 of veraPDF's 106 PDF/UA-1 rules, checks only the catalog's /Lang (not
each element's), checks no fonts, role map, /Tabs or ParentTree, and its heading rule crashes on our PDF
("pikepdf.Object is not a Dictionary or Stream: cannot get key '/is_integer'"). So the checks are written here with
pikepdf, which that package is built on as well; `langcodes` decides whether a /Lang is a valid BCP 47 tag.

Matterhorn checkpoints covered (failure conditions marked "machine" in the protocol):
  01-003, 01-004, 01-005  every content operator lies in marked content that is either an Artifact or tagged (an MCID
                          the ParentTree maps to a structure element reachable from the StructTreeRoot); no artifact
                          nested in tagged content and no tagged content nested in an artifact; Form XObjects are
                          followed with the stack they are drawn in
  01-007                  MarkInfo /Suspects is not true (and, PDF/UA-1 6.2 / 7.1: MarkInfo /Marked is true,
                          the catalog has a StructTreeRoot, every page has /StructParents)
  02-001, 02-002, 02-003  every /S is a standard structure type or role-mapped to one; no circular mapping;
                          no standard type remapped
  06-001, 06-002, 06-003  XMP metadata present, pdfuaid:part = 1, dc:title present (and, 7.1: Info /Title present)
  07-001, 07-002          ViewerPreferences /DisplayDocTitle true
  09-004, 09-005          table and list structure elements nest as ISO 32000-1 Tables 337 and 336 say
  10-001, 31 (fonts)      every font is embedded (Type 3 excepted) and maps to Unicode: a ToUnicode CMap, or a
                          simple font with a standard encoding name
  11-001, 11-002, 11-003,
  11-004, 11-006          the catalog has a /Lang, so every text, Alt, ActualText, outline entry, annotation and
                          the metadata has a determinable language; and every /Lang in the catalog and the structure
                          tree is a valid BCP 47 tag (a wrong tag is a language that cannot be determined)
  13-004                  every Figure has a non-empty /Alt or /ActualText
  14-002, 14-003          the first numbered heading is H1 and no heading level is skipped going down
  15-003                  a table not organised with /Headers and /ID gives every TH a /Scope
  26-001, 26-002          not encrypted (or, if it is, P is present with bit 10 set)
  28-004, 28-008, 28-009,
  28-011, 28-012          annotations: every page (not only those with annotations) has /Tabs /S; link annotations
                          are reached from a Link structure element and have /Contents; other annotations (but
                          widgets and printer marks) from an Annot element
  (ISO 32000-1 14.7.2)    element IDs are unique and the StructTreeRoot's IDTree maps each to its element, so the
                          /Headers of table cells resolve
  (not Matterhorn)        the document has bookmarks (an outline with entries), which PDF/UA-1 7.1 asks of
                          documents with structure

Not covered: every checkpoint the protocol marks "human" (reading order, semantic appropriateness, alternative text
that is accurate, colour and contrast, flicker, headings that are meaningful, ...); 01-006; 09-006 to 09-008 (TOC,
Ruby, Warichu: not used); 13-xxx other than 13-004; 14-006, 14-007; 16 (lists beyond nesting); 17 (formulae), 19
(notes), 20 (optional content), 21 (embedded files), 25 (XFA), 28 widgets and forms, 30 (reference XObjects): the
toolkit makes none of these; the glyph-level font checks of 31 (CIDSet, widths in the font dictionary against the
font program, CMap details), which need a font parser; and PDF/A-style file-structure rules. A pass here is not a
conformance claim; it is the gate the toolkit's tests hold it to.
"""

import io
from collections import Counter
from dataclasses import dataclass, field

import langcodes
import pikepdf

STANDARD_TYPES = frozenset(
    {
        "Document",
        "Part",
        "Art",
        "Sect",
        "Div",
        "BlockQuote",
        "Caption",
        "TOC",
        "TOCI",
        "Index",
        "NonStruct",
        "Private",
        "P",
        "H",
        "H1",
        "H2",
        "H3",
        "H4",
        "H5",
        "H6",
        "L",
        "LI",
        "Lbl",
        "LBody",
        "Table",
        "TR",
        "TH",
        "TD",
        "THead",
        "TBody",
        "TFoot",
        "Span",
        "Quote",
        "Note",
        "Reference",
        "BibEntry",
        "Code",
        "Link",
        "Annot",
        "Ruby",
        "RB",
        "RT",
        "RP",
        "Warichu",
        "WT",
        "WP",
        "Figure",
        "Formula",
        "Form",
    }
)
# Operators that put marks on the page (text showing, path painting, shadings, XObjects, inline images).
PAINTING = frozenset({"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "Do", "BI"})
ALLOWED_KIDS = {  # ISO 32000-1 Tables 336 (lists) and 337 (tables), as Matterhorn 09-004 and 09-005 read them
    "Table": {"TR", "THead", "TBody", "TFoot", "Caption"},
    "THead": {"TR"},
    "TBody": {"TR"},
    "TFoot": {"TR"},
    "TR": {"TH", "TD"},
    "L": {"LI", "L", "Caption"},
    "LI": {"Lbl", "LBody"},
}
ALLOWED_PARENTS = {
    "TR": {"Table", "THead", "TBody", "TFoot"},
    "TH": {"TR"},
    "TD": {"TR"},
    "THead": {"Table"},
    "TBody": {"Table"},
    "TFoot": {"Table"},
    "LI": {"L"},
    "Lbl": {"LI"},
    "LBody": {"LI"},
}
STANDARD_ENCODINGS = frozenset({"/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding", "/MacExpertEncoding"})


@dataclass(frozen=True)
class Failure:
    checkpoint: str
    message: str


@dataclass
class Element:
    """A structure element reached from the StructTreeRoot, with what the checks need of it."""

    obj: pikepdf.Dictionary
    type: str  # /S, as written
    role: str  # the standard type it maps to (or /S when it cannot be mapped)
    lang: str  # its own /Lang or the nearest ancestor's, else the catalog's
    parent: "Element | None"
    page: int | None
    mcids: list[int] = field(default_factory=list)
    kids: list["Element"] = field(default_factory=list)


def valid_language(tag: str) -> bool:
    """A valid BCP 47 tag (hyphens, registered subtags): langcodes accepts underscores too, BCP 47 does not."""
    return bool(tag) and "_" not in tag and langcodes.tag_is_valid(tag)


class Checker:
    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.failures: list[Failure] = []
        self.page_index = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
        self.root = pdf.Root
        self.catalog_lang = str(self.root.get("/Lang", ""))
        self.elements: list[Element] = []
        self.reachable: set[tuple[int, int]] = set()

    def fail(self, checkpoint: str, message: str) -> None:
        self.failures.append(Failure(checkpoint, message))

    # -- document level --------------------------------------------------------------------------------------
    def check_document(self) -> None:
        mark_info = self.root.get("/MarkInfo")
        if mark_info is None or not bool(mark_info.get("/Marked", False)):
            self.fail("PDF/UA 6.2", "the catalog's MarkInfo /Marked is not true")
        if mark_info is not None and bool(mark_info.get("/Suspects", False)):
            self.fail("01-007", "MarkInfo /Suspects is true")
        if "/StructTreeRoot" not in self.root:
            self.fail("PDF/UA 7.1", "the catalog has no StructTreeRoot")
        if not self.catalog_lang:
            self.fail("11-001", "the catalog has no /Lang, so no text has a determinable language")
        elif not valid_language(self.catalog_lang):
            self.fail("11-001", f"the catalog's /Lang {self.catalog_lang!r} is not a valid BCP 47 tag")
        if not str(self.pdf.docinfo.get("/Title", "")).strip():
            self.fail("PDF/UA 7.1", "the document information dictionary has no /Title")
        preferences = self.root.get("/ViewerPreferences")
        if preferences is None or "/DisplayDocTitle" not in preferences:
            self.fail("07-001", "ViewerPreferences has no DisplayDocTitle")
        elif not bool(preferences.DisplayDocTitle):
            self.fail("07-002", "ViewerPreferences DisplayDocTitle is false")
        if "/Metadata" not in self.root:
            self.fail("06-001", "the catalog has no XMP metadata stream")
        else:
            with self.pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                if str(meta.get("pdfuaid:part", "")) != "1":
                    self.fail("06-002", f"XMP pdfuaid:part is {meta.get('pdfuaid:part')!r}, not 1")
                if not str(meta.get("dc:title", "")).strip():
                    self.fail("06-003", "XMP has no dc:title")
        if self.pdf.is_encrypted:
            permissions = self.pdf.trailer.get("/Encrypt", {}).get("/P")
            if permissions is None:
                self.fail("26-001", "the file is encrypted but its Encrypt dictionary has no P entry")
            elif not int(permissions) & (1 << 9):
                self.fail("26-002", "the file is encrypted and P bit 10 (extraction for accessibility) is off")
        outlines = self.root.get("/Outlines")
        if outlines is None or "/First" not in outlines:
            self.fail("bookmarks", "the document has no bookmarks (outline entries)")

    # -- structure tree --------------------------------------------------------------------------------------
    def role_of(self, type_: str) -> str | None:
        """The standard type a structure type maps to, failing 02-001/02-002/02-003 on the way; None if unmapped."""
        role_map = self.root.StructTreeRoot.get("/RoleMap", {})
        seen = [type_]
        while type_ not in STANDARD_TYPES:
            mapped = role_map.get("/" + type_)
            if mapped is None:
                self.fail("02-001", f"structure type /{seen[0]} is not standard and not role-mapped to a standard type")
                return None
            type_ = str(mapped)[1:]
            if type_ in seen:
                self.fail("02-002", f"circular role mapping: {' -> '.join(seen + [type_])}")
                return None
            seen.append(type_)
        return type_

    def check_role_map(self) -> None:
        for key in self.root.StructTreeRoot.get("/RoleMap", {}):
            if key[1:] in STANDARD_TYPES:
                self.fail("02-003", f"the standard type {key} is remapped")

    def walk_structure(self) -> None:
        tree = self.root.get("/StructTreeRoot")
        if tree is None:
            return
        self.check_role_map()
        stack = [(kid, None) for kid in reversed(_kids(tree))]
        roles: dict[str, str | None] = {}
        while stack:
            obj, parent = stack.pop()
            if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") in ("/OBJR", "/MCR"):
                continue
            if obj.objgen in self.reachable and obj.objgen != (0, 0):
                self.fail("PDF/UA 7.1", "a structure element is reached twice in the structure tree")
                continue
            self.reachable.add(obj.objgen)
            type_ = str(obj.get("/S", "/"))[1:]
            if type_ not in roles:
                roles[type_] = self.role_of(type_)
            own_lang = obj.get("/Lang")
            if own_lang is not None and not valid_language(str(own_lang)):
                self.fail("11-001", f"/{type_} has /Lang {str(own_lang)!r}, not a valid BCP 47 tag")
            lang = str(own_lang) if own_lang is not None else (parent.lang if parent else self.catalog_lang)
            page = self.page_index.get(obj.Pg.objgen) if "/Pg" in obj else (parent.page if parent else None)
            element = Element(obj, type_, roles[type_] or type_, lang, parent, page)
            if parent is not None:
                parent.kids.append(element)
            self.elements.append(element)
            for kid in _kids(obj):
                if isinstance(kid, int):
                    element.mcids.append(int(kid))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    element.mcids.append(int(kid.MCID))
            stack.extend((kid, element) for kid in reversed(_kids(obj)))

    def check_ids(self) -> None:
        """ISO 32000-1 14.7.2: IDs unique, and an IDTree that maps each to its element (/Headers resolve through it)."""
        identified = [element for element in self.elements if "/ID" in element.obj]
        if not identified:
            return
        ids = Counter(bytes(element.obj.ID) for element in identified)
        for identifier, count in ids.items():
            if count > 1:
                self.fail("ISO 32000 14.7.2", f"the element ID {identifier!r} is used {count} times")
        tree = self.root.StructTreeRoot.get("/IDTree")
        if tree is None:
            self.fail("ISO 32000 14.7.2", f"{len(identified)} elements have an /ID but there is no IDTree")
            return
        names = pikepdf.NameTree(tree)
        for element in identified:
            key = bytes(element.obj.ID).decode("latin-1")
            if key not in names or names[key].objgen != element.obj.objgen:
                self.fail("ISO 32000 14.7.2", f"the IDTree does not map {key!r} to its element")

    def check_elements(self) -> None:
        headings_seen = 0
        last_level = 0
        for element in self.elements:
            role = element.role
            if role == "Figure" and not (
                str(element.obj.get("/Alt", "")).strip() or str(element.obj.get("/ActualText", "")).strip()
            ):
                self.fail("13-004", f"a Figure on page {_page(element)} has no /Alt or /ActualText")
            if role in ALLOWED_KIDS:
                for kid in element.kids:
                    if kid.role not in ALLOWED_KIDS[role]:
                        checkpoint = "09-005" if role in ("L", "LI") else "09-004"
                        self.fail(checkpoint, f"/{role} on page {_page(element)} has a /{kid.role} child")
            if role in ALLOWED_PARENTS and (element.parent is None or element.parent.role not in ALLOWED_PARENTS[role]):
                checkpoint = "09-005" if role in ("LI", "Lbl", "LBody") else "09-004"
                parent_role = element.parent.role if element.parent else "StructTreeRoot"
                self.fail(checkpoint, f"/{role} on page {_page(element)} is inside /{parent_role}")
            if role in ("H1", "H2", "H3", "H4", "H5", "H6"):
                level = int(role[1])
                if headings_seen == 0 and level != 1:
                    self.fail("14-002", f"the first numbered heading is {role}, not H1")
                elif level > last_level + 1:
                    self.fail("14-003", f"heading level skipped: H{last_level} then {role} on page {_page(element)}")
                headings_seen, last_level = headings_seen + 1, level
            if role == "Table":
                self.check_table(element)

    def check_table(self, table: Element) -> None:
        cells = [element for element in _descendants(table) if element.role in ("TH", "TD")]
        header_ids = {bytes(cell.obj.ID) for cell in cells if cell.role == "TH" and "/ID" in cell.obj}
        data_cells = [cell for cell in cells if cell.role == "TD"]
        by_headers = bool(data_cells) and all(
            headers and all(bytes(ref) in header_ids for ref in headers)
            for headers in (_attribute(cell.obj, "/Headers") for cell in data_cells)
        )
        if by_headers:
            return
        for cell in cells:
            if cell.role == "TH" and _attribute(cell.obj, "/Scope") is None:
                self.fail("15-003", f"a TH on page {_page(cell)} has no /Scope, and the table does not use /Headers")

    # -- content ---------------------------------------------------------------------------------------------
    def check_pages(self) -> None:
        tree = self.root.get("/StructTreeRoot")
        parent_tree = _number_tree(tree.ParentTree) if tree is not None and "/ParentTree" in tree else {}
        for index, page in enumerate(self.pdf.pages):
            if page.obj.get("/Tabs") != "/S":
                self.fail(
                    "28-009" if "/Annots" in page.obj else "PDF/UA 7.18.3",
                    f"page {index + 1} has /Tabs {page.obj.get('/Tabs')}, not /S",
                )
            if "/StructParents" not in page.obj:
                self.fail("PDF/UA 7.1", f"page {index + 1} has no /StructParents")
                mapping = []
            else:
                mapping = parent_tree.get(int(page.obj.StructParents), [])
            self.check_content(index, page, mapping)
            self.check_annotations(index, page, parent_tree)
            self.check_fonts(index, page.obj.get("/Resources", {}), set())

    def check_content(self, index: int, page: pikepdf.Page, mapping) -> None:
        untagged = Counter()

        def tagged_mcid(mcid: int) -> bool:
            if mcid >= len(mapping):
                return False
            element = mapping[mcid]
            return isinstance(element, pikepdf.Dictionary) and element.objgen in self.reachable

        def run(instructions, stack: list[str]) -> None:
            for instruction in instructions:
                if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                    operator, operands = "BI", []
                else:
                    operator, operands = str(instruction.operator), instruction.operands
                if operator in ("BDC", "BMC"):
                    kind = "other"
                    if operands[0] == "/Artifact":
                        kind = "artifact"
                        if "tagged" in stack:
                            self.fail("01-003", f"page {index + 1}: an Artifact is nested inside tagged content")
                    elif operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                        mcid = int(operands[1].MCID)
                        if "artifact" in stack:
                            self.fail("01-004", f"page {index + 1}: MCID {mcid} is nested inside an Artifact")
                        kind = "tagged" if tagged_mcid(mcid) else "orphan"
                        if kind == "orphan":
                            untagged["MCID whose structure element is not in the structure tree"] += 1
                    stack.append(kind)
                elif operator == "EMC":
                    if stack:
                        stack.pop()
                elif operator in PAINTING:
                    if operator == "Do":
                        xobject = page.obj.Resources.XObject.get(operands[0]) if "/Resources" in page.obj else None
                        if xobject is not None and xobject.get("/Subtype") == "/Form":
                            run(pikepdf.parse_content_stream(xobject), stack)
                            continue
                    if "tagged" not in stack and "artifact" not in stack and "orphan" not in stack:
                        untagged[f"'{operator}' outside any marked content"] += 1

        run(pikepdf.parse_content_stream(page), [])
        for what, count in untagged.items():
            self.fail("01-005", f"page {index + 1}: {count} x {what}")

    def check_annotations(self, index: int, page: pikepdf.Page, parent_tree: dict) -> None:
        for annotation in page.obj.get("/Annots", []):
            subtype = annotation.get("/Subtype")
            if subtype in ("/Popup", "/PrinterMark") or (int(annotation.get("/F", 0)) & 2):
                continue  # popups belong to their parent; hidden annotations are exempt
            element = parent_tree.get(int(annotation.StructParent)) if "/StructParent" in annotation else None
            reachable = isinstance(element, pikepdf.Dictionary) and element.objgen in self.reachable
            role = self.role_of(str(element.S)[1:]) if reachable else None
            if subtype == "/Link":
                if role != "Link":
                    self.fail("28-011", f"page {index + 1}: a link annotation is not inside a Link structure element")
                if not str(annotation.get("/Contents", "")).strip():
                    self.fail("28-012", f"page {index + 1}: a link annotation has no /Contents")
            elif subtype != "/Widget" and role != "Annot":
                self.fail("28-004", f"page {index + 1}: a {subtype} annotation is not inside an Annot element")

    def check_fonts(self, index: int, resources, seen: set) -> None:
        for font in resources.get("/Font", {}).values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            subtype = font.get("/Subtype")
            if subtype == "/Type3":
                continue
            descriptor_font = font.DescendantFonts[0] if subtype == "/Type0" else font
            descriptor = descriptor_font.get("/FontDescriptor", {})
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                self.fail("31 (embedding)", f"page {index + 1}: font {font.get('/BaseFont')} is not embedded")
            encoding = font.get("/Encoding")
            standard = subtype != "/Type0" and isinstance(encoding, pikepdf.Name) and encoding in STANDARD_ENCODINGS
            if "/ToUnicode" not in font and not standard:
                self.fail("10-001", f"page {index + 1}: font {font.get('/BaseFont')} has no ToUnicode CMap")
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
                self.check_fonts(index, xobject.Resources, seen)

    def run(self) -> list[Failure]:
        self.check_document()
        self.walk_structure()
        self.check_elements()
        self.check_ids()
        self.check_pages()
        return self.failures


def _kids(obj) -> list:
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _descendants(element: Element):
    for kid in element.kids:
        yield kid
        yield from _descendants(kid)


def _page(element: Element) -> str:
    return str(element.page + 1) if element.page is not None else "?"


def _attribute(obj, key: str):
    """An attribute from a structure element's /A (a dictionary or an array of them, with revision numbers)."""
    attributes = obj.get("/A")
    if attributes is None:
        return None
    for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(entry, pikepdf.Dictionary) and key in entry:
            return entry[key]
    return None


def _number_tree(node) -> dict:
    """A number tree flattened to {key: value}."""
    result = {}
    nums = node.get("/Nums", [])
    for position in range(0, len(nums) - 1, 2):
        result[int(nums[position])] = nums[position + 1]
    for kid in node.get("/Kids", []):
        result.update(_number_tree(kid))
    return result


def check(pdf_bytes: bytes) -> list[Failure]:
    """Every failure of the covered Matterhorn conditions in a PDF; an empty list when it passes."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        return Checker(pdf).run()


def structure(pdf_bytes: bytes) -> list[Element]:
    """The structure elements reachable from the root, in tree order, each with its effective language and MCIDs.

    Detached from the file: only plain fields (type, role, lang, page, mcids, kids, actual_text, alt) are safe to read.
    """
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        checker = Checker(pdf)
        checker.walk_structure()
        for element in checker.elements:
            element.actual_text = str(element.obj.get("/ActualText", "")) or None
            element.alt = str(element.obj.get("/Alt", "")) or None
            element.obj = None
        return checker.elements


def summary(failures: list[Failure], examples: int = 3) -> str:
    """Failures grouped by checkpoint, with a count and the first few messages of each."""
    if not failures:
        return "PDF/UA check: 0 failures"
    by_checkpoint: dict[str, list[str]] = {}
    for failure in failures:
        by_checkpoint.setdefault(failure.checkpoint, []).append(failure.message)
    lines = [f"PDF/UA check: {len(failures)} failures"]
    for checkpoint, messages in sorted(by_checkpoint.items()):
        lines.append(f"  {checkpoint}: {len(messages)}")
        lines.extend(f"    - {message}" for message in messages[:examples])
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    for path in sys.argv[1:]:
        with open(path, "rb") as file:
            print(path)
            print(summary(check(file.read())))
