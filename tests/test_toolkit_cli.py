"""The command line: toolkit build, toolkit batch and doctor, as a campaigner runs them."""

import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import PRACTICE, pdf_pages


def test_build_writes_a_toolkit_from_a_json_file(runner, tmp_path):
    details = tmp_path / "details.json"
    details.write_text(json.dumps({**PRACTICE, "languages": []}))
    out = tmp_path / "out" / "toolkit.pdf"
    result = runner.invoke(args=["toolkit", "build", str(details), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Riverside Medical Centre" in pdf_pages(out.read_bytes())[0]


def test_build_reports_bad_details_by_field_and_writes_nothing(runner, tmp_path):
    details = tmp_path / "details.json"
    details.write_text(json.dumps({**PRACTICE, "postcode": "nowhere", "languages": ["xx"]}))
    out = tmp_path / "toolkit.pdf"
    result = runner.invoke(args=["toolkit", "build", str(details), "--out", str(out)])
    assert result.exit_code == 1
    assert "postcode: Enter a real UK postcode" in result.output
    assert "languages: 'xx' is not a language we offer" in result.output
    assert not out.exists()


def test_build_refuses_a_file_that_is_not_json(runner, tmp_path):
    details = tmp_path / "details.json"
    details.write_bytes(b"\x89PNG not json")
    result = runner.invoke(args=["toolkit", "build", str(details), "--out", str(tmp_path / "t.pdf")])
    assert result.exit_code == 1 and "is not a JSON file" in result.output


def write_batch(path: Path, rows: list[dict]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["practice_name", "ods_code", "address_lines", "postcode", "phone", "languages"]
        )
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_batch_makes_one_pdf_per_row_and_reports_bad_rows_by_number(runner, tmp_path):
    rows = [
        {
            "practice_name": "North Surgery",
            "ods_code": "Y99101",
            "address_lines": "1 North Road;Leeds",
            "postcode": "LS1 4AP",
            "phone": "0113 496 0000",
            "languages": "bn;ar",
        },
        {"practice_name": "Broken Surgery", "address_lines": "2 Road", "postcode": "not a postcode"},
        {"practice_name": "South Surgery", "address_lines": "3 South Road;Bristol", "postcode": "bs1 4dj"},
    ]
    out_dir = tmp_path / "toolkits"
    result = runner.invoke(
        args=["toolkit", "batch", str(write_batch(tmp_path / "p.csv", rows)), "--out-dir", str(out_dir)]
    )
    assert result.exit_code == 1
    assert "Row 3: skipped: postcode: Enter a real UK postcode" in result.output
    assert "2 toolkit(s) written" in result.output and "1 row(s) failed" in result.output
    assert sorted(p.name for p in out_dir.glob("*.pdf")) == [
        "safe-surgeries-toolkit-Y99101.pdf",
        "safe-surgeries-toolkit-south-surgery.pdf",
    ]
    with (out_dir / "report.csv").open(encoding="utf-8") as handle:
        report = {entry["row"]: entry for entry in csv.DictReader(handle)}
    assert report["2"]["status"] == "written" and report["2"]["file"] == "safe-surgeries-toolkit-Y99101.pdf"
    assert report["2"]["unreviewed_languages"] == "bn, ar"
    assert report["3"]["status"] == "failed" and "Enter a real UK postcode" in report["3"]["reason"]
    north = " ".join(pdf_pages((out_dir / "safe-surgeries-toolkit-Y99101.pdf").read_bytes()))
    assert "Leeds" in north and "Poster: Bengali" in north and "Poster: Arabic" in north


def test_batch_with_every_row_good_exits_zero_and_keeps_same_named_practices_apart(runner, tmp_path):
    row = {"practice_name": "Twin Surgery", "address_lines": "1 Road", "postcode": "N1 9GU"}
    out_dir = tmp_path / "out"
    result = runner.invoke(
        args=["toolkit", "batch", str(write_batch(tmp_path / "p.csv", [row, row])), "--out-dir", str(out_dir)]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out_dir.glob("*.pdf")) == [
        "safe-surgeries-toolkit-twin-surgery-2.pdf",
        "safe-surgeries-toolkit-twin-surgery.pdf",
    ]


def test_batch_refuses_a_csv_with_unknown_columns(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("name,town\nA,B\n")
    result = runner.invoke(args=["toolkit", "batch", str(bad), "--out-dir", str(tmp_path / "o")])
    assert result.exit_code == 1 and "unknown columns: name, town" in result.output


def test_doctor_reports_everything_present(app, runner):
    app.config["PUBLIC_BASE_URL"] = "https://safesurgeries.org.uk"
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    assert "[ok] HarfBuzz subsetting" in result.output
    assert "[ok] Font for Tigrinya (ti): font 'Noto Sans Ethiopic' installed" in result.output
    assert "[ok] Compiled translations: 24 languages compiled" in result.output
    assert "[ok] Database" in result.output
    assert "[ok] Postcode index" in result.output
    assert "[ok] Public address (the certificate's QR code): https://safesurgeries.org.uk" in result.output


def test_doctor_fails_on_an_unmigrated_database(tmp_path):
    env = {"SAFESURGERIES_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    script = Path(sys.executable).with_name("safesurgeries")
    result = subprocess.run([str(script), "doctor"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "[MISSING] Database" in result.stdout and "safesurgeries db upgrade" in result.stdout
    assert "[MISSING] Postcode index" in result.stdout and "safesurgeries postcodes build" in result.stdout
