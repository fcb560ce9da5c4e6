"""What the public may see of the registry: active listings, their public fields, and searching them.

This module is the one place that decides what is public. Everything the pages, the open data API
and the stats show comes from `public_snapshot()`: active listings only, and only the fields in
PUBLIC_FIELDS (never anything from a pledge, so never a contact's name or e-mail).
"""

import bisect
import math
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select

from .. import nations
from ..extensions import db
from ..pledges.models import Listing
from ..postcodes import IndexMissing, NotAPostcode, parse_postcode, postcode_index
from ..postcodes.grammar import POSTCODE_LIKE
from ..practices.codes import ODS_CODE
from ..practices.models import Practice
from .freshness import current_version
from .places import locate_place
from .regions import REGION_NAMES, region_name

PUBLIC_FIELDS = ("ods_code", "name", "address_lines", "postcode", "latitude", "longitude", "phone", "region",
                 "region_name", "nation", "listed_since", "last_confirmed")
EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
MAX_RADIUS_KM = 1000.0
# A change made in another process that the version query cannot see (an edited display name)
# shows after at most this long.
SNAPSHOT_MAX_AGE_SECONDS = 300
# ODS codes (A81001) are not postcodes; other text shaped roughly like one is taken as a mistyped postcode.


class SearchError(ValueError):
    """A filter value we cannot use; `parameter` names it, the message says what to do."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Origin:
    """Where "nearest" is measured from: a postcode, a district or a place."""

    label: str
    kind: str  # "postcode", "district" or "place"
    latitude: float
    longitude: float
    nation: str | None = None  # None for a district or place that crosses a border


@dataclass(frozen=True)
class Snapshot:
    """Every active listing's public fields, held per process and rebuilt when the listings change."""

    version: tuple
    items: tuple[dict, ...]        # sorted by name; each dict is the public item (dates as ISO strings)
    haystacks: tuple[str, ...]     # lower-case text that `q` matches, one per item
    by_latitude: tuple[int, ...]   # indexes of the items that have coordinates, in order of latitude
    latitudes: tuple[float, ...]   # those latitudes, for bisect
    radians: tuple[tuple[float, float] | None, ...]  # (lat, lon) in radians per item, None without coordinates
    demo: bool                     # True while any listed item is demo data
    nations: frozenset = frozenset()  # the nations with at least one listing (None: a listing with none known)
    cache: dict = field(default_factory=dict, compare=False)  # serialisations of this snapshot, built once

    def __len__(self) -> int:
        return len(self.items)


@dataclass(frozen=True)
class Results:
    items: list[dict]      # the page of public items asked for; with distance_km and miles when near
    total: int             # how many match, before limit and offset
    origin: Origin | None
    demo: bool
    version: tuple
    # Set instead of far-away items when the place searched from is in a nation with no listing: says what we cover.
    notice: str | None = None


# --- the snapshot ----------------------------------------------------------------------------------

_lock = threading.Lock()


def _version_query() -> tuple:
    listings = db.session.execute(select(
        func.count(Listing.id), func.sum(db.case((Listing.active, Listing.id), else_=0)), func.max(Listing.id),
        func.max(Listing.listed_since), func.max(Listing.last_confirmed), func.max(Listing.unlisted_at),
        func.max(Listing.updated_at),
    )).one()
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
    if current is not None and current.version == version and time.monotonic() - holder["built"] < SNAPSHOT_MAX_AGE_SECONDS:
        return current
    with _lock:
        current = holder.get("snapshot")
        if current is None or current.version != version or time.monotonic() - holder["built"] >= SNAPSHOT_MAX_AGE_SECONDS:
            current = holder["snapshot"] = _build_snapshot(version)
            holder["built"] = time.monotonic()
    return current


def _build_snapshot(version: tuple) -> Snapshot:
    rows = db.session.execute(
        select(Listing.display_name, Listing.display_phone, Listing.listed_since, Listing.last_confirmed,
               Listing.is_demo, Practice.ods_code, Practice.name, Practice.address_lines, Practice.postcode,
               Practice.phone, Practice.region_code, Practice.latitude, Practice.longitude,
               func.coalesce(Listing.nation, Practice.nation))
        .join(Practice, Listing.practice_id == Practice.id)
        .where(Listing.active.is_(True))
    ).all()
    items, demo = [], False
    for (display_name, display_phone, listed_since, last_confirmed, is_demo, ods_code, name, address_lines, postcode,
         phone, region, latitude, longitude, nation) in rows:  # unpacked: Row attribute access is slow at this scale
        # The same rule as Listing.name and Listing.phone: an admin's correction wins over the directory.
        items.append({
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
        })
        demo = demo or is_demo
    items.sort(key=lambda item: (item["name"].casefold(), item["ods_code"]))
    haystacks = tuple(" | ".join([item["name"], item["ods_code"], item["postcode"] or "",
                                  "".join((item["postcode"] or "").split()), *item["address_lines"]]).casefold()
                      for item in items)
    located = [i for i, item in enumerate(items) if item["latitude"] is not None and item["longitude"] is not None]
    located.sort(key=lambda i: items[i]["latitude"])
    radians = tuple((math.radians(item["latitude"]), math.radians(item["longitude"]))
                    if item["latitude"] is not None and item["longitude"] is not None else None for item in items)
    return Snapshot(version=version, items=tuple(items), haystacks=haystacks, by_latitude=tuple(located),
                    latitudes=tuple(items[i]["latitude"] for i in located), radians=radians, demo=demo,
                    nations=frozenset(item["nation"] for item in items))


def find_listing(ods_code: str) -> dict | None:
    """One listed practice's public item by ODS code, or None if it is not listed."""
    code = "".join(ods_code.split()).upper()[:10]
    snapshot = public_snapshot()
    return next((item for item in snapshot.items if item["ods_code"] == code), None)


# --- where "near" is -------------------------------------------------------------------------------

def _postcode_origin(text: str, parameter: str) -> Origin:
    try:
        location = postcode_index().lookup(text)
    except NotAPostcode as error:
        raise SearchError(parameter, str(error)) from None
    except IndexMissing:
        raise SearchError(parameter, "Searching by postcode is not available yet: the postcode index has not "
                                     "been built.") from None
    if location is None:
        raise SearchError(parameter, f"We could not find the postcode {text.strip()[:20]!r}. Check it and try again.")
    return Origin(location.postcode, location.precision, location.latitude, location.longitude, location.nation)


def looks_like_postcode(text: str) -> bool:
    """Whether text was meant as a postcode (even a mistyped one) rather than a name or a place."""
    compact = "".join(text.split()).upper()
    try:
        parse_postcode(compact)
        return True
    except NotAPostcode:
        pass
    return not ODS_CODE.fullmatch(compact) and bool(POSTCODE_LIKE.fullmatch(compact))


def locate(text: str, parameter: str = "near") -> Origin:
    """A postcode, a postcode district or a town (from the directory's addresses) as an Origin; SearchError if none."""
    text = text.strip()
    if looks_like_postcode(text):
        return _postcode_origin(text, parameter)
    place = locate_place(text)
    if place is None:
        raise SearchError(parameter, f"We could not find {text[:40]!r}. Enter a postcode (like SE1 7PB), "
                                     "a postcode district (like SE1) or a town.")
    return Origin(place.name, "place", place.latitude, place.longitude, place.nation)


def uncovered_notice(nation: str) -> str:
    """What the registry covers, for a visitor searching from a nation where no practice is listed."""
    covered = [nations.name(n) for n in nations.WITH_TOOLKIT]
    return (f"No Safe Surgeries are listed in {nations.name(nation)}. The registry covers practices in "
            f"{', '.join(covered[:-1])} and {covered[-1]}.")


# --- searching -------------------------------------------------------------------------------------

def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points given in radians."""
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _within(snapshot: Snapshot, allowed, origin: Origin, span: float | None) -> list[tuple[float, int]]:
    """(distance, index) of the allowed items within span km of origin (all located items when span is None).

    Looks only inside the latitude band found by bisect, and skips by longitude before the trigonometry.
    """
    lat0, lon0 = math.radians(origin.latitude), math.radians(origin.longitude)
    cos0 = math.cos(lat0)
    if span is None:
        lo, hi, dlon = 0, len(snapshot.latitudes), 360.0
    else:
        dlat = math.degrees(span / EARTH_RADIUS_KM)
        # A degree of longitude is shorter towards the poles: use the band's widest allowance.
        shrink = max(0.05, math.cos(math.radians(min(89.0, abs(origin.latitude) + dlat))))
        dlon = math.degrees(span / (EARTH_RADIUS_KM * shrink))
        lo = bisect.bisect_left(snapshot.latitudes, origin.latitude - dlat)
        hi = bisect.bisect_right(snapshot.latitudes, origin.latitude + dlat)
    items, radians, by_latitude = snapshot.items, snapshot.radians, snapshot.by_latitude
    found = []
    for j in range(lo, hi):
        i = by_latitude[j]
        if abs(items[i]["longitude"] - origin.longitude) > dlon or (allowed is not None and i not in allowed):
            continue
        lat1, lon1 = radians[i]
        a = math.sin((lat1 - lat0) / 2) ** 2 + cos0 * math.cos(lat1) * math.sin((lon1 - lon0) / 2) ** 2
        distance = 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))
        if span is None or distance <= span:
            found.append((distance, i))
    return found


def _nearest(snapshot: Snapshot, allowed, origin: Origin, radius_km: float | None,
             wanted: int | None) -> tuple[list[tuple[float, int]], int]:
    """(distance, index) pairs nearest first, and how many match in all.

    For the first `wanted`, a band around the origin is widened until it holds that many, so the
    nearest ten cost a few hundred distance sums rather than one per listing.
    """
    if radius_km is not None:
        found = _within(snapshot, allowed, origin, radius_km)
    elif wanted is None:
        found = _within(snapshot, allowed, origin, None)
    else:
        total = len(snapshot.by_latitude) if allowed is None else sum(1 for i in snapshot.by_latitude if i in allowed)
        span = 8.0
        while True:
            found = _within(snapshot, allowed, origin, span if span < 2000 else None)
            # Everything within span is found, so the nearest `wanted` are among them.
            if len(found) >= min(wanted, total) or span >= 2000:
                break
            span *= 4
        found.sort()
        return found, total
    found.sort()
    return found, len(found)


def search_listings(q: str | None = None, near: str | None = None, radius_km: float | None = None,
                    region: str | None = None, nation: str | None = None, limit: int | None = None, offset: int = 0,
                    snapshot: Snapshot | None = None) -> Results:
    """The public items matching the filters: nearest first when a place is given, else by name.

    q: words from a name, ODS code, postcode or address; a postcode or a town in q searches near it.
    near: a postcode, district or town to measure from. radius_km: only within this distance of it.
    region: an NHS England region code (Y56). nation: one of nations.ALL. SearchError names the parameter that
    is wrong. From a place in a nation with no listing (and no nation asked for), no items but a notice.
    """
    q = (q or "").strip() or None
    near = (near or "").strip() or None
    region = (region or "").strip().upper() or None
    nation = (nation or "").strip().lower() or None
    if q is not None and len(q) > 100:
        raise SearchError("q", "The search text must be 100 characters or fewer.")
    if near is not None and len(near) > 100:
        raise SearchError("near", "The place must be 100 characters or fewer.")
    if region is not None and region not in REGION_NAMES:
        raise SearchError("region", "Choose one of the NHS England regions: " + ", ".join(REGION_NAMES) + ".")
    if nation is not None and nation not in nations.ALL:
        raise SearchError("nation", "Choose one of the nations: " + ", ".join(nations.ALL) + ".")
    if radius_km is not None and not (0 < radius_km <= MAX_RADIUS_KM):
        raise SearchError("radius_km", f"The radius must be more than 0 and at most {MAX_RADIUS_KM:g} km.")

    origin = locate(near, "near") if near else None
    text = q
    if q is not None and origin is None:
        if looks_like_postcode(q):
            origin, text = _postcode_origin(q, "q"), None
        elif (place := locate_place(q)) is not None:
            origin, text = Origin(place.name, "place", place.latitude, place.longitude, place.nation), None
    if radius_km is not None and origin is None:
        raise SearchError("radius_km", "A radius needs a place to measure from: give near (a postcode or town).")

    snapshot = snapshot or public_snapshot()
    if (origin is not None and origin.nation and nation is None and origin.nation not in snapshot.nations
            and None not in snapshot.nations):
        # Practices in another nation follow other rules: nearest-first would send the visitor to one of those.
        # (A listing whose nation is unknown might be in the visitor's: then nearest-first, as before.)
        return Results(items=[], total=0, origin=origin, demo=snapshot.demo, version=snapshot.version,
                       notice=uncovered_notice(origin.nation))
    allowed = None
    if text is not None or region is not None or nation is not None:
        needle = text.casefold() if text else None
        allowed = {i for i, item in enumerate(snapshot.items)
                   if (region is None or item["region"] == region) and (nation is None or item["nation"] == nation)
                   and (needle is None or needle in snapshot.haystacks[i])}

    if origin is None:
        indexes = range(len(snapshot.items)) if allowed is None else sorted(allowed)
        total = len(indexes)
        end = None if limit is None else offset + limit
        page = [snapshot.items[i] for i in indexes[offset:end]]
    else:
        wanted = None if limit is None else offset + limit
        found, total = _nearest(snapshot, allowed, origin, radius_km, wanted)
        end = None if limit is None else offset + limit
        page = [dict(snapshot.items[i], distance_km=round(distance, 2), miles=round(distance / KM_PER_MILE, 2))
                for distance, i in found[offset:end]]
    return Results(items=page, total=total, origin=origin, demo=snapshot.demo, version=snapshot.version)


MAX_LIMIT = 10000


def parse_filters(args, with_limit: bool = False) -> dict:
    """The search filters from a query string, checked; SearchError names a bad one."""
    filters = {name: (args.get(name) or "").strip() or None for name in ("q", "near", "region", "nation")}
    radius = (args.get("radius_km") or "").strip()
    try:
        filters["radius_km"] = float(radius) if radius else None
    except ValueError:
        raise SearchError("radius_km", "The radius must be a number of kilometres, like 5 or 2.5.") from None
    if filters["radius_km"] is not None and not math.isfinite(filters["radius_km"]):
        raise SearchError("radius_km", "The radius must be a number of kilometres, like 5 or 2.5.")
    if with_limit:
        limit = (args.get("limit") or "").strip()
        if limit:
            if not limit.isdecimal() or not 1 <= int(limit) <= MAX_LIMIT:  # isdigit would pass "²", which int() refuses
                raise SearchError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
            filters["limit"] = int(limit)
    return filters
