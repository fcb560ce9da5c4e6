"""`safesurgeries doctor`: is everything the toolkit and the registry need in place?"""

import importlib
from dataclasses import dataclass

import click
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db
from .paths import MIGRATIONS

SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-noto-core fonts-noto-cjk"
FONT_PACKAGES = {"Noto Sans CJK SC": "fonts-noto-cjk"}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def check_weasyprint() -> Check:
    try:
        weasyprint = importlib.import_module("weasyprint")
    except (ImportError, OSError) as error:
        return Check("WeasyPrint", False, f"cannot load ({error}); install: apt-get install {SYSTEM_PACKAGES}")
    return Check("WeasyPrint", True, f"version {weasyprint.__version__}")


def check_harfbuzz_subset() -> Check:
    try:
        from weasyprint.text.ffi import harfbuzz, harfbuzz_subset
    except (ImportError, OSError):
        return Check("HarfBuzz subsetting", False, "WeasyPrint cannot load; see above")
    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        return Check(
            "HarfBuzz subsetting",
            False,
            "missing: PDFs build about 6x slower; install: apt-get install libharfbuzz-subset0",
        )
    return Check("HarfBuzz subsetting", True, "available")


def check_fonts() -> list[Check]:
    from .i18n import fonts
    from .toolkit import languages

    installed = fonts.installed_font_families()
    checks = []
    for language in languages.catalogue().values():
        ok = language.font_family in installed
        package = FONT_PACKAGES.get(language.font_family, "fonts-noto-core")
        detail = (
            f"font '{language.font_family}' installed"
            if ok
            else f"font '{language.font_family}' missing; install: apt-get install fontconfig {package}"
        )
        checks.append(Check(f"Font for {language.name} ({language.code})", ok, detail))
    return checks


def check_database() -> Check:
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    try:
        with db.engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        return Check(
            "Database", False, f"cannot connect ({error.__class__.__name__}: {error}); check SAFESURGERIES_DATABASE_URL"
        )
    url = db.engine.url.render_as_string(hide_password=True)
    if current != head:
        return Check(
            "Database", False, f"{url} is at migration {current or 'none'}, not {head}; run: safesurgeries db upgrade"
        )
    return Check("Database", True, f"{url}, migrated to {head}")


def check_postcode_index() -> Check:
    from .postcodes import IndexMissing, postcode_index

    try:
        index = postcode_index()
    except IndexMissing as error:
        return Check("Postcode index", False, str(error))
    return Check(
        "Postcode index",
        True,
        f"{index.path}: {len(index):,} postcodes, ONS data package {index.header['source_version']}",
    )


def check_public_base_url() -> Check:
    """The certificate's QR code leads to <this>/surgeries/<ODS code>: a printed loopback address leads nowhere."""
    from .public_urls import qr_base_url_problem

    problem = qr_base_url_problem(current_app)
    name = "Public address (the certificate's QR code)"
    return Check(name, False, problem) if problem else Check(name, True, current_app.config["PUBLIC_BASE_URL"])


def check_compiled_catalogs() -> Check:
    """The web pages read compiled catalogs (.mo); one missing or older than its .po shows English or old text."""
    from .i18n.languages import ENGLISH, catalog_path, catalogue
    from .paths import TRANSLATIONS

    stale = []
    for language in catalogue().values():
        if language.code == ENGLISH:
            continue
        po = catalog_path(TRANSLATIONS, language.catalog)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(language.code)
    name = "Compiled translations"
    if stale:
        return Check(name, False, f"missing or out of date for {', '.join(stale)}; run scripts/translations compile")
    return Check(name, True, f"{len(catalogue()) - 1} languages compiled")


def check_job_queue() -> Check:
    from .toolkit import jobs

    health = jobs.health(current_app)
    return Check("Toolkit job queue", health.ok, health.detail)


def run_checks() -> list[Check]:
    return [
        check_weasyprint(),
        check_harfbuzz_subset(),
        *check_fonts(),
        check_compiled_catalogs(),
        check_database(),
        check_postcode_index(),
        check_public_base_url(),
        check_job_queue(),
    ]


@click.command("doctor")
@with_appcontext
def doctor_command():
    """Check that everything the toolkit needs is installed and the database is migrated."""
    checks = run_checks()
    for check in checks:
        click.echo(f"[{'ok' if check.ok else 'MISSING'}] {check.name}: {check.detail}")
    failed = [check for check in checks if not check.ok]
    if failed:
        click.echo(f"{len(failed)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("Everything the toolkit needs is in place.")
