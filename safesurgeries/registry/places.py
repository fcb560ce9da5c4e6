"""Towns and localities, found from the practice directory's own addresses (no gazetteer needed).

A place is an address line shared by at least MIN_PRACTICES practices with coordinates ("LEEDS",
"HACKNEY") that lie close together; it is placed at their average position. Lines such as "THE SURGERY"
are shared by practices all over England, so a line whose practices spread wider than MAX_SPREAD_KM
is not a place. Good enough to sort by distance.
"""

import math
import threading
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..practices.models import Practice
from .freshness import current_version

MIN_PRACTICES = 2
MAX_SPREAD_KM = 25.0  # root-mean-square distance from the centre; Greater London's is about 12
KM_PER_DEGREE = 111.2
_lock = threading.Lock()


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    practices: int
    nation: str | None = None  # the nation all its practices are in; None if they are in more than one


def _version_query() -> tuple:
    return tuple(str(v) for v in db.session.execute(select(func.count(Practice.id), func.max(Practice.updated_at))).one())


def _build() -> dict[str, Place]:
    sums: dict[str, list] = {}
    rows = db.session.execute(select(Practice.address_lines, Practice.latitude, Practice.longitude, Practice.nation)
                              .where(Practice.latitude.is_not(None), Practice.longitude.is_not(None)))
    for lines, latitude, longitude, nation in rows:
        for line in {" ".join(line.split()) for line in lines or () if not any(c.isdigit() for c in line)}:
            entry = sums.setdefault(line.casefold(), [0.0, 0.0, 0.0, 0.0, 0, line, set()])
            entry[0] += latitude
            entry[1] += longitude
            entry[2] += latitude * latitude
            entry[3] += longitude * longitude
            entry[4] += 1
            entry[6].add(nation)
    places = {}
    for key, (lat, lon, lat2, lon2, n, name, place_nations) in sums.items():
        if n < MIN_PRACTICES:
            continue
        mean_lat, mean_lon = lat / n, lon / n
        spread = math.sqrt(max(0.0, lat2 / n - mean_lat ** 2) * KM_PER_DEGREE ** 2
                           + max(0.0, lon2 / n - mean_lon ** 2) * (KM_PER_DEGREE * math.cos(math.radians(mean_lat))) ** 2)
        if spread <= MAX_SPREAD_KM:
            places[key] = Place(name.title(), mean_lat, mean_lon, n,
                                next(iter(place_nations)) if len(place_nations) == 1 else None)
    return places


def locate_place(text: str) -> Place | None:
    """The place whose name is text (any case and spacing), or None."""
    key = " ".join(text.split()).casefold()
    if not key:
        return None
    version = current_version(current_app.extensions.setdefault("registry_places_version", {}), _version_query)
    holder = current_app.extensions.setdefault("registry_places", {})
    if holder.get("version") != version:
        with _lock:
            if holder.get("version") != version:
                holder["places"], holder["version"] = _build(), version
    return holder["places"].get(key)
