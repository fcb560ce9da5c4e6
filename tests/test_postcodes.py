"""The offline postcode geocoder: the index built from the ONS Postcode Directory, the API and the CLI."""

import subprocess
import sys

import pytest
from pyproj import Geod

from safesurgeries.postcodes import NotAPostcode, PostcodeIndex, parse_postcode

# Well-known places, with their coordinates as published for the landmark (not read from our index).
LANDMARKS = {
    "SW1A 1AA": (51.5010, -0.1416),  # Buckingham Palace, England
    "SW1A 2AA": (51.5034, -0.1276),  # 10 Downing Street
    "CF10 3RB": (51.4816, -3.1811),  # Cardiff Castle, Wales
    "EH99 1SP": (55.9520, -3.1750),  # Scottish Parliament, Holyrood
    "EH1 2NG": (55.9486, -3.1999),  # Edinburgh Castle
    "BT1 5GS": (54.5964, -5.9302),  # Belfast City Hall, Northern Ireland (Irish Grid in the source)
    "BT4 3XX": (54.6046, -5.8318),  # Parliament Buildings, Stormont
}


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance between two (latitude, longitude) points on the WGS84 ellipsoid, from pyproj."""
    return Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])[2]


@pytest.fixture(scope="module")
def index(postcode_index_file):
    return PostcodeIndex(postcode_index_file)


@pytest.mark.parametrize("postcode", LANDMARKS)
def test_known_postcodes_are_within_a_few_hundred_metres(index, postcode):
    location = index.lookup(postcode)
    assert location.precision == "postcode"
    assert metres_between((location.latitude, location.longitude), LANDMARKS[postcode]) < 500


def test_index_covers_the_whole_directory(index):
    assert len(index) > 2_600_000
    assert index.header["districts"] > 3000


@pytest.mark.parametrize(
    "text, expected",
    [
        ("sw1a1aa", ("postcode", "SW1A 1AA")),
        (" SW1A   1AA ", ("postcode", "SW1A 1AA")),
        ("b11aa", ("postcode", "B1 1AA")),
        ("se15", ("district", "SE15")),
        ("W1A", ("district", "W1A")),
    ],
)
def test_any_spacing_and_case(text, expected):
    assert parse_postcode(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "SW1A 1A", "12345", "SW1A 1AAA", "<script>", "SE15 1"])
def test_not_a_postcode(text):
    with pytest.raises(NotAPostcode):
        parse_postcode(text)


def test_district_resolves_to_its_centroid(index):
    location = index.lookup("se15")
    assert location.precision == "district" and location.postcode == "SE15"
    # Peckham: the district's postcodes average out near Peckham Rye station.
    assert metres_between((location.latitude, location.longitude), (51.4700, -0.0690)) < 1500


@pytest.mark.parametrize(
    "text, nation",
    [
        ("SE15 5AB", "england"),
        ("EH6 8RG", "scotland"),
        ("CF10 3RB", "wales"),
        ("BT1 5GS", "northern-ireland"),
        ("LL77", "wales"),
        ("EH6", "scotland"),
        ("TD15 1AA", "england"),  # Berwick: a TD postcode in England
        ("TD15", None),
        ("SY10", None),  # districts that cross the border have no single nation
    ],
)
def test_every_postcode_knows_its_nation(index, text, nation):
    assert index.lookup(text).nation == nation


# --- the HTTP API ------------------------------------------------------------------------------------


def test_api_answers_with_coordinates_in_any_spacing(client):
    for text in ("SW1A 1AA", "sw1a1aa", "Sw1A%201aA"):
        response = client.get(f"/api/v1/postcodes/{text}")
        assert response.status_code == 200
        body = response.get_json()
        assert body["postcode"] == "SW1A 1AA" and body["precision"] == "postcode"
        assert metres_between((body["latitude"], body["longitude"]), LANDMARKS["SW1A 1AA"]) < 100


def test_api_district(client):
    body = client.get("/api/v1/postcodes/SE15").get_json()
    assert body["postcode"] == "SE15" and body["precision"] == "district"


def test_api_northern_ireland_is_in_northern_ireland(client):
    body = client.get("/api/v1/postcodes/BT1 5GS").get_json()
    assert body["nation"] == "northern-ireland"
    assert metres_between((body["latitude"], body["longitude"]), LANDMARKS["BT1 5GS"]) < 500


@pytest.mark.parametrize("text", ["not-a-postcode", "1234", "%3Cscript%3E", "x" * 300, "SW1A 1A"])
def test_api_rejects_what_is_not_a_postcode(client, text):
    response = client.get(f"/api/v1/postcodes/{text}")
    assert response.status_code == 400
    assert "not a UK postcode" in response.get_json()["message"]


@pytest.mark.parametrize("text", ["ZZ99 9ZZ", "SW1A 9ZZ", "QQ1"])
def test_api_unknown_postcode_is_404(client, text):
    response = client.get(f"/api/v1/postcodes/{text}")
    assert response.status_code == 404
    assert "not in the ONS Postcode Directory" in response.get_json()["message"]


def test_api_without_an_index_says_how_to_build_it(app, client, tmp_path):
    app.config["POSTCODE_INDEX"] = str(tmp_path / "missing.idx")
    response = client.get("/api/v1/postcodes/SW1A1AA")
    assert response.status_code == 503
    assert "safesurgeries postcodes build" in response.get_json()["message"]


def test_a_file_that_is_not_an_index_is_refused(app, client, tmp_path):
    bogus = tmp_path / "bogus.idx"
    bogus.write_bytes(b"not an index at all")
    app.config["POSTCODE_INDEX"] = str(bogus)
    assert client.get("/api/v1/postcodes/SW1A1AA").status_code == 503


# --- the CLI -----------------------------------------------------------------------------------------


def test_cli_lookup(runner):
    result = runner.invoke(args=["postcodes", "lookup", "sw1a1aa", "SE15"])
    assert result.exit_code == 0, result.output
    lines = [line.split("\t") for line in result.output.splitlines()]
    assert [line[0] for line in lines] == ["SW1A 1AA", "SE15"]
    assert [line[3] for line in lines] == ["postcode", "district"]


def test_cli_lookup_of_a_bad_postcode_fails_plainly(runner):
    result = runner.invoke(args=["postcodes", "lookup", "banana"])
    assert result.exit_code == 1
    assert "not a UK postcode" in result.output
    assert "Traceback" not in result.output


def test_cli_build_does_nothing_when_up_to_date(runner):
    result = runner.invoke(args=["postcodes", "build"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output and "Building" not in result.output


def test_cli_builds_a_missing_index(app, runner, tmp_path):
    app.config["POSTCODE_INDEX"] = str(tmp_path / "new" / "postcodes.idx")
    result = runner.invoke(args=["postcodes", "build"])
    assert result.exit_code == 0, result.output
    assert "Indexed" in result.output
    assert runner.invoke(args=["postcodes", "lookup", "EH1 2NG"]).exit_code == 0


def test_opening_the_index_does_not_load_it_into_python_objects(postcode_index_file):
    """The web process maps the file instead of reading 2.7 million postcodes into memory."""
    code = (
        f"import resource; from safesurgeries.postcodes import PostcodeIndex; "
        f"before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        f"index = PostcodeIndex({str(postcode_index_file)!r}); index.lookup('SW1A 1AA'); "
        f"print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)"
    )
    grown_kib = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert grown_kib < 10_000, f"opening the index grew the process by {grown_kib} KiB"


def test_data_page_credits_the_sources_as_their_licences_ask(client):
    page = client.get("/about/data").get_data(as_text=True)
    for credit in (
        "Source: Office for National Statistics licensed under the",
        "Open Government Licence v3.0",
        "Contains OS data © Crown copyright",
        "Contains Royal Mail data © Royal Mail copyright",
        "LPS Intellectual Property",
        "NHS England, Organisation Data Service",
    ):
        assert credit in page
    assert 'href="/about/data"' in client.get("/").get_data(as_text=True)  # linked from every page's footer
