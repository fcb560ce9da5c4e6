"""Shared fixtures: an app on a fresh, migrated database; its client and CLI runner; PDF helpers."""

import contextlib
import functools
import io
import os
import uuid
from pathlib import Path

import flask_migrate
import pypdf
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from safesurgeries import create_app
from safesurgeries.extensions import db
from safesurgeries.i18n.languages import catalogue
from safesurgeries.postcodes import build_index

SHARED_EPRACCUR = Path(__file__).resolve().parents[2] / "shared" / "reference-data" / "epraccur.csv"

PRACTICE = {
    "practice_name": "Riverside Medical Centre",
    "ods_code": "y99001",
    "address_lines": ["12 Quay Street", "Deptford", "London"],
    "postcode": "se84ru",
    "phone": "020 7946 0123",
    "email": "reception@riverside.example",
    "website": "https://riverside.example",
    "contact_name": "Amina Yusuf",
    "contact_role": "Practice manager",
    "care_of_address_lines": ["Deptford Safe Hub", "4 Market Yard", "London SE8 4AA"],
    "interpreting_service": "Language Line, 0800 169 2879",
    "languages": ["ar"],
}


@pytest.fixture(scope="session")
def postcode_index_file(tmp_path_factory) -> Path:
    """The real postcode index, built once per test run (about 10 seconds) from the installed ONS data."""
    path = tmp_path_factory.mktemp("postcodes") / "postcodes.idx"
    build_index(path)
    return path


# Every offered language, and the longest details the contract accepts, with the characters that break layouts
# ("&", "—", apostrophes, Welsh and Irish diacritics): the fixed-size pages must hold both in every language.
ALL_LANGUAGES = sorted(code for code in catalogue() if code != "en")
TYPICAL_PRACTICE = {
    "practice_name": "Riverside Medical Centre",
    "ods_code": "Y99001",
    "address_lines": ["12 Quay Street", "Deptford", "London"],
    "postcode": "SE8 4RU",
    "phone": "020 7946 0123",
    "languages": ALL_LANGUAGES,
}
LONGEST_NAME = (
    "Dr Siân Ní Bhriain & Partners — Ynys Môn Community Health and Wellbeing Centre at St Mary's Quay, "
    "Llangefni, Gwynedd WWW"
)  # 120 characters: the most the contract accepts
LONGEST_PRACTICE = {
    "practice_name": LONGEST_NAME,
    "ods_code": "W99002",
    "address_lines": [
        f"Unit {n}, Yr Hen Felin — Ffordd Glan Menai & Heol y Frenhines' Yard, Llanfair WWWW" for n in range(1, 6)
    ],  # five lines of 80 characters
    "postcode": "LL77 7ES",
    "phone": "+44 (0)1248 123 456 ext. 12345",  # 30 characters
    "languages": ALL_LANGUAGES,
}


@pytest.fixture(scope="session")
def parse(postcode_index_file):
    """The details contract with the offered languages and the real postcode index, outside any app."""
    from safesurgeries.postcodes import PostcodeIndex
    from safesurgeries.toolkit import languages
    from safesurgeries.toolkit.details import parse_details

    index = PostcodeIndex(postcode_index_file)

    def nation_of(postcode: str) -> str | None:
        location = index.lookup(postcode)
        return location.nation if location else None

    return lambda data, known=None: parse_details(data, known or languages.catalogue(), nation_of=nation_of)


@pytest.fixture(scope="session")
def toolkit_pdf_for(postcode_index_file, tmp_path_factory):
    """POST /api/v1/toolkits on one app for the whole run, each answer kept: a 25-language toolkit takes seconds."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "POSTCODE_INDEX": str(postcode_index_file),
            "PDF_CACHE_DIR": str(tmp_path_factory.mktemp("pdf-cache")),
            **UNTHROTTLED,
        }
    )
    client, answers = app.test_client(), {}

    def toolkit(details: dict):
        key = repr(sorted(details.items()))
        if key not in answers:
            answers[key] = client.post("/api/v1/toolkits", json=details)
            assert answers[key].status_code == 200, answers[key].get_data(as_text=True)[:500]
        return answers[key]

    return toolkit


# Property-based tests: modest example counts (HYPOTHESIS_MAX_EXAMPLES to go harder), no per-example deadline
# (a shared CI machine is slow at times); one app serves every example of a test, on purpose.
settings.register_profile(
    "safesurgeries",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "15")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("safesurgeries")

# Limits far above what any test sends, so tests that pledge or sign in many times are not throttled;
# tests of the rate limits themselves set their own small limits.
UNTHROTTLED = {
    name: "100000 per hour"
    for name in (
        "LIMIT_PLEDGE_SUBMIT",
        "LIMIT_PLEDGE_RECIPIENT",
        "LIMIT_PLEDGE_LINKS",
        "LIMIT_STAFF_SIGN_IN",
        "LIMIT_TOOLKIT_API",
        "LIMIT_TOOLKIT_DOWNLOAD",
        "LIMIT_TOOLKIT_PREVIEW",
    )
}

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def pytest_generate_tests(metafunc):
    """Modules that set ON_EVERY_DATABASE = True run on SQLite and, when TEST_DATABASE_URL is set, PostgreSQL."""
    if "database" in metafunc.fixturenames and getattr(metafunc.module, "ON_EVERY_DATABASE", False):
        metafunc.parametrize("database", DATABASES, indirect=True)


@contextlib.contextmanager
def database_url(kind: str, folder: Path):
    """A database URL: a SQLite file in folder, or a PostgreSQL schema of its own that is dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'test.db'}"
        return
    base = os.environ["TEST_DATABASE_URL"]
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield (
            sa.make_url(base)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def database(request, tmp_path):
    """A database URL for one test: SQLite, or PostgreSQL for modules that ask for every database."""
    with database_url(getattr(request, "param", "sqlite"), tmp_path) as url:
        yield url


@pytest.fixture
def app(tmp_path, monkeypatch, postcode_index_file, database):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("SAFESURGERIES_DATABASE_URL", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "POSTCODE_INDEX": str(postcode_index_file),
            "SQLALCHEMY_DATABASE_URI": database,
            **UNTHROTTLED,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, whitespace collapsed, as a reader of the PDF gets it."""
    return list(_page_texts(pdf))


# Extracting a 75-page toolkit's text takes seconds, and several tests read the same PDF: once per PDF.
@functools.lru_cache(maxsize=8)
def _page_texts(pdf: bytes) -> tuple[str, ...]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return tuple(" ".join(page.extract_text().split()) for page in reader.pages)


def page_with(pages: list[str], needle: str) -> int:
    """Index of the first page containing needle."""
    for index, text in enumerate(pages):
        if needle in text:
            return index
    raise AssertionError(f"{needle!r} is on no page")


@pytest.fixture(scope="session")
def csrf_token_from():
    """Pull the CSRF token out of a rendered form."""
    from bs4 import BeautifulSoup

    def extract(html: bytes | str) -> str:
        field = BeautifulSoup(html, "html.parser").find("input", {"name": "csrf_token"})
        assert field is not None, "the page has no CSRF token"
        return field["value"]

    return extract


def pytest_report_header(config):
    present = "present" if SHARED_EPRACCUR.exists() else "absent (tests that need it are skipped)"
    database = "set" if os.environ.get("TEST_DATABASE_URL") else "unset"
    return f"shared epraccur.csv: {present}; TEST_DATABASE_URL: {database}"


@functools.lru_cache(maxsize=8)
def outline(pdf: bytes) -> list[tuple[str, int]]:
    """The PDF's top-level bookmarks: (title, page index), in order."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [
        (item.title, reader.get_destination_page_number(item)) for item in reader.outline if not isinstance(item, list)
    ]


def section_text(pdf: bytes, title: str) -> str:
    """The text of one section, found through the PDF's bookmarks (from its page to the next bookmark's)."""
    starts = outline(pdf)
    pages = pdf_pages(pdf)
    for index, (name, start) in enumerate(starts):
        if name == title:
            end = starts[index + 1][1] if index + 1 < len(starts) else len(pages)
            return " ".join(pages[start : max(end, start + 1)])
    raise AssertionError(f"no bookmark {title!r}; bookmarks: {[name for name, _ in starts]}")
