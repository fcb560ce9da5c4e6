"""Admin-only domain actions on staff accounts (a listing's corrections are pledges/lifecycle.py's)."""

from .. import audit
from ..extensions import db
from .accounts import AccountError
from .models import StaffRole, StaffUser


def set_staff_active(user: StaffUser, admin: StaffUser, active: bool) -> None:
    if user.id == admin.id and not active:
        raise AccountError("You cannot deactivate your own account.")
    if user.active != active:
        user.active = active
        user.session_version += 1  # signs the account out everywhere
        audit.record("staff.activated" if active else "staff.deactivated", user, staff=admin)
    db.session.commit()


def set_staff_role(user: StaffUser, admin: StaffUser, role: StaffRole) -> None:
    if user.id == admin.id and role is not StaffRole.ADMIN:
        raise AccountError("You cannot remove your own admin role.")
    if user.role is not role:
        audit.record("staff.role_changed", user, staff=admin, from_state=user.role.value, to_state=role.value)
        user.role = role
    db.session.commit()
