"""The toolkit's JSON API: practice details in, a PDF out (or, when it takes longer, a status URL); the languages."""

from flask import Blueprint, jsonify, request, url_for

from .. import nations
from ..api_requests import json_problem
from . import languages
from .errors import DetailsError, NorthernIrelandError, ToolkitError
from .jobs import Download, Progress
from .service import parse_for_app, pdf_response, request_toolkit, toolkit_status

api_bp = Blueprint("toolkit_api", __name__, url_prefix="/api/v1")

POLL_SECONDS = "2"  # what a 202 asks the client to wait before it asks again


def _toolkit_response(pdf: bytes, download: Download):
    response = pdf_response(pdf, download.filename)
    # Which nation's rules the toolkit states, and which of its translations no fluent speaker has checked.
    response.headers["Toolkit-Nation"] = download.nation
    response.headers["Toolkit-Unreviewed-Languages"] = download.unreviewed
    return response


def _accepted(key: str, progress: Progress):
    """202: the toolkit is being made; its status URL answers the PDF when it is done."""
    status_url = url_for("toolkit_api.toolkit_status_view", id=key, _external=True)
    body = {"status": progress.state, "status_url": status_url}
    if progress.ahead is not None:
        body["ahead"] = progress.ahead
    return jsonify(body), 202, {"Location": status_url, "Retry-After": POLL_SECONDS}


@api_bp.post("/toolkits")
def create_toolkit():
    data = request.get_json(silent=True)
    if data is None:
        return json_problem(400, "Send the practice details as a JSON object with Content-Type: application/json.")
    requested = request_toolkit(parse_for_app(data))
    if requested.pdf is None:
        return _accepted(requested.key, Progress("queued"))
    return _toolkit_response(requested.pdf, requested.download)


@api_bp.get("/toolkits/<id>")
def toolkit_status_view(id: str):  # the OpenAPI document's name for the path parameter
    key = id
    status = toolkit_status(key)
    if status is None:
        return json_problem(
            404,
            "No toolkit is being made under this address, or it was made too long ago: "
            "ask for it again with POST /api/v1/toolkits.",
        )
    if status.pdf is None:
        return _accepted(key, status.progress)
    return _toolkit_response(status.pdf, status.download)


@api_bp.errorhandler(ToolkitError)
def toolkit_problem(error: ToolkitError):
    """Every toolkit error as the API's JSON problem: bad details a 422 naming each field; too many toolkits
    waiting from this address a 429; no postcode index, a missing font, a failed render, a full or unreachable
    queue a 503 (with Retry-After for passing trouble)."""
    headers = {"Retry-After": error.retry_after} if error.retry_after else {}
    if isinstance(error, NorthernIrelandError):
        return json_problem(error.status, error.summary, headers, nation=nations.NORTHERN_IRELAND, errors=error.errors)
    if isinstance(error, DetailsError):
        return json_problem(error.status, error.summary, headers, errors=error.errors)
    return json_problem(error.status, str(error), headers)


@api_bp.get("/languages")
def list_languages():
    return jsonify(languages=[lang.public() for lang in languages.catalogue().values()])
