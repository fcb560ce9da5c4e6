"""What the web views, the API and the CLI share: the edition from config, and one build call."""

from flask import current_app

from .builder import Edition, build_toolkit
from .details import PracticeDetails


def current_edition() -> Edition:
    return Edition(current_app.config["TOOLKIT_EDITION"], current_app.config["CONTENT_REVIEWED"],
                   current_app.config["PUBLIC_BASE_URL"])


def build_for_app(details: PracticeDetails) -> bytes:
    """Build a toolkit with the running app's edition settings."""
    return build_toolkit(details, current_edition())
