"""The registry's pages: the list (the map's accessible equal), one practice, the map, the embed, the stats."""

import datetime as dt

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for
from flask_babel import format_date
from xstatic.pkg import leaflet, leaflet_markercluster

from .. import nations
from ..security import allow_framing
from . import stats as registry_stats
from .caching import PAGE_MAX_AGE, make_cacheable
from .not_listed import not_listed
from .regions import REGION_NAMES
from .search import SearchError, locate_origin, parse_filters, search_listings
from .snapshot import find_listing, public_snapshot

bp = Blueprint("registry", __name__)

PER_PAGE = 20
# The map's scripts and styles, from the xstatic packages on PyPI, served by the app itself (no CDN).
ASSET_FOLDERS = {"leaflet": leaflet.BASE_DIR, "markercluster": leaflet_markercluster.BASE_DIR}
ASSET_MAX_AGE = 7 * 24 * 3600


@bp.app_template_filter("long_date")
def long_date(value: str) -> str:
    """2024-03-05 as 5 March 2024 (in the page's language)."""
    return format_date(dt.date.fromisoformat(value), "d MMMM y")


@bp.app_template_filter("nation_name")
def nation_name(nation: str | None) -> str:
    """'northern-ireland' as Northern Ireland (for the registry's, the pledge form's and staff pages)."""
    return nations.name(nation)


@bp.context_processor
def registry_context() -> dict:
    snapshot = public_snapshot()
    return {
        "region_names": REGION_NAMES,
        "nations_all": nations.ALL,
        # The demo banner shows while demo listings exist; it says real listings exist too, when they do.
        "registry_demo": snapshot.demo,
        "registry_real_count": snapshot.real_count,
    }


@bp.after_request
def public_read(response: Response) -> Response:
    return make_cacheable(response, PAGE_MAX_AGE)


def _page_number() -> int:
    raw = request.args.get("page", "1").strip() or "1"
    if not raw.isdecimal() or not 1 <= int(raw) <= 100000:  # isdigit would pass "²", which int() refuses
        raise SearchError("page", "The page number must be a whole number from 1.")
    return int(raw)


@bp.get("/surgeries")
def surgeries():
    """The list: search by postcode, place or name, filter by region; nearest first; works without JavaScript."""
    typed = {name: request.args.get(name, "")[:100] for name in ("q", "near", "radius_km", "region", "nation")}
    try:
        page = _page_number()
        results = search_listings(**parse_filters(request.args), limit=PER_PAGE, offset=(page - 1) * PER_PAGE)
    except SearchError as error:
        return render_template("registry/list.html", typed=typed, error=error, results=None), 400
    pages = max(1, -(-results.total // PER_PAGE))
    return render_template(
        "registry/list.html",
        typed=typed,
        error=None,
        results=results,
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        page_url=_page_url,
    )


def _page_url(page: int) -> str:
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return url_for("registry.surgeries", **args, page=page)


@bp.get("/surgeries/<ods_code>")
def surgery(ods_code: str):
    item = find_listing(ods_code)
    if item is None:
        # A page, not a bare 404: a certificate's QR code can outlive its listing.
        return render_template("registry/not_listed.html", practice=not_listed(ods_code)), 404
    return render_template("registry/surgery.html", item=item)


def _map_settings(region: str, near: str) -> dict:
    """What the map's script reads from data attributes: no inline script, so a strict CSP can hold."""
    if region and region not in REGION_NAMES:
        raise SearchError("region", "Choose one of the NHS England regions.")
    centre = locate_origin(near) if near else None
    args = {k: v for k, v in (("region", region), ("near", near)) if v}
    return {
        "geojson_url": url_for("registry_api.surgeries_geojson", **args),
        "tile_url": current_app.config["MAP_TILE_URL"],
        "attribution": current_app.config["MAP_TILE_ATTRIBUTION"],
        "centre": centre,
    }


def _map_page(template: str):
    region = request.args.get("region", "").strip().upper()[:3]
    near = request.args.get("near", "").strip()[:100]
    try:
        settings = _map_settings(region, near)
    except SearchError as error:
        return render_template(template, region=region, near=near, error=error, map=None), 400
    return render_template(template, region=region, near=near, error=None, map=settings)


@bp.get("/map")
def map_page():
    return _map_page("registry/map.html")


@bp.get("/embed/map")
@allow_framing
def embed_map():
    """The map with little around it, for other sites to frame (the one page that may be framed)."""
    return _map_page("registry/embed_map.html")


@bp.get("/embed")
def embed_help():
    return render_template("registry/embed.html")


@bp.get("/stats")
def stats_page():
    stats = registry_stats.registry_stats()
    return render_template(
        "registry/stats.html",
        stats=stats,
        chart=registry_stats.months_chart_svg(stats.months),
        month_label=registry_stats.month_label,
    )


@bp.get("/stats.csv")
def stats_csv():
    response = Response(
        registry_stats.stats_csv(registry_stats.registry_stats()), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = 'attachment; filename="safe-surgeries-stats.csv"'
    return response


@bp.get("/assets/<package>/<path:filename>")
def map_asset(package: str, filename: str):
    folder = ASSET_FOLDERS.get(package)
    if folder is None:
        abort(404)
    return send_from_directory(folder, filename, max_age=ASSET_MAX_AGE)
