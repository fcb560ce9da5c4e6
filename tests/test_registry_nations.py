"""The registry and its open data by nation: the field, the filter, the stats, and a search from a nation
with no listed practice."""

import csv
import io

import pytest
from bs4 import BeautifulSoup
from registry_helpers import LONDON, add_listing
from test_practices import SAMPLE, import_file

EDINBURGH, CARDIFF, BELFAST = "EH6 8RG", "CF10 3RB", "BT1 5GS"


@pytest.fixture
def britain(app):
    """Two English listings and one Scottish; none in Wales or Northern Ireland."""
    add_listing(app, "Y20001", "Lambeth Surgery", LONDON, "Y56")
    add_listing(app, "Y20002", "Tyneside Surgery", "NE1 4ST", "Y63")
    add_listing(app, "S20001", "Leith Surgery", EDINBURGH, None, address_lines=["1 Leith Walk", "Edinburgh"])
    return app


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def test_every_open_data_format_carries_the_nation(client, britain):
    expected = {"Y20001": "england", "Y20002": "england", "S20001": "scotland"}
    body = client.get("/api/v1/surgeries").get_json()
    assert {item["ods_code"]: item["nation"] for item in body["surgeries"]} == expected
    features = client.get("/api/v1/surgeries.geojson").get_json()["features"]
    assert {f["properties"]["ods_code"]: f["properties"]["nation"] for f in features} == expected
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/surgeries.csv").data.decode("utf-8-sig"))))
    assert {row["ods_code"]: row["nation"] for row in rows} == expected


@pytest.mark.parametrize("url", ["/api/v1/surgeries", "/api/v1/surgeries.geojson", "/api/v1/surgeries.csv"])
def test_the_nation_filter_keeps_one_nation(client, britain, url):
    response = client.get(url, query_string={"nation": "Scotland"})
    assert response.status_code == 200
    assert b"S20001" in response.data and b"Y20001" not in response.data and b"Y20002" not in response.data
    assert b"S20001" not in client.get(url, query_string={"nation": "england"}).data
    assert client.get(url, query_string={"nation": "wales"}).status_code == 200


def test_the_list_page_takes_the_nation_filter_and_keeps_it(client, britain):
    response = client.get("/surgeries", query_string={"nation": "scotland"})
    soup = BeautifulSoup(response.data, "html.parser")
    assert [a.get_text() for a in soup.select("ol.listings .listing-name a")] == ["Leith Surgery"]
    assert "1 Safe Surgery in Scotland" in soup.select_one("#results-heading").get_text(" ", strip=True)
    assert soup.select_one("form.registry-search input[name=nation]")["value"] == "scotland"
    bad = client.get("/surgeries", query_string={"nation": "mars"})
    assert bad.status_code == 400 and "Choose one of the nations" in text_of(bad)


def test_a_practice_page_says_its_nation(client, britain):
    assert "Nation Scotland" in text_of(client.get("/surgeries/S20001"))
    assert "Nation England" in text_of(client.get("/surgeries/Y20001"))


@pytest.mark.parametrize(
    "place, nation_name", [(BELFAST, "Northern Ireland"), (CARDIFF, "Wales"), ("BT1", "Northern Ireland")]
)
def test_a_search_from_a_nation_with_no_listing_says_what_the_registry_covers(client, britain, place, nation_name):
    notice = (
        f"No Safe Surgeries are listed in {nation_name}. The registry covers practices in England, Scotland and Wales."
    )
    page = client.get("/surgeries", query_string={"q": place})
    assert page.status_code == 200
    soup = BeautifulSoup(page.data, "html.parser")
    assert soup.select_one("#registry-notice").get_text(strip=True) == notice
    assert soup.select("ol.listings li") == []  # no far-away practice from another nation
    body = client.get("/api/v1/surgeries", query_string={"near": place}).get_json()
    assert (body["surgeries"], body["total"], body["notice"]) == ([], 0, notice)
    assert client.get("/api/v1/surgeries.geojson", query_string={"near": place}).get_json()["notice"] == notice


def test_a_search_from_a_nation_with_listings_is_nearest_first_as_before(client, britain):
    from_edinburgh = client.get("/api/v1/surgeries", query_string={"near": EDINBURGH}).get_json()
    assert [item["ods_code"] for item in from_edinburgh["surgeries"]] == ["S20001", "Y20002", "Y20001"]
    assert "notice" not in from_edinburgh
    from_london = client.get("/api/v1/surgeries", query_string={"near": "SE15 5AB"}).get_json()
    assert [item["ods_code"] for item in from_london["surgeries"]] == ["Y20001", "Y20002", "S20001"]
    # Asking for a nation by name is an explicit choice: nearest first within it, wherever the visitor is.
    english = client.get("/api/v1/surgeries", query_string={"near": BELFAST, "nation": "england"}).get_json()
    assert [item["ods_code"] for item in english["surgeries"]] == ["Y20002", "Y20001"] and "notice" not in english


def test_a_place_in_a_nation_with_no_listing_gets_the_notice(app, client, runner, britain):
    """Towns come from the directory's addresses; Flintshire's practices are all in Wales (grouping W00)."""
    assert import_file(runner, SAMPLE).exit_code == 0
    body = client.get("/api/v1/surgeries", query_string={"q": "Flintshire"}).get_json()
    assert body["surgeries"] == [] and body["notice"].startswith("No Safe Surgeries are listed in Wales.")
    assert client.get("/api/v1/surgeries", query_string={"q": "Leeds"}).get_json()["total"] == 3


def test_stats_count_listed_and_open_practices_per_nation(app, client, runner, britain):
    assert import_file(runner, SAMPLE).exit_code == 0
    add_listing(app, "W20001", "Cardiff Bay Surgery", CARDIFF, "W00")
    soup = BeautifulSoup(client.get("/stats").data, "html.parser")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in soup.select(".nations-table tbody tr")
    }
    # The sample's open GP practices: the listed English and Welsh ones are open GP practices themselves.
    sample_open = {"england": 0, "wales": 0}
    for row in csv.reader(SAMPLE.open(encoding="latin-1")):
        if row[12] == "A" and row[25] == "4":
            sample_open["wales" if row[2] == "W00" else "england"] += 1
    assert rows["England"][:2] == ["2", str(sample_open["england"] + 2)]
    assert rows["Scotland"][:2] == ["1", "1"]
    assert rows["Wales"][:2] == ["1", str(sample_open["wales"] + 1)]
    assert rows["Northern Ireland"][:2] == ["0", "0"]
    # The NHS region table is England's: the Welsh listing is not in it.
    regions = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in soup.select("table[aria-labelledby=regions-heading] tbody tr")
    }
    assert regions["London"] == "1" and "No region recorded" not in regions

    table = list(csv.DictReader(io.StringIO(client.get("/stats.csv").data.decode("utf-8-sig"))))
    by_nation = {row["key"]: (row["name"], row["listed"]) for row in table if row["table"] == "nation"}
    assert by_nation == {
        "england": ("England", "2"),
        "scotland": ("Scotland", "1"),
        "wales": ("Wales", "1"),
        "northern-ireland": ("Northern Ireland", "0"),
    }
    england = next(row for row in table if row["table"] == "region" and row["name"] == "England")
    assert england["listed"] == "2"
