"""The PDF renderer touches nothing it should not: user data is printed as text, never fetched or embedded."""

import http.server
import io
import threading
from pathlib import Path

import pypdf
import pytest
from bs4 import BeautifulSoup
from conftest import pdf_pages

from safesurgeries.toolkit.renderer import ASSETS_URL, AssetFetcher


@pytest.fixture
def listening_server():
    """A real HTTP server on loopback that records every request it gets."""
    requests = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], requests
    server.shutdown()


def payload_details(port: int) -> dict:
    image = '<img src="file:///etc/passwd">'
    attachment = '<link rel="attachment" href="file:///etc/hostname">'
    css = f"url(http://127.0.0.1:{port}/)"
    style = f'<style>@import "http://127.0.0.1:{port}/s.css";</style>'
    return {
        "practice_name": f"{image} {css}",
        "address_lines": [attachment, css, style[:80], f'<a href="http://127.0.0.1:{port}/a">x</a>'],
        "postcode": "SW1A 1AA",
        "phone": "020 7946 0000",
        "website": f"https://127.0.0.1:{port}/logo.png",
        "contact_name": attachment,
        "contact_role": css,
        "care_of_address_lines": [image, attachment, style[:80]],
        "interpreting_service": f'{image} <iframe src="http://127.0.0.1:{port}/f">',
        "languages": ["ar"],
    }


def test_payloads_in_every_field_are_printed_as_text_and_never_fetched(client, listening_server):
    port, requests = listening_server
    details = payload_details(port)
    response = client.post("/api/v1/toolkits", json=details)
    assert response.status_code == 200, response.get_json()
    pdf = response.data
    text = " ".join(pdf_pages(pdf))

    assert requests == []
    assert '<img src="file:///etc/passwd">' in text
    assert '<link rel="attachment" href="file:///etc/hostname">' in text
    assert f"url(http://127.0.0.1:{port}/)" in text

    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert "/EmbeddedFiles" not in (root.get("/Names") or {})
    assert reader.attachments == {}
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            assert annotation.get_object().get("/Subtype") != "/FileAttachment"
    passwd_line = Path("/etc/passwd").read_text().splitlines()[0]
    assert passwd_line not in text
    assert passwd_line.encode() not in pdf


def test_payloads_in_the_html_form_preview_are_escaped(client, csrf_token_from, listening_server):
    port, requests = listening_server
    details = payload_details(port)
    token = csrf_token_from(client.get("/toolkit").data)
    form = {
        **details,
        "address_lines": "\n".join(details["address_lines"]),
        "care_of_address_lines": "\n".join(details["care_of_address_lines"]),
        "csrf_token": token,
    }
    response = client.post("/toolkit/preview", data=form)
    assert response.status_code == 200
    page = BeautifulSoup(response.data, "html.parser")
    # The page and the toolkit inside the preview frame hold the payloads as text, never as elements.
    toolkit = BeautifulSoup(page.find("iframe", class_="toolkit-preview")["srcdoc"], "html.parser")
    for document in (page, toolkit):
        assert document.find("img") is None and document.find("iframe", src=True) is None
        assert document.find("link", rel="attachment") is None and document.find("style") is None
    assert '<img src="file:///etc/passwd">' in toolkit.find(class_="cover-title").get_text()
    assert page.find("input", {"name": "practice_name"})["value"] == details["practice_name"]
    assert requests == []


def test_fetcher_serves_only_the_toolkits_own_assets():
    fetcher = AssetFetcher()
    css = fetcher.fetch(ASSETS_URL + "toolkit.css")
    assert b"@page" in css.read()
    for url in (
        "file:///etc/passwd",
        ASSETS_URL + "../_macros.html",
        ASSETS_URL + "..%2F_macros.html",
        "http://127.0.0.1/",
        "data:text/css,body{}",
        ASSETS_URL.replace("assets/", "toolkit.html"),
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
