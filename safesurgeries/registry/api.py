"""The registry's open data API: the listings as JSON, GeoJSON and CSV, and the API's OpenAPI document."""

from flask import Blueprint, Response, jsonify, request

from .caching import API_MAX_AGE, make_cacheable
from .changes import parse_changed_since
from .listings import SearchError, parse_filters
from .opendata import export
from .openapi import openapi_document

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


@api_bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@api_bp.after_request
def public_read(response: Response) -> Response:
    """Open data: any site may read it (no cookies are involved), and caches may keep it."""
    if request.method in ("GET", "HEAD"):
        response.headers["Access-Control-Allow-Origin"] = "*"
    return make_cacheable(response, API_MAX_AGE)
