"""Staff accounts and the sign-in throttle."""

import datetime as dt
import enum

from flask_login import UserMixin
from sqlalchemy import DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db


class StaffRole(enum.Enum):
    REVIEWER = "reviewer"  # approves and rejects pledges
    ADMIN = "admin"  # also edits and unlists listings, manages staff, reads the audit log


class StaffUser(UserMixin, db.Model):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(
        Enum(StaffRole, name="staff_role", values_callable=lambda e: [m.value for m in e], native_enum=False, length=20)
    )
    active: Mapped[bool] = mapped_column(default=True)
    # Changing it signs the account out everywhere (Flask-Login's session id is id:session_version).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_sign_in_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is StaffRole.ADMIN

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"


class SignInThrottle(db.Model):
    """Failed sign-ins for one e-mail address typed (whether or not an account has it, so the answer reveals
    nothing) from one client address: failures slow down only the place they come from, never the owner elsewhere."""

    __tablename__ = "sign_in_throttle"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    address: Mapped[str] = mapped_column(String(45), primary_key=True)  # the client's IP (IPv6: at most 45)
    failures: Mapped[int] = mapped_column(default=0)  # wrong passwords in a row from there
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    wait_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))  # no try from there before
