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


COVERED = "England, Scotland and Wales"
NOTICES = {
    BELFAST: f"The registry does not cover Northern Ireland: it lists GP practices in {COVERED} only.",
    "BT1": f"The registry does not cover Northern Ireland: it lists GP practices in {COVERED} only.",
    CARDIFF: f"No Safe Surgery in Wales is listed yet. The registry covers GP practices in {COVERED}.",
    "IM1 1AA": f"The registry does not cover the Isle of Man: it lists GP practices in {COVERED} only.",
    "JE2 3AB": f"The registry does not cover the Channel Islands: it lists GP practices in {COVERED} only.",
    "GY1": f"The registry does not cover the Channel Islands: it lists GP practices in {COVERED} only.",
}
# Each nation's own rule, from FACTS.md; England's is never told to someone searching from elsewhere.
ADVICE = {
    BELFAST: "form HSCR-1",
    "BT1": "form HSCR-1",
    CARDIFF: "WHC/2025/025",
    "IM1 1AA": None,
    "JE2 3AB": None,
    "GY1": None,
}


@pytest.mark.parametrize("place", list(NOTICES))
def test_a_search_from_outside_the_listed_nations_says_what_the_registry_covers(client, britain, place):
    notice = NOTICES[place]
    for page in (client.get("/surgeries", query_string={"q": place}), client.get("/map", query_string={"near": place})):
        assert page.status_code == 200
        soup = BeautifulSoup(page.data, "html.parser")
        assert soup.select_one("#registry-notice").get_text(strip=True) == notice
        assert soup.select("ol.listings li") == []  # no far-away practice from another nation
        advice = soup.select_one("#registry-advice")
        if ADVICE[place] is None:
            assert advice is None
        else:
            assert ADVICE[place] in advice.get_text() and "in England" not in advice.get_text()
        assert "immigration status to register" not in text_of(page)  # England's rule is not told here
    body = client.get("/api/v1/surgeries", query_string={"near": place}).get_json()
    assert (body["surgeries"], body["total"], body["notice"]) == ([], 0, notice)
    assert "nearest_km" not in body  # nothing across the border is offered as "nearest"
    assert (ADVICE[place] or "") in body.get("advice", "")
    assert client.get("/api/v1/surgeries.geojson", query_string={"near": place}).get_json()["notice"] == notice
    assert client.get("/api/v1/surgeries.csv", query_string={"near": place}).data.decode("utf-8-sig").count("\n") == 1


def test_edinburgh_with_a_scottish_listing_far_off_is_told_the_nearest_and_scotlands_rule(client, britain):
    """EH1 1YZ is about 2 miles from the Leith listing: outside a 1-mile radius, inside the default 5."""
    page = client.get("/surgeries", query_string={"q": "EH1 1YZ", "radius_miles": "1"})
    soup = BeautifulSoup(page.data, "html.parser")
    notice = soup.select_one("#registry-notice").get_text(strip=True)
    assert notice.startswith("No Safe Surgery within 1 mile of EH1 1YZ. The nearest is ")
    assert soup.select("ol.listings li") == []
    assert "NHS inform" in soup.select_one("#registry-advice").get_text()
    widen = soup.select_one("#widen-search")
    assert (
        widen.get_text(strip=True) == "Search within 2 miles" or widen.get_text(strip=True) == "Search within 5 miles"
    )
    widened = BeautifulSoup(client.get(widen["href"]).data, "html.parser")
    assert [a.get_text() for a in widened.select("ol.listings .listing-name a")] == ["Leith Surgery"]
    default = BeautifulSoup(client.get("/surgeries", query_string={"q": "EH1 1YZ"}).data, "html.parser")
    assert "1 Safe Surgery within 5 miles of EH1 1YZ" in default.select_one("#results-heading").get_text(
        " ", strip=True
    )


def test_a_place_in_a_nation_with_no_listing_gets_the_notice(app, client, runner, britain):
    """Towns come from the directory's addresses; Flintshire's practices are all in Wales (grouping W00)."""
    assert import_file(runner, SAMPLE).exit_code == 0
    body = client.get("/api/v1/surgeries", query_string={"q": "Flintshire"}).get_json()
    assert body["surgeries"] == [] and body["notice"].startswith("No Safe Surgery in Wales is listed yet.")
    leeds = client.get("/api/v1/surgeries", query_string={"q": "Leeds"}).get_json()
    # A town searches within the default radius too; Leeds is far from every listing, so none, and how far.
    assert (leeds["total"], leeds["radius_miles"]) == (0, 5) and leeds["nearest_miles"] > 50
    assert client.get("/api/v1/surgeries", query_string={"q": "Leeds", "radius_km": 1000}).get_json()["total"] == 3


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
