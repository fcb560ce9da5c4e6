"""Turning text into a place to measure "nearest" from: a postcode, a postcode district or a town.

Postcodes and districts come from the postcode index. Towns and localities come from the practice
directory's own addresses (no gazetteer needed): a town is an address line shared by at least
MIN_PRACTICES practices with coordinates ("LEEDS", "HACKNEY") that lie close together, placed at their
average position. Lines such as "THE SURGERY" are shared by practices all over England, so a line whose
practices spread wider than MAX_SPREAD_KM is not a place. Good enough to sort by distance.
"""

import math
import threading
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..postcodes import IndexMissing, NotAPostcode, parse_postcode, postcode_index
from ..postcodes.grammar import POSTCODE_LIKE
from ..practices.codes import ODS_CODE
from ..practices.models import Practice
from .freshness import current_version

MIN_PRACTICES = 2
MAX_SPREAD_KM = 25.0  # root-mean-square distance from the centre; Greater London's is about 12
KM_PER_DEGREE = 111.2
_lock = threading.Lock()


class PlaceError(ValueError):
    """Text we cannot turn into a place; the message says what to do."""


class OutsideTheNations(Exception):
    """A postcode of the Isle of Man or the Channel Islands: not in the four nations, nor in the postcode index
    (the ONS directory gives them no grid reference), so there is no distance to measure; `territory` says which."""

    def __init__(self, label: str, territory: str):
        super().__init__(label)
        self.label, self.territory = label, territory


ISLE_OF_MAN, CHANNEL_ISLANDS = "isle-of-man", "channel-islands"
# Postcode areas outside the four nations: IM is the Isle of Man, GY Guernsey, JE Jersey.
_CROWN_DEPENDENCIES = {"IM": ISLE_OF_MAN, "GY": CHANNEL_ISLANDS, "JE": CHANNEL_ISLANDS}


@dataclass(frozen=True)
class Origin:
    """Where "nearest" is measured from: a postcode, a district or a town."""

    label: str
    latitude: float
    longitude: float
    nation: str | None = None  # None for a district or town that crosses a border


def looks_like_postcode(text: str) -> bool:
    """Whether text was meant as a postcode (even a mistyped one) rather than a name or a place.

    ODS codes (A81001) are not postcodes; other text shaped roughly like one is taken as a mistyped postcode.
    """
    compact = "".join(text.split()).upper()
    try:
        parse_postcode(compact)
        return True
    except NotAPostcode:
        pass
    return not ODS_CODE.fullmatch(compact) and bool(POSTCODE_LIKE.fullmatch(compact))


def _postcode(text: str) -> Origin:
    try:
        kind, name = parse_postcode(text)
    except NotAPostcode as error:
        raise PlaceError(str(error)) from None
    area = "".join(c for c in name[:2] if c.isalpha())  # "IM1 1AA" and "IM1" are in area IM
    if area in _CROWN_DEPENDENCIES:
        raise OutsideTheNations(name, _CROWN_DEPENDENCIES[area])
    try:
        location = postcode_index().lookup(text)
    except NotAPostcode as error:
        raise PlaceError(str(error)) from None
    except IndexMissing:
        raise PlaceError(
            _("Searching by postcode is not available yet: the postcode index has not been built.")
        ) from None
    if location is None:
        raise PlaceError(
            _("We could not find the postcode %(postcode)s. Check it and try again.", postcode=text.strip()[:20])
        )
    return Origin(location.postcode, location.latitude, location.longitude, location.nation)


# Cities the practice directory cannot place: Scotland's and Northern Ireland's practices are not in NHS England's
# list, and a few cities outside England are searched for by name more than any. Each is its central postcode
# district (in the postcode index); the crown dependencies' chief towns are here so they get the plain answer.
CITY_DISTRICTS = {
    "aberdeen": "AB10",
    "belfast": "BT1",
    "cardiff": "CF10",
    "derry": "BT48",
    "douglas": "IM1",
    "dundee": "DD1",
    "edinburgh": "EH1",
    "glasgow": "G1",
    "inverness": "IV1",
    "londonderry": "BT48",
    "st helier": "JE2",
    "st peter port": "GY1",
    "swansea": "SA1",
}


def find_place(text: str) -> Origin | None:
    """The postcode, district or town that text names; None if text is a town we do not know or not a place at all.

    PlaceError if text looks like a postcode but is not one we can find; OutsideTheNations for the Isle of Man's
    and the Channel Islands' postcodes.
    """
    text = text.strip()
    if looks_like_postcode(text):
        return _postcode(text)
    key = " ".join(text.split()).casefold()
    if key in CITY_DISTRICTS:
        try:
            district = _postcode(CITY_DISTRICTS[key])
        except OutsideTheNations as outside:
            raise OutsideTheNations(text.title(), outside.territory) from None
        return Origin(text.title(), district.latitude, district.longitude, district.nation)
    return _town(text)


def locate(text: str) -> Origin:
    """Like find_place, but PlaceError, saying what we understand, when text names no place we know."""
    origin = find_place(text)
    if origin is None:
        raise PlaceError(
            _(
                "We could not find %(place)s. Enter a postcode (like SE1 7PB), a postcode district (like SE1) "
                "or a town.",
                place=repr(text.strip()[:40]),
            )
        )
    return origin


# --- towns, from the directory's addresses -------------------------------------------------------------


def _towns_version_query() -> tuple:
    return tuple(
        str(v) for v in db.session.execute(select(func.count(Practice.id), func.max(Practice.updated_at))).one()
    )


def _build_towns() -> dict[str, Origin]:
    sums: dict[str, list] = {}
    rows = db.session.execute(
        select(Practice.address_lines, Practice.latitude, Practice.longitude, Practice.nation).where(
            Practice.latitude.is_not(None), Practice.longitude.is_not(None)
        )
    )
    for lines, latitude, longitude, nation in rows:
        for line in {" ".join(line.split()) for line in lines or () if not any(c.isdigit() for c in line)}:
            entry = sums.setdefault(line.casefold(), [0.0, 0.0, 0.0, 0.0, 0, line, set()])
            entry[0] += latitude
            entry[1] += longitude
            entry[2] += latitude * latitude
            entry[3] += longitude * longitude
            entry[4] += 1
            entry[6].add(nation)
    towns = {}
    for key, (lat, lon, lat2, lon2, n, name, town_nations) in sums.items():
        if n < MIN_PRACTICES:
            continue
        mean_lat, mean_lon = lat / n, lon / n
        spread = math.sqrt(
            max(0.0, lat2 / n - mean_lat**2) * KM_PER_DEGREE**2
            + max(0.0, lon2 / n - mean_lon**2) * (KM_PER_DEGREE * math.cos(math.radians(mean_lat))) ** 2
        )
        if spread <= MAX_SPREAD_KM:
            # The town's nation is the one all its practices are in; None if they are in more than one.
            towns[key] = Origin(
                name.title(), mean_lat, mean_lon, next(iter(town_nations)) if len(town_nations) == 1 else None
            )
    return towns


def _town(text: str) -> Origin | None:
    """The town whose name is text (any case and spacing), or None."""
    key = " ".join(text.split()).casefold()
    if not key:
        return None
    version = current_version(current_app.extensions.setdefault("registry_places_version", {}), _towns_version_query)
    holder = current_app.extensions.setdefault("registry_places", {})
    if holder.get("version") != version:
        with _lock:
            if holder.get("version") != version:
                holder["places"], holder["version"] = _build_towns(), version
    return holder["places"].get(key)
