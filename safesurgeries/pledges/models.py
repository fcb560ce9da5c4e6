"""Pledges (a practice's promise, from the form to a staff decision) and listings (what the public sees)."""

import datetime as dt
import enum

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..extensions import db
from ..practices.models import Practice


def _enum(cls, name: str):
    return Enum(cls, name=name, values_callable=lambda e: [m.value for m in e], native_enum=False, length=30)


class PledgeStatus(enum.Enum):
    UNCONFIRMED = "unconfirmed"  # stored; the e-mail's confirmation link not yet used
    WAITING = "waiting"  # confirmed by the contact; in the staff queue
    APPROVED = "approved"  # checked by staff; the practice is listed
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the practice withdrew it (before or after approval)
    EXPIRED = "expired"  # listed, but not re-confirmed within 30 days of the yearly reminder


class RejectionReason(enum.Enum):
    NOT_A_GP_PRACTICE = "not-a-gp-practice"
    DUPLICATE = "duplicate"
    UNVERIFIED_SENDER = "unverified-sender"
    PRINCIPLES_NOT_ACCEPTED = "principles-not-accepted"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REJECTION_LABELS[self]


REJECTION_LABELS = {
    RejectionReason.NOT_A_GP_PRACTICE: "Not a GP practice",
    RejectionReason.DUPLICATE: "Duplicate of another pledge or listing",
    RejectionReason.UNVERIFIED_SENDER: "We could not verify that the sender speaks for the practice",
    RejectionReason.PRINCIPLES_NOT_ACCEPTED: "Not all the Safe Surgery principles were accepted",
    RejectionReason.OTHER: "Other",
}


class Pledge(db.Model):
    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The directory entry the pledge was made for; None when the practice was typed in by hand.
    practice_id: Mapped[int | None] = mapped_column(ForeignKey("practices.id"), index=True)
    ods_code: Mapped[str | None] = mapped_column(String(10), index=True)
    practice_name: Mapped[str] = mapped_column(String(200))
    address_lines: Mapped[list] = mapped_column(JSON, default=list)
    postcode: Mapped[str] = mapped_column(String(10))
    # One of nations.ALL (never Northern Ireland: pledging refuses it), from the directory practice or the postcode.
    nation: Mapped[str | None] = mapped_column(String(16))
    # Personal data: set to None by `retention run` when the pledge no longer needs it.
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_role: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    principles: Mapped[list] = mapped_column(JSON, default=list)
    consent_public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[PledgeStatus] = mapped_column(
        _enum(PledgeStatus, "pledge_status"), index=True, default=PledgeStatus.UNCONFIRMED
    )
    # Every signed link carries this; changing it voids the links already sent (single use).
    link_nonce: Mapped[str] = mapped_column(String(32))
    confirmation_sent_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    rejection_reason: Mapped[RejectionReason | None] = mapped_column(_enum(RejectionReason, "rejection_reason"))
    rejection_note: Mapped[str | None] = mapped_column(Text)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    personal_data_removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    practice: Mapped[Practice | None] = relationship()
    decided_by = relationship("StaffUser")
    listing: Mapped["Listing | None"] = relationship(back_populates="pledge")

    @property
    def entered_by_hand(self) -> bool:
        return self.practice_id is None


class Listing(db.Model):
    """A practice on the public registry. One active listing per practice, enforced by a partial unique index."""

    __tablename__ = "listings"
    __table_args__ = (
        Index(
            "uq_listings_active_practice",
            "practice_id",
            unique=True,
            sqlite_where=db.text("active"),
            postgresql_where=db.text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(ForeignKey("practices.id"))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), unique=True)  # None for demo listings
    active: Mapped[bool] = mapped_column(default=True, index=True)
    listed_since: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_confirmed: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reconfirm_requested_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    unlisted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    unlisted_reason: Mapped[str | None] = mapped_column(String(200))
    # Set by an admin to correct what the public sees without waiting for the next directory import.
    display_name: Mapped[str | None] = mapped_column(String(200))
    display_phone: Mapped[str | None] = mapped_column(String(30))
    is_demo: Mapped[bool] = mapped_column(default=False)
    # The nation the practice pledged in (its pledge's); public, in the open data and the stats.
    nation: Mapped[str | None] = mapped_column(String(16))
    # Changes with every ORM or Core update, so the registry's version check sees any edit (freshness.py).
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    practice: Mapped[Practice] = relationship()
    pledge: Mapped[Pledge | None] = relationship(back_populates="listing")

    @property
    def name(self) -> str:
        return self.display_name or self.practice.name

    @property
    def phone(self) -> str | None:
        return self.display_phone or self.practice.phone
