"""The NHS practice directory, as imported from NHS England's epraccur file."""

import datetime as dt
import enum

from sqlalchemy import JSON, DateTime, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from .codes import GP_PRACTICE_SETTING


class PracticeStatus(enum.Enum):
    """ODS organisation status (epraccur field 13)."""

    ACTIVE = "A"
    CLOSED = "C"
    DORMANT = "D"
    PROPOSED = "P"


class Practice(db.Model):
    """One organisation in the ODS GP practice list, or one that staff added by hand."""

    __tablename__ = "practices"

    id: Mapped[int] = mapped_column(primary_key=True)
    ods_code: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address_lines: Mapped[list] = mapped_column(JSON, default=list)
    postcode: Mapped[str | None] = mapped_column(String(10), index=True)
    region_code: Mapped[str | None] = mapped_column(String(3), index=True)
    icb_code: Mapped[str | None] = mapped_column(String(3))
    # One of nations.ALL: from the national grouping (W00 is Wales) or else the postcode; None when unknown.
    nation: Mapped[str | None] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(30))
    status: Mapped[PracticeStatus] = mapped_column(
        Enum(
            PracticeStatus,
            name="practice_status",
            values_callable=lambda e: [m.value for m in e],
            native_enum=False,
            length=1,
        )
    )
    open_date: Mapped[dt.date | None]
    close_date: Mapped[dt.date | None]
    prescribing_setting: Mapped[int | None]
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # True for a practice staff added by hand; an import keeps it, and takes it over if the file lists its code.
    added_by_staff: Mapped[bool] = mapped_column(default=False)
    # A fictional practice made by `safesurgeries demo load`; never in the directory's search.
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    @property
    def is_open_gp_practice(self) -> bool:
        return self.status is PracticeStatus.ACTIVE and self.prescribing_setting == GP_PRACTICE_SETTING

    def public(self) -> dict:
        """The directory fields the practices API publishes."""
        return {
            "ods_code": self.ods_code,
            "name": self.name,
            "address_lines": list(self.address_lines),
            "postcode": self.postcode,
            "region": self.region_code,
            "nation": self.nation,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "phone": self.phone,
            "status": self.status.name.lower(),
        }
