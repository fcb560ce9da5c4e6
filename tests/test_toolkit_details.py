"""The practice details contract, through the JSON API: every error names the field and says what is wrong."""

import pytest
from conftest import PRACTICE

MINIMAL = {"practice_name": "Hill Surgery", "address_lines": ["1 Hill Road"], "postcode": "N1 9GU"}


def errors_for(client, details) -> dict:
    response = client.post("/api/v1/toolkits", json=details)
    assert response.status_code == 422, response.status_code
    return response.get_json()["errors"]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("practice_name", "", "Enter the practice's name."),
        ("practice_name", "   ", "Enter the practice's name."),
        ("practice_name", "x" * 121, "must be 120 characters or fewer (it is 121)"),
        ("practice_name", 42, "Enter the practice's name as text."),
        ("practice_name", "Bad\x00name", "cannot be printed"),
        ("ods_code", "A8100", "a letter followed by five digits"),
        ("address_lines", [], "Enter the practice's address."),
        ("address_lines", "1 Hill Road", "as a list of lines"),
        ("address_lines", ["a"] * 6, "at most 5 lines (it has 6)"),
        ("address_lines", ["x" * 81], "Line 1 of the practice's address must be 80 characters or fewer"),
        ("postcode", "", "Enter the practice's postcode."),
        ("postcode", "ABC 123", "Enter a real UK postcode"),
        ("phone", "call us", "Enter a UK phone number"),
        ("phone", "call 020 7946 0123", "Enter a UK phone number"),
        ("phone", "+33 1 42 68 53 00", "Enter a UK phone number"),
        ("phone", "020 7946 0123 / 020 7946 0124", "Enter a UK phone number"),
        ("phone", "+44 (0)1248 123 456 ext. 123456", "must be 30 characters or fewer (it is 31)"),
        ("email", "not-an-address", "Enter an e-mail address in the right form"),
        ("website", "javascript:alert(1)", "starting with https://"),
        ("interpreting_service", "line one\nline two", "cannot be printed"),
        ("languages", "ar", "as a list of language codes"),
        ("languages", ["ar", "xx"], "'xx' is not a language we offer"),
        ("care_of_address_lines", ["a"] * 7, "at most 6 lines"),
    ],
)
def test_bad_field_gets_a_422_naming_the_field(client, field, value, message):
    errors = errors_for(client, {**MINIMAL, field: value})
    assert list(errors) == [field]
    assert message in " ".join(errors[field])


def test_unknown_fields_are_rejected_by_name(client):
    errors = errors_for(client, {**MINIMAL, "colour": "red"})
    assert "'colour' is not a field we know" in errors["colour"][0]


def test_missing_required_fields_are_all_reported_at_once(client):
    assert set(errors_for(client, {})) == {"practice_name", "address_lines", "postcode"}


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"not json", "application/json"),
        (b'{"practice_name": ', "application/json"),
        (b"practice_name=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00", "application/json"),
    ],
)
def test_body_that_is_not_json_gets_a_400(client, body, content_type):
    response = client.post("/api/v1/toolkits", data=body, content_type=content_type)
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["message"]


@pytest.mark.parametrize("body", [[], "text", 3, None])
def test_json_that_is_not_an_object_gets_a_4xx(client, body):
    response = client.post("/api/v1/toolkits", json=body)
    assert response.status_code in (400, 422)
    assert response.get_json()["message"]


def test_oversized_body_gets_413_not_500(client):
    response = client.post("/api/v1/toolkits", json={**MINIMAL, "practice_name": "x" * 100_000})
    assert response.status_code == 413
    assert response.is_json


def test_values_are_normalised(parse):
    details = parse(
        {**PRACTICE, "ods_code": " y99001 ", "postcode": "se84ru", "languages": ["AR", "ar", "en"]}, {"en", "ar"}
    )
    assert details.ods_code == "Y99001"
    assert details.postcode == "SE8 4RU"
    assert details.languages == ("en", "ar")


def test_care_of_address_defaults_to_practice_address(parse):
    details = parse(MINIMAL)
    assert details.care_of_address_lines == ("1 Hill Road", "N1 9GU")
    assert details.care_of_is_practice_address
    assert not parse({**MINIMAL, "care_of_address_lines": ["Day Centre", "N1 1AA"]}).care_of_is_practice_address


def test_the_practices_own_address_written_differently_is_still_its_own(parse):
    details = parse(
        {**MINIMAL, "care_of_address_lines": ["c/o Hill Surgery, Patient Post Desk", "1 Hill Road", "London N1 9GU"]}
    )
    assert details.care_of_is_practice_address


def test_api_error_routes_answer_json(client):
    response = client.get("/api/v1/toolkits")
    assert response.status_code == 405 and response.is_json
    assert client.get("/api/v1/nothing-here").is_json
