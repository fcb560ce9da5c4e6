"""`GET /api/v1/postcodes/<postcode>`: where a postcode or postcode district is."""

from flask import Blueprint, abort, jsonify

from .grammar import NotAPostcode
from .index import IndexMissing
from .service import postcode_index

api_bp = Blueprint("postcodes_api", __name__, url_prefix="/api/v1/postcodes")


@api_bp.get("/<path:postcode>")
def get_postcode(postcode: str):
    try:
        location = postcode_index().lookup(postcode)
    except NotAPostcode as error:
        abort(400, description=str(error))
    except IndexMissing as error:
        abort(503, description=str(error))
    if location is None:
        abort(404, description=f"{postcode[:20]!r} is shaped like a postcode but is not in the ONS Postcode Directory.")
    return jsonify(location.as_json())
