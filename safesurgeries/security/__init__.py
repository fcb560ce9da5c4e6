"""Security at the edge of every request: response headers, form bodies only for forms, rate limits.

The body checks (`bodies.init_app`) are registered by create_app before CSRFProtect, so that they come first."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import headers, limits
from .headers import allow_framing

__all__ = ["allow_framing", "init_app"]


def init_app(app: Flask) -> None:
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # Believe only as many X-Forwarded-* hops as there are proxies, so a client cannot forge its address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=0)
    headers.init_app(app)
    limits.init_app(app)
