"""What the web views, the API and the CLI share: the edition from config, one parse and one build call, the
PDF store, and the PDF's HTTP response.

A toolkit comes from the PDF store when the same details, edition, templates, fonts and WeasyPrint were made
before. Otherwise, with a job queue (SAFESURGERIES_QUEUE_URL), a worker makes it (jobs.py) and the request
waits a few seconds for it; without one (development, tests) the web process makes it itself.
"""

import threading
from dataclasses import dataclass

from flask import Flask, Response, current_app, request

from ..config import ConfigError
from ..postcodes import IndexMissing
from ..postcodes.service import nation_of, postcode_index
from . import builder, jobs, languages, overlay, pdf_cache
from .builder import Edition
from .details import PracticeDetails, parse_details
from .errors import PostcodeIndexUnavailable
from .pdf_cache import PdfCache, cache_key

# Renders in the web process itself (no queue) run one at a time: they are CPU-bound, and WeasyPrint's shared
# FontConfiguration is not documented as safe to use from several threads at once.
_in_process_render = threading.Lock()

SAMPLE = PracticeDetails(
    practice_name="Warm-up Surgery",
    ods_code="A00000",
    address_lines=("1 Warm-up Street",),
    postcode="SE1 7PB",
    nation="england",
    phone="020 7946 0000",
    languages=("en", "ar", "bn", "zh-Hans"),
)


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
    """The app's PDF store."""
    if app.config.get("QUEUE_URL") and app.config["PDF_CACHE_MAX_MB"] <= 0:
        raise ConfigError(
            "SAFESURGERIES_PDF_CACHE_MAX_MB is 0, but with a job queue (SAFESURGERIES_QUEUE_URL) the workers hand "
            "their PDFs to the web through the PDF store: give it room (the default is 512)."
        )
    app.extensions["toolkit_rendering"] = {
        "cache": PdfCache(app.config["PDF_CACHE_DIR"], app.config["PDF_CACHE_MAX_MB"] * 1024 * 1024)
    }


def pdf_store() -> PdfCache:
    return current_app.extensions["toolkit_rendering"]["cache"]


def warm_up_lookups() -> None:
    """What a web process works out once: the installed fonts and the store key's fingerprints."""
    languages.installed_font_families()
    pdf_cache.warm_up()


def warm_up(app: Flask) -> None:
    """Render a sample toolkit (loads the fonts, parses the stylesheets): a worker does this before its first job."""
    warm_up_lookups()
    try:
        make_toolkit(SAMPLE, edition_for(app))
    except Exception:  # a sample language's font missing, say: still make the toolkits that can be made
        app.logger.exception("Could not render the warm-up toolkit; `safesurgeries doctor` checks the fonts.")


def make_toolkit(details: PracticeDetails, edition: Edition) -> bytes:
    """Render a toolkit with the app's renderer (TOOLKIT_RENDERER): the overlay keeps its edition pages in the PDF
    store. Both check the fonts first (MissingFontError)."""
    if current_app.config["TOOLKIT_RENDERER"] == "overlay":
        return overlay.build_toolkit(details, edition, pdf_store())
    return builder.build_toolkit(details, edition)


def build_for_app(details: PracticeDetails) -> bytes:
    """Make a toolkit in this process with the running app's edition settings, from the store or rendered and
    stored (the CLI's `toolkit build`, and the web without a queue).

    Raises MissingFontError (builder.build_toolkit's font check, not repeated here: a stored PDF was made with the
    fonts).
    """
    store, key = pdf_store(), cache_key(details, current_edition())
    pdf = store.get(key)
    if pdf is not None:
        return pdf
    with _in_process_render:
        pdf = make_toolkit(details, current_edition())
    store.put(key, pdf)
    return pdf


@dataclass(frozen=True)
class Requested:
    """A toolkit asked for on the web or the API: its PDF if it is ready, else the job making it."""

    key: str
    download: jobs.Download
    pdf: bytes | None = None


def download_for(details: PracticeDetails) -> jobs.Download:
    return jobs.Download(
        filename=builder.download_name(details),
        nation=details.nation,
        unreviewed=", ".join(lang.code for lang in builder.chosen_languages(details) if not lang.reviewed),
    )


def request_toolkit(details: PracticeDetails) -> Requested:
    """The toolkit for a web or API request: from the store; made in this process without a queue; or queued,
    waited for up to TOOLKIT_WAIT_SECONDS, and handed back as its job when it takes longer.

    Raises MissingFontError, RenderFailed, QueueFull, TooManyWaiting or QueueUnavailable.
    """
    download = download_for(details)
    if not jobs.enabled(current_app):
        return Requested(cache_key(details, current_edition()), download, build_for_app(details))
    edition = current_edition()
    key = cache_key(details, edition)
    pdf = pdf_store().get(key)
    if pdf is not None:
        return Requested(key, download, pdf)
    builder.check_fonts(details)  # at once, rather than from a job that fails later
    job = jobs.enqueue(details, edition, key, request.remote_addr or "unknown", download)
    state = jobs.wait(job, current_app.config["TOOLKIT_WAIT_SECONDS"])
    if state == "failed":
        raise jobs.failure(job)
    return Requested(key, download, pdf_store().get(key) if state == "finished" else None)


def pdf_response(pdf: bytes, filename: str) -> Response:
    """A toolkit PDF as a download, for the HTML pages and the API alike."""
    return Response(
        pdf, mimetype="application/pdf", headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@dataclass(frozen=True)
class Status:
    """A queued toolkit's state, for its status URL: its PDF once finished."""

    progress: jobs.Progress
    download: jobs.Download
    pdf: bytes | None = None


def toolkit_status(key: str) -> Status | None:
    """Where the toolkit with this store key is; None when no job is making it (never was, or long ago).

    Raises RenderFailed when its job failed, QueueUnavailable when Redis cannot be reached.
    """
    if not pdf_cache.KEY.fullmatch(key) or not jobs.enabled(current_app):
        return None
    job = jobs.fetch(key)
    if job is None:
        return None
    progress = jobs.progress(job)
    if progress.state == "failed":
        raise jobs.failure(job)
    download = jobs.Download(**{name: job.meta[name] for name in ("filename", "nation", "unreviewed")})
    if progress.state != "finished":
        return Status(progress, download)
    pdf = pdf_store().get(key)
    return Status(progress, download, pdf) if pdf is not None else None
