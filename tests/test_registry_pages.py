"""The map, the embed and the stats pages."""

import csv
import io
import json

from bs4 import BeautifulSoup
from registry_helpers import LEEDS, LONDON, add_listing
from test_practices import SAMPLE, import_file


def test_map_is_served_from_the_app_with_tile_settings_and_a_link_to_the_list(app, client):
    soup = BeautifulSoup(client.get("/map").data, "html.parser")
    element = soup.select_one("#registry-map")
    assert element["data-tile-url"] == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert 'href="https://www.openstreetmap.org/copyright"' in element["data-attribution"]
    assert element["data-geojson-url"] == "/api/v1/surgeries.geojson"
    assets = [tag["src"] for tag in soup.find_all("script")] + [
        tag["href"] for tag in soup.select("link[rel=stylesheet]")
    ]
    assert any("leaflet.js" in a for a in assets) and any("leaflet.markercluster.js" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/"), asset  # no CDN
        assert client.get(asset).status_code == 200, asset
    assert soup.select_one("main a[href='/surgeries']")  # the list, for when JS or tiles fail
    assert soup.select_one("noscript a[href='/surgeries']")
    assert soup.select_one("select#region")


def test_map_settings_come_from_the_environment(app, monkeypatch, tmp_path, postcode_index_file):
    from safesurgeries import create_app

    monkeypatch.setenv("SAFESURGERIES_MAP_TILE_URL", "https://tiles.example/{z}/{x}/{y}.png")
    monkeypatch.setenv("SAFESURGERIES_MAP_TILE_ATTRIBUTION", "Example tiles")
    other = create_app(
        {
            "TESTING": True,
            "POSTCODE_INDEX": str(postcode_index_file),
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    element = BeautifulSoup(other.test_client().get("/map").data, "html.parser").select_one("#registry-map")
    assert element["data-tile-url"] == "https://tiles.example/{z}/{x}/{y}.png"
    assert element["data-attribution"] == "Example tiles"


def test_map_region_filter_goes_to_the_geojson(client):
    element = BeautifulSoup(client.get("/map?region=Y62").data, "html.parser").select_one("#registry-map")
    assert element["data-geojson-url"] == "/api/v1/surgeries.geojson?region=Y62"
    assert client.get("/map?region=Y00").status_code == 400


def test_map_script_builds_popups_with_text_only(client):
    from safesurgeries.registry import views

    script = views.bp.root_path.rsplit("/", 1)[0] + "/static/registry-map.js"
    text = open(script, encoding="utf-8").read()
    assert "innerHTML" not in text and "insertAdjacentHTML" not in text
    assert "textContent" in text
    # Its words come from the page, in the page's language.
    element = BeautifulSoup(client.get("/map").data, "html.parser").select_one("#registry-map")
    messages = json.loads(element["data-messages"])
    assert messages["since"] == "Safe Surgery since {date}" and messages["many"] == "{count} Safe Surgeries on the map."
    for name in ("since", "confirmed", "phone", "loading", "failed"):
        assert f'message("{name}"' in text


def test_embed_map_may_be_framed_and_is_filtered_by_its_parameters(app, client):
    add_listing(app, "Y70001", "Framed Surgery", LONDON)
    response = client.get("/embed/map?region=Y56&near=SE1")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["Content-Security-Policy"].split("; ")
    assert "X-Frame-Options" not in response.headers
    element = BeautifulSoup(response.data, "html.parser").select_one("#registry-map")
    assert element["data-geojson-url"] == "/api/v1/surgeries.geojson?near=SE1&region=Y56"
    assert float(element["data-centre-lat"]) > 51
    assert client.get("/embed/map?near=ZZ9 9ZZ").status_code == 400


def test_embed_page_gives_an_iframe_snippet_with_the_public_address(app, client):
    """The snippet names the public site, not whatever internal address the page was reached at."""
    app.config["PUBLIC_BASE_URL"] = "https://safesurgeries.example"
    soup = BeautifulSoup(client.get("/embed").data, "html.parser")
    snippet = soup.select_one("#embed-snippet").get_text()
    assert snippet.startswith('<iframe src="https://safesurgeries.example/embed/map"')
    assert 'title="Map of Safe Surgeries"' in snippet
    assert "https://safesurgeries.example/embed/map?region=Y56" in soup.select_one("#embed-snippet-region").get_text()


def test_stats_count_listed_against_open_gp_practices_per_region(app, client, runner):
    assert import_file(runner, SAMPLE).exit_code == 0  # 30 open GP practices in each region
    add_listing(app, "Y80001", "Stats One", LONDON, "Y56")
    add_listing(app, "Y80002", "Stats Two", LONDON, "Y56")
    add_listing(app, "Y80003", "Stats Three", LEEDS, "Y63")
    add_listing(app, "Y80004", "Stats Gone", LEEDS, "Y63", active=False)
    soup = BeautifulSoup(client.get("/stats").data, "html.parser")
    assert soup.select_one(".big-number").get_text() == "3"
    rows = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in soup.select(".stats-table tbody tr")
    }
    # The listed practices are open GP practices themselves, so they count among the open ones.
    assert rows["London"][:3] == ["2", "32", "6.2%"]
    assert rows["North East and Yorkshire"][:3] == ["1", "32", "3.1%"]
    assert rows["South West"][:3] == ["0", "30", "0.0%"]
    bar = soup.select_one("table[aria-labelledby=regions-heading] tbody tr").select_one("rect.bar-fill")
    assert bar["width"] == "6.2"
    months = {tr.th.get_text(strip=True): tr.td.get_text(strip=True) for tr in soup.select(".months-table tbody tr")}
    assert months["March 2025"] == "3" and months["April 2025"] == "0"
    assert soup.select_one("svg.chart rect.chart-bar")

    response = client.get("/stats.csv")
    assert response.data.startswith(b"\xef\xbb\xbf") and response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    london = next(row for row in table if row["table"] == "region" and row["key"] == "Y56")
    assert (london["listed"], london["open_gp_practices"], london["share_percent"]) == ("2", "32", "6.2")
    march = next(row for row in table if row["table"] == "month" and row["key"] == "2025-03")
    assert march["listed"] == "3"
