"""Staff accounts: Argon2 password hashes, sign-in slowed down (never locked) after repeated failures."""

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import case, delete, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import audit
from ..clock import as_utc, utcnow
from ..extensions import db
from .models import SignInThrottle, StaffRole, StaffUser

# Throttled per e-mail address typed AND client address: an outsider's wrong passwords slow down the outsider,
# not the account's owner signing in from elsewhere (a lock per account let anyone keep it locked for ever).
FREE_FAILURES = 3  # wrong passwords in a row from one place before it is slowed
FIRST_WAIT = dt.timedelta(seconds=30)  # then 30 seconds, 1, 2, 4, 8 minutes... before the next try
LONGEST_WAIT = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(days=1)  # a day without a failure from there starts the count afresh
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
    wait_until: dt.datetime | None = None  # no try for this e-mail address from this client address before then
    wait: dt.timedelta | None = None  # how long that is from this try
    too_soon: bool = False  # refused without checking the password: the wait had not passed


def wait_after(failures: int) -> dt.timedelta | None:
    """How long one place waits after its failures-th wrong password in a row: none for the first few, then a
    doubling wait up to LONGEST_WAIT."""
    if failures <= FREE_FAILURES:
        return None
    return min(FIRST_WAIT * 2 ** min(failures - FREE_FAILURES - 1, 20), LONGEST_WAIT)


def sign_in(email: str, password: str, address: str | None, now: dt.datetime | None = None) -> SignInResult:
    """Check the password of the account with this e-mail address, for a client at address (its IP).

    Repeated failures for one e-mail address (with an account or not, so the answer reveals nothing) from one
    client address make that place wait longer and longer before its next try; other places are not affected.
    """
    now = now or utcnow()
    key, address = email.strip().lower()[:254], (address or "unknown")[:45]
    throttle = db.session.get(SignInThrottle, (key, address))
    if throttle is not None and throttle.wait_until is not None and as_utc(throttle.wait_until) > now:
        wait_until = as_utc(throttle.wait_until)
        return SignInResult(wait_until=wait_until, wait=wait_until - now, too_soon=True)
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
    wait_until = _count_failure(key, address, user, now)
    db.session.commit()
    return SignInResult(wait_until=wait_until, wait=wait_until - now if wait_until else None)


def _count_failure(key: str, address: str, user: StaffUser | None, now: dt.datetime) -> dt.datetime | None:
    """One more failure from this place, counted in the database itself, so that parallel guesses neither
    collide on the first row nor lose a count; the wait that follows, if any."""
    insert = (postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite).insert
    db.session.execute(
        insert(SignInThrottle)
        .values(email=key, address=address, failures=0, last_failure_at=now)
        .on_conflict_do_nothing()
    )
    db.session.execute(
        update(SignInThrottle)
        .where(SignInThrottle.email == key, SignInThrottle.address == address)
        .values(
            failures=case((SignInThrottle.last_failure_at < now - FORGET_AFTER, 1), else_=SignInThrottle.failures + 1),
            last_failure_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    throttle = db.session.get(SignInThrottle, (key, address), populate_existing=True)
    wait = wait_after(throttle.failures)
    throttle.wait_until = now + wait if wait else None
    if user is not None and throttle.failures == FREE_FAILURES + 1:  # once a streak, not at every failure
        audit.record(
            "staff.sign_in_slowed", user, actor="system", failures=throttle.failures, seconds=int(wait.total_seconds())
        )
    return throttle.wait_until


def slowed_sign_ins(now: dt.datetime | None = None) -> dict[str, int]:
    """For each e-mail address, how many client addresses are waiting before their next sign-in try."""
    now = now or utcnow()
    rows = db.session.execute(
        db.select(SignInThrottle.email, db.func.count())
        .where(SignInThrottle.wait_until > now)
        .group_by(SignInThrottle.email)
    ).all()
    return dict(rows)


def clear_sign_in_throttle(user: StaffUser, admin: StaffUser) -> int:
    """An admin lets every place try this account's password again at once; how many places were throttled."""
    cleared = db.session.execute(delete(SignInThrottle).where(SignInThrottle.email == user.email)).rowcount
    audit.record("staff.sign_in_throttle_cleared", user, staff=admin, places=cleared)
    db.session.commit()
    return cleared


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
