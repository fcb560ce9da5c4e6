"""Searching the public snapshot: words, region and nation filters, nearest first from a place, a page at a time;
and those filters read from a query string (the pages and the open data API take the same ones)."""

import bisect
import math
from dataclasses import dataclass

from .. import nations
from .places import Origin, PlaceError, find_place, locate
from .regions import REGION_NAMES
from .snapshot import Snapshot, public_snapshot

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
MAX_RADIUS_KM = 1000.0
MAX_LIMIT = 10000


class SearchError(ValueError):
    """A filter value we cannot use; `parameter` names it, the message says what to do."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


@dataclass(frozen=True)
class Results:
    items: list[dict]  # the page of public items asked for; with distance_km and miles when near
    total: int  # how many match, before limit and offset
    origin: Origin | None
    demo: bool
    # Set instead of far-away items when the place searched from is in a nation with no listing: says what we cover.
    notice: str | None = None


def locate_origin(text: str, parameter: str = "near") -> Origin:
    """The postcode, district or town text names; SearchError, naming the parameter, if there is none."""
    try:
        return locate(text)
    except PlaceError as error:
        raise SearchError(parameter, str(error)) from None


def uncovered_notice(nation: str) -> str:
    """What the registry covers, for a visitor searching from a nation where no practice is listed."""
    covered = [nations.name(n) for n in nations.WITH_TOOLKIT]
    return (
        f"No Safe Surgeries are listed in {nations.name(nation)}. The registry covers practices in "
        f"{', '.join(covered[:-1])} and {covered[-1]}."
    )


# --- nearest first ---------------------------------------------------------------------------------


def _within(snapshot: Snapshot, allowed, origin: Origin, span: float | None) -> list[tuple[float, int]]:
    """(distance, index) of the allowed items within span km of origin (all located items when span is None).

    Looks only inside the latitude band found by bisect, and skips by longitude before the trigonometry.
    The distance is the haversine great-circle distance on a sphere of the mean Earth radius.
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


def _nearest(
    snapshot: Snapshot, allowed, origin: Origin, radius_km: float | None, wanted: int | None
) -> tuple[list[tuple[float, int]], int]:
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


# --- searching -------------------------------------------------------------------------------------


def search_listings(
    q: str | None = None,
    near: str | None = None,
    radius_km: float | None = None,
    region: str | None = None,
    nation: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    snapshot: Snapshot | None = None,
) -> Results:
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

    origin = locate_origin(near, "near") if near else None
    text = q
    if q is not None and origin is None:
        try:
            origin = find_place(q)  # a postcode or a town typed as the search searches near it
        except PlaceError as error:
            raise SearchError("q", str(error)) from None
        if origin is not None:
            text = None
    if radius_km is not None and origin is None:
        raise SearchError("radius_km", "A radius needs a place to measure from: give near (a postcode or town).")

    snapshot = snapshot or public_snapshot()
    if (
        origin is not None
        and origin.nation
        and nation is None
        and origin.nation not in snapshot.nations
        and None not in snapshot.nations
    ):
        # Practices in another nation follow other rules: nearest-first would send the visitor to one of those.
        # (A listing whose nation is unknown might be in the visitor's: then nearest-first, as before.)
        return Results(items=[], total=0, origin=origin, demo=snapshot.demo, notice=uncovered_notice(origin.nation))
    allowed = None
    if text is not None or region is not None or nation is not None:
        needle = text.casefold() if text else None
        allowed = {
            i
            for i, item in enumerate(snapshot.items)
            if (region is None or item["region"] == region)
            and (nation is None or item["nation"] == nation)
            and (needle is None or needle in snapshot.haystacks[i])
        }

    end = None if limit is None else offset + limit
    if origin is None:
        indexes = range(len(snapshot.items)) if allowed is None else sorted(allowed)
        total = len(indexes)
        page = [snapshot.items[i] for i in indexes[offset:end]]
    else:
        found, total = _nearest(snapshot, allowed, origin, radius_km, wanted=end)
        page = [
            dict(snapshot.items[i], distance_km=round(distance, 2), miles=round(distance / KM_PER_MILE, 2))
            for distance, i in found[offset:end]
        ]
    return Results(items=page, total=total, origin=origin, demo=snapshot.demo)


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
