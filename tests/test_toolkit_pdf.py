"""The toolkit PDF, read back as a reader gets it: the practice's details where they belong, every section in order."""

import io

import pypdf
import pytest

from conftest import PRACTICE, page_with, pdf_pages, section_text

SECTION_TITLES = [
    "Contents", "Why this matters", "The rules on registering patients", "Reception guide",
    "Care-of addresses, step by step", "When the Home Office or the police ask for patient data",
    "A short note on NHS charging", "Registration policy", "Refusal log", "Staff training and audit checklists",
    "The Safe Surgery pledge", "Certificate", "Poster: English", "Patient cards: English", "References",
]


@pytest.fixture(scope="module")
def toolkit_pdf():
    """One toolkit for the sample practice, built through the public API."""
    from safesurgeries import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = app.test_client().post("/api/v1/toolkits", json=PRACTICE)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.data


def test_api_returns_a_pdf_named_after_the_ods_code(app, client):
    response = client.post("/api/v1/toolkits", json={**PRACTICE, "languages": []})
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert response.headers["Content-Disposition"] == 'attachment; filename="safe-surgeries-toolkit-Y99001.pdf"'


def test_file_name_without_ods_code_is_a_slug_of_the_name(client):
    details = {"practice_name": "St. Mary's Surgery & Clinic", "address_lines": ["1 Road"], "postcode": "N1 9GU"}
    response = client.post("/api/v1/toolkits", json=details)
    assert 'filename="safe-surgeries-toolkit-st-mary-s-surgery-clinic.pdf"' in response.headers["Content-Disposition"]


def test_cover_has_the_practice_name_address_and_postcode(toolkit_pdf):
    cover = pdf_pages(toolkit_pdf)[0]
    for text in ("Riverside Medical Centre", "12 Quay Street", "Deptford", "SE8 4RU", "Y99001",
                 "Edition 2026.1", "November 2026"):
        assert text in cover


def test_every_page_footer_has_edition_review_date_and_page_x_of_y(toolkit_pdf):
    pages = pdf_pages(toolkit_pdf)
    for number, text in enumerate(pages, start=1):
        assert "edition 2026.1" in text and "Content last reviewed November 2026" in text
        assert f"Page {number} of {len(pages)}" in text


def test_sections_are_all_present_and_in_order(toolkit_pdf):
    pages = pdf_pages(toolkit_pdf)
    starts = [page_with(pages[1:], title) + 1 for title in SECTION_TITLES[1:]]
    assert starts == sorted(starts), dict(zip(SECTION_TITLES[1:], starts))


def test_contents_lists_every_section_with_its_page_number(toolkit_pdf):
    reader = pypdf.PdfReader(io.BytesIO(toolkit_pdf))
    contents = pdf_pages(toolkit_pdf)[1]
    for item in reader.outline:
        if isinstance(item, list) or item.title in ("Cover", "Contents"):
            continue
        page_number = reader.get_destination_page_number(item) + 1
        after_title = contents.split(item.title, 1)[1].lstrip(" .")
        assert after_title.startswith(str(page_number)), (item.title, after_title[:20])


def test_reception_guide_has_phone_and_interpreting_service(toolkit_pdf):
    guide = section_text(toolkit_pdf, "Reception guide")
    assert "020 7946 0123" in guide
    assert "Language Line, 0800 169 2879" in guide
    assert "Riverside Medical Centre" in guide


def test_care_of_section_prints_the_care_of_address(toolkit_pdf):
    section = section_text(toolkit_pdf, "Care-of addresses, step by step")
    for line in PRACTICE["care_of_address_lines"]:
        assert line in section
    assert "Patient agreement" in section


def test_care_of_address_defaults_to_the_practice_address(client):
    details = {**PRACTICE, "care_of_address_lines": [], "languages": []}
    pdf = client.post("/api/v1/toolkits", json=details).data
    section = section_text(pdf, "Care-of addresses, step by step")
    assert "12 Quay Street" in section and "SE8 4RU" in section
    assert "Deptford Safe Hub" not in " ".join(pdf_pages(pdf))


def test_policy_and_pledge_carry_the_practice_and_contact(toolkit_pdf):
    assert "Riverside Medical Centre registers" in section_text(toolkit_pdf, "Registration policy")
    pledge = section_text(toolkit_pdf, "The Safe Surgery pledge")
    assert "Riverside Medical Centre" in pledge
    assert "Amina Yusuf" in pledge and "Practice manager" in pledge


def test_english_poster_and_certificate_name_the_practice(toolkit_pdf):
    poster = section_text(toolkit_pdf, "Poster: English")
    assert "Everyone is welcome to register here" in poster
    assert "Riverside Medical Centre" in poster and "Phone: 020 7946 0123" in poster
    assert "Riverside Medical Centre" in section_text(toolkit_pdf, "Certificate")


def test_cards_tell_the_right_to_register_in_the_language_and_in_english(toolkit_pdf):
    cards = section_text(toolkit_pdf, "Patient cards: Arabic")
    assert cards.count("Your right to register with a GP") == 6
    assert "Cut along the dashed lines" in cards


def test_references_name_the_sources(toolkit_pdf):
    references = pdf_pages(toolkit_pdf)[-1]
    for source in ("Patient Registration Standard Operating Principles", "General Medical Services Contracts",
                   "Memorandum of Understanding", "Confidentiality"):
        assert source in references


def test_pdf_is_tagged_titled_and_in_english(toolkit_pdf):
    reader = pypdf.PdfReader(io.BytesIO(toolkit_pdf))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Safe Surgeries toolkit: Riverside Medical Centre"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "en"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in root["/Metadata"].get_object().get_data()  # declares PDF/UA
    mediabox = reader.pages[0].mediabox
    assert (round(float(mediabox.width)), round(float(mediabox.height))) == (595, 842)  # A4 in points


def test_pdf_has_bookmarks_for_every_section(toolkit_pdf):
    outline = [item.title for item in pypdf.PdfReader(io.BytesIO(toolkit_pdf)).outline if not isinstance(item, list)]
    for title in SECTION_TITLES:
        assert title in outline


def test_fonts_are_subset(toolkit_pdf):
    reader = pypdf.PdfReader(io.BytesIO(toolkit_pdf))
    fonts = {font["/BaseFont"] for page in reader.pages
             for font in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts and all("+" in str(name) for name in fonts), fonts
