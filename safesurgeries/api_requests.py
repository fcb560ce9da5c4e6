"""The JSON API's requests and answers: which requests are the API's, and its one shape of error."""

from flask import Response, jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

API_PREFIX = "/api/"  # every API blueprint's routes are under /api/v1/


def is_api_request() -> bool:
    """Whether this request is to the JSON API: JSON in and out, no cookies, no CSRF token, no HTML pages."""
    return request.path.startswith(API_PREFIX)


def json_problem(status: int, message: str, headers: dict | None = None, **fields) -> tuple[Response, int, dict]:
    """The API's error answer: {"error": <the status's name>, "message": <plain words>, ...fields}."""
    name = HTTP_STATUS_CODES.get(status, "Unknown Error")
    return jsonify(error=name, message=message, **fields), status, headers or {}
