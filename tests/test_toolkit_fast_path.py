"""The fast path (cached layouts of the fixed sections, then the PDF cache) gives the same document as the plain render."""

import datetime as dt
import io

import pypdf
import pytest

from conftest import PRACTICE
from safesurgeries.toolkit import builder, languages
from safesurgeries.toolkit.details import parse_details

LONG = {
    "practice_name": "The Very Long Named Health Centre and Community Wellbeing Practice of Upper and Lower Riverside",
    "address_lines": ["Unit 14, The Old Mill Buildings, Riverside Industrial and Commercial Estate East",
                      "Forty-Two Long Lane Near the Old Railway Bridge and the Canal Towpath Steps",
                      "Deptford", "Greenwich and Lewisham Borders", "Greater London"],
    "postcode": "SE8 4RU",
    "phone": "020 7946 0999",
    "contact_name": "Dr Oluwaseun Adebayo-Fitzgerald", "contact_role": "Partner and Caldicott Guardian",
    "care_of_address_lines": ["c/o The Deptford Safe Hub", "Community Rooms, 4 Market Yard", "Off the High Street",
                              "Deptford", "London", "SE8 4AA"],
    "interpreting_service": "Language Line Solutions, telephone interpreting, 0800 169 2879, code 4455",
    "languages": ["ar", "ur", "fa", "ps", "ckb", "bn", "zh-Hans", "ta", "ti", "am"],
}
DETAILS = {
    "sample, Arabic": PRACTICE,
    "long address, ten languages, right to left": LONG,
    "fewest details, English only": {"practice_name": "A", "address_lines": ["1 Road"], "postcode": "N1 9GU"},
    "Urdu and Persian, no phone": {"practice_name": "Canal Side Surgery", "address_lines": ["3 Lock Road"],
                                   "postcode": "E3 2AA", "languages": ["ur", "fa"]},
}


def document_facts(pdf: bytes) -> dict:
    """What a reader (and a screen reader) gets from the PDF, page by page."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]

    def outline(items):
        return [outline(item) if isinstance(item, list) else (item.title, reader.get_destination_page_number(item))
                for item in items]

    def roles(element, found):
        element = element.get_object()
        if isinstance(element, pypdf.generic.ArrayObject):
            for kid in element:
                roles(kid, found)
        elif isinstance(element, pypdf.generic.DictionaryObject) and "/S" in element:
            found.append(str(element["/S"]))
            if "/K" in element:
                roles(element["/K"], found)
        return found

    return {
        "pages": [" ".join(page.extract_text().split()) for page in reader.pages],
        "outline": outline(reader.outline),
        "title": reader.metadata.title,
        "lang": root["/Lang"],
        "tagged": bool(root["/MarkInfo"]["/Marked"]),
        "structure": roles(root["/StructTreeRoot"]["/K"], []),
        "links": [len(page.get("/Annots") or []) for page in reader.pages],
        "destinations": sorted(reader.named_destinations),
    }


@pytest.mark.parametrize("data", DETAILS.values(), ids=DETAILS.keys())
def test_api_toolkit_is_the_same_document_as_the_plain_render(client, data):
    today = dt.date.today()
    response = client.post("/api/v1/toolkits", json=data)
    assert response.status_code == 200, response.get_data(as_text=True)
    details = parse_details(data, languages.catalogue())
    plain = builder.build_toolkit(details, builder.Edition("2026.1", dt.date(2026, 11, 1)), today)

    fast, expected = document_facts(response.data), document_facts(plain)
    assert len(fast["pages"]) == len(expected["pages"])
    for number, (got, want) in enumerate(zip(fast["pages"], expected["pages"]), start=1):
        assert got == want, f"page {number} differs"
    assert fast == expected
    assert "StructTreeRoot" in str(pypdf.PdfReader(io.BytesIO(response.data)).trailer["/Root"].keys())


def test_fast_path_follows_the_edition_into_the_fixed_sections(app, client):
    app.config.update(TOOLKIT_EDITION="2027.2", CONTENT_REVIEWED=dt.date(2027, 3, 1))
    details = {**PRACTICE, "languages": []}
    response = client.post("/api/v1/toolkits", json=details)
    plain = builder.build_toolkit(parse_details(details, languages.catalogue()),
                                  builder.Edition("2027.2", dt.date(2027, 3, 1)), dt.date.today())
    fast = document_facts(response.data)
    assert fast == document_facts(plain)
    assert all("edition 2027.2" in page and "reviewed March 2027" in page for page in fast["pages"])
