"""Slots (issue 19): every practice-specific string sits in a box whose place and size never depend on the practice.

Laid out with the practice's details ("fill") and with placeholders ("placeholder"), a toolkit has the same pages,
the same fit levels for its page-sized items and every slot in the same place; no template prints practice data
outside a slot (the document's title aside); and the longest details the contract accepts fit every slot.
"""

import datetime as dt
import functools

import lxml.html
import pytest
from conftest import LONGEST_NAME

from safesurgeries.practices import fields
from safesurgeries.toolkit import builder, fitting, renderer

LANGUAGES = ["ar", "ur", "zh-Hans", "ti"]  # with English: both scripts right to left, Han and Ge'ez
EDITION = builder.Edition("2026.2", dt.date(2026, 1, 1))
TODAY = dt.date(2026, 11, 29)
ADDRESS_LINE = "Unit 1, Yr Hen Felin — Ffordd Glan Menai & Heol y Frenhines' Yard, Llanfair WWWW"
DETAILS = {
    "typical": {
        "practice_name": "Riverside Medical Centre",
        "ods_code": "Y99001",
        "address_lines": ["12 Quay Street", "Deptford", "London"],
        "postcode": "SE8 4RU",
        "phone": "020 7946 0123",
        "contact_name": "Amira Haddad",
        "contact_role": "Practice manager",
        "interpreting_service": "Language Line",
        "languages": LANGUAGES,
    },
    # Every optional field left out.
    "empty": {
        "practice_name": "Hill Surgery",
        "address_lines": ["1 Hill Road"],
        "postcode": "N1 9GU",
        "languages": LANGUAGES,
    },
    # The longest the contract accepts in every field, in Wales, with a care-of address of another organisation.
    "longest": {
        "practice_name": LONGEST_NAME,
        "ods_code": "W99002",
        "address_lines": [ADDRESS_LINE] * fields.ADDRESS_MAX_LINES,
        "postcode": "LL77 7ES",
        "phone": "+44 (0)1248 123 456 ext. 12345",
        "contact_name": "W" * fields.CONTACT_NAME_MAX,
        "contact_role": "M" * fields.CONTACT_ROLE_MAX,
        "interpreting_service": "Wales Interpretation and Translation Service " + "W" * 115,  # 160 characters
        "care_of_address_lines": ["c/o Glan Menai Day Centre " + "W" * 54] * (fields.ADDRESS_MAX_LINES + 1),
        "languages": LANGUAGES,
    },
}
# The shortest details in the longest's nation, with its kind of care-of address (that choice may change the pages).
SHORT_IN_WALES = {
    "practice_name": "Tŷ Meddyg",
    "address_lines": ["1 Stryd"],
    "postcode": "LL77 7ES",
    "phone": "01248 123456",  # with a phone, as the longest: the posters print their "Phone:" label only then
    "care_of_address_lines": ["Canolfan"],
    "languages": LANGUAGES,
}


def stylesheets() -> list[str]:
    return [builder.toolkit_css(), builder.language_css()]


def fitted(details, slot_mode: str):
    """The toolkit laid out as build_toolkit lays it out, its fit levels from fitting.py."""
    return fitting.layout_fitted(
        lambda levels, measuring: renderer.layout(
            builder.toolkit_html(details, EDITION, TODAY, fit_levels=levels, measuring=measuring, slot_mode=slot_mode),
            stylesheets(),
        )
    )


@pytest.fixture(scope="module")
def laid_out(parse):
    @functools.cache
    def lay_out(name: str, slot_mode: str):
        return fitted(parse(DETAILS.get(name, SHORT_IN_WALES)), slot_mode)

    return lay_out


def containers(levels: dict[str, int], slots) -> dict[str, int]:
    return {item: level for item, level in levels.items() if item not in slots}


@pytest.mark.parametrize("name", DETAILS)
def test_slots_and_pages_do_not_depend_on_the_practice(laid_out, name):
    filled, filled_levels = laid_out(name, "fill")
    placeholder, placeholder_levels = laid_out(name, "placeholder")
    boxes = fitting.slot_boxes(filled)

    assert len(filled.pages) == len(placeholder.pages)
    assert boxes == fitting.slot_boxes(placeholder)
    assert containers(filled_levels, boxes) == containers(placeholder_levels, boxes)
    assert {"cover-name", "poster-ar-practice", "cards-ur-from-6", "certificate-qr", "references-prepared"} <= set(
        boxes
    )
    assert all(box.height > 0 and box.width > 0 for box in boxes.values())


def test_the_longest_details_fit_every_slot_and_keep_the_page_count(laid_out):
    longest, levels = laid_out("longest", "fill")
    short, _ = laid_out("short in Wales", "fill")
    boxes = fitting.slot_boxes(longest)

    assert fitting.overflow_ratios(longest) == {}
    assert all(levels.get(slot, 0) <= fitting.MAX_LEVEL for slot in boxes)
    assert any(levels.get(slot, 0) > 0 for slot in boxes), "the longest details shrank no slot"
    assert len(longest.pages) == len(short.pages)
    assert [(box.page, box.height) for box in boxes.values()] == [
        (box.page, box.height) for box in fitting.slot_boxes(short).values()
    ]


def test_a_placeholder_slot_holds_one_transparent_mark_and_a_filled_one_the_details(parse):
    details = parse(DETAILS["typical"])
    for mode, expected in (("placeholder", {"x"}), ("fill", None)):
        tree = lxml.html.document_fromstring(builder.toolkit_html(details, EDITION, TODAY, slot_mode=mode))
        slots = tree.xpath("//*[@data-slot]")
        ids = [slot.get("data-slot") for slot in slots]
        assert len(ids) == len(set(ids)) > 50
        assert all(slot.get("data-fit") == slot.get("data-slot") and "slot" in slot.classes for slot in slots)
        assert all(("slot-placeholder" in slot.classes) == (mode == "placeholder") for slot in slots)
        assert not tree.xpath("//*[@data-slot]//a")
        texts = {slot.text_content() for slot in slots}
        if expected:
            assert texts == expected
        else:
            assert any("Riverside Medical Centre" in text for text in texts)
    with pytest.raises(ValueError):
        builder.toolkit_html(details, EDITION, TODAY, slot_mode="filled")


def test_no_template_prints_practice_data_outside_a_slot(parse):
    markers = {
        "practice_name": "Qxname",
        "address_lines": ["Qxstreet", "Qxtown"],
        "phone": "020 7946 0123",
        "contact_name": "Qxcontact",
        "contact_role": "Qxrole",
        "interpreting_service": "Qxinterpreting",
    }
    for nation_postcode, care_of in (("SE8 4RU", None), ("LL77 7ES", ["Qxcareof", "Qxcareoftown"])):
        data = {**markers, "postcode": nation_postcode, "ods_code": "Y99001", "languages": LANGUAGES}
        if care_of:
            data["care_of_address_lines"] = care_of
        details = parse(data)
        html = builder.toolkit_html(details, EDITION, TODAY)
        tree = lxml.html.document_fromstring(html)
        found = 0
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            inside = element.tag == "title" or any(
                ancestor.get("data-slot") for ancestor in (element, *element.iterancestors())
            )
            own_texts = [element.text or "", *(child.tail or "" for child in element), *element.attrib.values()]
            for text in own_texts:
                for marker in ("Qx", "7946", "Y99001", TODAY.strftime("%B %Y"), "/surgeries/"):
                    if marker in text:
                        found += 1
                        assert inside, f"{marker!r} outside a slot, in <{element.tag} class={element.get('class')}>"
        assert found > 40


def test_a_slot_split_over_two_pages_is_an_error():
    html = '<p class="slot" data-slot="long" style="height: 400mm">{}</p><p data-slot="short">x</p>'.format(
        "<br>".join(["line"] * 200)
    )
    document = renderer.layout(html, [])
    assert len(document.pages) > 1
    with pytest.raises(fitting.SlotError, match="long"):
        fitting.slot_boxes(document)
    assert set(fitting.slot_boxes(renderer.layout('<p data-slot="short">x</p>', []))) == {"short"}
