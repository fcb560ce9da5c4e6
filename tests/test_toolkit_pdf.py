"""The toolkit PDF, read back as a reader gets it: the practice's details where they belong, every section in order."""

import io

import pypdf
import pytest
from conftest import PRACTICE, pdf_pages, section_text

SECTION_TITLES = [
    "Contents",
    "Why this matters",
    "The rules on registering patients",
    "Reception guide",
    "Care-of addresses, step by step",
    "When the Home Office or the police ask for patient data",
    "A short note on NHS charging",
    "Registration policy",
    "Refusal log",
    "Staff training and audit checklists",
    "The Safe Surgery pledge",
    "Certificate",
    "Poster: English",
    "Patient cards: English",
    "References",
]


@pytest.fixture(scope="module")
def toolkit_pdf(toolkit_pdf_for):
    """One toolkit for the sample practice, built through the public API."""
    return toolkit_pdf_for(PRACTICE).data


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
    for text in (
        "Riverside Medical Centre",
        "12 Quay Street",
        "Deptford",
        "SE8 4RU",
        "Y99001",
        "Edition 2026.2 (England)",
        "November 2026",
        "For GP practices in England",
    ):
        assert text in cover


def test_every_page_footer_has_nation_edition_review_date_and_page_x_of_y(toolkit_pdf):
    pages = pdf_pages(toolkit_pdf)
    for number, text in enumerate(pages, start=1):
        assert "Safe Surgeries toolkit for England, edition 2026.2" in text
        assert f"Page {number} of {len(pages)}" in text
    arabic = [pages[index] for index in range(len(pages)) if "Arabic translation: machine translation" in pages[index]]
    # The review date speaks only for the English: the Arabic pages say their translation is not reviewed.
    assert len(arabic) == 2 and all("English content last reviewed November 2026" in text for text in arabic)
    assert all("ontent last reviewed November 2026" in text for text in pages if text not in arabic)


def test_sections_are_all_present_and_in_order(toolkit_pdf):
    reader = pypdf.PdfReader(io.BytesIO(toolkit_pdf))
    marks = {
        item.title: reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)
    }
    starts = [marks[title] for title in SECTION_TITLES]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), dict(zip(SECTION_TITLES, starts))
    pages = pdf_pages(toolkit_pdf)
    assert all(title in pages[marks[title]] for title in SECTION_TITLES if not title.startswith("Poster"))


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
    policy = section_text(toolkit_pdf, "Registration policy")
    assert "Practice: Riverside Medical Centre" in policy and "This practice registers" in policy
    assert "Policy lead: Amina Yusuf, Practice manager" in policy
    pledge = section_text(toolkit_pdf, "The Safe Surgery pledge")
    assert "Riverside Medical Centre" in pledge
    assert "Amina Yusuf" in pledge and "Practice manager" in pledge


def test_english_poster_and_certificate_name_the_practice(toolkit_pdf):
    poster = section_text(toolkit_pdf, "Poster: English")
    assert "Everyone is welcome to register here" in poster
    assert "Anyone in England can register with a GP practice and see a GP free of charge." in poster
    assert "Riverside Medical Centre" in poster and "Phone:" in poster and "020 7946 0123" in poster
    assert "12 Quay Street" in poster and "SE8 4RU" in poster
    assert "Riverside Medical Centre" in section_text(toolkit_pdf, "Certificate")


def test_cards_tell_the_right_to_register_in_the_language_and_in_english(toolkit_pdf):
    cards = section_text(toolkit_pdf, "Patient cards: Arabic")
    assert cards.count("Registering with a GP") == 6
    assert cards.count("Anyone in England can register") == 6
    assert cards.count("Arabic: This translation was made by machine") == 6
    assert "Cut along the dashed lines" in cards


def test_references_name_the_sources_with_their_addresses(toolkit_pdf):
    references = section_text(toolkit_pdf, "References")
    for source in (
        "Patient Registration Standard Operating Principles",
        "General Medical Services Contracts",
        "Memorandum of Understanding",
        "Confidentiality",
        "https://www.legislation.gov.uk/uksi/2015/1862",
        "https://www.bma.org.uk/advice-and-support/gp-practices/managing-your-practice-list/patient-",
    ):
        assert source in references
    assert "Contracts) Regulations 2004" not in " ".join(pdf_pages(toolkit_pdf))  # replaced in 2015: never cited


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
    fonts = {font["/BaseFont"] for page in reader.pages for font in (page["/Resources"].get("/Font") or {}).values()}
    assert fonts and all("+" in str(name) for name in fonts), fonts
