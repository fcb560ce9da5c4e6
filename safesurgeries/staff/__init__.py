"""Staff accounts, sign-in, and the moderation of pledges."""

from .models import SignInThrottle, StaffRole, StaffUser

__all__ = ["SignInThrottle", "StaffRole", "StaffUser"]
