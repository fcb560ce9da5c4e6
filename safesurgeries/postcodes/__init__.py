"""Offline UK postcode geocoding from the ONS Postcode Directory."""

from flask import Flask

from .api import api_bp
from .cli import postcodes_cli
from .grammar import NotAPostcode, normalise_postcode, parse_postcode
from .index import IndexMissing, Location, PostcodeIndex, build_index
from .service import nation_of, postcode_index

__all__ = [
    "IndexMissing",
    "Location",
    "NotAPostcode",
    "PostcodeIndex",
    "api_bp",
    "build_index",
    "init_app",
    "nation_of",
    "normalise_postcode",
    "parse_postcode",
    "postcode_index",
]


def init_app(app: Flask) -> None:
    app.cli.add_command(postcodes_cli)
