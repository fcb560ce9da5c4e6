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
    database, tmp_path, monkeypatch
):
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
                        connection.execute(
                            sa.text(
                                "INSERT INTO practices (ods_code, name, address_lines, status, added_by_staff, "
                                "created_at, "
                                "updated_at) VALUES ('A81030', 'Kept Through Migrations', '[]', 'A', false, "
                                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                            )
                        )
            with db.engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
                assert connection.execute(sa.text("SELECT name FROM practices")).scalars().all() == [
                    "Kept Through Migrations"
                ]
            for revision in reversed(revisions[:-1]):
                flask_migrate.downgrade(revision=revision)
                assert current() == revision
                with db.engine.connect() as connection:
                    assert connection.execute(sa.text("SELECT count(*) FROM practices")).scalar() == 1
            flask_migrate.downgrade(revision="base")
            assert tables() == set()
        db.engine.dispose()


def test_nations_are_filled_from_grouping_and_postcode_and_removed_on_the_way_down(
    database, tmp_path, monkeypatch, postcode_index_file
):
    """0004 gives existing practices, pledges and listings their nation (W00 is Wales; otherwise the postcode's),
    leaves one it cannot place empty, and its downgrade keeps every row."""
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database, "POSTCODE_INDEX": str(postcode_index_file)})
    practices = [  # (id, ods code, grouping, postcode)
        (1, "A81030", "Y63", "TS1 3RY"),
        (2, "W91001", "W00", "ZZ99 9ZZ"),
        (3, "S00001", None, "EH6 8RG"),
        (4, "Z00001", None, "BT1 5GS"),
        (5, "H00000005", None, "ZZ99 9ZZ"),
        (6, "W91002", "W00", "CF10 3RB"),
    ]
    with app.app_context():
        flask_migrate.upgrade(revision="0003")
        with db.engine.begin() as connection:
            for practice_id, code, grouping, postcode in practices:
                connection.execute(
                    sa.text(
                        "INSERT INTO practices (id, ods_code, name, address_lines, postcode, region_code, status, "
                        "added_by_staff, is_demo, created_at, updated_at) VALUES (:id, :code, 'P', '[]', :postcode, "
                        ":grouping, 'A', false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"id": practice_id, "code": code, "grouping": grouping, "postcode": postcode},
                )
            for pledge_id, practice_id, postcode in ((1, 3, "EH6 8RG"), (2, None, "CF10 3RB"), (3, 2, "ZZ99 9ZZ")):
                connection.execute(
                    sa.text(
                        "INSERT INTO pledges (id, practice_id, practice_name, address_lines, postcode, principles, "
                        "consent_public, status, link_nonce, confirmation_sent_at, created_at) VALUES (:id, :practice, "
                        "'P', '[]', :postcode, '[]', true, 'approved', 'n', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"id": pledge_id, "practice": practice_id, "postcode": postcode},
                )
            for listing_id, practice_id, pledge_id in ((1, 3, 1), (2, 6, 2), (3, 1, None)):
                connection.execute(
                    sa.text(
                        "INSERT INTO listings (id, practice_id, pledge_id, active, listed_since, last_confirmed, "
                        "is_demo) "
                        "VALUES (:id, :practice, :pledge, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, false)"
                    ),
                    {"id": listing_id, "practice": practice_id, "pledge": pledge_id},
                )

        flask_migrate.upgrade(revision="0004")
        with db.engine.connect() as connection:

            def nations(table):
                return dict(connection.execute(sa.text(f"SELECT id, nation FROM {table} ORDER BY id")).all())  # nosec B608

            assert nations("practices") == {
                1: "england",
                2: "wales",
                3: "scotland",
                4: "northern-ireland",
                5: None,
                6: "wales",
            }
            assert nations("pledges") == {1: "scotland", 2: "wales", 3: "wales"}
            assert nations("listings") == {1: "scotland", 2: "wales", 3: "england"}

        flask_migrate.downgrade(revision="0003")
        with db.engine.connect() as connection:
            for table in ("practices", "pledges", "listings"):
                assert "nation" not in {column["name"] for column in sa.inspect(connection).get_columns(table)}
            assert connection.execute(sa.text("SELECT count(*) FROM listings")).scalar() == 3
            # The one-active-listing-per-practice index keeps its WHERE through SQLite's table rebuild.
            if connection.dialect.name == "sqlite":
                index_sql = connection.execute(
                    sa.text("SELECT sql FROM sqlite_master WHERE name = 'uq_listings_active_practice'")
                ).scalar()
                assert "WHERE active" in index_sql
        flask_migrate.downgrade(revision="base")
        db.engine.dispose()
