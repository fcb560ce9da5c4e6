"""What the public may see of the registry: every active listing's public fields, held per process.

This module is the one place that decides what is public. Everything the pages, the open data API and
the stats show comes from `public_snapshot()`: active listings only, and only the fields in
PUBLIC_FIELDS (never anything from a pledge, so never a contact's name or e-mail).
"""

import math
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..pledges.models import Listing
from ..practices.models import Practice
from .freshness import current_version
from .regions import region_name

PUBLIC_FIELDS = (
    "ods_code",
    "name",
    "address_lines",
    "postcode",
    "latitude",
    "longitude",
    "phone",
    "region",
    "region_name",
    "nation",
    "listed_since",
    "last_confirmed",
    "demo",  # True for an invented practice loaded by `safesurgeries demo load`, never for a real listing
)
# A change made in another process that the version query cannot see (an edited display name)
# shows after at most this long.
SNAPSHOT_MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class Snapshot:
    """Every active listing's public fields, held per process and rebuilt when the listings change.

    Besides the items it holds the indexes search uses, built once per snapshot rather than per request.
    """

    version: tuple
    items: tuple[
        dict, ...
    ]  # real listings, then demo ones, each sorted by name; each dict is the public item (dates as ISO strings)
    haystacks: tuple[str, ...]  # lower-case text that `q` matches, one per item
    by_latitude: tuple[int, ...]  # indexes of the items that have coordinates, in order of latitude
    latitudes: tuple[float, ...]  # those latitudes, for bisect
    radians: tuple[tuple[float, float] | None, ...]  # (lat, lon) in radians per item, None without coordinates
    demo_count: int  # how many of the items are demo data (each item says so in its own "demo")
    nations: frozenset = frozenset()  # the nations with at least one listing (None: a listing with none known)
    cache: dict = field(default_factory=dict, compare=False)  # serialisations of this snapshot, built once

    def __len__(self) -> int:
        return len(self.items)

    @property
    def demo(self) -> bool:
        """True while any listed item is demo data."""
        return self.demo_count > 0

    @property
    def real_count(self) -> int:
        return len(self.items) - self.demo_count


_lock = threading.Lock()


def _version_query() -> tuple:
    listings = db.session.execute(
        select(
            func.count(Listing.id),
            func.sum(db.case((Listing.active, Listing.id), else_=0)),
            func.max(Listing.id),
            func.max(Listing.listed_since),
            func.max(Listing.last_confirmed),
            func.max(Listing.unlisted_at),
            func.max(Listing.updated_at),
        )
    ).one()
    practices = db.session.execute(select(func.max(Practice.updated_at))).scalar()
    return (*(str(value) for value in listings), str(practices))


def registry_version() -> tuple:
    """A cheap fingerprint of the listings: it changes whenever what the public sees may have changed."""
    return current_version(current_app.extensions.setdefault("registry_version", {}), _version_query)


def public_snapshot() -> Snapshot:
    """The current snapshot, rebuilt only when registry_version() has changed (or it is old)."""
    version = registry_version()
    holder = current_app.extensions.setdefault("registry_snapshot", {})
    current = holder.get("snapshot")
    if (
        current is not None
        and current.version == version
        and time.monotonic() - holder["built"] < SNAPSHOT_MAX_AGE_SECONDS
    ):
        return current
    with _lock:
        current = holder.get("snapshot")
        if (
            current is None
            or current.version != version
            or time.monotonic() - holder["built"] >= SNAPSHOT_MAX_AGE_SECONDS
        ):
            current = holder["snapshot"] = _build_snapshot(version)
            holder["built"] = time.monotonic()
    return current


def _build_snapshot(version: tuple) -> Snapshot:
    rows = db.session.execute(
        select(
            Listing.display_name,
            Listing.display_phone,
            Listing.listed_since,
            Listing.last_confirmed,
            Listing.is_demo | Practice.is_demo,
            Practice.ods_code,
            Practice.name,
            Practice.address_lines,
            Practice.postcode,
            Practice.phone,
            Practice.region_code,
            Practice.latitude,
            Practice.longitude,
            func.coalesce(Listing.nation, Practice.nation),
        )
        .join(Practice, Listing.practice_id == Practice.id)
        .where(Listing.active.is_(True))
    ).all()
    items = []
    for (
        display_name,
        display_phone,
        listed_since,
        last_confirmed,
        is_demo,
        ods_code,
        name,
        address_lines,
        postcode,
        phone,
        region,
        latitude,
        longitude,
        nation,
    ) in rows:  # unpacked: Row attribute access is slow at this scale
        # The same rule as Listing.name and Listing.phone: an admin's correction wins over the directory.
        items.append(
            {
                "ods_code": ods_code,
                "name": display_name or name,
                "address_lines": list(address_lines or ()),
                "postcode": postcode,
                "latitude": latitude,
                "longitude": longitude,
                "phone": display_phone or phone,
                "region": region,
                "region_name": region_name(region),
                "nation": nation,
                "listed_since": listed_since.date().isoformat(),
                "last_confirmed": last_confirmed.date().isoformat(),
                "demo": bool(is_demo),
            }
        )
    # Real listings first, each part by name. Search keeps this order among listings at the same distance
    # (it sorts (distance, index) pairs), so a real practice is never ranked below demo ones at its own
    # postcode; demo practices sit at real practices' postcodes, so such ties are common.
    items.sort(key=lambda item: (item["demo"], item["name"].casefold(), item["ods_code"]))
    haystacks = tuple(
        " | ".join(
            [
                item["name"],
                item["ods_code"],
                item["postcode"] or "",
                "".join((item["postcode"] or "").split()),
                *item["address_lines"],
            ]
        ).casefold()
        for item in items
    )
    located = [i for i, item in enumerate(items) if item["latitude"] is not None and item["longitude"] is not None]
    located.sort(key=lambda i: items[i]["latitude"])
    radians = tuple(
        (math.radians(item["latitude"]), math.radians(item["longitude"]))
        if item["latitude"] is not None and item["longitude"] is not None
        else None
        for item in items
    )
    return Snapshot(
        version=version,
        items=tuple(items),
        haystacks=haystacks,
        by_latitude=tuple(located),
        latitudes=tuple(items[i]["latitude"] for i in located),
        radians=radians,
        demo_count=sum(item["demo"] for item in items),
        nations=frozenset(item["nation"] for item in items),
    )


def find_listing(ods_code: str) -> dict | None:
    """One listed practice's public item by ODS code, or None if it is not listed."""
    code = "".join(ods_code.split()).upper()[:10]
    snapshot = public_snapshot()
    return next((item for item in snapshot.items if item["ods_code"] == code), None)
