"""The toolkit's JSON API: practice details in, a PDF out; the offered languages."""

from flask import Blueprint, jsonify, request

from .. import nations
from ..api_requests import json_problem
from . import builder, languages
from .errors import DetailsError, NorthernIrelandError, ToolkitError
from .service import build_for_app, parse_for_app, pdf_response

api_bp = Blueprint("toolkit_api", __name__, url_prefix="/api/v1")


@api_bp.post("/toolkits")
def create_toolkit():
    data = request.get_json(silent=True)
    if data is None:
        return json_problem(400, "Send the practice details as a JSON object with Content-Type: application/json.")
    details = parse_for_app(data)
    response = pdf_response(build_for_app(details), builder.download_name(details))
    # Which nation's rules the toolkit states, and which of its translations no fluent speaker has checked.
    response.headers["Toolkit-Nation"] = details.nation
    response.headers["Toolkit-Unreviewed-Languages"] = ", ".join(
        lang.code for lang in builder.chosen_languages(details) if not lang.reviewed
    )
    return response


@api_bp.errorhandler(ToolkitError)
def toolkit_problem(error: ToolkitError):
    """Every toolkit error as the API's JSON problem: bad details a 422 naming each field; no postcode index, a
    missing font or a lost or slow render a 503 (with Retry-After for passing trouble)."""
    headers = {"Retry-After": error.retry_after} if error.retry_after else {}
    if isinstance(error, NorthernIrelandError):
        return json_problem(error.status, error.summary, headers, nation=nations.NORTHERN_IRELAND, errors=error.errors)
    if isinstance(error, DetailsError):
        return json_problem(error.status, error.summary, headers, errors=error.errors)
    return json_problem(error.status, str(error), headers)


@api_bp.get("/languages")
def list_languages():
    return jsonify(languages=[lang.public() for lang in languages.catalogue().values()])
