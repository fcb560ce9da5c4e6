"""Admin-only domain actions: correct or unlist a listing, manage staff accounts."""

from .. import audit
from ..extensions import db, update_rows
from ..pledges.models import Listing, Pledge, PledgeStatus
from ..clock import utcnow
from .accounts import AccountError
from .models import StaffRole, StaffUser


def edit_listing(listing: Listing, admin: StaffUser, display_name: str | None, display_phone: str | None) -> None:
    changes = {}
    for name, value in (("display_name", display_name), ("display_phone", display_phone)):
        value = " ".join((value or "").split()) or None
        if getattr(listing, name) != value:
            changes[name] = [getattr(listing, name), value]
            setattr(listing, name, value)
    if changes:
        audit.record("listing.edited", listing, staff=admin, changes=changes)
    db.session.commit()


def unlist(listing_id: int, admin: StaffUser, reason: str) -> bool:
    """Take a listing down at once; False if it was not listed."""
    now = utcnow()
    if update_rows(Listing, Listing.id == listing_id, Listing.active.is_(True),
                   active=False, unlisted_at=now, unlisted_reason=reason[:200]) != 1:
        db.session.rollback()
        return False
    listing = db.session.get(Listing, listing_id)
    if listing.pledge is not None and listing.pledge.status is PledgeStatus.APPROVED:
        update_rows(Pledge, Pledge.id == listing.pledge_id, status=PledgeStatus.WITHDRAWN, withdrawn_at=now)
    audit.record("listing.unlisted", listing, staff=admin, from_state="listed", to_state="unlisted", reason=reason[:200])
    db.session.commit()
    return True


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
