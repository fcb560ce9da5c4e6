"""`safesurgeries toolkit build` and `safesurgeries toolkit batch`."""

import contextlib
import csv
import json
import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from tqdm import tqdm

from .. import nations, public_urls
from . import builder, languages
from .details import FIELDS, LIST_FIELDS, PracticeDetails
from .errors import DetailsError, ToolkitError
from .pdf_cache import cache_key
from .service import build_for_app, parse_for_app


@click.group("toolkit", help="Make toolkit PDFs from practice details.")
def toolkit_cli():
    pass


def check_public_address() -> None:
    """The certificate's QR code prints the public address: refuse a loopback one in production, warn otherwise."""
    problem = public_urls.qr_base_url_problem(current_app)
    if problem is None:
        return
    if public_urls.production_configuration(current_app):
        raise click.ClickException(f"The certificate's QR code would lead nowhere: {problem}.")
    click.echo(f"Warning: the certificate's QR code will lead nowhere for anyone else: {problem}.", err=True)


@toolkit_cli.command("build")
@click.argument("details_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Where to write the PDF."
)
@with_appcontext
def build(details_file: Path, out: Path):
    """Make one toolkit from a JSON file of practice details."""
    check_public_address()
    try:
        data = json.loads(details_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{details_file} is not a JSON file: {error}") from None
    with toolkit_errors(source=details_file):
        details = parse_for_app(data)
        pdf = build_for_app(details)
    _write(out, pdf)
    click.echo(f"Wrote {out} ({len(pdf):,} bytes): {_summary(details)}.")
    if unreviewed := _unreviewed(details):
        click.echo(f"Warning: machine translations not yet reviewed by a fluent speaker: {unreviewed}.", err=True)


@contextlib.contextmanager
def toolkit_errors(source: Path | None = None):
    """The CLI's one handler of ToolkitError: its plain words as a ClickException (exit 1), bad details
    prefixed with the file they came from."""
    try:
        yield
    except DetailsError as error:
        raise click.ClickException(f"{source}: {error}" if source else str(error)) from None
    except ToolkitError as error:
        raise click.ClickException(str(error)) from None


def _summary(details: PracticeDetails) -> str:
    return f"the {nations.name(details.nation)} edition"


def _unreviewed(details: PracticeDetails) -> str:
    return ", ".join(f"{lang.name} ({lang.code})" for lang in builder.chosen_languages(details) if not lang.reviewed)


def _named(codes: str) -> str:
    """'ar,bn' (the report's column, the API header's form) as 'Arabic (ar), Bengali (bn)' for a person."""
    offered = languages.catalogue()
    return ", ".join(f"{offered[code].name} ({code})" for code in codes.replace(" ", "").split(",") if code in offered)


def _write(path: Path, data: bytes) -> None:
    """Write via a temporary file, so a failure never leaves half a PDF under the real name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        raise click.ClickException(f"Could not write {path}: {error.strerror}") from None


def row_details(row: dict) -> dict:
    """A CSV row in the details contract's shape: empty cells left out, lists split on ';'."""
    data = {}
    for name, value in row.items():
        if name is None:  # more cells than headers
            raise DetailsError({"row": ["This row has more cells than the header has columns."]})
        value = (value or "").strip()
        if not value:
            continue
        data[name] = [item.strip() for item in value.split(";")] if name in LIST_FIELDS else value
    return data


REPORT = "report.csv"
REPORT_FIELDS = ("row", "file", "nation", "unreviewed_languages", "status", "reason", "key")


def _read_rows(csv_file: Path) -> list[dict]:
    try:
        with csv_file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            unknown = [name for name in reader.fieldnames or [] if name not in FIELDS]
            if not reader.fieldnames or unknown:
                raise click.ClickException(
                    f"{csv_file}: the header row must name the details fields ({', '.join(FIELDS)}); "
                    f"unknown columns: {', '.join(unknown) or 'none found'}."
                )
            return list(reader)
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file} is not UTF-8 text; save it as CSV UTF-8 and try again.") from None
    except csv.Error as error:
        raise click.ClickException(f"{csv_file} could not be read as CSV: {error}") from None


def _written_before(out_dir: Path) -> dict[int, str]:
    """Row number -> store key of each toolkit an earlier run wrote into out_dir and that is still there."""
    try:
        with (out_dir / REPORT).open(newline="", encoding="utf-8") as handle:
            return {
                int(entry["row"]): entry["key"]
                for entry in csv.DictReader(handle)
                if entry.get("status") == "written" and entry.get("file") and (out_dir / entry["file"]).exists()
            }
    except (OSError, csv.Error, KeyError, ValueError):
        return {}


def _write_report(out_dir: Path, entries: list[dict]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = out_dir / f".{REPORT}.partial"
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=REPORT_FIELDS)
        writer.writeheader()
        writer.writerows(sorted(entries, key=lambda entry: entry["row"]))
    partial.replace(out_dir / REPORT)


def _queued(pending: dict[int, tuple], edition) -> tuple[dict[int, bytes], dict[int, str]]:
    """Put each row's toolkit on the batch queue and collect the PDFs as workers make them, with a progress bar.
    Returns (row number -> PDF, row number -> why its job failed)."""
    from . import jobs
    from .service import download_for, pdf_store

    store, made, failed = pdf_store(), {}, {}
    job_of = {}
    for row_number, (details, key) in tqdm(pending.items(), desc="Queueing toolkits", unit="toolkit", file=sys.stderr):
        if not store.has(key):  # made before (this batch's earlier run, the form, the API): no job
            job_of[row_number] = jobs.enqueue_batch(details, edition, key, download_for(details))
    with tqdm(total=len(pending), desc="Making toolkits", unit="toolkit", file=sys.stderr) as progress:
        while len(made) + len(failed) < len(pending):
            for row_number, (details, key) in pending.items():
                if row_number in made or row_number in failed:
                    continue
                pdf = store.get(key)
                if pdf is None and row_number not in job_of:  # pushed out of a full store meanwhile
                    job_of[row_number] = jobs.enqueue_batch(details, edition, key, download_for(details))
                state = "finished" if pdf is not None else jobs.progress(job_of[row_number]).state
                if pdf is not None:
                    made[row_number] = pdf
                    progress.update(1)
                elif state == "failed":
                    failed[row_number] = str(jobs.failure(job_of[row_number]))
                    progress.update(1)
                elif state == "finished":  # made, then pushed out of a full store before it was read: again
                    job_of[row_number] = jobs.enqueue_batch(details, edition, key, download_for(details))
            time.sleep(0.5)
    return made, failed


@toolkit_cli.command("batch")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write one PDF per row into, and report.csv.",
)
@with_appcontext
def batch(csv_file: Path, out_dir: Path):
    """Make one toolkit per row of a CSV file whose columns are named as the JSON fields.

    With a job queue, the rows are jobs that every worker shares; run it again to resume (rows already written
    are kept, toolkits still waiting are not queued twice)."""
    from . import jobs
    from .service import current_edition, download_for

    check_public_address()
    rows = _read_rows(csv_file)
    edition = current_edition()
    before = _written_before(out_dir)
    entries, pending, used_names = [], {}, set()
    for row_number, row in enumerate(rows, start=2):
        try:
            with toolkit_errors():
                details = parse_for_app(row_details(row))
        except click.ClickException as error:  # reported with its row number below
            entries.append({"row": row_number, "status": "failed", "reason": error.message})
            continue
        key = cache_key(details, edition)
        name = _unique(builder.download_name(details), used_names)  # the same names on every run of one file
        entry = {
            "row": row_number,
            "file": name,
            "nation": details.nation,
            "unreviewed_languages": download_for(details).unreviewed,
            "key": key,
            "status": "written",
        }
        entries.append(entry)
        if before.get(row_number) != key:
            pending[row_number] = (details, key)

    if jobs.enabled(current_app):
        made, failed = _queued(pending, edition)
    else:
        made, failed = {}, {}
        for row_number, (details, _) in tqdm(pending.items(), desc="Making toolkits", unit="toolkit", file=sys.stderr):
            try:
                with toolkit_errors():
                    made[row_number] = build_for_app(details)
            except click.ClickException as error:
                failed[row_number] = error.message
    for entry in entries:
        if entry["row"] in made:
            _write(out_dir / entry["file"], made[entry["row"]])
        elif entry["row"] in failed:
            entry.update(status="failed", reason=failed[entry["row"]])
    _write_report(out_dir, entries)

    written = [entry for entry in entries if entry["status"] == "written"]
    failures = [entry for entry in entries if entry["status"] == "failed"]
    for entry in written:
        unreviewed = _named(entry["unreviewed_languages"])
        kept = " (kept from an earlier run)" if entry["row"] in before and entry["row"] not in pending else ""
        click.echo(
            f"Row {entry['row']}: {entry['file']}, the {nations.name(entry['nation'])} edition"
            + (f"; not yet reviewed: {unreviewed}" if unreviewed else "")
            + kept
        )
    for entry in failures:
        click.echo(f"Row {entry['row']}: skipped: {entry['reason']}", err=True)
    click.echo(
        f"{len(written)} toolkit(s) written to {out_dir}; {len(failures)} row(s) failed. Report: {out_dir / REPORT}."
    )
    if failures:
        sys.exit(1)


def _unique(name: str, used: set[str]) -> str:
    """Two rows for practices of the same name must not overwrite each other's PDF."""
    stem, suffix, counter = name.removesuffix(".pdf"), ".pdf", 2
    candidate = name
    while candidate in used:
        candidate, counter = f"{stem}-{counter}{suffix}", counter + 1
    used.add(candidate)
    return candidate
