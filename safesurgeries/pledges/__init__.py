"""Pledges: the form, the e-mailed confirmation and withdrawal links, listings and retention."""

from flask import Flask

from .cli import listings_cli, retention_cli
from .models import Listing, Pledge, PledgeStatus, RejectionReason
from .views import bp

__all__ = ["Listing", "Pledge", "PledgeStatus", "RejectionReason", "bp", "init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(listings_cli)
    app.cli.add_command(retention_cli)
