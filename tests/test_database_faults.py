"""When the database is locked or gone: a clear 503 saying to try again (JSON for the API), nothing half-written,
and everything works again once the database is back."""

import sqlite3
import uuid

import flask_migrate
import pytest
import sqlalchemy as sa
from conftest import UNTHROTTLED
from pledging import PLEDGE, csrf, import_sample, submit_pledge

from safesurgeries import create_app
from safesurgeries.extensions import db
from safesurgeries.mail.models import OutboxMessage
from safesurgeries.pledges.models import Pledge

ON_EVERY_DATABASE = True  # the PostgreSQL tests below ask for `database`; the SQLite ones make their own

TRY_AGAIN = b"nothing you sent was saved. Please try again in a minute."


def make_app(tmp_path, monkeypatch, postcode_index_file, url, migrate=True, **engine_options):
    """An app on url; engine_options are added to the app's own (which the last test relies on)."""
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    defaults = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["SQLALCHEMY_ENGINE_OPTIONS"]
    app = create_app(
        {
            "TESTING": True,
            "POSTCODE_INDEX": str(postcode_index_file),
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {**defaults, **engine_options},
            **UNTHROTTLED,
        }
    )
    if migrate:
        with app.app_context():
            flask_migrate.upgrade()
    return app


def rows(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def assert_try_again_page(response):
    assert response.status_code == 503
    assert response.mimetype == "text/html" and TRY_AGAIN in response.data
    assert response.headers["Retry-After"] == "30"
    assert b"Traceback" not in response.data


def assert_try_again_json(response):
    assert response.status_code == 503
    assert response.get_json()["error"] == "Service Unavailable"
    assert "try again" in response.get_json()["message"]


def test_a_locked_sqlite_database_gives_503_then_the_same_pledge_goes_through(
    tmp_path, monkeypatch, postcode_index_file
):
    path = tmp_path / "locked.db"
    app = make_app(tmp_path, monkeypatch, postcode_index_file, f"sqlite:///{path}", connect_args={"timeout": 0.1})
    import_sample(app.test_cli_runner())
    client = app.test_client()
    assert submit_pledge(client, ods_code="A81001", contact_email="earlier@nhs.net").status_code == 303
    token = csrf(client.get("/pledge").data)

    other = sqlite3.connect(path, isolation_level=None)  # another process's connection, holding the write lock
    other.execute("BEGIN IMMEDIATE")
    try:
        assert_try_again_page(client.post("/pledge/submit", data={**PLEDGE, "csrf_token": token}))
        other.execute("COMMIT")
        other.execute("BEGIN EXCLUSIVE")  # now readers are shut out too
        assert_try_again_json(client.get("/api/v1/practices?q=A81"))
        assert_try_again_page(client.get("/surgeries"))
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert rows(app, Pledge) == 1 and rows(app, OutboxMessage) == 1  # the earlier pledge is kept, nothing half-written
    assert client.post("/pledge/submit", data={**PLEDGE, "csrf_token": token}).status_code == 303
    assert rows(app, Pledge) == 2 and rows(app, OutboxMessage) == 2
    assert client.get("/api/v1/practices?q=A81").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+psycopg://postgres@127.0.0.1:9/nothing?connect_timeout=2",
        "sqlite:////nonexistent-folder/safesurgeries.db",
    ],
    ids=["closed-port", "no-file"],
)
def test_an_unreachable_database_gives_503_on_pages_forms_and_the_api(tmp_path, monkeypatch, postcode_index_file, url):
    client = make_app(tmp_path, monkeypatch, postcode_index_file, url, migrate=False).test_client()
    token = csrf(client.get("/staff/login").data)  # a page that needs no database
    assert_try_again_page(client.post("/pledge/submit", data={**PLEDGE, "csrf_token": token}))
    assert_try_again_page(
        client.post("/staff/login", data={"email": "a@example.org", "password": "x" * 12, "csrf_token": token})
    )
    assert_try_again_page(client.get("/surgeries"))
    assert_try_again_page(client.get("/map"))
    assert_try_again_json(client.get("/api/v1/surgeries"))
    assert_try_again_json(client.get("/api/v1/practices/A81001"))


@pytest.fixture
def postgres(database):
    if database.startswith("sqlite"):
        pytest.skip("a PostgreSQL fault")
    return database


def test_a_dropped_postgresql_schema_gives_503_and_recovers_once_it_is_back(
    tmp_path, monkeypatch, postcode_index_file, postgres
):
    app = make_app(tmp_path, monkeypatch, postcode_index_file, postgres)
    import_sample(app.test_cli_runner())
    client = app.test_client()
    schema = sa.make_url(postgres).query["options"].removeprefix("-csearch_path=")
    admin = sa.create_engine(sa.make_url(postgres).set(query={}))
    with admin.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    token = csrf(client.get("/staff/login").data)
    assert_try_again_page(client.post("/pledge/submit", data={**PLEDGE, "csrf_token": token}))
    assert_try_again_json(client.get("/api/v1/practices?q=A81"))

    with admin.begin() as connection:  # the database is back (restored from its backup)
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    with app.app_context():
        flask_migrate.upgrade()
    import_sample(app.test_cli_runner())
    assert client.post("/pledge/submit", data={**PLEDGE, "csrf_token": token}).status_code == 303
    assert rows(app, Pledge) == 1
    with app.app_context():
        db.engine.dispose()


def test_connections_killed_by_a_postgresql_restart_are_replaced_without_an_error(
    tmp_path, monkeypatch, postcode_index_file, postgres
):
    name = f"ss-test-{uuid.uuid4().hex[:8]}"
    app = make_app(tmp_path, monkeypatch, postcode_index_file, postgres, connect_args={"application_name": name})
    import_sample(app.test_cli_runner())
    client = app.test_client()
    assert client.get("/api/v1/practices?q=A81").status_code == 200  # a pooled connection now exists
    admin = sa.create_engine(sa.make_url(postgres).set(query={}))
    with admin.begin() as connection:
        killed = connection.execute(
            sa.text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :name"),
            {"name": name},
        ).scalar()
    admin.dispose()
    assert killed >= 1
    assert client.get("/api/v1/practices?q=A81").status_code == 200
    assert submit_pledge(client).status_code == 303
    with app.app_context():
        db.engine.dispose()


def terminate_the_requests_connection(admin: sa.Engine) -> None:
    """End this request's own PostgreSQL backend from a second connection, as pg_terminate_backend or a failover
    does, and wait until it is gone (the timeout is only a bound: the assert fails if it was not reached)."""
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    with admin.begin() as connection:
        assert connection.scalar(sa.text("SELECT pg_terminate_backend(:pid, 60000)"), {"pid": pid})


@pytest.mark.parametrize("moment", ["before the view", "after the view"])
def test_a_connection_lost_in_a_request_gives_503_and_the_next_request_works(
    tmp_path, monkeypatch, postcode_index_file, postgres, moment
):
    """Killed before the view's queries, the view fails; killed after them, the request's transaction can no
    longer be ended (this used to raise in Flask-SQLAlchemy's teardown, after every handler: a bare 500)."""
    app = make_app(tmp_path, monkeypatch, postcode_index_file, postgres)
    import_sample(app.test_cli_runner())
    admin = sa.create_engine(sa.make_url(postgres).set(query={}))
    armed = []

    if moment == "before the view":

        @app.before_request
        def kill_before():
            if armed:
                terminate_the_requests_connection(admin)
    else:

        @app.after_request  # registered last, so it runs before the app's own after_request hooks
        def kill_after(response):
            if armed:
                terminate_the_requests_connection(admin)
            return response

    client = app.test_client()
    try:
        for path, assert_try_again in (
            ("/surgeries", assert_try_again_page),
            ("/api/v1/practices?q=A81", assert_try_again_json),
        ):
            armed[:] = [True]
            assert_try_again(client.get(path))
            armed[:] = []
            assert client.get(path).status_code == 200  # the dead connection was discarded, not reused
        assert submit_pledge(client).status_code == 303
        assert rows(app, Pledge) == 1
    finally:
        admin.dispose()
        with app.app_context():
            db.engine.dispose()
