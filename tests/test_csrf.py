"""Every state-changing route outside the JSON API refuses a request without a valid CSRF token.

The routes come from Flask's URL map, so a new form route is covered the day it is added.
"""

from pledging import create_staff, csrf, sign_in
from routes import STATE_CHANGING, routes

CSRF_MESSAGE = b"Your form expired or was sent from another site"


def test_every_form_route_refuses_a_request_without_a_token(app, client, runner):
    create_staff(runner, "admin@example.org", "admin")
    sign_in(client, "admin@example.org")  # signed in, so a route without CSRF would reach its view
    checked = 0
    for rule, url, method in routes(app, STATE_CHANGING):
        if url.startswith("/api/"):
            continue
        response = client.open(url, method=method, data={"pledge": "1", "email": "x@example.org"})
        assert response.status_code == 400 and CSRF_MESSAGE in response.data, f"{method} {url} accepted no token"
        checked += 1
    assert checked >= 15


def test_a_token_from_another_session_is_refused(app, client):
    other = app.test_client()
    foreign_token = csrf(other.get("/pledge").data)
    client.get("/pledge")
    for rule, url, method in routes(app, STATE_CHANGING):
        if url.startswith("/api/"):
            continue
        response = client.open(url, method=method, data={"csrf_token": foreign_token})
        assert response.status_code == 400 and CSRF_MESSAGE in response.data, f"{method} {url} took a foreign token"


def test_a_real_token_is_accepted(client):
    """The refusals above are the token's doing: with the form's own token the same post goes through."""
    token = csrf(client.get("/staff/login").data)
    response = client.post(
        "/staff/login", data={"email": "nobody@example.org", "password": "x" * 12, "csrf_token": token}
    )
    assert response.status_code == 401


def test_the_json_api_takes_no_cookies(app, client):
    """The API is exempt from CSRF because it neither sets nor reads a session: nothing for a forger to ride."""
    api_routes = [(url, method) for _, url, method in routes(app, STATE_CHANGING | {"GET"}) if url.startswith("/api/")]
    assert api_routes
    for url, method in api_routes:
        response = client.open(url, method=method, json={})
        assert response.status_code < 500, url
        assert "Set-Cookie" not in response.headers, f"{method} {url} set a cookie"


def test_a_body_that_is_not_a_web_form_gets_415_before_the_csrf_check(app, client):
    """JSON (or XML, or plain text) sent to a form route is told to send a web form, not that its form expired."""
    checked = 0
    for rule, url, method in routes(app, STATE_CHANGING):
        if url.startswith("/api/"):
            continue
        for body, kind in (
            ('{"email": "x@example.org"}', "application/json"),
            ("<pledge/>", "application/xml"),
            ("email=x@example.org", "text/plain"),
        ):
            response = client.open(url, method=method, data=body, headers={"Content-Type": kind})
            assert response.status_code == 415, f"{method} {url} ({kind}): {response.status_code}"
            assert b"Send the form as a web form" in response.data and response.mimetype == "text/html"
        checked += 1
    assert checked >= 15
    # A web form without its token is still the CSRF check's to refuse (the test above walks every route).
    response = client.post("/pledge/check", data={"practice_name": "x"}, content_type="multipart/form-data")
    assert response.status_code == 400 and CSRF_MESSAGE in response.data
