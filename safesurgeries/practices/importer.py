"""Import NHS England's epraccur file (ODS GP practice list) into the practice directory."""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import nations
from ..extensions import db
from ..postcodes import NotAPostcode, PostcodeIndex, nation_of, normalise_postcode
from .codes import GP_PRACTICE_SETTING
from .models import Practice, PracticeStatus

FIELD_COUNT = 27
DIRECTORY_FIELDS = (
    "name",
    "address_lines",
    "postcode",
    "region_code",
    "icb_code",
    "phone",
    "status",
    "open_date",
    "close_date",
    "prescribing_setting",
    "latitude",
    "longitude",
    "nation",
)


class NotAnEpraccurFile(ValueError):
    """The file is not an ODS epraccur file; nothing was imported."""


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0
    without_coordinates: int = 0
    # Open GP practices in the file per nation (None: a postcode the index cannot place in one).
    open_by_nation: dict[str | None, int] = field(default_factory=dict)
    skipped: list[tuple[int, str]] = field(default_factory=list)


def _date(value: str, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise ValueError(f"{what} {value!r} is not a date in YYYYMMDD form") from None


def parse_row(row: list[str]) -> dict:
    """One epraccur row as directory fields; ValueError says what is wrong with it."""
    if len(row) != FIELD_COUNT:
        raise ValueError(f"has {len(row)} fields, not {FIELD_COUNT}")
    code, name = row[0].strip().upper(), " ".join(row[1].split())
    if not (code.isalnum() and code.isascii() and 3 <= len(code) <= 10):
        raise ValueError(f"organisation code {row[0]!r} is not an ODS code")
    if not name:
        raise ValueError("has no name")
    try:
        status = PracticeStatus(row[12].strip())
    except ValueError:
        raise ValueError(f"status {row[12]!r} is not one of A, C, D, P") from None
    setting = row[25].strip()
    if setting and not setting.isdigit():
        raise ValueError(f"prescribing setting {setting!r} is not a number")
    return {
        "ods_code": code,
        "name": name,
        "address_lines": [" ".join(part.split()) for part in row[4:9] if part.strip()],
        "postcode": normalise_postcode(row[9]) or (row[9].strip().upper() or None),
        "region_code": row[2].strip() or None,
        "icb_code": row[3].strip() or None,
        "phone": row[17].strip() or None,
        "status": status,
        "open_date": _date(row[10].strip(), "open date"),
        "close_date": _date(row[11].strip(), "close date"),
        "prescribing_setting": int(setting) if setting else None,
    }


def read_epraccur(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """Parse the whole file first, so that a file that is not epraccur changes nothing."""
    try:
        # NHS England publishes Latin-1; a copy re-saved by a spreadsheet may carry a UTF-8 byte order mark.
        encoding = "utf-8-sig" if path.read_bytes()[:3] == b"\xef\xbb\xbf" else "latin-1"
        good, bad = [], []
        with path.open(newline="", encoding=encoding) as handle:
            reader = csv.reader(handle)
            line = 1  # the file line a record starts on (a quoted cell may hold a line break)
            for row in reader:
                if any(cell.strip() for cell in row):
                    try:
                        good.append((line, parse_row(row)))
                    except ValueError as error:
                        bad.append((line, str(error)))
                line = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise NotAnEpraccurFile(f"{path} could not be read as CSV: {error}") from None
    # A real epraccur file has a few odd rows at most; mostly-bad means it is some other file.
    if not good or len(bad) > max(10, len(good) // 10):
        example = f" (line {bad[0][0]}: {bad[0][1]})" if bad else ""
        raise NotAnEpraccurFile(
            f"{path} does not look like an NHS ODS epraccur file: expected {FIELD_COUNT} quoted fields per row "
            f"with no header{example}. Nothing was imported."
        )
    return good, bad


def _coordinates(postcodes: PostcodeIndex, postcode: str | None) -> tuple[float | None, float | None]:
    try:
        location = postcodes.lookup(postcode or "")
    except NotAPostcode:
        return None, None
    if location is None or location.precision != "postcode":
        return None, None
    return location.latitude, location.longitude


def import_epraccur(path: Path, postcodes: PostcodeIndex) -> ImportReport:
    """Upsert every practice in the file by ODS code, placed by its postcode, in one transaction."""
    parsed, skipped = read_epraccur(path)
    report = ImportReport(skipped=list(skipped))
    for _, values in parsed:
        values["latitude"], values["longitude"] = _coordinates(postcodes, values["postcode"])
        if values["latitude"] is None:
            report.without_coordinates += 1
        # The grouping first: W00 is Wales even where a postcode's district crosses the border.
        values["nation"] = nations.from_grouping(values["region_code"]) or nation_of(values["postcode"], postcodes)
        if values["status"] is PracticeStatus.ACTIVE and values["prescribing_setting"] == GP_PRACTICE_SETTING:
            report.open_by_nation[values["nation"]] = report.open_by_nation.get(values["nation"], 0) + 1
    existing = {practice.ods_code: practice for practice in db.session.scalars(db.select(Practice))}
    seen: set[str] = set()
    for line, values in parsed:
        code = values["ods_code"]
        if code in seen:
            report.skipped.append((line, f"repeats ODS code {code} from an earlier line"))
            continue
        seen.add(code)
        practice = existing.get(code)
        if practice is None:
            db.session.add(Practice(**values))
            report.added += 1
            continue
        changes = {name: values[name] for name in DIRECTORY_FIELDS if getattr(practice, name) != values[name]}
        if not changes and not practice.added_by_staff:
            report.unchanged += 1
            continue
        if changes.get("status") is PracticeStatus.CLOSED:
            report.closed += 1
        else:
            report.updated += 1
        for name, value in changes.items():
            setattr(practice, name, value)
        practice.added_by_staff = False  # the directory now knows it
    db.session.commit()
    report.skipped.sort()
    return report
