"""The toolkit certificate's QR code, which opens the practice's page on the public registry."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from conftest import PRACTICE, section_text

from safesurgeries.toolkit.builder import Edition, toolkit_html

EDITION = Edition("1", dt.date(2026, 11, 1), "https://safesurgeries.example")


@pytest.fixture
def certificate(parse):
    def section(details: dict):
        html = toolkit_html(parse({**details, "languages": []}), EDITION)
        return BeautifulSoup(html, "html.parser").select_one("section#certificate")

    return section


def test_certificate_has_a_qr_code_svg_for_the_practice_page(certificate):
    section = certificate(PRACTICE)
    qr = section.select_one("figure.certificate-qr svg.certificate-qr-code")
    assert qr is not None and qr.select_one("path")["d"].startswith("M")
    assert section.select_one(".certificate-qr-url").get_text() == "https://safesurgeries.example/surgeries/Y99001"


def test_no_qr_code_without_an_ods_code(certificate):
    details = {key: value for key, value in PRACTICE.items() if key != "ods_code"}
    section = certificate(details)
    assert section.select_one("svg") is None and "/surgeries/" not in section.get_text()


def test_the_pdf_certificate_prints_the_url_under_the_qr_code(app, client):
    app.config["PUBLIC_BASE_URL"] = "https://safesurgeries.example"
    response = client.post("/api/v1/toolkits", json={**PRACTICE, "languages": []})
    assert response.status_code == 200
    text = section_text(response.data, "Certificate")
    assert "https://safesurgeries.example/surgeries/Y99001" in text
    assert "Scan to see this practice on the Safe Surgeries registry" in " ".join(text.split())
    assert "Riverside Medical Centre" in text


def test_the_qr_code_keeps_the_certificate_on_one_page(client):
    import io

    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(client.post("/api/v1/toolkits", json={**PRACTICE, "languages": []}).data))
    pages = {
        item.title: reader.get_destination_page_number(item) for item in reader.outline if not isinstance(item, list)
    }
    assert pages["Poster: English"] == pages["Certificate"] + 1
