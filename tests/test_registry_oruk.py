"""The Open Referral UK feed, read as a service finder reads it: every page, every record checked against the
profile's own JSON schemas (tests/oruk_schema, vendored unchanged), each listed Safe Surgery once with its
location, a withdrawn one gone, and nothing from a pledge's contact."""

import json
from pathlib import Path

import jsonschema
import pytest
from pledging import import_sample
from registry_helpers import LEEDS, LONDON, MANCHESTER, add_listing

from safesurgeries.pledges.models import PledgeStatus

ON_EVERY_DATABASE = True

SCHEMAS = Path(__file__).parent / "oruk_schema"
CONTACT = {"status": PledgeStatus.APPROVED, "contact_name": "Private Person", "contact_email": "private@nhs.example"}


def validator(name: str):
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    return jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker())


@pytest.fixture
def listed(app):
    add_listing(
        app,
        "Y20001",
        "Riverside Medical Centre",
        LONDON,
        pledge=dict(CONTACT),
        address_lines=["12 Quay Street", "London"],
    )
    add_listing(app, "Y20002", "Canal Street Surgery", MANCHESTER, pledge=dict(CONTACT))
    add_listing(app, "Y20003", "Withdrawn Practice", LEEDS, active=False)
    return app


def all_pages(client, path: str) -> list[dict]:
    records, page = [], 1
    while True:
        answer = client.get(path, query_string={"page": page, "per_page": 1})
        assert answer.status_code == 200, answer.data[:300]
        data = answer.get_json()
        assert data["page_number"] == page and data["size"] == len(data["contents"]) <= 1
        assert data["first_page"] is (page == 1) and data["total_items"] == 2 and data["total_pages"] == 2
        records += data["contents"]
        if data["last_page"]:
            return records
        page += 1


def test_every_listed_surgery_appears_once_as_a_valid_service_at_its_location(listed, client):
    about = client.get("/api/v1/oruk").get_json()
    assert about["profile"] == "https://github.com/OpenReferralUK/uk-profile"
    assert about["openapi_url"].endswith("/api/v1/openapi.json")

    services = all_pages(client, "/api/v1/oruk/services")
    for record in services:
        validator("service_list").validate(record)
    assert sorted(record["organization"]["name"] for record in services) == [
        "Canal Street Surgery",
        "Riverside Medical Centre",
    ]
    for summary in services:
        full = client.get(f"/api/v1/oruk/services/{summary['id']}").get_json()
        validator("service").validate(full)
        assert "pledged not to refuse anyone registration for lack of proof of address" in full["description"]
        assert "visa or proof of immigration status" in full["description"]
        assert full["fees"] == "Free: anyone in England can see a GP free of charge."
        assert "England" in full["description"]  # the nation whose rules apply
        [at] = full["service_at_locations"]
        assert at["location"]["addresses"][0]["postal_code"] in ("SE1 7PB", "M1 1AE")
        assert full["organization"]["organization_identifiers"][0]["identifier"] in ("Y20001", "Y20002")

    places = all_pages(client, "/api/v1/oruk/service_at_locations")
    for record in places:
        validator("service_at_location_list").validate(record)
        assert record["service_id"] in {service["id"] for service in services}
        assert isinstance(record["location"]["latitude"], float)
        full = client.get(f"/api/v1/oruk/service_at_locations/{record['id']}").get_json()
        validator("service_at_location").validate(full)
    assert len({record["location_id"] for record in places}) == 2

    for path in ("/api/v1/oruk/services?per_page=1000", "/api/v1/oruk/service_at_locations?per_page=1000"):
        body = client.get(path).get_data(as_text=True)
        assert "Withdrawn Practice" not in body and "Private Person" not in body and "private@nhs.example" not in body


def test_ids_stay_the_same_and_an_unknown_one_is_404(listed, client):
    first = client.get("/api/v1/oruk/services").get_json()["contents"]
    assert client.get("/api/v1/oruk/services").get_json()["contents"] == first
    assert client.get("/api/v1/oruk/services/00000000-0000-0000-0000-000000000000").status_code == 404
    assert client.get("/api/v1/oruk/service_at_locations/not-an-id").status_code == 404


def test_a_page_past_the_end_is_empty_and_a_bad_page_is_400(listed, client):
    past = client.get("/api/v1/oruk/services?page=9").get_json()
    assert past["empty"] is True and past["contents"] == [] and past["last_page"] is True
    for query in ("page=0", "per_page=1001", "per_page=x", "page=²"):
        answer = client.get(f"/api/v1/oruk/service_at_locations?{query}")
        assert answer.status_code == 400, query
        assert answer.get_json()["parameter"] == query.split("=")[0]


def test_the_demo_listings_are_valid_records_and_the_feed_says_they_are_demo(app, client, runner):
    import_sample(runner)
    assert runner.invoke(args=["demo", "load", "--count", "30"]).exit_code == 0
    page = client.get("/api/v1/oruk/services?per_page=1000").get_json()
    assert page["demo"] is True and page["total_items"] == 30
    for summary in page["contents"]:
        validator("service_list").validate(summary)
        validator("service").validate(client.get(f"/api/v1/oruk/services/{summary['id']}").get_json())
    places = client.get("/api/v1/oruk/service_at_locations?per_page=1000").get_json()
    assert places["demo"] is True and len(places["contents"]) == 30
    for record in places["contents"]:
        validator("service_at_location_list").validate(record)
