"""The registry's open data API: the listings as JSON, GeoJSON and CSV, as an Open Referral UK feed (oruk.py),
and the API's OpenAPI document."""

from flask import Blueprint, Response, abort, jsonify, request

from ..public_urls import external_url
from . import oruk
from .caching import API_MAX_AGE, make_cacheable
from .changes import parse_changed_since
from .openapi import openapi_document
from .opendata import export
from .search import SearchError, parse_filters

api_bp = Blueprint("registry_api", __name__, url_prefix="/api/v1")

MIMETYPES = {"json": "application/json", "geojson": "application/geo+json", "csv": "text/csv; charset=utf-8"}


@api_bp.errorhandler(SearchError)
def bad_filter(error: SearchError):
    return jsonify(error="Bad Request", parameter=error.parameter, message=f"{error.parameter}: {error.message}"), 400


def _export(fmt: str) -> Response:
    filters = parse_filters(request.args, with_limit=True)
    body, etag = export(fmt, filters, parse_changed_since(request.args.get("changed_since")))
    response = Response(body, content_type=MIMETYPES[fmt])
    response.set_etag(etag)
    if fmt == "csv":
        response.headers["Content-Disposition"] = 'attachment; filename="safe-surgeries.csv"'
    return response


@api_bp.get("/surgeries")
def surgeries_json():
    return _export("json")


@api_bp.get("/surgeries.geojson")
def surgeries_geojson():
    return _export("geojson")


@api_bp.get("/surgeries.csv")
def surgeries_csv():
    return _export("csv")


@api_bp.get("/oruk")
def oruk_about():
    """The Open Referral UK API's description of itself."""
    return jsonify(
        version=oruk.HSDS_VERSION, profile=oruk.PROFILE_URL, openapi_url=external_url("registry_api.openapi")
    )


@api_bp.get("/oruk/services")
def oruk_services():
    return jsonify(oruk.services_page(request.args))


@api_bp.get("/oruk/services/<record_id>")
def oruk_service(record_id: str):
    record = oruk.service(record_id)
    if record is None:
        abort(404, description="No listed Safe Surgery has this service id.")
    return jsonify(record)


@api_bp.get("/oruk/service_at_locations")
def oruk_service_at_locations():
    return jsonify(oruk.service_at_locations_page(request.args))


@api_bp.get("/oruk/service_at_locations/<record_id>")
def oruk_service_at_location(record_id: str):
    record = oruk.service_at_location(record_id)
    if record is None:
        abort(404, description="No listed Safe Surgery has this service_at_location id.")
    return jsonify(record)


@api_bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@api_bp.after_request
def public_read(response: Response) -> Response:
    """Open data: any site may read it (no cookies are involved), and caches may keep it."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return make_cacheable(response, API_MAX_AGE)
