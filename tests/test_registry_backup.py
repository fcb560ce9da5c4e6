"""`registry export` and `registry import`: a complete backup that restores into an empty database, byte for byte."""

import contextlib
import json
import uuid

import flask_migrate
import pytest
from conftest import UNTHROTTLED, database_url
from pledging import (
    create_staff,
    csrf,
    eml_messages,
    import_sample,
    link_path,
    post_button,
    send_outbox,
    sign_in,
    submit_pledge,
)

from safesurgeries import create_app
from safesurgeries.audit import AuditEntry
from safesurgeries.extensions import db
from safesurgeries.pledges.models import Listing, Pledge
from safesurgeries.practices.models import Practice

ON_EVERY_DATABASE = True


@contextlib.contextmanager
def empty_database(database: str, tmp_path):
    """Another, empty database of the same kind as `database`: a SQLite file or a PostgreSQL schema."""
    folder = tmp_path / f"restored-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    with database_url("sqlite" if database.startswith("sqlite") else "postgresql", folder) as url:
        yield url


@contextlib.contextmanager
def migrated_app(url: str, postcode_index_file):
    app = create_app(
        {"TESTING": True, "POSTCODE_INDEX": str(postcode_index_file), "SQLALCHEMY_DATABASE_URI": url, **UNTHROTTLED}
    )
    with app.app_context():
        flask_migrate.upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def registry(app, client, runner):
    """A registry with some of everything: practices, staff, an approved (listed) pledge, a waiting one,
    e-mails, audit."""
    import_sample(runner)
    create_staff(runner, "adam.admin@dotw.example", "admin")
    for ods_code, email in (("A81030", "first@nhs.net"), ("A81001", "second@nhs.net")):
        before = len(eml_messages(app))
        submit_pledge(client, ods_code=ods_code, contact_email=email)
        send_outbox(runner)
        post_button(client, link_path(eml_messages(app)[before], "confirm"))
    with app.app_context():
        first = db.session.scalars(db.select(Pledge.id).order_by(Pledge.id)).first()
    staff = app.test_client()
    sign_in(staff, "adam.admin@dotw.example")
    page = staff.get(f"/staff/pledges/{first}")
    assert staff.post(f"/staff/pledges/{first}/approve", data={"csrf_token": csrf(page.data)}).status_code == 303
    return app


def export(runner, path, *options):
    result = runner.invoke(args=["registry", "export", str(path), *options])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def test_export_import_export_gives_the_same_file(registry, runner, database, tmp_path, postcode_index_file):
    first = export(runner, tmp_path / "first.json", "--with-password-hashes")
    document = json.loads(first)
    assert document["version"] == 1 and document["with_password_hashes"] is True
    assert {name: len(part["rows"]) for name, part in document["tables"].items()}["listings"] == 1
    assert document["tables"]["audit_log"]["rows"]
    with empty_database(database, tmp_path) as url, migrated_app(url, postcode_index_file) as restored:
        result = restored.test_cli_runner().invoke(args=["registry", "import", str(tmp_path / "first.json")])
        assert result.exit_code == 0, result.output
        assert "1 listings" in result.output
        second = export(restored.test_cli_runner(), tmp_path / "second.json", "--with-password-hashes")
        assert second == first

        # The restored registry works: the listing is public, staff sign in, new rows get fresh ids.
        client = restored.test_client()
        assert client.get("/api/v1/surgeries").get_json()["count"] == 1
        assert sign_in(client, "adam.admin@dotw.example").status_code == 303
        assert (
            submit_pledge(restored.test_client(), ods_code="A81002", contact_email="third@nhs.net").status_code == 303
        )
        with restored.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 3
            assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry)) > len(
                document["tables"]["audit_log"]["rows"]
            )


def test_without_the_flag_no_password_hash_leaves_and_restored_staff_need_a_new_password(
    registry, runner, database, tmp_path, postcode_index_file
):
    text = export(runner, tmp_path / "backup.json").decode()
    assert "password_hash" not in json.loads(text)["tables"]["staff_users"]["columns"]
    assert "$argon2" not in text
    with empty_database(database, tmp_path) as url, migrated_app(url, postcode_index_file) as restored:
        result = restored.test_cli_runner().invoke(args=["registry", "import", str(tmp_path / "backup.json")])
        assert result.exit_code == 0, result.output
        assert sign_in(restored.test_client(), "adam.admin@dotw.example").status_code == 401
        assert export(restored.test_cli_runner(), tmp_path / "again.json").decode() == text
        result = restored.test_cli_runner().invoke(
            args=["staff", "set-password", "adam.admin@dotw.example", "--password-stdin"],
            input="a brand new passphrase\n",
        )
        assert result.exit_code == 0, result.output
        assert sign_in(restored.test_client(), "adam.admin@dotw.example", "a brand new passphrase").status_code == 303


def test_import_refuses_a_database_that_is_not_empty_and_changes_nothing(registry, runner, tmp_path):
    export(runner, tmp_path / "backup.json")
    with registry.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(Listing))
    result = runner.invoke(args=["registry", "import", str(tmp_path / "backup.json")])
    assert result.exit_code == 1
    assert "Import only into an empty database" in result.output and "Nothing was imported" in result.output
    with registry.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Listing)) == before


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "The file is not JSON"),
        ('{"format": "something else"}', "not a Safe Surgeries registry backup"),
        ('{"format": "safesurgeries-registry-backup", "version": 99}', "version 99"),
    ],
)
def test_a_bad_file_is_refused_plainly(app, runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(args=["registry", "import", str(path)])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


def test_rows_that_do_not_fit_together_import_nothing(registry, runner, database, tmp_path, postcode_index_file):
    """A duplicated pledge (same id) fails late, after practices and staff went in: all of it is rolled back."""
    document = json.loads(export(runner, tmp_path / "backup.json"))
    pledges = document["tables"]["pledges"]
    pledges["rows"].append(pledges["rows"][0])
    (tmp_path / "broken.json").write_text(json.dumps(document))
    with empty_database(database, tmp_path) as url, migrated_app(url, postcode_index_file) as restored:
        result = restored.test_cli_runner().invoke(args=["registry", "import", str(tmp_path / "broken.json")])
        assert result.exit_code == 1 and "Nothing was imported" in result.output, result.output
        with restored.app_context():
            assert db.session.scalar(db.select(db.func.count()).select_from(Practice)) == 0
            assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 0
