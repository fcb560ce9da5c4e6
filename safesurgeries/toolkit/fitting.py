"""Fixed-size pages that never lose a practice's details: lay out, measure, and shrink what does not fit.

Patient cards, posters, the certificate and the one-page forms have a fixed size, and what they print varies:
the practice's name (up to 120 characters), address and phone, and each language's sentences. Each such item
carries `data-fit="<item>"` and a class `fit-<level>` (toolkit.css scales the item's type by level).

First a measuring layout of those items (and the sections holding slots) alone, on pages too tall to break (class
`measuring`: WeasyPrint drops what does not fit a fixed-height box on its page, so an overflow is only measurable
where nothing breaks), gives each item's level from how far it overflows. Then the toolkit is laid out for real
and every item is checked again from WeasyPrint's boxes: its content must end inside its own box, on one page,
with nothing dropped. Only if that fails (it should not) is the real layout repeated with smaller type.

Items nest: a slot (the box of fixed height that holds a practice's details, _macros.html) is an item inside
a page-sized one. An item's content ends, for its own fitting, at the border box of each item inside it, so the
level of a poster or a card never depends on the practice's details; only its slots' levels do. Every section
that holds a slot is in the measuring layout, and measuring goes on until every item fits.

CSS cannot shrink text to fit a box, and WeasyPrint has no API for it, hence this measuring.
"""

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import InlineLevelBox

# toolkit.css defines .fit-0 to .fit-12, each about 7% smaller than the one before (level 12: 42%).
MAX_LEVEL = 12
STEP = 0.93
TOLERANCE_PX = 0.5  # rounding in the layout, not overflow
# Measuring layouts before the real one, at most: the page-sized items settle first (the first guess and a secant's
# correction nearly always fit them), then the slots inside them. A slot is measured only on a measuring page:
# on a real one, what overflows near its foot is cut, and the slot would be measured short, and given other type
# than the overlay (overlay.py) gives it.
MEASURES = 8


class DoesNotFit(RuntimeError):
    """An item still overflows at the smallest type: the input is longer than the toolkit can print."""


def _walk(box) -> Iterator:
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _starts(box, parent_element, attribute: str) -> bool:
    """Is box the outermost box of an element carrying attribute (its lines and text share its element)?"""
    element = getattr(box, "element", None)
    return element is not None and element is not parent_element and bool(element.get(attribute))


def _roots(page_box, attribute: str) -> Iterator[tuple[str, object]]:
    """(value, box) for the outermost box of each element carrying attribute on a page, nested ones too."""

    def visit(box, parent_element):
        if _starts(box, parent_element, attribute):
            yield box.element.get(attribute), box
        for child in getattr(box, "children", ()):
            yield from visit(child, getattr(box, "element", None))

    yield from visit(page_box, None)


def _fit_roots(page_box) -> Iterator[tuple[str, object]]:
    """(item, box) for the outermost box of each data-fit element on a page, items inside items included."""
    yield from _roots(page_box, "data-fit")


def _own_boxes(root) -> Iterator:
    """The boxes inside root, not descending into a nested item: of that, only its own (fixed-size) box."""

    def visit(box, parent_element):
        for child in getattr(box, "children", ()):
            yield child
            if not _starts(child, parent_element, "data-fit"):
                yield from visit(child, getattr(child, "element", parent_element))

    yield from visit(root, root.element)


def _content_bottom(root) -> float:
    """The lowest edge of the blocks and lines inside root, a nested item counting as its own box. A last
    paragraph's bottom margin is not content, and glyphs may reach below their line (Nastaliq's do): each item
    keeps a bottom padding for that ink."""
    return max(
        (box.border_box_y() + box.border_height() for box in _own_boxes(root) if not isinstance(box, InlineLevelBox)),
        default=root.content_box_y(),
    )


def _lost_elements(roots) -> bool:
    """Did any element of the item get no box at all? WeasyPrint drops the flex items that do not fit a fixed-height
    box on its page, rather than carrying them over, so missing content is looked for, not only low content."""
    laid_out = {id(box.element) for root in roots for box in _walk(root) if getattr(box, "element", None) is not None}
    pictures = {
        id(element)
        for element in roots[0].element.iter()
        if str(element.tag).endswith("svg")
        for element in element.iter()
    }  # an inline SVG is one image: its paths have no boxes
    return any(
        id(element) not in laid_out and id(element) not in pictures for element in _own_elements(roots[0].element)
    )


def _own_elements(element) -> Iterator:
    """element and its descendants, a nested item's content left to that item's own check."""
    yield element
    for child in element:
        if child.get("data-fit"):
            yield child
        else:
            yield from _own_elements(child)


def overflow_ratios(document: Document) -> dict[str, float]:
    """Item -> how many times too tall its content is (> 1), for every item that does not fit."""
    return _measure(document)[0]


def _measure(document: Document) -> tuple[dict[str, float], set[str]]:
    """overflow_ratios, and which of the items are slots (data-slot)."""
    roots_of: dict[str, list] = {}
    for page in document.pages:
        for item, root in _fit_roots(page._page_box):
            roots_of.setdefault(item, []).append(root)
    ratios = {}
    for item, roots in roots_of.items():
        used = sum(_content_bottom(root) - root.content_box_y() for root in roots)
        available = roots[0].height
        if len(roots) > 1 or _lost_elements(roots):  # spilled onto another page, or some of it was dropped
            ratios[item] = max(1.15, used / available)
        elif used > available + TOLERANCE_PX:  # ran out of its own box
            ratios[item] = used / available
    slots = {item for item, roots in roots_of.items() if roots[0].element.get("data-slot")}
    return ratios, slots


def levels_for(
    ratios: dict[str, float], levels: dict[str, int], before: dict[str, tuple[int, float]] | None = None
) -> dict[str, int]:
    """The next levels. The first guess takes reflowed text's height to go with the square of the type size (lines
    get both shorter and fuller), which errs towards larger type; once an item has been measured at two levels,
    the next guess follows the rate its own overflow fell at between them (the secant), which nearly always lands."""
    new = dict(levels)
    for item, ratio in ratios.items():
        current = levels.get(item, 0)
        if current >= MAX_LEVEL:
            raise DoesNotFit(f"'{item}' does not fit on its page even at the smallest type")
        steps = math.log(math.sqrt(ratio)) / -math.log(STEP)
        if before and item in before and before[item][1] > ratio and before[item][0] < current:
            previous_level, previous_ratio = before[item]
            steps = math.log(ratio) * (current - previous_level) / math.log(previous_ratio / ratio)
        new[item] = min(MAX_LEVEL, current + max(1, math.ceil(steps - 1e-9)))
    return new


def next_levels(
    ratios: dict[str, float], slots: set[str], levels: dict[str, int], before: dict[str, tuple[int, float]]
) -> dict[str, int]:
    """The next levels. While a page-sized item overflows, only those change: a slot inside one is measured again
    once its type size is settled. A slot's next level depends only on its level and its overflow now, never on
    the measures before (no secant): the plain render and the overlay (overlay.py), which measure a slot on
    different pages, then choose the same type for it."""
    containers = {item: ratio for item, ratio in ratios.items() if item not in slots}
    if containers:
        return levels_for(containers, levels, before)
    return levels_for(ratios, levels)


def layout_fitted(lay_out: Callable[[dict[str, int], bool], Document]) -> tuple[Document, dict[str, int]]:
    """lay_out(levels, measuring) -> a layout. Measure the fixed-size items, then lay out the toolkit so that
    all fit."""
    levels: dict[str, int] = {}
    before: dict[str, tuple[int, float]] = {}
    for _ in range(MEASURES):
        ratios, slots = _measure(lay_out(levels, True))
        if not ratios:
            break
        levels, before = (
            next_levels(ratios, slots, levels, before),
            {**before, **{item: (levels.get(item, 0), ratio) for item, ratio in ratios.items()}},
        )
    while True:  # the real layout is checked whatever the measures said, and shrunk further if it must be
        document = lay_out(levels, False)
        ratios, slots = _measure(document)
        if not ratios:
            return document, levels
        levels = next_levels(ratios, slots, levels, {})


def slots_fitted(lay_out: Callable[[dict[str, int]], Document]) -> Document:
    """lay_out(levels) -> a layout of slots only (overlay.py), each layout a real one: shrunk until all fit, by the
    same steps as layout_fitted takes for a slot, so that both choose the same type."""
    levels: dict[str, int] = {}
    while True:
        document = lay_out(levels)
        ratios, slots = _measure(document)
        if not ratios:
            return document
        levels = next_levels(ratios, slots, levels, {})


class SlotError(RuntimeError):
    """A slot is not one box on one page: the toolkit's templates break the slots' contract."""


@dataclass(frozen=True)
class SlotBox:
    """Where a slot lies, in CSS px from its page's top left: its border box, and its margin box's x and width."""

    page: int  # index of the page in the document
    x: float
    y: float
    width: float
    height: float
    margin_x: float
    margin_y: float
    margin_width: float


def slot_boxes(document: Document) -> dict[str, SlotBox]:
    """Slot id -> its laid-out box, for every element with data-slot; one split over pages (or repeated) is an
    error."""
    boxes: dict[str, SlotBox] = {}
    for index, page in enumerate(document.pages):
        for slot, box in _roots(page._page_box, "data-slot"):
            if slot in boxes:
                raise SlotError(f"slot {slot!r} is not one box on one page (again on page {index + 1})")
            boxes[slot] = SlotBox(
                page=index,
                x=box.border_box_x(),
                y=box.border_box_y(),
                width=box.border_width(),
                height=box.border_height(),
                margin_x=box.position_x,
                margin_y=box.position_y,
                margin_width=box.margin_width(),
            )
    return boxes
