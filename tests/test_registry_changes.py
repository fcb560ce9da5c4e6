"""`changed_since` on the open data: a mirror asks for what changed since its last download and stays right.

Listings are made in the database with times well in the past; the changes since then are made as staff make
them (the admin pages), and read back as a client reads them (the API), in JSON, GeoJSON and CSV.
"""

import csv
import datetime as dt
import io

import pytest
from pledging import create_staff, csrf, sign_in
from registry_helpers import LEEDS, LONDON, MANCHESTER, add_listing

from safesurgeries.extensions import db
from safesurgeries.pledges.models import Listing, PledgeStatus
from safesurgeries.practices.models import Practice

ON_EVERY_DATABASE = True

LONG_AGO = dt.datetime(2025, 3, 5, 12, tzinfo=dt.timezone.utc)
SINCE = "2025-06-01T00:00:00Z"  # after the listings were made, before staff changed two of them
CONTACT = {"status": PledgeStatus.APPROVED, "contact_name": "Private Person", "contact_email": "private@nhs.example"}


@pytest.fixture
def changed(app, runner):
    """Three listings from long ago; since SINCE, one renamed and one unlisted by an admin."""
    add_listing(app, "Y10001", "Unchanged Surgery", LONDON, pledge=dict(CONTACT))
    add_listing(app, "Y10002", "Renamed Surgery", MANCHESTER, pledge=dict(CONTACT))
    add_listing(app, "Y10003", "Leaving Surgery", LEEDS, region="Y63", pledge=dict(CONTACT))
    with app.app_context():
        db.session.execute(db.update(Listing).values(updated_at=LONG_AGO))
        db.session.execute(db.update(Practice).values(updated_at=LONG_AGO))
        db.session.commit()
        ids = dict(db.session.execute(db.select(Practice.ods_code, Listing.id).join(Listing.practice)).all())
    create_staff(runner, "adam.admin@dotw.example", "admin")
    admin = app.test_client()
    sign_in(admin, "adam.admin@dotw.example")
    token = csrf(admin.get("/staff/pledges").data)
    renamed = admin.post(
        f"/staff/listings/{ids['Y10002']}",
        data={"display_name": "Borough Road Surgery", "display_phone": "", "csrf_token": token},
    )
    assert renamed.status_code < 400
    unlisted = admin.post(
        f"/staff/listings/{ids['Y10003']}/unlist", data={"reason": "Practice merged", "csrf_token": token}
    )
    assert unlisted.status_code < 400
    return app


def test_changes_since_list_what_changed_and_tombstones_for_what_left(changed, client):
    everything = client.get("/api/v1/surgeries").get_json()
    assert [item["ods_code"] for item in everything["surgeries"]] == ["Y10002", "Y10001"]  # by name
    assert "removed" not in everything and "changed_since" not in everything

    answer = client.get(f"/api/v1/surgeries?changed_since={SINCE}")
    assert answer.status_code == 200
    data = answer.get_json()
    assert [(item["ods_code"], item["name"]) for item in data["surgeries"]] == [("Y10002", "Borough Road Surgery")]
    assert data["count"] == data["total"] == 1
    assert [tombstone["ods_code"] for tombstone in data["removed"]] == ["Y10003"]
    assert set(data["removed"][0]) == {"ods_code", "removed_at"}
    assert dt.datetime.fromisoformat(data["removed"][0]["removed_at"]) > dt.datetime.fromisoformat(SINCE)
    assert data["changed_since"] == SINCE
    body = answer.get_data(as_text=True)
    assert "Practice merged" not in body and "Private Person" not in body and "private@nhs.example" not in body

    # The next download, from the moment this one was taken: nothing new.
    again = client.get("/api/v1/surgeries", query_string={"changed_since": data["as_of"]}).get_json()
    assert again["surgeries"] == [] and again["removed"] == []

    # From before everything: every listing, and the one that left.
    full = client.get("/api/v1/surgeries?changed_since=2025-01-01").get_json()
    assert [item["ods_code"] for item in full["surgeries"]] == ["Y10002", "Y10001"]
    assert [tombstone["ods_code"] for tombstone in full["removed"]] == ["Y10003"]


def test_changes_since_combine_with_the_filters_and_the_limit(changed, client):
    in_london = client.get("/api/v1/surgeries?changed_since=2025-01-01&near=SE1 7PB&radius_km=10").get_json()
    assert [item["ods_code"] for item in in_london["surgeries"]] == ["Y10001"]
    # A tombstone has no place to filter on: a mirror deletes it if it holds it.
    assert [tombstone["ods_code"] for tombstone in in_london["removed"]] == ["Y10003"]
    first = client.get("/api/v1/surgeries?changed_since=2025-01-01&limit=1").get_json()
    assert first["count"] == 1 and first["total"] == 2


def test_changes_since_in_geojson_and_csv(changed, client):
    geojson = client.get(f"/api/v1/surgeries.geojson?changed_since={SINCE}")
    assert geojson.mimetype == "application/geo+json"
    collection = geojson.get_json()
    assert [feature["properties"]["ods_code"] for feature in collection["features"]] == ["Y10002"]
    assert [tombstone["ods_code"] for tombstone in collection["removed"]] == ["Y10003"]

    table = client.get(f"/api/v1/surgeries.csv?changed_since={SINCE}")
    rows = list(csv.DictReader(io.StringIO(table.data.decode("utf-8-sig"))))
    assert [(row["ods_code"], row["status"]) for row in rows] == [("Y10002", "listed"), ("Y10003", "removed")]
    removed = rows[1]
    assert removed["removed_at"] and removed["demo"] == "no"
    assert all(
        value == "" for name, value in removed.items() if name not in ("ods_code", "status", "removed_at", "demo")
    )
    assert b"Practice merged" not in table.data and b"Private Person" not in table.data
    plain = client.get("/api/v1/surgeries.csv").data.decode("utf-8-sig")
    assert "status" not in plain.splitlines()[0]  # the usual export keeps its columns


@pytest.mark.parametrize("value", ["yesterday", "2025-13-01", "2025-06-01T25:00", "0001-01-01T00:00:00+01:00"])
def test_a_changed_since_that_is_not_a_date_is_a_clear_400(app, client, value):
    answer = client.get("/api/v1/surgeries.csv", query_string={"changed_since": value})
    assert answer.status_code == 400
    assert answer.get_json()["parameter"] == "changed_since"
    assert "2026-01-31T09:00:00Z" in answer.get_json()["message"]


def test_a_date_with_an_offset_or_in_lower_case_is_understood(changed, client):
    # 2025-06-01T01:00+01:00 is SINCE; RFC 3339 allows a lower-case t and z.
    for value in ("2025-06-01T01:00:00+01:00", "2025-06-01t00:00:00z"):
        data = client.get("/api/v1/surgeries", query_string={"changed_since": value}).get_json()
        assert [item["ods_code"] for item in data["surgeries"]] == ["Y10002"], value
