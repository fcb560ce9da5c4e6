"""`safesurgeries toolkit build` and `safesurgeries toolkit batch`."""

import contextlib
import csv
import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .. import nations, public_urls
from . import builder
from .details import FIELDS, LIST_FIELDS, PracticeDetails
from .errors import DetailsError, ToolkitError
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


@toolkit_cli.command("batch")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The folder to write one PDF per row into.",
)
@with_appcontext
def batch(csv_file: Path, out_dir: Path):
    """Make one toolkit per row of a CSV file whose columns are named as the JSON fields."""
    check_public_address()
    try:
        with csv_file.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            unknown = [name for name in reader.fieldnames or [] if name not in FIELDS]
            if not reader.fieldnames or unknown:
                raise click.ClickException(
                    f"{csv_file}: the header row must name the details fields ({', '.join(FIELDS)}); "
                    f"unknown columns: {', '.join(unknown) or 'none found'}."
                )
            rows = list(reader)
    except UnicodeDecodeError:
        raise click.ClickException(f"{csv_file} is not UTF-8 text; save it as CSV UTF-8 and try again.") from None
    except csv.Error as error:
        raise click.ClickException(f"{csv_file} could not be read as CSV: {error}") from None
    limit = current_app.config["MAX_BATCH_ROWS"]
    if len(rows) > limit:
        raise click.ClickException(f"{csv_file} has {len(rows):,} rows; at most {limit:,} are allowed in one batch.")

    written, failures, notes, used_names = 0, [], [], set()
    with click.progressbar(
        enumerate(rows, start=2), length=len(rows), label="Making toolkits", file=sys.stderr
    ) as progress:
        for row_number, row in progress:
            try:
                with toolkit_errors():
                    details = parse_for_app(row_details(row))
                    pdf = build_for_app(details)
            except click.ClickException as error:  # reported with its row number below
                failures.append((row_number, error.message))
                continue
            name = _unique(builder.download_name(details), used_names)
            _write(out_dir / name, pdf)
            written += 1
            unreviewed = _unreviewed(details)
            notes.append(
                (
                    row_number,
                    f"{name}, {_summary(details)}" + (f"; not yet reviewed: {unreviewed}" if unreviewed else ""),
                )
            )

    for row_number, note in notes:
        click.echo(f"Row {row_number}: {note}")
    for row_number, reason in failures:
        click.echo(f"Row {row_number}: skipped: {reason}", err=True)
    click.echo(f"{written} toolkit(s) written to {out_dir}; {len(failures)} row(s) failed.")
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
