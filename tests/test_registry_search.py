"""Honest location search, through HTTP: a default radius the visitor sees and can widen, "none within it; the
nearest is N miles away" instead of far-away practices, place names, and pages past the end."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from registry_helpers import LONDON, add_listing

PENZANCE = "TR18 4AA"  # about 250 miles from the London listings: far from any Safe Surgery


@pytest.fixture
def london(app):
    add_listing(app, "Y60001", "Lambeth Surgery", LONDON, address_lines=["1 Lower Marsh", "London"])
    add_listing(app, "Y60002", "Camberwell Surgery", "SE5 8RS", address_lines=["2 Denmark Hill", "London"])
    return app


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.data, "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def test_a_postcode_searches_within_five_miles_and_says_so(client, london):
    soup = soup_of(client.get("/surgeries", query_string={"q": "SE1 7PB"}))
    assert text(soup.select_one("#results-heading")) == "2 Safe Surgeries within 5 miles of SE1 7PB"
    assert soup.select_one("select#radius option[selected]")["value"] == "5"
    assert [o["value"] for o in soup.select("select#radius option")] == ["1", "2", "5", "10", "25", "50"]
    body = client.get("/api/v1/surgeries", query_string={"near": "SE1 7PB"}).get_json()
    assert (body["total"], body["radius_miles"], body["radius_km"]) == (2, 5, 8.05)
    assert "nearest_km" not in body and "advice" not in body


def test_a_postcode_far_from_any_safe_surgery_gets_the_honest_answer(client, london):
    page = client.get("/surgeries", query_string={"q": PENZANCE})
    assert page.status_code == 200
    soup = soup_of(page)
    assert soup.select("ol.listings li") == []  # no list of far-away practices
    notice = text(soup.select_one("#registry-notice"))
    assert notice.startswith(f"No Safe Surgery within 5 miles of {PENZANCE}. The nearest is ")
    api = client.get("/api/v1/surgeries", query_string={"near": PENZANCE}).get_json()
    assert (api["surgeries"], api["total"], api["radius_miles"]) == ([], 0, 5)
    assert 240 < api["nearest_miles"] < 270 and api["nearest_km"] == pytest.approx(api["nearest_miles"] * 1.609, 0.01)
    assert notice.endswith(f"The nearest is {round(api['nearest_miles'], 1)} miles away.")
    # England's rule, said as FACTS.md says it: every practice, pledged or not.
    advice = text(soup.select_one("#registry-advice"))
    assert "the rules are the same at every GP practice in England" in advice
    assert "do not need proof of address, ID or immigration status" in advice
    assert api["advice"] == advice
    # The link widens the search just enough to take in the nearest, and keeps the search.
    widen = soup.select_one("#widen-search")
    assert f"q={PENZANCE.replace(' ', '+')}" in widen["href"] or "q=TR18" in widen["href"]
    widened = soup_of(client.get(widen["href"]))
    first = widened.select_one("ol.listings .listing-distance").get_text(strip=True)
    assert first.startswith(f"{api['nearest_miles']:.1f} miles")
    assert text(widen) == f"Search within {int(widen['href'].rsplit('radius_miles=', 1)[1])} miles"
    # The map says the same, without JavaScript.
    map_soup = soup_of(client.get("/map", query_string={"near": PENZANCE}))
    assert text(map_soup.select_one("#registry-notice")) == notice
    assert text(map_soup.select_one("#registry-advice")) == advice
    element = map_soup.select_one("#registry-map")
    assert float(element["data-radius-km"]) == pytest.approx(8.047, abs=0.001)
    geojson = client.get(element["data-geojson-url"]).get_json()
    assert geojson["features"] == [] and geojson["nearest_miles"] == api["nearest_miles"]
    rows = list(csv.reader(io.StringIO(client.get("/api/v1/surgeries.csv", query_string={"near": PENZANCE}).text)))
    assert len(rows) == 1  # the header only


def test_the_visitor_widens_and_narrows_the_radius_and_the_link_keeps_it(client, london):
    """SE5 8RS is about 2.2 miles from SE1 7PB."""
    narrow = soup_of(client.get("/surgeries", query_string={"q": "SE1 7PB", "radius_miles": "1"}))
    assert text(narrow.select_one("#results-heading")) == "1 Safe Surgery within 1 mile of SE1 7PB"
    assert narrow.select_one("select#radius option[selected]")["value"] == "1"
    wide = soup_of(client.get("/surgeries", query_string={"q": "SE1 7PB", "radius_miles": "10"}))
    assert len(wide.select("ol.listings li")) == 2
    # The map link and the downloads carry the radius.
    map_link = wide.find("a", string="See them on a map")["href"]
    assert "radius_miles=10" in map_link and "near=SE1" in map_link
    map_soup = soup_of(client.get(map_link))
    assert map_soup.select_one("select#radius option[selected]")["value"] == "10"
    assert "radius_miles=10" in map_soup.select_one("#registry-map")["data-geojson-url"]
    csv_link = wide.find("a", string="CSV (spreadsheet)")["href"]
    assert "radius_miles=10" in csv_link
    # An odd radius from a shared link is kept and shown.
    odd = soup_of(client.get("/surgeries", query_string={"q": "SE1 7PB", "radius_km": "3"}))
    assert text(odd.select_one("#results-heading")) == "1 Safe Surgery within 1.9 miles of SE1 7PB"
    # A radius with a name search (the form always sends one) is no error on the page.
    by_name = client.get("/surgeries", query_string={"q": "Camberwell", "radius_miles": "5"})
    assert by_name.status_code == 200 and [a.get_text() for a in soup_of(by_name).select("ol.listings a")][0] == (
        "Camberwell Surgery"
    )


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"near": "SE1", "radius_miles": "0"}, "radius_miles"),
        ({"near": "SE1", "radius_miles": "700"}, "radius_miles"),
        ({"near": "SE1", "radius_miles": "far"}, "radius_miles"),
        ({"near": "SE1", "radius_miles": "nan"}, "radius_miles"),
        ({"near": "SE1", "radius_miles": "2", "radius_km": "2"}, "radius_miles"),
        ({"radius_miles": "2"}, "radius_miles"),
    ],
)
def test_bad_radius_is_a_clear_400(client, london, params, parameter):
    response = client.get("/api/v1/surgeries", query_string=params)
    assert response.status_code == 400 and response.get_json()["parameter"] == parameter
    if "near" in params:
        page = client.get("/surgeries", query_string={**params, "q": params["near"]})
        assert page.status_code == 400 and soup_of(page).select_one(".error-summary")


def test_a_place_name_searches_near_it(app, client, london):
    """Edinburgh is placed from its central postcode district; London from the directory's addresses."""
    london_page = soup_of(client.get("/surgeries", query_string={"q": "London"}))
    assert "within 5 miles of London" in text(london_page.select_one("#results-heading"))
    edinburgh = soup_of(client.get("/surgeries", query_string={"q": "Edinburgh"}))
    assert text(edinburgh.select_one("#registry-notice")).startswith("No Safe Surgery in Scotland is listed yet.")
    assert "NHS inform" in text(edinburgh.select_one("#registry-advice"))
    belfast = client.get("/api/v1/surgeries", query_string={"q": "Belfast"}).get_json()
    assert belfast["notice"].startswith("The registry does not cover Northern Ireland")


@pytest.mark.parametrize("postcode", ["EH1 1YZ", "CF10 3RB", "BT1 5GS", PENZANCE])
def test_the_four_postcodes_get_no_far_away_list_on_the_list_the_map_and_the_api(client, london, postcode):
    for path, key in (("/surgeries", "q"), ("/map", "near")):
        soup = soup_of(client.get(path, query_string={key: postcode}))
        assert soup.select("ol.listings li") == [], path
        assert soup.select_one("#registry-notice"), path
        assert soup.select_one("#registry-advice"), path  # each nation's own rule
    for url in ("/api/v1/surgeries", "/api/v1/surgeries.geojson"):
        body = client.get(url, query_string={"near": postcode}).get_json()
        assert body.get("surgeries", body.get("features")) == [] and body["advice"]
        assert ("notice" in body) != ("nearest_miles" in body)  # another nation: what we cover; England: how far


def test_pages_past_the_end_are_404_and_bad_page_numbers_400(client, london):
    assert client.get("/surgeries", query_string={"page": 1}).status_code == 200
    assert client.get("/surgeries", query_string={"page": 2}).status_code == 404
    assert client.get("/surgeries", query_string={"page": 999}).status_code == 404
    assert client.get("/surgeries", query_string={"q": PENZANCE, "page": 2}).status_code == 404
    for bad in ("0", "-1", "x", "1.5", "²", "99999999999"):
        response = client.get("/surgeries", query_string={"page": bad})
        assert response.status_code == 400, bad
        assert "The page number must be a whole number from 1." in text(soup_of(response))


def test_the_isle_of_man_and_the_channel_islands_on_the_map(client, london):
    soup = soup_of(client.get("/map", query_string={"near": "IM1 1AA"}))
    assert text(soup.select_one("#registry-notice")) == (
        "The registry does not cover the Isle of Man: it lists GP practices in England, Scotland and Wales only."
    )
    assert soup.select_one("#registry-advice") is None  # FACTS.md says nothing of the island's rules
