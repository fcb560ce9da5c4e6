"""The app's postcode index: opened once per process, on first use."""

from pathlib import Path

from flask import current_app

from .grammar import NotAPostcode, parse_postcode
from .index import IndexMissing, PostcodeIndex


def index_path() -> Path:
    return Path(current_app.config["POSTCODE_INDEX"])


def postcode_index() -> PostcodeIndex:
    """The open index; IndexMissing (with the command that builds it) until it has been built."""
    index = current_app.extensions.get("postcode_index")
    if index is None or index.path != index_path():
        index = current_app.extensions["postcode_index"] = PostcodeIndex(index_path())
    return index


def nation_of(postcode: str | None, index: PostcodeIndex | None = None) -> str | None:
    """The nation of a postcode from the postcode index (the app's, unless one is given), falling back to its
    district's for a postcode too new for the index; None when unknown, cross-border or the index is not built."""
    try:
        kind, name = parse_postcode(postcode or "")
        index = index or postcode_index()
        location = index.lookup(name)
        if location is None and kind == "postcode":
            location = index.lookup(name.split()[0])
    except (IndexMissing, NotAPostcode):
        return None
    return location.nation if location is not None else None
