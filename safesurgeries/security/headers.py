"""Security headers on every response: a strict Content-Security-Policy, nosniff, Referrer-Policy, HSTS."""

import re
from urllib.parse import urlsplit

from flask import Flask, current_app, request, session
from flask.wrappers import Response

HSTS = "max-age=31536000; includeSubDomains"


def allow_framing(view):
    """Mark a view as one that any site may frame (the embeddable map); every other page refuses framing."""
    view.frameable = True
    return view


def tile_source(tile_url: str) -> str | None:
    """The CSP source for the map's tile server, from its Leaflet URL template.

    https://{s}.tile.example.org/{z}/{x}/{y}.png gives https://*.tile.example.org; a template whose
    host CSP cannot express (a placeholder in the middle) gives the scheme alone.
    """
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    host = re.sub(r"\{[^}]*\}", "*", parts.netloc)
    if "*" in host and not (host.startswith("*.") and "*" not in host[2:]):
        return f"{parts.scheme}:"
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str, frameable: bool) -> str:
    """No inline script or style anywhere; images also from the tile server; framing only where allowed.

    The toolkit preview is an iframe with srcdoc and sandbox (no scripts, an opaque origin): a srcdoc
    document inherits this policy, so it too may only load the toolkit's stylesheet from this site.
    """
    images = ["'self'", "data:"]  # data: for Leaflet's and the certificate's small inline images
    tiles = tile_source(tile_url)
    if tiles:
        images.append(tiles)
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {' '.join(images)}",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *" if frameable else "frame-ancestors 'none'",
    ]
    return "; ".join(directives)


def served_over_https() -> bool:
    """This request came over HTTPS, or the site's public address is HTTPS (behind a TLS-terminating proxy)."""
    return request.is_secure or current_app.config["PUBLIC_BASE_URL"].startswith("https://")


def add_security_headers(response: Response) -> Response:
    view = current_app.view_functions.get(request.endpoint or "")
    frameable = getattr(view, "frameable", False)
    response.headers["Content-Security-Policy"] = content_security_policy(current_app.config["MAP_TILE_URL"], frameable)
    if not frameable:
        response.headers["X-Frame-Options"] = "DENY"  # for browsers that predate frame-ancestors
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    if served_over_https():
        response.headers["Strict-Transport-Security"] = HSTS
    if response.cache_control.public and (session.modified or session.permanent):
        # This response will carry the visitor's session cookie (set when Flask saves the session, after this
        # hook): a shared cache must not keep it and hand that cookie to the next visitor.
        response.cache_control.public = False
        response.cache_control.private = True
    if request.blueprint == "staff":
        # Pledgers' contact details: kept out of shared caches and the back button after sign-out.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
