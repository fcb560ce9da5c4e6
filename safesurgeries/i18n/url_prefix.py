"""A language in the address: /ar/surgeries is /surgeries in Arabic, so that a link shared with a friend opens in
their language."""

from collections.abc import Mapping

from flask import request

LANGUAGE_KEY = "safesurgeries.language"


class LanguagePrefix:
    """WSGI middleware: /ar/surgeries reaches the app as /surgeries, mounted at /ar.

    The language moves from PATH_INFO to SCRIPT_NAME, as if the site were mounted there, so every route is
    written once and every url_for() on the page keeps the visitor in their language. (Flask's own pattern, a
    <lang_code> converter on every blueprint, would register each route twice and change every url_for call.)
    """

    def __init__(self, wsgi_app, languages: Mapping):
        self.wsgi_app = wsgi_app
        self.codes = {code.lower(): code for code in languages}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        first, slash, rest = path[1:].partition("/")
        code = self.codes.get(first.lower())
        if path.startswith("/") and code:
            environ[LANGUAGE_KEY] = code
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "").rstrip("/") + "/" + first
            environ["PATH_INFO"] = "/" + rest
        return self.wsgi_app(environ, start_response)


def url_in(code: str) -> str:
    """This page's address in another language (same path and query)."""
    root = request.script_root
    if LANGUAGE_KEY in request.environ:
        root = root[: root.rindex("/")]
    query = request.query_string.decode("latin-1")
    return f"{root}/{code}{request.path}" + (f"?{query}" if query else "")
