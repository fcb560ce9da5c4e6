"""Every response carries the security headers; only the embed map may be framed; CORS only on open data."""

import pytest
from bs4 import BeautifulSoup
from pledging import create_staff, sign_in
from routes import routes

from safesurgeries import create_app
from safesurgeries.security.headers import content_security_policy, tile_source

REGISTRY_READS = ("registry.", "registry_api.")  # the public registry's pages and open data API


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";")}


def every_get(app, client):
    for rule, url, _ in routes(app, {"GET"}):
        yield rule, url, client.get(url)


def test_every_get_route_sends_the_security_headers(app, client, runner):
    """Walked as a signed-in admin, so staff pages answer with themselves, not the sign-in redirect."""
    create_staff(runner, "admin@example.org", "admin")
    sign_in(client, "admin@example.org")
    seen = 0
    for rule, url, response in every_get(app, client):
        assert response.status_code < 500, url
        policy = directives(response)
        assert policy["script-src"] == "script-src 'self'", url
        assert policy["style-src"] == "style-src 'self'", url
        assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert "Strict-Transport-Security" not in response.headers, url  # plain HTTP here
        if rule.endpoint == "registry.embed_map":
            assert policy["frame-ancestors"] == "frame-ancestors *"
            assert "X-Frame-Options" not in response.headers
        else:
            assert policy["frame-ancestors"] == "frame-ancestors 'none'", url
            assert response.headers["X-Frame-Options"] == "DENY", url
        assert_no_shared_caching_of_cookies(response)  # signed in, so every response re-sends the session
        if rule.endpoint.startswith("staff."):
            assert response.headers["Cache-Control"] == "no-store", url
        if not rule.endpoint.startswith("registry_api."):
            assert "Access-Control-Allow-Origin" not in response.headers, url
        if not rule.endpoint.startswith(REGISTRY_READS) and rule.endpoint != "static":
            assert "ETag" not in response.headers, url
        seen += 1
    assert seen >= 30


def test_errors_and_unknown_pages_carry_the_headers_too(client):
    for response in (
        client.get("/no-such-page"),
        client.get("/api/v1/no-such-thing"),
        client.post("/pledge/submit", data={}),
    ):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Access-Control-Allow-Origin" not in response.headers


def test_open_data_is_readable_from_any_site(client):
    response = client.get("/api/v1/surgeries")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["ETag"]


def test_no_template_has_inline_script_or_style(app):
    """The CSP forbids them, so a page that used one would break in the browser."""
    from pathlib import Path

    templates = Path(app.root_path) / "templates"
    for path in templates.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(), "html.parser")
        assert not soup.find("style"), path
        assert not soup.find(style=True), path
        for script in soup.find_all("script"):
            assert script.get("src"), f"{path}: inline <script>"
        for tag in soup.find_all(True):
            assert not any(name.lower().startswith("on") for name in tag.attrs), (
                f"{path}: inline handler on <{tag.name}>"
            )


def assert_no_shared_caching_of_cookies(response):
    if response.headers.getlist("Set-Cookie"):
        assert "public" not in response.headers.get("Cache-Control", ""), response.request.path


def test_a_public_page_that_sets_a_cookie_is_not_for_shared_caches(app, client):
    """After a form (which puts a CSRF token in the session), a registry page may re-send the session cookie."""
    assert client.get("/surgeries").headers["Cache-Control"] == "public, max-age=60"
    client.get("/pledge")
    response = client.get("/surgeries")
    assert_no_shared_caching_of_cookies(response)
    fresh = app.test_client().get("/api/v1/surgeries")
    assert "public" in fresh.headers["Cache-Control"] and "Set-Cookie" not in fresh.headers


def test_map_tiles_may_load_from_the_tile_servers_host(app, client):
    img_src = directives(client.get("/map"))["img-src"]
    assert "https://tile.openstreetmap.org" in img_src.split()
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("https://tiles.example.org:8443/{z}/{x}/{y}.png") == "https://tiles.example.org:8443"
    assert tile_source("https://a{s}b.example.org/{z}.png") == "https:"
    assert "'self'" in content_security_policy("not a url", frameable=False)


def test_the_toolkit_preview_frame_is_sandboxed_and_its_stylesheet_is_from_this_site(client, csrf_token_from):
    """The preview is an iframe srcdoc: it inherits the page's policy, so it may only link our own stylesheet."""
    from conftest import PRACTICE

    token = csrf_token_from(client.get("/toolkit").data)
    data = {
        **PRACTICE,
        "address_lines": "\n".join(PRACTICE["address_lines"]),
        "care_of_address_lines": "\n".join(PRACTICE["care_of_address_lines"]),
        "csrf_token": token,
    }
    response = client.post("/toolkit/preview", data=data)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    frame = BeautifulSoup(response.data, "html.parser").find("iframe")
    assert frame.has_attr("sandbox") and not frame["sandbox"]  # empty: no scripts, no same-origin
    inner = BeautifulSoup(frame["srcdoc"], "html.parser")
    assert not inner.find("script") and not inner.find(style=True) and not inner.find("style")
    assert [link["href"] for link in inner.find_all("link")] == ["http://localhost/toolkit/toolkit.css"]
    assert "'self'" in directives(response)["style-src"]


@pytest.fixture
def production(tmp_path, monkeypatch, postcode_index_file):
    """An app whose public address is HTTPS: how the app knows it is in production."""
    import flask_migrate
    from conftest import UNTHROTTLED

    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SAFESURGERIES_PUBLIC_BASE_URL", "https://safesurgeries.example.org")
    app = create_app(
        {
            "TESTING": True,
            "POSTCODE_INDEX": str(postcode_index_file),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'prod.db'}",
            **UNTHROTTLED,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    return app


def session_cookie(response) -> str:
    """The session's Set-Cookie (the session holds the form's CSRF token)."""
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


def test_in_production_cookies_are_secure_httponly_lax_and_hsts_is_sent(production):
    client = production.test_client()
    response = client.get("/pledge", base_url="https://safesurgeries.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_locally_cookies_are_httponly_lax_but_not_secure(client):
    cookie = session_cookie(client.get("/pledge"))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
