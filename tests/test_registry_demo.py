"""`safesurgeries demo load` and `demo clear`, and how the public registry marks each demo listing as demo."""

import csv
import datetime as dt
import io

from bs4 import BeautifulSoup
from registry_helpers import LONDON, add_listing
from test_practices import SAMPLE, import_file, sample_rows

BANNER = "Demo data is loaded: practices whose names start with “Demo” are invented, not real Safe Surgeries."
PAGES = ["/surgeries", "/map", "/stats", "/embed", "/embed/map"]


def demo_items(client) -> list[dict]:
    return client.get("/api/v1/surgeries").get_json()["surgeries"]


def test_demo_load_makes_fictional_listings_at_real_postcodes_in_every_region(app, client, runner):
    assert import_file(runner, SAMPLE).exit_code == 0
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Loaded 300 demo listings" in result.output
    items = demo_items(client)
    assert len(items) == 300
    real_codes = {row[0] for row in sample_rows()}
    real_names = {row[1].casefold() for row in sample_rows()}
    assert all(item["ods_code"].startswith("DEMO") and item["ods_code"] not in real_codes for item in items)
    assert all("Demo" in item["name"] and item["name"].casefold() not in real_names for item in items)
    assert len({item["name"] for item in items}) == 300
    assert {item["region"] for item in items} == {"Y56", "Y58", "Y59", "Y60", "Y61", "Y62", "Y63"}
    for item in items[:20]:  # real postcodes: the postcode API knows them and agrees on the position
        where = client.get(f"/api/v1/postcodes/{item['postcode']}").get_json()
        assert (where["latitude"], where["longitude"], where["nation"]) == (
            item["latitude"],
            item["longitude"],
            item["nation"],
        )
    assert {item["nation"] for item in items} == {"england"}  # the demo's places are in NHS England's regions
    since = sorted(dt.date.fromisoformat(item["listed_since"]) for item in items)
    assert dt.date.today() - since[0] > dt.timedelta(days=2 * 365)  # spread over the past three years
    assert dt.date.today() - since[0] <= dt.timedelta(days=3 * 365 + 1)
    assert len({d.strftime("%Y-%m") for d in since}) > 24
    assert all(item["last_confirmed"] >= item["listed_since"] for item in items)
    # Demo practices never show in the directory's search (the toolkit's finder).
    assert client.get("/api/v1/practices?q=Demo").get_json()["practices"] == []


def test_demo_load_is_deterministic_and_a_second_run_does_nothing(app, client, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    first = {(i["ods_code"], i["name"], i["postcode"]) for i in demo_items(client)}
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert {(i["ods_code"], i["name"], i["postcode"]) for i in demo_items(client)} == first
    assert runner.invoke(args=["demo", "clear"]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert {(i["ods_code"], i["name"], i["postcode"]) for i in demo_items(client)} == first


def test_demo_load_refuses_when_real_listings_exist(app, client, runner):
    add_listing(app, "Y90001", "Real Listed Surgery", LONDON)
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "real Safe Surgeries" in result.output and "Nothing was loaded" in result.output
    quiet = runner.invoke(args=["demo", "load", "--if-empty"])
    assert quiet.exit_code == 0 and "Skipped" in quiet.output
    assert [item["ods_code"] for item in demo_items(client)] == ["Y90001"]


def text(response) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def test_every_public_page_and_export_marks_each_demo_listing_while_it_is_loaded(app, client, runner):
    assert runner.invoke(args=["demo", "load", "--count", "30"]).exit_code == 0
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert BANNER in text(response), url
        assert "No real Safe Surgery is listed yet." in text(response) or url.startswith("/embed/"), url
    soup = BeautifulSoup(client.get("/surgeries").data, "html.parser")
    assert len(soup.select("ol.listings li.listing .tag-demo")) == len(soup.select("ol.listings li.listing")) == 20
    demo_page = client.get("/surgeries/DEMO0001")
    assert "This practice is demo data: it is invented, not a real Safe Surgery." in text(demo_page)
    assert "Safe Surgery since" not in text(demo_page) and "has pledged" not in text(demo_page)

    answer = client.get("/api/v1/surgeries").get_json()
    assert (answer["demo"], answer["demo_count"]) == (True, 30)
    assert {item["demo"] for item in answer["surgeries"]} == {True}
    geojson = client.get("/api/v1/surgeries.geojson").get_json()
    assert (geojson["demo"], geojson["demo_count"]) == (True, 30)
    assert {feature["properties"]["demo"] for feature in geojson["features"]} == {True}
    rows = list(csv.DictReader(io.StringIO(client.get("/api/v1/surgeries.csv").data.decode("utf-8-sig"))))
    assert len(rows) == 30 and {row["demo"] for row in rows} == {"yes"}
    stats = list(csv.DictReader(io.StringIO(client.get("/stats.csv").data.decode("utf-8-sig"))))
    england = next(row for row in stats if row["table"] == "nation" and row["key"] == "england")
    assert (england["listed"], england["demo_listed"]) == ("0", "30")

    result = runner.invoke(args=["demo", "clear"])
    assert result.exit_code == 0 and "Removed 30 demo listings and 30 demo practices" in result.output
    assert client.get("/api/v1/surgeries").get_json() == {
        "surgeries": [],
        "count": 0,
        "total": 0,
        "demo": False,
        "demo_count": 0,
    }
    assert client.get("/api/v1/surgeries.geojson").get_json()["demo"] is False
    for url in ("/surgeries", "/map", "/stats"):
        assert "Demo data" not in client.get(url).get_data(as_text=True), url
    assert client.get("/surgeries/DEMO0001").status_code == 404


def test_demo_practices_are_not_counted_among_open_gp_practices(app, client, runner):
    assert import_file(runner, SAMPLE).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    soup = BeautifulSoup(client.get("/stats").data, "html.parser")
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in soup.select(".stats-table tbody tr")
    }
    assert rows["London"][:3] == ["0", "30", "0.0%"]  # no real listing; the sample's open GP practices only
    assert int(rows["London"][-1]) >= 42  # demo listings are counted apart, in their own column
