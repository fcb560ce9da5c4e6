"""Staff accounts: Argon2 password hashes, sign-in with a lock after repeated failures."""

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email

from .. import audit
from ..extensions import db
from ..clock import as_utc, utcnow
from .models import SignInThrottle, StaffRole, StaffUser

MAX_FAILURES = 5
LOCK_TIME = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()
# Verified when the e-mail has no account, so that a wrong address takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class AccountError(ValueError):
    """A staff account could not be created or changed; the message says why."""


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise AccountError(f"{email!r} is not an e-mail address: {error}") from None


def create_staff(email: str, password: str, role: StaffRole, created_by: StaffUser | None = None) -> StaffUser:
    email = normalise_email(email)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if db.session.scalar(db.select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise AccountError(f"There is already a staff account for {email}.")
    user = StaffUser(email=email, password_hash=_hasher.hash(password), role=role)
    db.session.add(user)
    db.session.flush()
    audit.record("staff.created", user, staff=created_by, actor=None if created_by else "system", role=role.value)
    db.session.commit()
    return user


def set_password(email: str, password: str) -> StaffUser:
    """A new password for an account (e.g. one restored from a backup without its hash); signs it out everywhere."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == normalise_email(email)))
    if user is None:
        raise AccountError(f"There is no staff account for {email}.")
    user.password_hash = _hasher.hash(password)
    user.session_version += 1
    audit.record("staff.password_set", user, actor="system")
    db.session.commit()
    return user


@dataclass(frozen=True)
class SignInResult:
    user: StaffUser | None = None
    locked_until: dt.datetime | None = None


def sign_in(email: str, password: str, now: dt.datetime | None = None) -> SignInResult:
    """Check the password; after MAX_FAILURES wrong tries for an address (with an account or not) lock it."""
    now = now or utcnow()
    key = email.strip().lower()[:254]
    throttle = db.session.get(SignInThrottle, key)
    if throttle is not None and throttle.locked_until is not None and as_utc(throttle.locked_until) > now:
        return SignInResult(locked_until=as_utc(throttle.locked_until))
    user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == key))
    if user is not None and user.active and _verify(user.password_hash, password):
        if throttle is not None:
            db.session.delete(throttle)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_sign_in_at = now
        audit.record("staff.signed_in", user, staff=user)
        db.session.commit()
        return SignInResult(user=user)
    if user is None:
        _verify(_DUMMY_HASH, password)
    if throttle is None:
        throttle = SignInThrottle(email=key, failures=0)
        db.session.add(throttle)
    throttle.failures += 1
    if throttle.failures >= MAX_FAILURES:
        throttle.failures = 0
        throttle.locked_until = now + LOCK_TIME
        if user is not None:
            audit.record("staff.locked", user, actor="system", minutes=int(LOCK_TIME.total_seconds() // 60))
    db.session.commit()
    return SignInResult(locked_until=as_utc(throttle.locked_until) if throttle.locked_until and
                        as_utc(throttle.locked_until) > now else None)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def load_user(user_id: str) -> StaffUser | None:
    """Flask-Login's loader: the session holds 'id:session_version', so bumping the version signs out."""
    staff_id, _, version = user_id.partition(":")
    if not (staff_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(StaffUser, int(staff_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user
