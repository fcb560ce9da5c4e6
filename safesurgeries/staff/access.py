"""Who may open staff pages: Flask-Login for sign-in, a role check for the rest."""

from functools import wraps

from flask import abort
from flask_login import LoginManager, current_user

from .accounts import load_user
from .models import StaffRole

login_manager = LoginManager()
login_manager.login_view = "staff.login"
login_manager.login_message = "Sign in to see that page."
login_manager.session_protection = "strong"
login_manager.user_loader(load_user)


def require_role(*roles: StaffRole):
    """Anonymous visitors go to the sign-in page; signed-in staff without one of roles get 403."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403, description="Your staff role does not allow this.")
            return view(*args, **kwargs)

        guarded.required_roles = roles  # read by the test that walks every staff route
        return guarded

    return decorator


reviewer_required = require_role(StaffRole.REVIEWER, StaffRole.ADMIN)
admin_required = require_role(StaffRole.ADMIN)
