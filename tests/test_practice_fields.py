"""One set of rules for a practice's fields, wherever they are typed: the toolkit form, the JSON API, the CLI,
the pledge form and an admin's listing correction give the same answer to the same input, in the same words."""

import json

import pytest
from bs4 import BeautifulSoup
from conftest import PRACTICE, pdf_pages
from pledging import PLEDGE, create_staff, csrf, import_sample, sign_in
from registry_helpers import LONDON, add_listing
from toolkit_forms import form_data

from safesurgeries.extensions import db
from safesurgeries.pledges.models import Listing, Pledge

NAME_121 = (
    "Dr Siân Ní Bhriain & Partners — Ynys Môn Community Health and Wellbeing Centre at St Mary's Quay, "
    "Llangefni, Gwynedd WWWW"
)
assert len(NAME_121) == 121

# (field, value as a form's text, the one message every interface gives)
BAD = [
    ("practice_name", NAME_121, "The practice's name must be 120 characters or fewer (it is 121)."),
    ("practice_name", "   ", "Enter the practice's name."),
    ("ods_code", "12345", "Enter the ODS code as a letter followed by five digits, like A81001, or leave it out."),
    ("postcode", "NOWHERE", "Enter a real UK postcode, like SW1A 1AA."),
    ("postcode", "", "Enter the practice's postcode."),
    ("address_lines", "\n".join(["1 Hill Road"] * 6), "The practice's address can have at most 5 lines (it has 6)."),
    ("address_lines", "x" * 81, "Line 1 of the practice's address must be 80 characters or fewer (it is 81)."),
    ("address_lines", "", "Enter the practice's address."),
    ("contact_role", "r" * 81, "The contact's role must be 80 characters or fewer (it is 81)."),
]


def messages_at(page: bytes, field: str) -> list[str]:
    """The error messages a form page shows at one field (each also linked from the summary at the top)."""
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("a", href=f"#{field}") is not None, f"no error summary link to {field}"
    return [p.get_text(" ", strip=True).removeprefix("Error: ") for p in soup.find_all(id=f"{field}-error")]


def kept(page: bytes, field: str) -> str:
    """What a form page shows in a field: an input's value, a text area's text."""
    element = BeautifulSoup(page, "html.parser").find(attrs={"name": field})
    return (element.get_text() if element.name == "textarea" else element.get("value", "")).strip()


def api_messages(client, field: str, value: str) -> list[str]:
    as_json = value.splitlines() if field == "address_lines" else value
    response = client.post("/api/v1/toolkits", json={**PRACTICE, "languages": [], field: as_json})
    assert response.status_code == 422, response.get_data(as_text=True)[:300]
    body = response.get_json()
    assert body["message"] == "Some practice details are not right." and list(body["errors"]) == [field]
    return body["errors"][field]


def toolkit_form_messages(client, field: str, value: str) -> list[str]:
    token = csrf(client.get("/toolkit").data)
    response = client.post("/toolkit/preview", data=form_data(token, **{field: value}))
    assert response.status_code == 422
    assert kept(response.data, field) == value.strip(), "what was typed is kept"
    return messages_at(response.data, field)


def pledge_form_messages(app, client, field: str, value: str) -> list[str]:
    token = csrf(client.get("/pledge").data)
    response = client.post("/pledge/check", data={**PLEDGE, field: value, "csrf_token": token})
    assert response.status_code == 422
    assert kept(response.data, field) == value.strip(), "what was typed is kept"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 0
    return messages_at(response.data, field)


@pytest.mark.parametrize("field, value, message", BAD, ids=[f"{f}-{m[:30]}" for f, _, m in BAD])
def test_the_same_bad_input_gets_the_same_words_from_the_toolkit_form_the_api_and_the_pledge_form(
    app, client, runner, field, value, message
):
    import_sample(runner)
    assert api_messages(client, field, value) == [message]
    assert toolkit_form_messages(client, field, value) == [message]
    assert pledge_form_messages(app, client, field, value) == [message]


def test_a_121_character_name_is_refused_by_the_cli_and_an_admins_listing_correction_too(app, runner, tmp_path):
    details = tmp_path / "details.json"
    details.write_text(json.dumps({**PRACTICE, "practice_name": NAME_121}))
    result = runner.invoke(args=["toolkit", "build", str(details), "--out", str(tmp_path / "t.pdf")])
    assert result.exit_code == 1
    assert "practice_name: The practice's name must be 120 characters or fewer (it is 121)." in result.output
    assert not (tmp_path / "t.pdf").exists()

    listing_id, admin = listing_and_admin(app, runner)
    token = csrf(admin.get(f"/staff/listings/{listing_id}").data)
    response = admin.post(
        f"/staff/listings/{listing_id}", data={"display_name": NAME_121, "display_phone": "", "csrf_token": token}
    )
    assert response.status_code == 422
    assert messages_at(response.data, "display_name") == [
        "The practice's name must be 120 characters or fewer (it is 121)."
    ]
    with app.app_context():
        assert db.session.get(Listing, listing_id).display_name is None


def listing_and_admin(app, runner):
    add_listing(app, "Y50001", "HILL SURGERY", LONDON)
    create_staff(runner, "adam.admin@dotw.example", "admin")
    admin = app.test_client()
    sign_in(admin, "adam.admin@dotw.example")
    with app.app_context():
        return db.session.scalars(db.select(Listing.id)).one(), admin


# What a UK practice writes, accepted as written (runs of spaces made one); what is not a UK number, refused.
GOOD_PHONES = [
    "020 7946 0123",
    "(01248) 123 456",
    "+44 20 7946 0123",
    "+44 (0)20 7946 0123",
    "0800 169 2879",
    "01248 123456 ext 2",
    "01248 123456 x2",
    "020-7946-0123",
]
BAD_PHONES = [
    "call us",
    "call 020 7946 0123",
    "020 7946 0123 (reception)",
    "111",
    "07700 900123",
    "+33 1 42 68 53 00",
    "020 7946 0123 / 020 7946 0124",
    "٠٢٠ ٧٩٤٦ ٠١٢٣",
]


@pytest.mark.parametrize("phone", GOOD_PHONES)
def test_a_phone_number_a_uk_practice_writes_is_accepted_and_kept_as_written(parse, phone):
    assert parse({**PRACTICE, "phone": phone}).phone == phone


def test_a_phone_number_is_tidied_not_rewritten(parse):
    assert parse({**PRACTICE, "phone": "  (01248)   123 456 "}).phone == "(01248) 123 456"


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_what_is_not_one_uk_phone_number_is_refused_in_plain_words(client, phone):
    assert api_messages(client, "phone", phone) == ["Enter a UK phone number, like 020 7946 0123 or (01248) 123 456."]


def test_the_phone_its_hint_shows_is_accepted_on_the_form_the_api_and_an_admins_correction(app, client, runner):
    token = csrf(client.get("/toolkit").data)
    form_page = client.get("/toolkit").get_data(as_text=True)
    assert "(01248) 123 456" in form_page  # the hint gives it as an example
    preview = client.post("/toolkit/preview", data=form_data(token, phone="(01248) 123 456"))
    assert preview.status_code == 200
    frame = BeautifulSoup(preview.data, "html.parser").find("iframe", class_="toolkit-preview")
    assert "(01248) 123 456" in BeautifulSoup(frame["srcdoc"], "html.parser").get_text()

    response = client.post("/api/v1/toolkits", json={**PRACTICE, "phone": "(01248) 123 456", "languages": []})
    assert response.status_code == 200
    assert "(01248) 123 456" in " ".join(pdf_pages(response.data))

    listing_id, admin = listing_and_admin(app, runner)
    token = csrf(admin.get(f"/staff/listings/{listing_id}").data)
    saved = admin.post(
        f"/staff/listings/{listing_id}",
        data={"display_name": "", "display_phone": "(01248) 123 456", "csrf_token": token},
    )
    assert saved.status_code == 303
    with app.app_context():
        assert db.session.get(Listing, listing_id).phone == "(01248) 123 456"


def test_without_the_postcode_index_every_interface_says_so_and_keeps_what_was_typed(
    app, client, runner, tmp_path, monkeypatch
):
    """The toolkit's errors, one handler per interface: a 503 JSON problem, the form again with the reason at the
    postcode, and the CLI's plain message (exit 1)."""
    monkeypatch.setitem(app.config, "POSTCODE_INDEX", str(tmp_path / "missing.idx"))
    response = client.post("/api/v1/toolkits", json=PRACTICE)
    assert response.status_code == 503 and "has not been built" in response.get_json()["message"]

    token = csrf(client.get("/toolkit").data)
    page = client.post("/toolkit/preview", data=form_data(token))
    assert page.status_code == 503
    assert "has not been built" in " ".join(messages_at(page.data, "postcode"))
    assert kept(page.data, "practice_name") == PRACTICE["practice_name"]

    details = tmp_path / "details.json"
    details.write_text(json.dumps(PRACTICE))
    result = runner.invoke(args=["toolkit", "build", str(details), "--out", str(tmp_path / "t.pdf")])
    assert result.exit_code == 1 and "has not been built" in result.output
