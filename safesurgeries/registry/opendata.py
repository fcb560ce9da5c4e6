"""The registry as open data: JSON, GeoJSON and CSV of exactly what the list shows.

Unfiltered exports are serialised once per snapshot (the map asks for all of them on every visit);
filtered ones are small and made on each request.
"""

import csv
import hashlib
import io
import json

from .search import Results, search_listings
from .snapshot import PUBLIC_FIELDS, public_snapshot

CSV_FIELDS = (*PUBLIC_FIELDS, "distance_km", "miles", "demo")
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
    return {"notice": results.notice} if results.notice else {}


def as_json(results: Results) -> bytes:
    return _json_bytes({"surgeries": results.items, "count": len(results.items), "total": results.total,
                        "demo": results.demo, **_notice(results)})


def as_geojson(results: Results) -> bytes:
    features = [{
        "type": "Feature",
        # GeoJSON is longitude first; a listing without coordinates keeps its place in the list with no point.
        "geometry": ({"type": "Point", "coordinates": [item["longitude"], item["latitude"]]}
                     if item["latitude"] is not None and item["longitude"] is not None else None),
        "properties": item,
    } for item in results.items]
    return _json_bytes({"type": "FeatureCollection", "demo": results.demo, "count": len(features),
                        "features": features, **_notice(results)})


def as_csv(results: Results) -> bytes:
    """UTF-8 with a byte order mark and CRLF line ends, so that Excel opens it cleanly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_FIELDS)
    demo = "yes" if results.demo else "no"
    for item in results.items:
        row = {**item, "address_lines": "; ".join(item["address_lines"]), "demo": demo}
        writer.writerow([neutralise(row.get(name)) if row.get(name) is not None else "" for name in CSV_FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


SERIALISERS = {"json": as_json, "geojson": as_geojson, "csv": as_csv}


def etag_of(body: bytes) -> str:
    """A short fingerprint of the body for HTTP caching; SHA-1 is fine here, nothing relies on it for security."""
    return hashlib.sha1(body, usedforsecurity=False).hexdigest()


def export(fmt: str, filters: dict) -> tuple[bytes, str]:
    """(body, ETag) for one export of the listings matching filters; SearchError for a bad filter."""
    if not any(value is not None for value in filters.values()):
        # Unfiltered: serialise once per snapshot, so the map's request costs a version check.
        snapshot = public_snapshot()
        cached = snapshot.cache.get(fmt)
        if cached is None:
            body = SERIALISERS[fmt](search_listings(snapshot=snapshot))
            cached = snapshot.cache[fmt] = (body, etag_of(body))
        return cached
    body = SERIALISERS[fmt](search_listings(**filters))
    return body, etag_of(body)
