"""The practice directory: importing NHS England's epraccur file, the JSON API and the toolkit form's finder."""

import csv
import random
import re
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SHARED_EPRACCUR

SAMPLE = Path(__file__).resolve().parents[1] / "registry_data" / "epraccur-sample.csv"
NOT_EPRACCUR = re.compile(r"does not look like an NHS ODS epraccur file|could not be read")


# --- helpers -----------------------------------------------------------------------------------


def sample_rows() -> list[list[str]]:
    with SAMPLE.open(newline="", encoding="latin-1") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="latin-1") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return path


def import_file(runner, path: Path):
    return runner.invoke(args=["practices", "import", str(path)])


def summary(result) -> dict[str, int]:
    """The counts from 'Added N, updated N, closed N, unchanged N, skipped N.'"""
    match = re.search(r"Added (\d+), updated (\d+), closed (\d+), unchanged (\d+), skipped (\d+);", result.stdout)
    assert match, f"no summary line in {result.output!r}"
    return dict(zip(("added", "updated", "closed", "unchanged", "skipped"), map(int, match.groups())))


def practices_by_code(app) -> dict:
    from safesurgeries.extensions import db
    from safesurgeries.practices.models import Practice

    with app.app_context():
        return {p.ods_code: p for p in db.session.scalars(db.select(Practice))}


def practice_count(app) -> int:
    return len(practices_by_code(app))


def search(client, query: str) -> list[dict]:
    response = client.get("/api/v1/practices", query_string={"q": query})
    assert response.status_code == 200
    return response.get_json()["practices"]


@pytest.fixture
def imported(app, runner):
    """The app with the 300-row sample imported."""
    result = import_file(runner, SAMPLE)
    assert result.exit_code == 0, result.output
    return app


# --- the import command --------------------------------------------------------------------------


def test_second_import_changes_nothing(app, runner):
    first = import_file(runner, SAMPLE)
    assert first.exit_code == 0, first.output
    assert summary(first) == {"added": 300, "updated": 0, "closed": 0, "unchanged": 0, "skipped": 0}
    before = {code: p.updated_at for code, p in practices_by_code(app).items()}

    second = import_file(runner, SAMPLE)
    assert second.exit_code == 0, second.output
    assert "Added 0, updated 0, closed 0, unchanged 300" in second.stdout
    assert {code: p.updated_at for code, p in practices_by_code(app).items()} == before


def test_import_gives_each_practice_its_nation_and_counts_them(app, runner, client, tmp_path):
    """W00 (the Welsh grouping) makes a practice Welsh; otherwise its postcode says; the report counts them."""
    rows = sample_rows()
    welsh = sum(1 for row in rows if row[2] == "W00" and row[12] == "A" and row[25] == "4")
    english = sum(1 for row in rows if row[2] != "W00" and row[12] == "A" and row[25] == "4")
    assert welsh and english
    rows.append(
        [
            "S99001",
            "LEITH TEST SURGERY",
            "",
            "",
            "1 SHORE",
            "EDINBURGH",
            "",
            "",
            "",
            "EH6 8RG",
            "20200101",
            "",
            "A",
            "B",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "0",
            "",
            "",
            "",
            "4",
            "",
        ]
    )
    result = import_file(runner, write_rows(tmp_path / "epraccur.csv", rows))
    assert result.exit_code == 0, result.output
    assert f"Open GP practices by nation: England {english:,}, Scotland 1, Wales {welsh:,}." in result.stdout
    practices = practices_by_code(app)
    assert {p.nation for p in practices.values() if p.region_code == "W00"} == {"wales"}
    assert client.get("/api/v1/practices/S99001").get_json()["nation"] == "scotland"
    assert client.get("/api/v1/practices/A81030").get_json()["nation"] == "england"


def test_changed_name_is_updated_and_changed_status_is_closed(imported, runner, client, tmp_path):
    rows = sample_rows()
    assert (rows[0][0], rows[1][0], rows[1][12]) == ("A81030", "A81035", "A")
    rows[0][1] = "BOROUGH ROAD MEDICAL GROUP"
    rows[1][12] = "C"
    result = import_file(runner, write_rows(tmp_path / "epraccur.csv", rows))

    assert result.exit_code == 0, result.output
    assert summary(result) == {"added": 0, "updated": 1, "closed": 1, "unchanged": 298, "skipped": 0}
    assert client.get("/api/v1/practices/A81030").get_json()["name"] == "BOROUGH ROAD MEDICAL GROUP"
    assert client.get("/api/v1/practices/A81035").get_json()["status"] == "closed"


def test_malformed_rows_are_skipped_with_line_and_reason(app, runner, tmp_path):
    rows = sample_rows()
    rows[2] = rows[2][:5]  # line 3: five fields
    rows[9][10] = "2020-01-01"  # line 10: open date not YYYYMMDD
    result = import_file(runner, write_rows(tmp_path / "epraccur.csv", rows))

    assert result.exit_code == 0, result.output
    assert summary(result) == {"added": 298, "updated": 0, "closed": 0, "unchanged": 0, "skipped": 2}
    assert "Line 3: skipped: has 5 fields, not 27" in result.stderr
    assert "Line 10: skipped: open date '2020-01-01' is not a date in YYYYMMDD form" in result.stderr
    codes = practices_by_code(app)
    assert len(codes) == 298 and "A82617" not in codes and "A81030" in codes


def test_skipped_row_line_number_counts_lines_in_the_file(app, runner, tmp_path):
    rows = sample_rows()
    rows[0][4] = "167A BOROUGH ROAD\nSECOND LINE"  # record 1 spans lines 1-2
    rows[4] = rows[4][:5]  # record 5 is on line 6
    path = write_rows(tmp_path / "epraccur.csv", rows)
    assert path.read_text(encoding="latin-1").splitlines()[5].startswith('"A83070"')

    result = import_file(runner, path)
    assert result.exit_code == 0, result.output
    assert "Line 6: skipped: has 5 fields, not 27" in result.stderr


@pytest.mark.parametrize(
    "content",
    [
        b"code,name,postcode,status\r\nA81001,THE DENSHAM SURGERY,TS18 1HU,A\r\n",
        b"",
        random.Random(27).randbytes(4096),
    ],
    ids=["csv-with-header", "empty", "random-bytes"],
)
def test_file_that_is_not_epraccur_is_refused_and_changes_nothing(imported, runner, tmp_path, content):
    bad = tmp_path / "not-epraccur.csv"
    bad.write_bytes(content)
    result = import_file(runner, bad)

    assert result.exit_code == 1
    assert NOT_EPRACCUR.search(result.output), result.output
    assert practice_count(imported) == 300


def test_practice_added_by_staff_survives_an_import(app, runner):
    from safesurgeries.extensions import db
    from safesurgeries.practices.models import Practice, PracticeStatus

    with app.app_context():
        db.session.add(
            Practice(
                ods_code="Z99999",
                name="Hand Added",
                address_lines=[],
                status=PracticeStatus.ACTIVE,
                added_by_staff=True,
            )
        )
        db.session.commit()
    assert import_file(runner, SAMPLE).exit_code == 0

    practice = practices_by_code(app)["Z99999"]
    assert (practice.name, practice.status, practice.added_by_staff) == ("Hand Added", PracticeStatus.ACTIVE, True)
    assert practice_count(app) == 301


def test_postcodes_are_normalised_and_empty_address_fields_dropped(app, runner, client, tmp_path):
    rows = sample_rows()
    rows[0][9] = " ts181hu "
    rows[0][4:9] = ["", "167A  BOROUGH ROAD", "  ", "MIDDLESBROUGH", ""]
    assert import_file(runner, write_rows(tmp_path / "epraccur.csv", rows)).exit_code == 0

    practice = client.get("/api/v1/practices/A81030").get_json()
    assert practice["postcode"] == "TS18 1HU"
    assert practice["address_lines"] == ["167A BOROUGH ROAD", "MIDDLESBROUGH"]
    assert client.get("/api/v1/practices/A81035").get_json()["address_lines"] == [
        "NEWLANDS MEDICAL CENTRE",
        "BOROUGH ROAD",
        "MIDDLESBROUGH",
        "CLEVELAND",
    ]


@pytest.mark.skipif(
    not SHARED_EPRACCUR.exists(),
    reason=f"the full epraccur.csv is not at {SHARED_EPRACCUR} (see shared/reference-data/README.md)",
)
def test_full_shared_file_imports_every_practice(app, runner):
    from safesurgeries.extensions import db
    from safesurgeries.practices.models import Practice, PracticeStatus

    started = time.perf_counter()
    result = import_file(runner, SHARED_EPRACCUR)
    print(f"\nimporting the full epraccur.csv took {time.perf_counter() - started:.2f} s")

    assert result.exit_code == 0, result.output
    counts = summary(result)
    assert counts["added"] == 16534 - counts["skipped"]
    with app.app_context():
        open_gp = db.session.scalars(
            db.select(Practice).where(Practice.status == PracticeStatus.ACTIVE, Practice.prescribing_setting == 4)
        ).all()
    assert len(open_gp) == 6651
    # Every open GP practice is on the map: all their postcodes are in the ONS directory.
    assert [p.ods_code for p in open_gp if p.latitude is None] == []
    assert all(49.8 < p.latitude < 55.9 and -6.5 < p.longitude < 1.8 for p in open_gp)  # within England and Wales
    # Every open GP practice has its nation: the W00 grouping's are Welsh, every other one English.
    by_nation = {}
    for practice in open_gp:
        by_nation[practice.nation] = by_nation.get(practice.nation, 0) + 1
    assert by_nation == {"england": 6253, "wales": 398}
    assert {p.nation for p in open_gp if p.region_code == "W00"} == {"wales"}
    assert "Open GP practices by nation: England 6,253, Wales 398." in result.stdout


# --- the JSON API ------------------------------------------------------------------------------------


def test_get_practice_by_code_in_any_case(imported, client):
    response = client.get("/api/v1/practices/a81030")
    assert response.status_code == 200
    body = response.get_json()
    # Placed by its postcode: TS1 3RY is in the centre of Middlesbrough.
    assert abs(body.pop("latitude") - 54.572) < 0.005 and abs(body.pop("longitude") - -1.227) < 0.005
    assert body == {
        "ods_code": "A81030",
        "name": "BOROUGH ROAD & NUNTHORPE MEDICAL GROUP",
        "address_lines": ["167A BOROUGH ROAD", "MIDDLESBROUGH"],
        "postcode": "TS1 3RY",
        "region": "Y63",
        "nation": "england",
        "phone": "01642 243668",
        "status": "active",
        "written_name": "Borough Road & Nunthorpe Medical Group",
        "written_address_lines": ["167A Borough Road", "Middlesbrough"],
    }


def test_unknown_code_is_404_json(imported, client):
    response = client.get("/api/v1/practices/X00000")
    assert response.status_code == 404
    assert response.is_json and "X00000" in response.get_json()["message"]


def test_search_by_name_fragment_in_any_case(imported, client):
    for query in ("nunthorpe", "NUNTHORPE", "NunThorpe"):
        assert [p["ods_code"] for p in search(client, query)] == ["A81030"]


def test_search_by_code_prefix(imported, client):
    codes = [p["ods_code"] for p in search(client, "a8103")]
    assert codes and all(code.startswith("A8103") for code in codes) and "A81035" in codes


@pytest.mark.parametrize("query", ["TS18 1HU", "ts181hu", "TS18"])
def test_search_by_postcode_with_or_without_space(imported, client, query):
    assert "Y04079" in [p["ods_code"] for p in search(client, query)]


def test_search_returns_at_most_20(imported, client):
    assert len(search(client, "surgery")) == 20


def test_search_puts_exact_code_first(imported, client):
    from safesurgeries.extensions import db
    from safesurgeries.practices.models import Practice, PracticeStatus

    with imported.app_context():
        db.session.add_all(
            [
                Practice(ods_code="Y12345", name="Zed Surgery", address_lines=[], status=PracticeStatus.CLOSED),
                Practice(ods_code="Y12346", name="Alpha Surgery", address_lines=[], status=PracticeStatus.ACTIVE),
                Practice(ods_code="Y99998", name="Y12345 Annex", address_lines=[], status=PracticeStatus.ACTIVE),
            ]
        )
        db.session.commit()
    assert [p["ods_code"] for p in search(client, "y12345")][0] == "Y12345"
    # Without an exact code: open practices first, each group by name.
    assert [p["ods_code"] for p in search(client, "Y1234")] == ["Y12346", "Y99998", "Y12345"]


def test_one_character_query_returns_nothing(imported, client):
    assert search(client, "a") == []
    assert search(client, " a ") == []


def test_query_over_100_characters_is_400_json(imported, client):
    assert search(client, "a" * 100) == []
    response = client.get("/api/v1/practices", query_string={"q": "a" * 101})
    assert response.status_code == 400
    assert response.is_json and "100" in response.get_json()["message"]


@pytest.mark.parametrize("query", ["%%", "__", "a%", "%_", "//"])
def test_sql_wildcards_match_only_themselves(imported, client, query):
    assert search(client, query) == []


# --- the toolkit form ----------------------------------------------------------------------------


def input_value(html: bytes, name: str) -> str | None:
    field = BeautifulSoup(html, "html.parser").find(attrs={"name": name})
    assert field is not None, f"the form has no {name} field"
    return field.get("value") if field.name == "input" else field.get_text()


def test_toolkit_form_prefills_from_directory(imported, client):
    response = client.get("/toolkit", query_string={"practice": "a81030"})
    assert response.status_code == 200
    assert input_value(response.data, "practice_name") == "Borough Road & Nunthorpe Medical Group"
    assert input_value(response.data, "postcode") == "TS1 3RY"
    assert input_value(response.data, "ods_code") == "A81030"


def test_toolkit_finder_links_to_prefilled_form(imported, client):
    response = client.get("/toolkit", query_string={"find": "Nunthorpe"})
    assert response.status_code == 200
    links = [a["href"] for a in BeautifulSoup(response.data, "html.parser").select("#find-results a")]
    assert links == ["/toolkit?practice=A81030"]


def test_toolkit_form_for_unknown_code_is_empty(imported, client):
    response = client.get("/toolkit", query_string={"practice": "X00000"})
    assert response.status_code == 200
    assert not input_value(response.data, "practice_name")
    assert not input_value(response.data, "postcode")


def test_import_only_if_empty_leaves_a_filled_directory_alone(imported, runner, tmp_path):
    rows = sample_rows()
    rows[0][1] = "RENAMED IN A NEWER FILE"
    result = runner.invoke(args=["practices", "import", "--only-if-empty", str(write_rows(tmp_path / "e.csv", rows))])
    assert result.exit_code == 0 and "nothing imported" in result.output
    assert practices_by_code(imported)[rows[0][0]].name != "RENAMED IN A NEWER FILE"


def test_import_only_if_empty_fills_an_empty_directory(app, runner):
    result = runner.invoke(args=["practices", "import", "--only-if-empty", str(SAMPLE)])
    assert summary(result)["added"] == 300


# --- places in the finder --------------------------------------------------------------------------


def test_finder_finds_practices_in_a_town(imported, client):
    """No practice is named after Harrow, but two have it in their address; London is a place (the directory's
    London practices lie close together), so its practices come nearest to its centre first."""
    harrow = {p["ods_code"] for p in search(client, "Harrow")}
    assert "E84083" in harrow  # Lanfranc Medical Centre, Greenford Road, Harrow
    london = search(client, "london")
    assert 1 <= len(london) <= 20
    assert all(p["postcode"].split()[0][:1] in ("E", "N", "S", "W") for p in london)  # London's postcode areas
    for path in ("/toolkit", "/pledge"):
        soup = BeautifulSoup(client.get(path, query_string={"find": "Harrow"}).data, "html.parser")
        assert any("E84083" in a["href"] for a in soup.select("#find-results a")), path
        assert soup.select_one("#find-no-match") is None


@pytest.mark.parametrize("path", ["/toolkit", "/pledge"])
def test_finder_says_plainly_when_nothing_matches(imported, client, path):
    soup = BeautifulSoup(client.get(path, query_string={"find": "Xyzzyville"}).data, "html.parser")
    assert soup.select("#find-results li") == []
    assert (
        soup.select_one("#find-no-match")
        .get_text(" ", strip=True)
        .startswith("No practice in the directory matches “Xyzzyville”.")
    )
    # Search-as-you-type says the same, from the page's own words.
    field = soup.select_one("input[data-practice-search]")
    assert field["data-no-match"].startswith("No practice in the directory matches “{query}”.")
    assert search(client, "Xyzzyville") == []
