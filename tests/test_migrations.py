"""Migrations build every table from empty and take it back down, on SQLite and (when configured) PostgreSQL."""

import flask_migrate
import sqlalchemy as sa

from safesurgeries import create_app
from safesurgeries.extensions import db

ON_EVERY_DATABASE = True  # the `database` fixture (conftest) gives SQLite, and PostgreSQL when configured


def test_upgrade_creates_every_model_table_and_downgrade_removes_them(database, tmp_path, monkeypatch):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        flask_migrate.upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables
        flask_migrate.downgrade(revision="base")
        assert sa.inspect(db.engine).get_table_names() == ["alembic_version"]
        db.engine.dispose()


def test_migrations_match_the_models(database, tmp_path, monkeypatch):
    """Autogenerate would find nothing to add: no model change is missing a migration."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()


def test_each_revision_steps_up_and_down_one_at_a_time_keeping_data_and_leaving_nothing_behind(
        database, tmp_path, monkeypatch):
    """Every revision on its own (as a deployment that upgrades release by release does), a practice row kept
    through them, and a second climb after the full descent (a type or index left behind would break it)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        config = flask_migrate.Migrate(app, db, directory=app.extensions["migrate"].directory).get_config()
        revisions = [script.revision for script in reversed(list(ScriptDirectory.from_config(config).walk_revisions()))]
        assert revisions[0] == "0001" and len(revisions) >= 2

        def tables():
            return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}

        def current():
            with db.engine.connect() as connection:
                return MigrationContext.configure(connection).get_current_revision()

        for _climb in range(2):
            seen = set()
            for revision in revisions:
                flask_migrate.upgrade(revision=revision)
                assert current() == revision
                assert seen <= tables(), f"upgrading to {revision} lost tables"
                seen = tables()
                if revision == revisions[0]:
                    with db.engine.begin() as connection:
                        connection.execute(sa.text(
                            "INSERT INTO practices (ods_code, name, address_lines, status, added_by_staff, created_at, "
                            "updated_at) VALUES ('A81030', 'Kept Through Migrations', '[]', 'A', false, "
                            "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            with db.engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
                assert connection.execute(sa.text("SELECT name FROM practices")).scalars().all() == [
                    "Kept Through Migrations"]
            for revision in reversed(revisions[:-1]):
                flask_migrate.downgrade(revision=revision)
                assert current() == revision
                with db.engine.connect() as connection:
                    assert connection.execute(sa.text("SELECT count(*) FROM practices")).scalar() == 1
            flask_migrate.downgrade(revision="base")
            assert tables() == set()
        db.engine.dispose()
