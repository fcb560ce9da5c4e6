"""The practice directory's JSON API: one practice, and search-as-you-type.

name and address_lines are as NHS England publishes them (capitals); written_name and written_address_lines are
the same cased as a person writes them, which the forms' search-as-you-type fills in.
"""

from flask import Blueprint, abort, jsonify, request

from .directory import find_practice, public_practice, search_practices

api_bp = Blueprint("practices_api", __name__, url_prefix="/api/v1/practices")


@api_bp.get("/<ods_code>")
def get_practice(ods_code: str):
    practice = find_practice(ods_code)
    if practice is None:
        abort(404, description=f"No practice with ODS code {ods_code[:20]!r} is in the directory.")
    return jsonify(public_practice(practice))


@api_bp.get("")
def search():
    query = request.args.get("q", "").strip()
    if len(query) > 100:
        abort(400, description="The search text must be 100 characters or fewer.")
    return jsonify(practices=[public_practice(practice) for practice in search_practices(query)])
