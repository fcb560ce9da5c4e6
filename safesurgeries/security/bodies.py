"""What every request may carry: no NUL characters; and form bodies only for the HTML forms (the JSON API,
under /api/, parses its own bodies)."""

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

from ..api_requests import is_api_request

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}


def forms_take_form_bodies() -> None:
    """Flask-WTF would read a JSON body as form data, and a JSON list or number then breaks it: refuse any body
    that is not a web form plainly, before the CSRF check (which would call it an expired form)."""
    if (
        request.method in STATE_CHANGING
        and not is_api_request()
        and request.mimetype
        and request.mimetype not in FORM_TYPES
    ):
        abort(
            415,
            description="Send the form as a web form (application/x-www-form-urlencoded or "
            f"multipart/form-data), not JSON or other data (this was {request.mimetype[:100]}). "
            "The JSON API is under /api/v1/.",
        )


def no_nul_characters() -> None:
    """PostgreSQL cannot store or even compare text with a NUL in it (it raises), and no person types one."""
    fields = list(request.args.lists())
    if request.method in STATE_CHANGING and not is_api_request():
        fields += list(request.form.lists())
    values = [request.path, *(text for key, items in fields for text in (key, *items))]
    if any("\x00" in value for value in values):
        abort(400, description="The request contains a NUL character (\\x00), which no field may hold.")


class DatabaseIntegerConverter(IntegerConverter):
    """<int:...> in a URL matches only what a database integer column holds, so /staff/pledges/99999999999
    is a 404 like any other missing pledge, not an overflow inside the database driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Called by create_app before CSRFProtect is set up, so that these run before its check."""
    app.before_request(no_nul_characters)
    app.before_request(forms_take_form_bodies)
