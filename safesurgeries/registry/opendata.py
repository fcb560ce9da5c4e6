"""The registry as open data: JSON, GeoJSON and CSV of exactly what the list shows.

Unfiltered exports are serialised once per snapshot (the map asks for all of them on every visit);
filtered ones are small and made on each request. With changed_since, only what changed since then, and
the listings removed since then as tombstones (changes.py).
"""

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json

from ..clock import utcnow
from .changes import changes_since
from .search import Results, search_listings
from .snapshot import PUBLIC_FIELDS, Snapshot, public_snapshot

# `demo` stays the last column, where it was before each row had its own (yes or no).
CSV_FIELDS = (*(name for name in PUBLIC_FIELDS if name != "demo"), "distance_km", "miles", "demo")
# With changed_since: whether each row is listed or was removed (then only its ODS code and when are filled in).
CHANGES_CSV_FIELDS = (*CSV_FIELDS, "status", "removed_at")
# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    """A text cell a spreadsheet would run as a formula, made inert by a leading quote; numbers are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _notice(results: Results) -> dict:
    """From a place: the radius searched; with nothing in it, how far the nearest listing is, or (from a nation
    or island with no listing) what the registry covers; and where the rules for registering there are told."""
    extra = {}
    if results.radius_km is not None:
        extra["radius_km"] = round(results.radius_km, 2)
        extra["radius_miles"] = round(results.radius_miles, 2)
    if results.nearest is not None:
        extra["nearest_km"] = results.nearest["distance_km"]
        extra["nearest_miles"] = results.nearest["miles"]
    if results.notice:
        extra["notice"] = results.notice
    if results.advice:
        extra["advice"] = results.advice
    return extra


def _demo(snapshot: Snapshot) -> dict:
    """The whole registry's demo flag and count, whatever the filters: each item has its own `demo` too.

    A mirror that sees `demo` turn false deletes the items it holds marked demo (changes.py)."""
    return {"demo": snapshot.demo, "demo_count": snapshot.demo_count}


@dataclasses.dataclass(frozen=True)
class Changes:
    since: dt.datetime
    as_of: dt.datetime  # taken before the query: the changed_since to ask with next time
    removed: list[dict]  # tombstones: {"ods_code", "removed_at"}


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _changes(changes: Changes | None) -> dict:
    if changes is None:
        return {}
    return {"changed_since": _iso(changes.since), "as_of": _iso(changes.as_of), "removed": changes.removed}


def as_json(results: Results, snapshot: Snapshot, changes: Changes | None = None) -> bytes:
    return _json_bytes(
        {
            "surgeries": results.items,
            "count": len(results.items),
            "total": results.total,
            **_demo(snapshot),
            **_notice(results),
            **_changes(changes),
        }
    )


def as_geojson(results: Results, snapshot: Snapshot, changes: Changes | None = None) -> bytes:
    features = [
        {
            "type": "Feature",
            # GeoJSON is longitude first; a listing without coordinates keeps its place in the list with no point.
            "geometry": (
                {"type": "Point", "coordinates": [item["longitude"], item["latitude"]]}
                if item["latitude"] is not None and item["longitude"] is not None
                else None
            ),
            "properties": item,
        }
        for item in results.items
    ]
    return _json_bytes(
        {
            "type": "FeatureCollection",
            **_demo(snapshot),
            "count": len(features),
            "features": features,
            **_notice(results),
            **_changes(changes),
        }
    )


def as_csv(results: Results, snapshot: Snapshot, changes: Changes | None = None) -> bytes:
    """UTF-8 with a byte order mark and CRLF line ends, so that Excel opens it cleanly; `demo` is each row's own."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    fields = CSV_FIELDS if changes is None else CHANGES_CSV_FIELDS
    writer.writerow(fields)
    rows = [
        {
            **item,
            "address_lines": "; ".join(item["address_lines"]),
            "demo": "yes" if item["demo"] else "no",
            "status": "listed",
        }
        for item in results.items
    ]
    if changes is not None:
        # A tombstone is always a real listing's: demo listings leave none (changes.py).
        rows += [{**tombstone, "demo": "no", "status": "removed"} for tombstone in changes.removed]
    for row in rows:
        writer.writerow([neutralise(row.get(name)) if row.get(name) is not None else "" for name in fields])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SERIALISERS = {"json": as_json, "geojson": as_geojson, "csv": as_csv}


def etag_of(body: bytes) -> str:
    """A short fingerprint of the body for HTTP caching; SHA-1 is fine here, nothing relies on it for security."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def export(fmt: str, filters: dict, changed_since: dt.datetime | None = None) -> tuple[bytes, str]:
    """(body, ETag) for one export of the listings matching filters; SearchError for a bad filter.

    With changed_since: only the matching listings changed at or after it, and every listing removed since
    then (whatever the filters: a tombstone has no place or name to filter on, and a mirror deletes the
    ones it holds).
    """
    # One snapshot for the items and the demo flag and count, so they always agree.
    snapshot = public_snapshot()
    if changed_since is not None:
        as_of = utcnow()
        limit = filters.get("limit")
        results = search_listings(**{**filters, "limit": None}, snapshot=snapshot)
        changed, removed = changes_since(changed_since)
        items = [item for item in results.items if item["ods_code"] in changed]
        results = dataclasses.replace(results, items=items[:limit], total=len(items))
        body = SERIALISERS[fmt](results, snapshot, Changes(changed_since, as_of, removed))
        return body, etag_of(body)
    if not any(value is not None for value in filters.values()):
        # Unfiltered: serialise once per snapshot, so the map's request costs a version check.
        cached = snapshot.cache.get(fmt)
        if cached is None:
            body = SERIALISERS[fmt](search_listings(snapshot=snapshot), snapshot)
            cached = snapshot.cache[fmt] = (body, etag_of(body))
        return cached
    body = SERIALISERS[fmt](search_listings(**filters, snapshot=snapshot), snapshot)
    return body, etag_of(body)
