"""Absolute addresses on the public site, built from the PUBLIC_BASE_URL setting.

Used wherever an address leaves the site (e-mails, embed snippets, the certificate), so that it names the
public site even when the page was reached at an internal address or outside any request.
"""

import ipaddress
from urllib.parse import urlsplit

from flask import Flask, current_app

from .config import SETTINGS


def external_url(endpoint: str, language: str | None = None, **values) -> str:
    """An absolute URL on the public site (works outside a request too); with language, the page in it (/ar/...)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    script_name = f"{base.path.rstrip('/')}/{language}" if language else base.path or "/"
    adapter = current_app.url_map.bind(base.netloc, script_name=script_name, url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


# Names that never reach this site from another machine: RFC 6761 special-use and RFC 2606 example names,
# and names a home or office network gives its own machines.
NOT_PUBLIC_SUFFIXES = (
    ".localhost",
    ".local",
    ".internal",
    ".lan",
    ".home.arpa",
    ".invalid",
    ".test",
    ".example",
    "example.com",
    "example.org",
    "example.net",
)
FIX = "set SAFESURGERIES_PUBLIC_BASE_URL to the address people use to reach the site, e.g. https://safesurgeries.org.uk"


def base_url_problem(base_url: str) -> str | None:
    """What is wrong with base_url as the address printed in the certificate's QR code, or None if nothing."""
    default = next(s.default for s in SETTINGS if s.name == "PUBLIC_BASE_URL")
    if not base_url or base_url.rstrip("/") == default.rstrip("/"):
        return f"SAFESURGERIES_PUBLIC_BASE_URL is not set, so it is {default}, this machine's own address; {FIX}"
    try:
        parts = urlsplit(base_url)
        host = (parts.hostname or "").rstrip(".").lower()
    except ValueError:  # an unclosed [ in an IPv6 address, a port that is not a number
        return f"{base_url!r} is not a URL; {FIX}"
    if parts.scheme not in ("http", "https") or not host:
        return f"{base_url!r} is not an http:// or https:// address with a host name; {FIX}"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(NOT_PUBLIC_SUFFIXES) or "." not in host:
            return f"{base_url} is not a public name on the internet ({host}); {FIX}"
        return None
    if address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified:
        return f"{base_url} is a loopback or private address ({host}) that nobody else can reach; {FIX}"
    return None


def qr_base_url_problem(app: Flask) -> str | None:
    """What is wrong with the app's public address as the target of the certificate's QR code, or None."""
    return base_url_problem(app.config["PUBLIC_BASE_URL"])


def production_configuration(app: Flask) -> bool:
    """Is this the site people use? Known by its database: production runs on a database server (the README's
    "Deploying with PostgreSQL and gunicorn"); the embedded set-up, development and tests use SQLite."""
    return not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
