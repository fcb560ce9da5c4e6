"""The toolkit pages: the form, its errors, the preview and the download, as a practice manager uses them."""

from bs4 import BeautifulSoup
from conftest import PRACTICE, pdf_pages
from toolkit_forms import form_data, kept_fields

from safesurgeries.i18n import fonts


def test_home_page_has_a_door_for_patients_and_one_for_practices(client):
    page = BeautifulSoup(client.get("/").data, "html.parser")
    patient, practice = page.select(".door")
    assert patient.find("h2").get_text(strip=True) == "I need a doctor"
    search = patient.find("form")
    assert search["action"] == "/surgeries" and search["method"] == "get" and search.find("input", attrs={"name": "q"})
    assert patient.find("a", href="/rights")
    assert practice.find("h2").get_text(strip=True) == "I work at a GP practice"
    assert practice.find("a", href="/toolkit") and practice.find("a", href="/pledge")
    # The postcode box leads straight to the nearest Safe Surgeries.
    assert client.get("/surgeries", query_string={"q": "SE1 7PB"}).status_code == 200


def test_form_has_a_labelled_input_for_every_detail(client):
    page = BeautifulSoup(client.get("/toolkit").data, "html.parser")
    for name in (
        "practice_name",
        "ods_code",
        "address_lines",
        "postcode",
        "phone",
        "email",
        "website",
        "contact_name",
        "contact_role",
        "care_of_address_lines",
        "interpreting_service",
    ):
        field = page.find(id=name)
        assert field is not None and field["name"] == name
        assert page.find("label", attrs={"for": name}), name
    assert page.find("input", {"name": "csrf_token"})


def test_form_lists_languages_by_native_name_and_flags_unreviewed_ones(client):
    page = BeautifulSoup(client.get("/toolkit").data, "html.parser")
    arabic = page.find("label", attrs={"for": "language-ar"})
    assert "العربية" in arabic.get_text() and "not yet reviewed" in arabic.get_text()
    assert len(page.select("input[name=languages]")) == 24  # English is always included, not offered


def test_errors_are_summarised_linked_to_fields_and_typed_values_kept(client, csrf_token_from):
    token = csrf_token_from(client.get("/toolkit").data)
    response = client.post(
        "/toolkit/preview", data=form_data(token, practice_name="", postcode="NOT A CODE", ods_code="12345")
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.data, "html.parser")
    assert page.title.string.startswith("Error:")
    links = {a["href"]: a.get_text() for a in page.select(".error-summary a")}
    assert "Enter the practice's name." in links["#practice_name"]
    assert "Enter a real UK postcode, like SW1A 1AA." in links["#postcode"]
    assert "a letter followed by five digits" in links["#ods_code"]
    assert page.find(id="postcode")["value"] == "NOT A CODE"
    assert page.find(id="postcode")["aria-invalid"] == "true"
    assert page.find(id="phone")["value"] == PRACTICE["phone"]
    assert "Deptford Safe Hub" in page.find(id="care_of_address_lines").get_text()


def test_preview_shows_the_toolkit_and_download_gives_the_pdf(client, csrf_token_from):
    token = csrf_token_from(client.get("/toolkit").data)
    preview = client.post("/toolkit/preview", data=form_data(token, languages=["ar", "bn"]))
    assert preview.status_code == 200
    page = BeautifulSoup(preview.data, "html.parser")
    frame = page.find("iframe", class_="toolkit-preview")
    assert frame.has_attr("sandbox") and "Riverside Medical Centre" in frame["title"]
    toolkit = BeautifulSoup(frame["srcdoc"], "html.parser")
    assert toolkit.find(id="reception") and toolkit.find(id="poster-bn")
    assert toolkit.find("link", rel="stylesheet")["href"].endswith("/toolkit/toolkit.css")

    download = client.post("/toolkit/download", data=kept_fields(page))
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert 'filename="safe-surgeries-toolkit-Y99001.pdf"' in download.headers["Content-Disposition"]
    text = " ".join(pdf_pages(download.data))
    assert "Riverside Medical Centre" in text and "Poster: Bengali" in text


def test_change_the_details_returns_to_the_filled_in_form(client, csrf_token_from):
    token = csrf_token_from(client.get("/toolkit").data)
    page = BeautifulSoup(client.post("/toolkit", data=form_data(token, languages=["ti"])).data, "html.parser")
    assert page.find(id="practice_name")["value"] == "Riverside Medical Centre"
    assert page.find(id="language-ti").has_attr("checked")


def test_form_without_csrf_token_is_refused(client):
    response = client.post("/toolkit/download", data=form_data(""))
    assert response.status_code == 400
    assert b"form expired" in response.data


def test_toolkit_stylesheet_is_served_for_the_preview(client):
    response = client.get("/toolkit/toolkit.css")
    assert response.mimetype == "text/css"
    assert b'[lang="ur"] { font-family: "Noto Nastaliq Urdu"' in response.data


def test_a_pdf_that_cannot_be_made_brings_back_the_preview_with_the_reason_and_every_detail(
    client, csrf_token_from, monkeypatch
):
    monkeypatch.setattr(fonts, "installed_font_families", lambda: frozenset({"Noto Sans"}))
    token = csrf_token_from(client.get("/toolkit").data)
    response = client.post("/toolkit/download", data=form_data(token, languages=["ti"]))
    assert response.status_code == 503
    page = BeautifulSoup(response.data, "html.parser")
    assert page.title.string.startswith("Error:")
    summary = page.find(id="error-summary")
    assert summary["role"] == "alert" and summary["tabindex"] == "-1"  # site.js moves focus to it
    assert "The PDF was not made" in summary.get_text()
    assert "Tigrinya needs the font 'Noto Sans Ethiopic'" in summary.get_text()
    kept = kept_fields(page)
    assert kept["practice_name"] == [PRACTICE["practice_name"]] and kept["languages"] == ["ti"]
    assert kept["postcode"] == [PRACTICE["postcode"]] and kept["csrf_token"]
