"""Absolute addresses on the public site, built from the PUBLIC_BASE_URL setting.

Used wherever an address leaves the site (e-mails, embed snippets, the certificate), so that it names the
public site even when the page was reached at an internal address or outside any request.
"""

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute URL on the public site (works outside a request too)."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
