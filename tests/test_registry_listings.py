"""The public registry through HTTP: what appears, in what order, filtered how, and what never appears."""

import csv
import datetime as dt
import io

import pytest
from bs4 import BeautifulSoup
from pyproj import Geod
from registry_helpers import LEEDS, LONDON, MANCHESTER, add_listing, add_unlisted_pledge
from test_practices import SAMPLE, import_file

from safesurgeries.pledges.models import PledgeStatus

PUBLIC_FIELDS = {
    "ods_code",
    "name",
    "address_lines",
    "postcode",
    "latitude",
    "longitude",
    "phone",
    "region",
    "region_name",
    "nation",
    "listed_since",
    "last_confirmed",
    "demo",
}
CONTACT = {
    "contact_name": "Zebedee Quintrell",
    "contact_email": "zebedee.private@example.org",
    "contact_role": "Secret role",
}


@pytest.fixture
def three_cities(app):
    add_listing(app, "Y10001", "Borough Health Centre", LONDON, "Y56", address_lines=["1 Lambeth Road", "London"])
    add_listing(
        app, "Y10002", "Piccadilly Medical Practice", MANCHESTER, "Y62", address_lines=["2 Market St", "Manchester"]
    )
    add_listing(app, "Y10003", "Headrow Surgery", LEEDS, "Y63", address_lines=["3 The Headrow", "Leeds"])
    return app


def codes(client, **params) -> list[str]:
    response = client.get("/api/v1/surgeries", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [item["ods_code"] for item in response.get_json()["surgeries"]]


def page_codes(client, **params) -> list[str]:
    response = client.get("/surgeries", query_string=params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.data, "html.parser")
    return [a["href"].rsplit("/", 1)[1] for a in soup.select("ol.listings .listing-name a")]


def csv_rows(response) -> list[dict]:
    assert response.data.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


# --- what appears ---------------------------------------------------------------------------------


def test_only_active_listings_appear_in_the_list_api_map_data_and_pages(app, client, three_cities):
    add_listing(app, "Y10004", "Withdrawn Surgery", LONDON, active=False)
    add_unlisted_pledge(app, "Y10005", "Unconfirmed Surgery", LONDON, PledgeStatus.UNCONFIRMED)
    add_unlisted_pledge(app, "Y10006", "Waiting Surgery", LONDON, PledgeStatus.WAITING)
    listed = {"Y10001", "Y10002", "Y10003"}

    assert set(codes(client)) == listed
    geojson = client.get("/api/v1/surgeries.geojson").get_json()
    assert {f["properties"]["ods_code"] for f in geojson["features"]} == listed
    assert {row["ods_code"] for row in csv_rows(client.get("/api/v1/surgeries.csv"))} == listed
    assert set(page_codes(client)) == listed
    for code in ("Y10004", "Y10005", "Y10006"):
        assert client.get(f"/surgeries/{code}").status_code == 404
    assert client.get("/surgeries/Y10001").status_code == 200
    page = client.get("/surgeries").get_data(as_text=True)
    for name in ("Withdrawn Surgery", "Unconfirmed Surgery", "Waiting Surgery"):
        assert name not in page


def test_public_items_have_exactly_the_public_fields(client, three_cities):
    for item in client.get("/api/v1/surgeries").get_json()["surgeries"]:
        assert set(item) == PUBLIC_FIELDS and item["demo"] is False
    for feature in client.get("/api/v1/surgeries.geojson").get_json()["features"]:
        assert set(feature["properties"]) == PUBLIC_FIELDS and feature["properties"]["demo"] is False
        assert feature["geometry"]["coordinates"] == [
            feature["properties"]["longitude"],
            feature["properties"]["latitude"],
        ]


def test_pledge_contact_details_never_appear_in_any_public_output(app, client):
    add_listing(app, "Y20001", "Contact Test Surgery", LONDON, pledge={**CONTACT, "status": PledgeStatus.APPROVED})
    urls = [
        "/surgeries",
        "/surgeries?q=SE1",
        "/surgeries/Y20001",
        "/map",
        "/embed/map",
        "/stats",
        "/stats.csv",
        "/api/v1/surgeries",
        "/api/v1/surgeries?near=SE1",
        "/api/v1/surgeries.geojson",
        "/api/v1/surgeries.csv",
        "/api/v1/openapi.json",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.get_data(as_text=True)
        for secret in CONTACT.values():
            assert secret not in body, (url, secret)
    assert "Contact Test Surgery" in client.get("/surgeries/Y20001").get_data(as_text=True)


def test_display_name_and_phone_corrections_win_over_the_directory(app, client):
    add_listing(app, "Y20002", "OLD DIRECTORY NAME", LONDON, display_name="Corrected Name Surgery")
    [item] = client.get("/api/v1/surgeries").get_json()["surgeries"]
    assert item["name"] == "Corrected Name Surgery"


# --- nearest first --------------------------------------------------------------------------------


def test_nearest_first_from_london_and_from_leeds(client, three_cities):
    assert codes(client, near="SE1", radius_km=1000) == ["Y10001", "Y10002", "Y10003"]
    assert codes(client, near="LS2 9JT", radius_miles=600) == ["Y10003", "Y10002", "Y10001"]
    assert page_codes(client, q="SE1", radius_miles=600) == ["Y10001", "Y10002", "Y10003"]
    # Without a radius, 5 miles: only the London listing is that near SE1.
    assert codes(client, near="SE1") == page_codes(client, q="SE1") == ["Y10001"]


def test_a_town_typed_as_the_search_finds_the_nearest_first(client, runner, three_cities):
    """A town is known from the directory's addresses: Bradford's practices put it 13 km from Leeds."""
    assert import_file(runner, SAMPLE).exit_code == 0
    assert codes(client, q="Bradford", radius_km=1000) == ["Y10003", "Y10002", "Y10001"]
    assert codes(client, near="bradford", radius_km=30) == ["Y10003"]
    soup = BeautifulSoup(
        client.get("/surgeries", query_string={"q": "Bradford", "radius_miles": 10}).data, "html.parser"
    )
    assert page_codes(client, q="Bradford", radius_miles=10) == ["Y10003"]
    assert "km" in soup.select_one("ol.listings").get_text() and "miles" in soup.select_one("ol.listings").get_text()


def geodesic_km(a: dict, b: dict) -> float:
    """The distance on the WGS84 ellipsoid, from pyproj: a reference that shares nothing with the app's formula."""
    _, _, metres = Geod(ellps="WGS84").inv(a["longitude"], a["latitude"], b["longitude"], b["latitude"])
    return metres / 1000


def test_distances_agree_with_the_geodesic_on_the_wgs84_ellipsoid(client, three_cities):
    """The app measures great circles on a sphere, within 0.3% of the ellipsoid's geodesic across Britain.

    Half a per cent allows for that and nothing more: latitude and longitude swapped would put Manchester
    some 60 km further from London (23%), and miles given as kilometres would be 38% short.
    """
    origin = client.get("/api/v1/postcodes/SE15 1AA").get_json()
    items = client.get("/api/v1/surgeries", query_string={"near": "SE15 1AA", "radius_km": 1000}).get_json()
    items = items["surgeries"]
    assert [item["ods_code"] for item in items] == ["Y10001", "Y10002", "Y10003"]
    for item in items:  # about 4 km, 267 km and 278 km
        expected = geodesic_km(origin, item)
        assert item["distance_km"] == pytest.approx(expected, rel=0.005, abs=0.01), item["ods_code"]
        assert item["miles"] == pytest.approx(expected / 1.609344, rel=0.005, abs=0.01), item["ods_code"]
    manchester = next(item for item in items if item["ods_code"] == "Y10002")
    assert 250 < geodesic_km(origin, manchester) < 280  # London to Manchester, as the crow flies


def test_list_page_shows_distance_in_miles_and_kilometres(client, three_cities):
    soup = BeautifulSoup(client.get("/surgeries", query_string={"q": "M1 1AE"}).data, "html.parser")
    first = soup.select_one("ol.listings .listing")
    assert "Piccadilly Medical Practice" in first.get_text()
    assert first.select_one(".listing-distance").get_text(strip=True) == "0.0 miles (0.0 km) away"
    assert "1 Safe Surgery within 5 miles of M1 1AE" in soup.select_one("#results-heading").get_text(" ", strip=True)


def test_limit_gives_the_first_of_the_same_order(client, three_cities):
    assert codes(client, near="LS2 9JT", limit=2, radius_km=1000) == ["Y10003", "Y10002"]
    response = client.get("/api/v1/surgeries", query_string={"near": "LS2 9JT", "limit": 1, "radius_km": 1000})
    assert response.get_json()["count"] == 1 and response.get_json()["total"] == 3


def test_radius_keeps_only_listings_within_it(client, three_cities):
    assert codes(client, near="SE1", radius_km=50) == ["Y10001"]
    assert codes(client, near="M1 1AE", radius_km=100) == ["Y10002", "Y10003"]  # Leeds is about 58 km away


def test_nearest_first_with_many_listings_agrees_with_sorting_them_all(app, client):
    postcodes = [
        "SE1 7PB",
        "M1 1AE",
        "LS1 4AP",
        "B1 1BB",
        "BS1 4DJ",
        "NE1 7RU",
        "CB2 1TN",
        "OX1 2JD",
        "BN1 1AA",
        "L1 8JQ",
        "S1 2HE",
        "NG1 5FS",
        "PL1 2AA",
        "NR2 1RQ",
        "CA1 1QA",
        "TR1 2SJ",
        "YO1 7HH",
        "SW1A 1AA",
    ]
    for n, postcode in enumerate(postcodes):
        add_listing(app, f"Y3{n:04d}", f"Practice {n:02d}", postcode)
    wide = {"near": "WC2N 5DU", "radius_km": 1000}
    items = client.get("/api/v1/surgeries", query_string=wide).get_json()["surgeries"]
    distances = [item["distance_km"] for item in items]
    assert distances == sorted(distances) and len(items) == len(postcodes)
    assert codes(client, **wide, limit=5) == [item["ods_code"] for item in items[:5]]
    # Nothing within a radius: the nearest, found by widening a band, is the first of the full sort.
    far = client.get("/api/v1/surgeries", query_string={"near": "TR18 4AA", "radius_miles": 1}).get_json()
    everything = client.get("/api/v1/surgeries", query_string={"near": "TR18 4AA", "radius_km": 1000}).get_json()
    assert far["total"] == 0 and far["nearest_km"] == everything["surgeries"][0]["distance_km"]


# --- filters --------------------------------------------------------------------------------------


def test_region_filter(client, three_cities):
    assert codes(client, region="Y62") == ["Y10002"]
    assert codes(client, region="y63") == ["Y10003"]
    assert page_codes(client, region="Y56") == ["Y10001"]
    assert codes(client, near="SE1", region="Y63", radius_km=1000) == ["Y10003"]


def test_text_search_matches_name_postcode_and_address(client, three_cities):
    assert codes(client, q="piccadilly") == ["Y10002"]
    assert codes(client, q="Headrow") == ["Y10003"]  # the name and the address line
    assert codes(client, q="Lambeth Road") == ["Y10001"]


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"radius_km": "abc", "near": "SE1"}, "radius_km"),
        ({"radius_km": "5"}, "radius_km"),
        ({"radius_km": "-1", "near": "SE1"}, "radius_km"),
        ({"region": "Y99"}, "region"),
        ({"nation": "atlantis"}, "nation"),
        ({"nation": "uk"}, "nation"),
        ({"near": "ZZ9 9ZZ"}, "near"),
        ({"near": "Nowhere-on-Earth"}, "near"),
        ({"q": "SW1A 9ZZ"}, "q"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_filters_answer_400_json_naming_the_parameter(client, params, parameter):
    for url in ("/api/v1/surgeries", "/api/v1/surgeries.geojson", "/api/v1/surgeries.csv"):
        response = client.get(url, query_string=params)
        assert response.status_code == 400, (url, params)
        body = response.get_json()
        assert set(body) >= {"error", "message"} and body["parameter"] == parameter
        assert parameter in body["message"]


def test_bad_postcode_on_the_list_page_is_a_clear_error_and_keeps_what_was_typed(client, three_cities):
    response = client.get("/surgeries", query_string={"q": "ZZ9 9ZZ"})
    assert response.status_code == 400
    soup = BeautifulSoup(response.data, "html.parser")
    assert "We could not find the postcode" in soup.select_one(".error-summary").get_text()
    assert soup.select_one("#q")["value"] == "ZZ9 9ZZ"
    assert soup.select_one("#q")["aria-invalid"] == "true"
    assert client.get("/surgeries", query_string={"region": "nope"}).status_code == 400
    assert client.get("/surgeries", query_string={"page": "zero"}).status_code == 400


def test_the_list_is_paginated_twenty_a_page(app, client):
    for n in range(45):
        add_listing(app, f"Y4{n:04d}", f"Practice {n:02d}", LONDON)
    assert len(page_codes(client)) == 20
    soup = BeautifulSoup(client.get("/surgeries", query_string={"page": 2}).data, "html.parser")
    names = [a.get_text() for a in soup.select("ol.listings .listing-name a")]
    assert names[0] == "Practice 20" and len(names) == 20
    assert "Page 2 of 3" in soup.select_one("nav.pagination").get_text()
    assert "page=3" in soup.select_one("nav.pagination a[rel=next]")["href"]
    assert page_codes(client, page=3) == [f"Y4{n:04d}" for n in range(40, 45)]
    # The API's unpaginated answer is the pages end to end.
    assert codes(client) == page_codes(client, page=1) + page_codes(client, page=2) + page_codes(client, page=3)


def test_api_and_list_return_the_same_for_the_same_filters(client, three_cities):
    for params in ({}, {"q": "SE1"}, {"region": "Y62"}, {"near": "LS1", "radius_km": "100"}, {"q": "Headrow"}):
        assert codes(client, **params) == page_codes(client, **params), params


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_is_excel_friendly_and_neutralises_formulas(app, client):
    add_listing(app, "Y50001", '=HYPERLINK("http://evil.example")', LONDON)
    add_listing(app, "Y50002", "Harmless", MANCHESTER, display_name="@SUM(A1:A9)", phone="+44 20 7946 0000")
    response = client.get("/api/v1/surgeries.csv")
    assert response.mimetype == "text/csv"
    assert b"\r\n" in response.data and b"\n" not in response.data.replace(b"\r\n", b"")
    rows = {row["ods_code"]: row for row in csv_rows(response)}
    assert rows["Y50001"]["name"] == '\'=HYPERLINK("http://evil.example")'
    assert rows["Y50002"]["name"] == "'@SUM(A1:A9)"
    assert rows["Y50002"]["phone"] == "'+44 20 7946 0000"
    assert float(rows["Y50001"]["longitude"]) < 0  # numbers stay numbers, minus sign and all
    assert rows["Y50001"]["demo"] == "no"
    assert list(rows["Y50001"])[:3] == ["ods_code", "name", "address_lines"]


# --- HTTP caching and CORS ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/surgeries",
        "/api/v1/surgeries.geojson",
        "/api/v1/surgeries.csv",
        "/api/v1/surgeries?near=SE1",
        "/surgeries",
        "/surgeries/Y10001",
        "/map",
        "/stats",
        "/stats.csv",
        "/embed",
        "/embed/map",
    ],
)
def test_public_reads_have_etags_and_answer_304_when_unchanged(app, client, three_cities, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"] and "public" in first.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    add_listing(app, "Y10009", "Borough New Surgery", LONDON)
    if url not in ("/surgeries/Y10001", "/map", "/embed", "/embed/map"):  # these do not show the new listing
        changed = client.get(url, headers={"If-None-Match": etag})
        assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_api_reads_allow_any_origin(client, three_cities):
    for url in ("/api/v1/surgeries", "/api/v1/surgeries.geojson", "/api/v1/surgeries.csv", "/api/v1/openapi.json"):
        assert client.get(url).headers["Access-Control-Allow-Origin"] == "*"


# --- pages ----------------------------------------------------------------------------------------


def test_practice_page_says_since_when_and_last_confirmed(app, client):
    add_listing(app, "Y60001", "Dated Surgery", LONDON, listed_since=dt.datetime(2024, 3, 5, 9, tzinfo=dt.timezone.utc))
    text = BeautifulSoup(client.get("/surgeries/y60001").data, "html.parser").get_text(" ", strip=True)
    assert "Safe Surgery since 5 March 2024" in text
    assert "last confirmed 4 April 2024" in text
    assert client.get("/surgeries/Y99999").status_code == 404


def test_navigation_links_to_the_list_map_rights_and_practices_page(client):
    soup = BeautifulSoup(client.get("/").data, "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in soup.select("nav .site-nav a")}
    assert links == {
        "Find a Safe Surgery": "/surgeries",
        "Map": "/map",
        "Your rights": "/rights",
        "For GP practices": "/for-practices",
    }
    practices = BeautifulSoup(client.get("/for-practices").data, "html.parser")
    hrefs = {a["href"] for a in practices.select("main a")}
    assert {"/toolkit", "/pledge", "/stats"} <= hrefs


def test_registry_pages_have_a_title_one_h1_a_skip_link_and_labelled_fields(client, three_cities):
    for url in ("/surgeries", "/surgeries/Y10001", "/map", "/stats", "/embed"):
        soup = BeautifulSoup(client.get(url).data, "html.parser")
        assert soup.title.get_text(strip=True)
        assert len(soup.find_all("h1")) == 1, url
        assert soup.select_one("a.skip-link")["href"] == "#main"
        for field in soup.select("input:not([type=hidden]), select, textarea"):
            assert soup.select_one(f"label[for='{field['id']}']") or field.get("aria-label"), (url, field)
        assert not soup.select("[style]"), url
        assert all(script.get("src") for script in soup.find_all("script")), url  # no inline script


# --- freshness ------------------------------------------------------------------------------------


def test_a_listing_added_by_another_process_shows_at_the_next_version_check(app, client, monkeypatch, three_cities):
    from safesurgeries.extensions import db
    from safesurgeries.registry import freshness

    with app.app_context():
        practice_id = add_other_process_practice(app)
    assert len(codes(client)) == 3  # the practice is not listed; this process has seen its commit
    with app.app_context():
        # Another worker's commit: a plain connection, so this process's session never sees it.
        with db.engine.begin() as connection:
            connection.execute(
                db.text(
                    "INSERT INTO listings (practice_id, active, listed_since, last_confirmed, is_demo) "
                    "VALUES (:p, TRUE, '2025-01-01 00:00:00', '2025-01-01 00:00:00', FALSE)"
                ),
                {"p": practice_id},
            )
    monkeypatch.setattr(freshness, "CHECK_INTERVAL_SECONDS", 1e9)
    assert len(codes(client)) == 3  # not checked again yet
    monkeypatch.setattr(freshness, "CHECK_INTERVAL_SECONDS", 0)
    assert "Y10099" in codes(client)


def test_an_admin_edit_in_another_worker_shows_at_the_next_version_check(app, client, monkeypatch, three_cities):
    """A corrected public name changes no count or listing date: the version must still notice it."""
    from safesurgeries import create_app
    from safesurgeries.extensions import db
    from safesurgeries.pledges.lifecycle import edit_listing
    from safesurgeries.pledges.models import Listing
    from safesurgeries.registry import freshness
    from safesurgeries.staff.models import StaffRole, StaffUser

    assert "Headrow Surgery" in [item["name"] for item in client.get("/api/v1/surgeries").get_json()["surgeries"]]
    changes_before = freshness.local_changes()
    other_worker = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "POSTCODE_INDEX": app.config["POSTCODE_INDEX"],
        }
    )
    with other_worker.app_context():
        admin = StaffUser(email="adam.admin@dotw.example", password_hash="x", role=StaffRole.ADMIN)
        db.session.add(admin)
        listing = db.session.scalars(db.select(Listing).join(Listing.practice).where(Listing.active)).all()
        edit_listing(
            next(item.id for item in listing if item.practice.ods_code == "Y10003"),
            admin,
            "Headrow Surgery (Leeds)",
            None,
        )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    # Both apps share this process's change counter; a real other worker's commit would not bump it.
    monkeypatch.setitem(freshness._local, "changes", changes_before)
    monkeypatch.setattr(freshness, "CHECK_INTERVAL_SECONDS", 0)
    names = [item["name"] for item in client.get("/api/v1/surgeries").get_json()["surgeries"]]
    assert "Headrow Surgery (Leeds)" in names and "Headrow Surgery" not in names


def add_other_process_practice(app) -> int:
    from registry_helpers import add_practice

    from safesurgeries.extensions import db

    practice = add_practice("Y10099", "Other Worker Surgery", LONDON)
    db.session.commit()
    return practice.id
