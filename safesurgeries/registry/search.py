"""Searching the public snapshot: words, region and nation filters, nearest first from a place, a page at a time;
and those filters read from a query string (the pages and the open data API take the same ones)."""

import bisect
import math
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale, lazy_gettext
from flask_babel import gettext as _

from .. import nations
from .places import CHANNEL_ISLANDS, ISLE_OF_MAN, Origin, OutsideTheNations, PlaceError, find_place, locate
from .regions import REGION_NAMES
from .snapshot import Snapshot, public_snapshot

EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
MAX_RADIUS_KM = 1000.0
MAX_RADIUS_MILES = round(MAX_RADIUS_KM / KM_PER_MILE)  # 621
MAX_LIMIT = 10000
# A search from a place keeps to this radius unless asked for another: a list of practices 80 miles away
# answers nobody's question. Five miles is a bus ride in a town, and the pages offer wider ones.
DEFAULT_RADIUS_MILES = 5
DEFAULT_RADIUS_KM = DEFAULT_RADIUS_MILES * KM_PER_MILE
RADIUS_CHOICES_MILES = (1, 2, 5, 10, 25, 50)  # what the list and the map offer


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
    # Set instead of far-away items when the place searched from is in a nation with no listing, or outside the
    # four nations: says what the registry covers.
    notice: str | None = None
    # The radius searched within, when searching from a place (the default unless one was asked for).
    radius_km: float | None = None
    # Nothing within the radius: the nearest listing that matches the other filters, with its distance.
    nearest: dict | None = None
    # Where the rules for registering with a GP are told, for the nation searched from (FACTS.md's words).
    advice: str | None = None
    # The place searched from, as we understood it: origin.label, or a postcode outside the four nations.
    place: str | None = None

    @property
    def radius_miles(self) -> float | None:
        return None if self.radius_km is None else self.radius_km / KM_PER_MILE

    def wider_radius_miles(self) -> int | None:
        """The smallest radius (in whole miles) that takes in the nearest listing, for the "widen" link."""
        if self.nearest is None:
            return None
        miles = self.nearest["miles"]
        return next((r for r in RADIUS_CHOICES_MILES if r >= miles), min(MAX_RADIUS_MILES, math.ceil(miles)))


def locate_origin(text: str, parameter: str = "near") -> Origin:
    """The postcode, district or town text names; SearchError, naming the parameter, if there is none."""
    try:
        return locate(text)
    except PlaceError as error:
        raise SearchError(parameter, str(error)) from None


# Names translated for the pages; nations.NAMES stays the English the data and the CLI use.
PLACE_NAMES = {
    nations.ENGLAND: lazy_gettext("England"),
    nations.SCOTLAND: lazy_gettext("Scotland"),
    nations.WALES: lazy_gettext("Wales"),
    nations.NORTHERN_IRELAND: lazy_gettext("Northern Ireland"),
    ISLE_OF_MAN: lazy_gettext("the Isle of Man"),
    CHANNEL_ISLANDS: lazy_gettext("the Channel Islands"),
}

# What a patient can be told about registering with a GP, by nation: only what ../shared/FACTS.md supports,
# each nation's own rule (England's rules are never told to someone in another nation). None for the Isle of
# Man and the Channel Islands, where FACTS.md says nothing.
ADVICE = {
    nations.ENGLAND: lazy_gettext(
        "Not every GP practice has pledged yet, but the rules are the same at every GP practice in England: anyone "
        "can register, and you do not need proof of address, ID or immigration status to register."
    ),
    nations.SCOTLAND: lazy_gettext(
        "In Scotland, NHS inform says: “You shouldn't be delayed or refused registration at a GP practice if you "
        "can't provide identification or proof of address.”"
    ),
    nations.WALES: lazy_gettext(
        "In Wales, the Welsh Health Circular WHC/2025/025, “Overseas visitors' eligibility to receive free primary "
        "care”, sets out who can get GP care free of charge."
    ),
    nations.NORTHERN_IRELAND: lazy_gettext(
        "In Northern Ireland, registering with a GP practice works differently: you fill in form HSCR-1, and the "
        "Business Services Organisation (BSO) checks your entitlement and may check your immigration status with "
        "the Home Office."
    ),
}


def covered_places() -> str:
    """'England, Scotland and Wales', in the page's language."""
    locale = get_locale()
    # The site's English is British: no comma before "and" (CLDR's plain "en" has one).
    locale = "en_GB" if locale is None or str(locale) == "en" else locale
    return format_list([str(PLACE_NAMES[n]) for n in nations.WITH_TOOLKIT], locale=locale)


def uncovered_notice(place: str) -> str:
    """What the registry covers, for a visitor searching from a nation (or island) where no practice is listed."""
    if place in nations.WITH_TOOLKIT:
        return _(
            "No Safe Surgery in %(place)s is listed yet. The registry covers GP practices in %(covered)s.",
            place=PLACE_NAMES[place],
            covered=covered_places(),
        )
    return _(
        "The registry does not cover %(place)s: it lists GP practices in %(covered)s only.",
        place=PLACE_NAMES.get(place, place),
        covered=covered_places(),
    )


def advice_for(nation: str | None) -> str | None:
    return str(ADVICE[nation]) if nation in ADVICE else None


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
    radius_miles: float | None = None,
    region: str | None = None,
    nation: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    snapshot: Snapshot | None = None,
    radius_needs_place: bool = True,
) -> Results:
    """The public items matching the filters: nearest first when a place is given, else by name.

    q: words from a name, ODS code, postcode or address; a postcode or a town in q searches near it.
    near: a postcode, district or town to measure from. radius_km or radius_miles: only within this distance of it;
    from a place, DEFAULT_RADIUS_MILES unless one is given. Nothing within it: no items, and `nearest` says how far
    the nearest is (radius_needs_place=False: a radius without a place is ignored, as the pages' forms always
    send one). region: an NHS England region code (Y56). nation: one of nations.ALL. SearchError names the
    parameter that is wrong. From a place in a nation with no listing (and no nation asked for), no items but a notice.
    """
    q = (q or "").strip() or None
    near = (near or "").strip() or None
    region = (region or "").strip().upper() or None
    nation = (nation or "").strip().lower() or None
    if q is not None and len(q) > 100:
        raise SearchError("q", _("The search text must be 100 characters or fewer."))
    if near is not None and len(near) > 100:
        raise SearchError("near", _("The place must be 100 characters or fewer."))
    if region is not None and region not in REGION_NAMES:
        raise SearchError(
            "region", _("Choose one of the NHS England regions: %(codes)s.", codes=", ".join(REGION_NAMES))
        )
    if nation is not None and nation not in nations.ALL:
        raise SearchError("nation", _("Choose one of the nations: %(codes)s.", codes=", ".join(nations.ALL)))
    if radius_km is not None and radius_miles is not None:
        raise SearchError("radius_miles", _("Give the radius in miles or in kilometres, not both."))
    if radius_km is not None and not (0 < radius_km <= MAX_RADIUS_KM):
        raise SearchError(
            "radius_km", _("The radius must be more than 0 and at most %(km)s km.", km=int(MAX_RADIUS_KM))
        )
    if radius_miles is not None:
        if not (0 < radius_miles <= MAX_RADIUS_MILES):
            raise SearchError(
                "radius_miles", _("The radius must be more than 0 and at most %(miles)s miles.", miles=MAX_RADIUS_MILES)
            )
        radius_km = radius_miles * KM_PER_MILE

    snapshot = snapshot or public_snapshot()
    try:
        origin = locate_origin(near, "near") if near else None
        text = q
        if q is not None and origin is None:
            try:
                origin = find_place(q)  # a postcode or a town typed as the search searches near it
            except PlaceError as error:
                raise SearchError("q", str(error)) from None
            if origin is not None:
                text = None
    except OutsideTheNations as outside:
        # The Isle of Man or the Channel Islands: no practice there is listed, and none elsewhere is "near".
        return Results(
            items=[],
            total=0,
            origin=None,
            demo=snapshot.demo,
            notice=uncovered_notice(outside.territory),
            place=outside.label,
        )
    if radius_km is not None and origin is None and not radius_needs_place:
        radius_km = None
    if radius_km is not None and origin is None:
        parameter = "radius_miles" if radius_miles is not None else "radius_km"
        raise SearchError(parameter, _("A radius needs a place to measure from: give a postcode or a town."))
    if origin is not None and radius_km is None:
        radius_km = DEFAULT_RADIUS_KM

    if (
        origin is not None
        and origin.nation
        and nation is None
        and origin.nation not in snapshot.nations
        and None not in snapshot.nations
    ):
        # Practices in another nation follow other rules: nearest-first would send the visitor to one of those.
        # (A listing whose nation is unknown might be in the visitor's: then nearest-first, as before.)
        return Results(
            items=[],
            total=0,
            origin=origin,
            demo=snapshot.demo,
            notice=uncovered_notice(origin.nation),
            advice=advice_for(origin.nation),
            place=origin.label,
        )
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
        return Results(items=page, total=total, origin=None, demo=snapshot.demo)
    found, total = _nearest(snapshot, allowed, origin, radius_km, wanted=end)
    page = [_with_distance(snapshot.items[i], distance) for distance, i in found[offset:end]]
    nearest = None
    if total == 0:
        # Nothing within the radius: say how far the nearest is rather than list far-away practices.
        closest, _count = _nearest(snapshot, allowed, origin, None, wanted=1)
        nearest = _with_distance(snapshot.items[closest[0][1]], closest[0][0]) if closest else None
    return Results(
        items=page,
        total=total,
        origin=origin,
        demo=snapshot.demo,
        radius_km=radius_km,
        nearest=nearest,
        advice=advice_for(origin.nation) if total == 0 else None,
        place=origin.label,
    )


def _with_distance(item: dict, distance: float) -> dict:
    return dict(item, distance_km=round(distance, 2), miles=round(distance / KM_PER_MILE, 2))


def parse_filters(args, with_limit: bool = False) -> dict:
    """The search filters from a query string, checked; SearchError names a bad one."""
    filters = {name: (args.get(name) or "").strip() or None for name in ("q", "near", "region", "nation")}
    messages = {
        "radius_km": lazy_gettext("The radius must be a number of kilometres, like 5 or 2.5."),
        "radius_miles": lazy_gettext("The radius must be a number of miles, like 5 or 2.5."),
    }
    for name, message in messages.items():
        radius = (args.get(name) or "").strip()
        try:
            filters[name] = float(radius) if radius else None
        except ValueError:
            filters[name] = math.nan
        if filters[name] is not None and not math.isfinite(filters[name]):
            raise SearchError(name, str(message))
    if with_limit:
        limit = (args.get("limit") or "").strip()
        if limit:
            if not limit.isdecimal() or not 1 <= int(limit) <= MAX_LIMIT:  # isdigit would pass "²", which int() refuses
                raise SearchError("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
            filters["limit"] = int(limit)
    return filters
