"""The app's postcode index: opened once per process, on first use."""

from pathlib import Path

from flask import current_app

from .index import PostcodeIndex


def index_path() -> Path:
    return Path(current_app.config["POSTCODE_INDEX"])


def postcode_index() -> PostcodeIndex:
    """The open index; IndexMissing (with the command that builds it) until it has been built."""
    index = current_app.extensions.get("postcode_index")
    if index is None or index.path != index_path():
        index = current_app.extensions["postcode_index"] = PostcodeIndex(index_path())
    return index
