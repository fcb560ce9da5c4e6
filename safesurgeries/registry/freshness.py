"""When a per-process cache of the registry must ask the database whether anything changed.

A change committed by this process is noticed at once (SQLAlchemy session events). A change made by
another worker is noticed at the next check, at most CHECK_INTERVAL_SECONDS later, so that a busy
worker does not pay for a version query (a few milliseconds at full scale) on every request.
"""

import time
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

CHECK_INTERVAL_SECONDS = 1.0

_local = {"changes": 0}  # bumped when this process commits a change that may touch the registry


def _models():
    from ..pledges.models import Listing
    from ..practices.models import Practice

    return Listing, Practice


@event.listens_for(Session, "before_flush")
def _note_object_changes(session, flush_context, instances):
    models = _models()
    if any(isinstance(obj, models) for obj in (*session.new, *session.dirty, *session.deleted)):
        session.info["registry_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state):
    # insert(), update() and delete() statements run through the session bypass the flush.
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["registry_changed"] = True


@event.listens_for(Session, "after_commit")
def _count_changes(session):
    if session.info.pop("registry_changed", False):
        _local["changes"] += 1


@event.listens_for(Session, "after_rollback")
def _forget_changes(session):
    session.info.pop("registry_changed", None)


def local_changes() -> int:
    return _local["changes"]


def current_version(holder: dict, query: Callable[[], tuple]) -> tuple:
    """query()'s answer plus this process's change count, asked again only when it may have changed."""
    now = time.monotonic()
    changes = _local["changes"]
    if holder.get("changes") == changes and now - holder.get("checked", -1e9) < CHECK_INTERVAL_SECONDS:
        return holder["version"]
    holder["version"], holder["changes"], holder["checked"] = (*query(), changes), changes, now
    return holder["version"]
