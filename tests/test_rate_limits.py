"""Rate limits on pledging (per sender and per recipient), the e-mailed links, staff sign-in and the toolkit:
429, Retry-After, a message.

Each test builds an app with small limits of its own (the shared `app` fixture sets limits no test reaches).
"""

import uuid

import flask_migrate
import pytest
import redis
from conftest import UNTHROTTLED
from pledging import PLEDGE, csrf, import_sample

from safesurgeries import create_app
from safesurgeries.extensions import db
from safesurgeries.mail.models import OutboxMessage
from safesurgeries.pledges.models import Pledge

REDIS_URL = "redis://127.0.0.1:6379/9"  # a database number of the tests' own


@pytest.fixture
def make_app(tmp_path, monkeypatch, postcode_index_file):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    database = f"sqlite:///{tmp_path / 'limits.db'}"
    apps = []

    def make(**settings):
        app = create_app(
            {
                "TESTING": True,
                "POSTCODE_INDEX": str(postcode_index_file),
                "SQLALCHEMY_DATABASE_URI": database,
                **UNTHROTTLED,
                **settings,
            }
        )
        with app.app_context():
            flask_migrate.upgrade()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def sign_in_attempt(client, address="203.0.113.7"):
    token = csrf(client.get("/staff/login", environ_base={"REMOTE_ADDR": address}).data)
    return client.post(
        "/staff/login",
        data={"email": "nobody@example.org", "password": "wrong password!", "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def assert_throttled_page(response):
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert b"Too many requests from your address" in response.data
    assert response.mimetype == "text/html"


def test_staff_sign_in_is_limited_per_address_with_a_page_saying_when_to_retry(make_app):
    client = make_app(LIMIT_STAFF_SIGN_IN="2 per hour").test_client()
    assert [sign_in_attempt(client).status_code for _ in range(2)] == [401, 401]
    assert_throttled_page(sign_in_attempt(client))
    assert client.get("/staff/login", environ_base={"REMOTE_ADDR": "203.0.113.7"}).status_code == 200  # GET is free
    assert sign_in_attempt(client, address="198.51.100.9").status_code == 401  # another address is not held up


def test_a_throttled_pledge_is_not_stored(make_app):
    app = make_app(LIMIT_PLEDGE_SUBMIT="1 per hour")
    import_sample(app.test_cli_runner())
    client = app.test_client()

    def submit():
        return client.post("/pledge/submit", data={**PLEDGE, "csrf_token": csrf(client.get("/pledge").data)})

    assert submit().status_code == 303
    assert_throttled_page(submit())
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 1


def test_pledge_emails_to_one_recipient_are_limited_whoever_sends_them(make_app):
    """The pledge form e-mails text its sender chose to the address typed: a few a day to one inbox, from any
    number of senders; a form with mistakes costs nothing, and a refused pledge stores nothing."""
    app = make_app(LIMIT_PLEDGE_RECIPIENT="2 per day")
    import_sample(app.test_cli_runner())
    client = app.test_client()

    def submit(sender: str, contact_email: str, **changes):
        token = csrf(client.get("/pledge").data)
        return client.post(
            "/pledge/submit",
            data={**PLEDGE, "contact_email": contact_email, **changes, "csrf_token": token},
            environ_base={"REMOTE_ADDR": sender},
        )

    assert submit("203.0.113.1", "amina.yusuf@nhs.net", consent_public="").status_code == 422  # not counted
    assert submit("203.0.113.2", "amina.yusuf@nhs.net").status_code == 303
    assert submit("203.0.113.3", " Amina.Yusuf+again@NHS.net ").status_code == 303  # the same inbox
    refused = submit("203.0.113.4", "AMINA.YUSUF@nhs.net")
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600 + 60  # the day's window, to the second or so
    text = " ".join(refused.get_data(as_text=True).split())
    assert "Too many pledges have been made with this contact e-mail address recently" in text
    assert "Nothing was saved. Try again in about 24 hours" in text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 2
        assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 2
    assert submit("203.0.113.4", "another.manager@nhs.net").status_code == 303  # other inboxes are not held up


def test_the_emailed_links_share_one_limit(make_app):
    client = make_app(LIMIT_PLEDGE_LINKS="2 per hour").test_client()
    assert client.get("/pledge/confirm/bad-token").status_code == 400
    assert (
        client.post("/pledge/resend/bad-token", data={"csrf_token": csrf(client.get("/staff/login").data)}).status_code
        == 400
    )
    assert_throttled_page(client.get("/pledge/withdraw/bad-token"))


def test_the_toolkit_api_answers_429_as_json(make_app):
    client = make_app(LIMIT_TOOLKIT_API="1 per hour").test_client()
    assert client.post("/api/v1/toolkits", data="not json").status_code == 400
    response = client.post("/api/v1/toolkits", json={})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["error"] == "Too Many Requests" and "Try again in" in body["message"]
    assert body["retry_after"] == int(response.headers["Retry-After"])


def test_the_forms_pdf_download_is_limited_with_a_page(make_app):
    client = make_app(LIMIT_TOOLKIT_DOWNLOAD="1 per hour").test_client()
    token = csrf(client.get("/toolkit").data)
    assert client.post("/toolkit/download", data={"csrf_token": token}).status_code == 422  # counted, no PDF made
    assert_throttled_page(client.post("/toolkit/download", data={"csrf_token": token}))


def test_the_toolkit_preview_is_limited_with_a_page(make_app):
    client = make_app(LIMIT_TOOLKIT_PREVIEW="1 per hour").test_client()
    token = csrf(client.get("/toolkit").data)
    assert client.post("/toolkit/preview", data={"csrf_token": token}).status_code == 422  # counted
    assert_throttled_page(client.post("/toolkit/preview", data={"csrf_token": token}))


def test_a_bad_limit_setting_stops_the_app_at_start_up(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SAFESURGERIES_LIMIT_TOOLKIT_API", "lots")
    with pytest.raises(ValueError, match="SAFESURGERIES_LIMIT_TOOLKIT_API"):
        create_app({"TESTING": True})


def test_when_redis_is_down_limits_fall_back_to_memory_and_nothing_fails(make_app):
    client = make_app(REDIS_URL="redis://127.0.0.1:9/0", LIMIT_STAFF_SIGN_IN="2 per hour").test_client()
    assert [sign_in_attempt(client).status_code for _ in range(2)] == [401, 401]
    assert_throttled_page(sign_in_attempt(client))


def test_two_app_instances_share_their_limits_through_redis(make_app):
    """Two apps (as two gunicorn workers or servers) count into one Redis: a limit is a limit for the site."""
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix, "LIMIT_STAFF_SIGN_IN": "3 per hour"}
    first, second = make_app(**settings).test_client(), make_app(**settings).test_client()
    try:
        assert sign_in_attempt(first).status_code == 401
        assert sign_in_attempt(second).status_code == 401
        assert sign_in_attempt(first).status_code == 401
        assert_throttled_page(sign_in_attempt(second))
        assert_throttled_page(sign_in_attempt(first))
        assert redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")  # the counts really are in Redis
    finally:
        store = redis.Redis.from_url(REDIS_URL)
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
