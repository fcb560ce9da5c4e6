"""Staff sessions: a new session at sign-in, none after sign-out, and an end after STAFF_SESSION_MINUTES idle."""

import pytest
from itsdangerous.timed import TimestampSigner
from pledging import create_staff, csrf, sign_in

EMAIL = "rita.reviewer@dotw.example"


@pytest.fixture
def clock(monkeypatch):
    """The time the session cookie's signature is stamped with and checked against, moved by hand."""
    now = {"t": 2_000_000_000}
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now["t"])

    def advance(minutes: float):
        now["t"] += int(minutes * 60)

    return advance


@pytest.fixture
def reviewer(app, runner):
    create_staff(runner, EMAIL, "reviewer")
    return app


def test_sign_in_starts_a_new_session_so_a_planted_cookie_stays_anonymous(reviewer, client):
    """Session fixation: a cookie an attacker got before the sign-in must not become a signed-in one."""
    client.get("/staff/login")
    planted = client.get_cookie("session").value
    token_before = csrf(client.get("/staff/login").data)
    assert sign_in(client, EMAIL).status_code == 303
    assert client.get_cookie("session").value != planted
    assert csrf(client.get("/pledge").data) != token_before  # the form token is renewed with the session
    attacker = reviewer.test_client()
    attacker.set_cookie("session", planted)
    assert attacker.get("/staff/pledges").status_code == 302


def test_sign_out_ends_the_session(reviewer, client):
    sign_in(client, EMAIL)
    signed_in_cookie = client.get_cookie("session").value
    client.post("/staff/logout", data={"csrf_token": csrf(client.get("/staff/pledges").data)})
    assert client.get("/staff/pledges").status_code == 302
    replay = reviewer.test_client()
    replay.set_cookie("session", signed_in_cookie)  # the cookie from before sign-out, kept by someone
    assert replay.get("/staff/pledges").status_code == 302


def test_a_staff_session_ends_after_the_configured_minutes_without_a_request(reviewer, client, clock):
    assert reviewer.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 30 * 60  # STAFF_SESSION_MINUTES
    sign_in(client, EMAIL)
    copy = reviewer.test_client()  # the same cookie held elsewhere: the limit is on the server, not the browser
    copy.set_cookie("session", client.get_cookie("session").value)
    clock(20)
    assert client.get("/staff/pledges").status_code == 200  # activity renews the session...
    clock(20)
    assert client.get("/staff/pledges").status_code == 200  # ...so 40 minutes in, it is still alive
    assert copy.get("/staff/pledges").status_code == 302  # but a copy idle for 40 minutes is not
    clock(31)
    response = client.get("/staff/pledges")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_the_session_cookie_expires_in_the_browser_too(reviewer, client):
    sign_in(client, EMAIL)
    cookie = [c for c in client.get("/staff/pledges").headers.getlist("Set-Cookie") if c.startswith("session=")][0]
    assert "Expires=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_set_password_checks_its_input_and_signs_the_account_out_everywhere(reviewer, client, runner):
    sign_in(client, EMAIL)
    assert client.get("/staff/pledges").status_code == 200

    def set_password(email, password):
        return runner.invoke(args=["staff", "set-password", email, "--password-stdin"], input=password + "\n")

    assert set_password(EMAIL, "short").exit_code == 1
    assert "There is no staff account" in set_password("nobody@dotw.example", "long enough password").output
    assert set_password(EMAIL, "a brand new passphrase").exit_code == 0
    assert client.get("/staff/pledges").status_code == 302
    assert sign_in(client, EMAIL, "a brand new passphrase").status_code == 303
