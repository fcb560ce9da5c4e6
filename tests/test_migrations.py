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
