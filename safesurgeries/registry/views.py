"""The registry's pages: the list (the map's accessible equal), one practice, the map, the embed, the stats."""

import datetime as dt

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from xstatic.pkg import leaflet, leaflet_markercluster

from .. import nations
from ..i18n import translated
from ..security import allow_framing
from . import stats as registry_stats
from .caching import PAGE_MAX_AGE, make_cacheable
from .not_listed import not_listed
from .regions import REGION_NAMES
from .search import (
    DEFAULT_RADIUS_MILES,
    RADIUS_CHOICES_MILES,
    Results,
    SearchError,
    parse_filters,
    search_listings,
)
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
    """'northern-ireland' as Northern Ireland (for the registry's, the pledge form's and staff pages), in the page's
    language (the nations' names are in the catalogs)."""
    return _(nations.name(nation))


@bp.app_template_filter("miles")
def miles_text(value: float) -> str:
    """7.2 as '7.2 miles', 1 as '1 mile': whole numbers without a decimal, others to one place."""
    rounded = round(value, 1)
    number = int(rounded) if rounded == int(rounded) else rounded
    if isinstance(number, int):
        return ngettext("%(num)s mile", "%(num)s miles", number)
    return _("%(num)s miles", num=number)  # a fraction is plural in English; ngettext wants a whole number


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


SEARCH_ARGS = ("q", "near", "radius_km", "radius_miles", "region", "nation")


def _typed() -> dict:
    return {name: request.args.get(name, "")[:100] for name in SEARCH_ARGS}


def radius_choices(results: Results | None) -> tuple[list[float], float]:
    """The radii the form offers (in miles) and the one selected: the one searched within, else the default."""
    choices = list(RADIUS_CHOICES_MILES)
    selected = DEFAULT_RADIUS_MILES
    if results is not None and results.radius_miles is not None:
        selected = round(results.radius_miles, 1)
        selected = int(selected) if selected == int(selected) else selected
        if selected not in choices:
            choices = sorted([*choices, selected])
    return choices, selected


def _widen_url(endpoint: str, results: Results | None) -> str | None:
    """The same search within a radius that takes in the nearest listing."""
    if results is None or results.nearest is None:
        return None
    args = {k: v for k, v in request.args.items() if v and k not in ("page", "radius_km", "radius_miles")}
    return url_for(endpoint, **args, radius_miles=results.wider_radius_miles())


@bp.after_request
def public_read(response: Response) -> Response:
    return make_cacheable(response, PAGE_MAX_AGE)


def _page_number() -> int:
    raw = request.args.get("page", "1").strip() or "1"
    if not raw.isdecimal() or not 1 <= int(raw) <= 100000:  # isdigit would pass "²", which int() refuses
        raise SearchError("page", _("The page number must be a whole number from 1."))
    return int(raw)


@bp.get("/surgeries")
@translated
def surgeries():
    """The list: search by postcode, place or name, filter by region; nearest first within a radius; works
    without JavaScript."""
    typed = _typed()
    try:
        page = _page_number()
        results = search_listings(
            **parse_filters(request.args), limit=PER_PAGE, offset=(page - 1) * PER_PAGE, radius_needs_place=False
        )
    except SearchError as error:
        return render_template(
            "registry/list.html", typed=typed, error=error, results=None, radii=radius_choices(None)
        ), 400
    pages = max(1, -(-results.total // PER_PAGE))
    if page > pages:
        abort(404)  # past the last page: there is no such page, not an empty one
    return render_template(
        "registry/list.html",
        typed=typed,
        error=None,
        results=results,
        page=page,
        pages=pages,
        first=(page - 1) * PER_PAGE + 1,
        page_url=_page_url,
        radii=radius_choices(results),
        widen_url=_widen_url("registry.surgeries", results),
    )


def _page_url(page: int) -> str:
    args = {k: v for k, v in request.args.items() if v and k != "page"}
    return url_for("registry.surgeries", **args, page=page)


@bp.get("/surgeries/<ods_code>")
@translated
def surgery(ods_code: str):
    item = find_listing(ods_code)
    if item is None:
        # A page, not a bare 404: a certificate's QR code can outlive its listing.
        return render_template("registry/not_listed.html", practice=not_listed(ods_code)), 404
    return render_template("registry/surgery.html", item=item)


def _map_settings(filters: dict, results: Results | None) -> dict:
    """What the map's script reads from data attributes: no inline script, so a strict CSP can hold."""
    wanted = ("region", "near", "radius_km", "radius_miles") if results is not None else ("region",)
    args = {k: v for k, v in filters.items() if v is not None and k in wanted}
    return {
        "geojson_url": url_for("registry_api.surgeries_geojson", **args),
        "tile_url": current_app.config["MAP_TILE_URL"],
        "attribution": current_app.config["MAP_TILE_ATTRIBUTION"],
        "centre": results.origin if results is not None else None,
        "radius_km": results.radius_km if results is not None else None,
        "date_locale": str(get_locale() or "en").replace("_", "-"),  # the popups' dates, in the page's language
        "demo": public_snapshot().demo,  # only then does the page carry the words that say so
    }


def _map_page(template: str):
    """The map: every listing, or (with near, a postcode or place) those within the radius, with the same honest
    answer as the list when there are none."""
    typed = _typed()
    # The map's one text box is near= (older links used it); q= from the list's form is taken as a place too.
    typed["near"] = (typed["near"] or typed["q"]).strip()
    try:
        filters = parse_filters(request.args)
        filters.update(q=None, nation=None, near=typed["near"] or None)
        if filters["region"] and filters["region"].upper() not in REGION_NAMES:
            raise SearchError("region", _("Choose one of the NHS England regions."))
        results = search_listings(**filters, limit=PER_PAGE, radius_needs_place=False) if filters["near"] else None
    except SearchError as error:
        return render_template(
            template,
            typed=typed,
            region=typed["region"],
            near=typed["near"],
            error=error,
            map=None,
            results=None,
            radii=radius_choices(None),
        ), 400
    return render_template(
        template,
        typed=typed,
        region=typed["region"].upper(),
        near=typed["near"],
        error=None,
        map=_map_settings(filters, results),
        results=results,
        radii=radius_choices(results),
        widen_url=_widen_url(request.endpoint, results),
    )


@bp.get("/map")
@translated
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
