"""What the web views, the API and the CLI share: the edition from config, one parse and one build call, and
the PDF's HTTP response.

A toolkit comes from the PDF cache when the same details, edition, date, templates, fonts and WeasyPrint
were rendered before; otherwise it is rendered, in the warm render process when RENDER_PROCESS is on, and
then stored in the cache.
"""

import datetime as dt
import threading

from flask import Flask, Response, current_app

from ..postcodes import IndexMissing
from ..postcodes.service import nation_of, postcode_index
from . import languages, pdf_cache, render_workers
from .builder import Edition, build_toolkit
from .details import PracticeDetails, parse_details
from .errors import PostcodeIndexUnavailable
from .pdf_cache import PdfCache, cache_key
from .render_workers import RenderWorker

# Renders in the web process itself (RENDER_PROCESS off) run one at a time: they are CPU-bound, and
# WeasyPrint's shared FontConfiguration is not documented as safe to use from several threads at once.
_in_process_render = threading.Lock()


def nation_of_postcode(postcode: str) -> str | None:
    """The nation a postcode is in (postcodes.nation_of); a missing index is an error here, not an unknown nation,
    since the toolkit cannot state anyone's rules without it."""
    try:
        index = postcode_index()
    except IndexMissing as error:
        raise PostcodeIndexUnavailable(str(error)) from None
    return nation_of(postcode, index)


def parse_for_app(data) -> PracticeDetails:
    """The details contract with the offered languages and the postcode index: what every surface calls."""
    return parse_details(data, languages.catalogue(), nation_of=nation_of_postcode)


def edition_for(app: Flask) -> Edition:
    return Edition(app.config["TOOLKIT_EDITION"], app.config["CONTENT_REVIEWED"], app.config["PUBLIC_BASE_URL"])


def current_edition() -> Edition:
    return edition_for(current_app)


def init_rendering(app: Flask) -> None:
    """The app's PDF cache, and its render process or warm-up, as the settings ask."""
    state = {
        "cache": PdfCache(app.config["PDF_CACHE_DIR"], app.config["PDF_CACHE_MAX_MB"] * 1024 * 1024),
        "worker": None,
    }
    if app.config["RENDER_PROCESS"]:
        state["worker"] = RenderWorker(
            edition_for(app), warm=app.config["RENDER_WARM_UP"], timeout=app.config["RENDER_TIMEOUT"]
        )
    elif app.config["RENDER_WARM_UP"]:
        # Off the request path: a request that comes first waits for this one render at most.
        state["warm_up"] = threading.Thread(
            target=_warm_up_here, args=(edition_for(app),), name="toolkit-warm-up", daemon=True
        )
        state["warm_up"].start()
    app.extensions["toolkit_rendering"] = state


def _warm_up_lookups() -> None:
    """What the web process itself works out once: the installed fonts and the cache key's fingerprints."""
    languages.installed_font_families()
    pdf_cache.warm_up()


def _warm_up_here(edition: Edition) -> None:
    _warm_up_lookups()
    with _in_process_render:
        render_workers.warm_up(edition)


def wait_until_warm(app: Flask) -> None:
    """Block until the warm-up that the settings asked for is done (gunicorn: before the worker takes requests)."""
    state = app.extensions["toolkit_rendering"]
    if app.config["RENDER_WARM_UP"]:
        _warm_up_lookups()
    if state["worker"] is not None and app.config["RENDER_WARM_UP"]:
        state["worker"].wait_until_started()
    elif state.get("warm_up") is not None:
        state["warm_up"].join()


def build_for_app(details: PracticeDetails, today: dt.date | None = None) -> bytes:
    """Build a toolkit with the running app's edition settings: from the cache, or rendered and cached.

    Raises MissingFontError (builder.build_toolkit's font check, not repeated here: a cached PDF was made with the
    fonts), or RenderWorkerLost (or RenderTimedOut) if the render process died or hung.
    """
    state = current_app.extensions["toolkit_rendering"]
    edition, today = current_edition(), today or dt.date.today()
    cache, key = state["cache"], cache_key(details, edition, today)
    pdf = cache.get(key)
    if pdf is not None:
        return pdf
    if state["worker"] is not None:
        pdf = state["worker"].render(details, today)
    else:
        with _in_process_render:
            pdf = build_toolkit(details, edition, today)
    cache.put(key, pdf)
    return pdf


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A toolkit PDF as a download, for the HTML pages and the API alike."""
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )
