"""The toolkit's JSON API: practice details in, a PDF out; the offered languages."""

from flask import Blueprint, jsonify, request

from . import builder, languages
from .details import DetailsError, NorthernIrelandError
from .render_workers import RETRY_AFTER_SECONDS, RenderWorkerLost
from .service import PostcodeIndexUnavailable, build_for_app, parse_for_app
from .views import pdf_response

api_bp = Blueprint("toolkit_api", __name__, url_prefix="/api/v1")


@api_bp.post("/toolkits")
def create_toolkit():
    data = request.get_json(silent=True)
    if data is None:
        return jsonify(error="Bad Request",
                       message="Send the practice details as a JSON object with Content-Type: application/json."), 400
    try:
        details = parse_for_app(data)
    except PostcodeIndexUnavailable as error:
        return jsonify(error="Service Unavailable", message=str(error)), 503
    except NorthernIrelandError as error:
        return jsonify(error="Unprocessable Entity", nation="northern-ireland",
                       message="There is no toolkit for practices in Northern Ireland: the rules there differ.",
                       errors=error.errors), 422
    except DetailsError as error:
        return jsonify(error="Unprocessable Entity", message="Some practice details are not right.",
                       errors=error.errors), 422
    try:
        pdf = build_for_app(details)
    except builder.MissingFontError as error:
        return jsonify(error="Service Unavailable", message=str(error)), 503
    except RenderWorkerLost as error:  # passing trouble: say when to try again
        return jsonify(error="Service Unavailable", message=str(error)), 503, {"Retry-After": RETRY_AFTER_SECONDS}
    response = pdf_response(pdf, builder.download_name(details))
    # Which nation's rules the toolkit states, and which of its translations no fluent speaker has checked.
    response.headers["Toolkit-Nation"] = details.nation
    response.headers["Toolkit-Unreviewed-Languages"] = ", ".join(
        lang.code for lang in builder.chosen_languages(details) if not lang.reviewed)
    return response


@api_bp.get("/languages")
def list_languages():
    return jsonify(languages=[lang.public() for lang in languages.catalogue().values()])
