"""Extension objects, created unbound and attached to the app in create_app."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, update

# Named constraints, so that Alembic can alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
csrf = CSRFProtect()


def update_rows(model, *conditions, **values) -> int:
    """UPDATE model SET values WHERE conditions, in the session's transaction; how many rows it changed.

    With the current state among the conditions this is a compare-and-set: of two requests racing for the
    same row (two reviewers, a double click), exactly one sees 1. Objects already loaded are refreshed.
    """
    statement = update(model).execution_options(synchronize_session="fetch").where(*conditions).values(**values)
    return db.session.execute(statement).rowcount
