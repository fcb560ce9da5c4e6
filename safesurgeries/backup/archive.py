"""Write the registry's tables to one JSON document and read them back into an empty database.

The document is deterministic (rows by primary key, keys sorted, times in UTC, no export timestamp), so
export, import into an empty database, export again gives the same bytes. Rows go in with Core inserts:
the audit log's append-only guard is an ORM update/delete event, and an insert never trips it.
"""

import datetime as dt
import json

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext

from ..extensions import db

FORMAT = "safesurgeries-registry-backup"
VERSION = 1
# Parents before children, so foreign keys hold as rows go in. Sign-in locks are transient and left out.
TABLES = ("practices", "staff_users", "pledges", "listings", "outbox", "audit_log")
# Not a password: never a valid Argon2 hash, so an account imported without its hash cannot sign in.
NO_PASSWORD = "!"  # nosec B105


class BackupError(ValueError):
    """The backup cannot be written or read; the message says why."""


def _to_json(column: sa.Column, value):
    if value is None:
        return None
    if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
        return value.value
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_json(column: sa.Column, value):
    if value is None:
        return None
    try:
        if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
            return column.type.enum_class(value)
        if isinstance(column.type, sa.DateTime):
            return dt.datetime.fromisoformat(value)
        if isinstance(column.type, sa.Date):
            return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise BackupError(f"{column.table.name}.{column.name}: {value!r} is not valid ({error})") from None
    return value


def schema_revision() -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def export_registry(with_password_hashes: bool = False) -> str:
    """The whole registry as a JSON document (staff password hashes only when asked for)."""
    tables = {}
    for name in TABLES:
        table = db.metadata.tables[name]
        columns = [
            c for c in table.columns if with_password_hashes or (name, c.name) != ("staff_users", "password_hash")
        ]
        rows = db.session.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
        tables[name] = {
            "columns": [c.name for c in columns],
            "rows": [[_to_json(c, v) for c, v in zip(columns, row)] for row in rows],
        }
    document = {
        "format": FORMAT,
        "version": VERSION,
        "schema_revision": schema_revision(),
        "with_password_hashes": with_password_hashes,
        "tables": tables,
    }
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def _check_document(document) -> dict:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupError("This is not a Safe Surgeries registry backup.")
    if document.get("version") != VERSION:
        raise BackupError(f"This backup is version {document.get('version')!r}; this release reads version {VERSION}.")
    revision = schema_revision()
    if document.get("schema_revision") != revision:
        raise BackupError(
            f"The backup was made at database revision {document.get('schema_revision')!r} but this "
            f"database is at {revision!r}. Run `safesurgeries db upgrade` (or use the matching release)."
        )
    tables = document.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(TABLES):
        raise BackupError(f"The backup must hold exactly these tables: {', '.join(TABLES)}.")
    for name in TABLES:
        table, part = db.metadata.tables[name], tables[name]
        known = set(table.columns.keys())
        if (
            not isinstance(part, dict)
            or not isinstance(part.get("columns"), list)
            or not isinstance(part.get("rows"), list)
        ):
            raise BackupError(f"{name}: expected columns and rows.")
        unknown = [c for c in part["columns"] if c not in known]
        if unknown:
            raise BackupError(f"{name}: unknown columns {unknown}.")
        if any(not isinstance(row, list) or len(row) != len(part["columns"]) for row in part["rows"]):
            raise BackupError(f"{name}: every row must have one value per column.")
    return tables


def _counts() -> dict[str, int]:
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[name])) for name in TABLES
    }


def import_registry(text: str) -> dict[str, int]:
    """Load a backup into an empty, migrated database in one transaction; rows per table."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise BackupError(f"The file is not JSON: {error}") from None
    tables = _check_document(document)
    filled = {name: count for name, count in _counts().items() if count}
    if filled:
        raise BackupError(
            "Import only into an empty database; this one already holds "
            + ", ".join(f"{count} {name}" for name, count in filled.items())
            + ". Nothing was imported."
        )
    loaded = {}
    try:
        for name in TABLES:
            table, part = db.metadata.tables[name], tables[name]
            columns = [table.columns[c] for c in part["columns"]]
            rows = [{c.name: _from_json(c, v) for c, v in zip(columns, row)} for row in part["rows"]]
            if name == "staff_users" and "password_hash" not in part["columns"]:
                for row in rows:
                    row["password_hash"] = NO_PASSWORD
            if rows:
                db.session.execute(sa.insert(table), rows)
            loaded[name] = len(rows)
        _advance_sequences()
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise BackupError(f"The backup's rows do not fit together: {error.orig}. Nothing was imported.") from None
    except BaseException:
        db.session.rollback()
        raise
    return loaded


def _advance_sequences() -> None:
    """PostgreSQL hands out ids from sequences: move each past the imported ids, or the next insert collides."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in TABLES:
        table = db.metadata.tables[name]
        next_id = sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0) + 1).scalar_subquery()
        db.session.execute(sa.select(sa.func.setval(sa.func.pg_get_serial_sequence(name, "id"), next_id, False)))
