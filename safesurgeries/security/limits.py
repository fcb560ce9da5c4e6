"""Rate limits (Flask-Limiter) on the routes worth abusing: pledging, the e-mailed links, sign-in, the toolkit.

Counts live in memory by default (one process), or in Redis when SAFESURGERIES_REDIS_URL is set, so that
every worker and server shares them. Each app gets its own Limiter: the extension keeps its storage and
key prefix on the instance, so a module-level one would mix up apps created in one process.
"""

import math
import time

from flask import Flask, current_app, jsonify, render_template, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

from ..api_requests import is_api_request

# endpoint -> (setting holding its limit, methods limited, a scope shared by endpoints that count together)
LIMITED_ROUTES = {
    "pledges.submit": ("LIMIT_PLEDGE_SUBMIT", ["POST"], "pledge-submit"),
    "pledges.link": ("LIMIT_PLEDGE_LINKS", ["GET", "POST"], "pledge-links"),
    "pledges.link_post": ("LIMIT_PLEDGE_LINKS", ["GET", "POST"], "pledge-links"),
    "pledges.resend": ("LIMIT_PLEDGE_LINKS", ["GET", "POST"], "pledge-links"),
    "staff.login": ("LIMIT_STAFF_SIGN_IN", ["POST"], "staff-sign-in"),
    "toolkit_api.create_toolkit": ("LIMIT_TOOLKIT_API", ["POST"], "toolkit-api"),
    # The form's download renders the same PDF, as costly as the API's.
    "toolkit.download": ("LIMIT_TOOLKIT_DOWNLOAD", ["POST"], "toolkit-download"),
    # The preview lays out every chosen language's pages as HTML: cheaper than a PDF, not free.
    "toolkit.preview": ("LIMIT_TOOLKIT_PREVIEW", ["POST"], "toolkit-preview"),
}
PER_ADDRESS_MESSAGE = "Too many requests from your address in a short time. Try again in {wait}."
# Counted per recipient, not per sender: the pledge form e-mails text its sender chose to the address typed.
PER_RECIPIENT_MESSAGE = (
    "Too many pledges have been made with this contact e-mail address recently, so we are not "
    "sending it another confirmation e-mail yet (this stops the form being used to fill "
    "someone's inbox). Nothing was saved. Try again in {wait}, or use another work e-mail "
    "address."
)


def _limit_from(setting: str):
    return lambda: current_app.config[setting]


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "safesurgeries")
    # Retry-After is set by too_many_requests below, the same number as its message says.
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # If Redis goes away, count in this process's memory until it is back, rather than fail the request.
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    limiter = Limiter(get_remote_address, app=app)
    for endpoint, (setting, methods, scope) in LIMITED_ROUTES.items():
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.shared_limit(_limit_from(setting), scope=scope, methods=methods)(view)
    # Checked before the pledge is stored; counted only once it was (a 303), so a form with mistakes costs nothing.
    app.view_functions["pledges.submit"] = limiter.limit(
        _limit_from("LIMIT_PLEDGE_RECIPIENT"),
        key_func=pledge_recipient,
        scope="pledge-recipient",
        methods=["POST"],
        deduct_when=lambda response: response.status_code == 303,
        error_message=PER_RECIPIENT_MESSAGE,
    )(app.view_functions["pledges.submit"])
    app.extensions["safesurgeries_limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, too_many_requests)


def pledge_recipient() -> str:
    """The pledge's contact e-mail address as one inbox: case, spaces and a +tag (name+1@ and name+2@ reach the
    same inbox at most providers) make no new address. Empty (no limit applies) when none was typed."""
    address = request.form.get("contact_email", "").strip().lower()[:254]
    local, at, domain = address.rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if at else address


def retry_after_seconds() -> int:
    limiter = current_app.extensions["safesurgeries_limiter"]
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.reset_at - time.time()))


def too_many_requests(error: RateLimitExceeded):
    """429 with Retry-After and a message that says when to try again: JSON for the API, a page for forms."""
    seconds = retry_after_seconds()
    if seconds < 120:
        wait = f"{seconds} seconds"
    elif seconds < 120 * 60:
        wait = f"{math.ceil(seconds / 60)} minutes"
    else:
        wait = f"about {round(seconds / 3600)} hours"
    message = (error.limit.error_message or PER_ADDRESS_MESSAGE).format(wait=wait)
    if is_api_request():
        response = jsonify(error="Too Many Requests", message=message, retry_after=seconds)
    else:
        response = current_app.make_response(render_template("error.html", error=error, message=message))
    response.status_code = 429
    response.headers["Retry-After"] = str(seconds)
    return response
