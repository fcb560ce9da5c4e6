"""Staff accounts, sign-in, the moderation of pledges and the admin pages."""

from flask import Flask

from . import (
    admin_views,  # noqa: F401 (registers the admin pages on the blueprint)
    demo_views,  # noqa: F401 (registers the demo data page on the blueprint)
)
from .access import login_manager
from .cli import staff_cli
from .models import SignInThrottle, StaffRole, StaffUser
from .views import bp

__all__ = ["SignInThrottle", "StaffRole", "StaffUser", "bp", "init_app"]


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.cli.add_command(staff_cli)
