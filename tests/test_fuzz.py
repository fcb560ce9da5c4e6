"""Arbitrary text, bytes, sizes and types at every form and every API route (hypothesis).

Whatever arrives: never a 500 or a traceback; a 4xx says what is wrong; and a refused request writes nothing.
Routes come from the URL map, and form fields from every FlaskForm, so new ones are covered as they appear.
"""

import json

import pytest
from flask_wtf import FlaskForm
from hypothesis import given
from hypothesis import strategies as st
from pledging import create_staff, csrf, import_sample, sign_in, submit_pledge
from routes import STATE_CHANGING, routes

from safesurgeries import create_app
from safesurgeries.extensions import db

ON_EVERY_DATABASE = True

# Signing out or walking the moderation queue would only end the session the other examples need.
SKIPPED = {"staff.logout"}
# Files: a path of their own is only ever a 404.
SKIPPED_GETS = {"static", "registry.map_asset"}
# A failed sign-in is meant to be remembered (the slow-down after repeated failures).
MAY_WRITE_WHEN_REFUSED = {"staff.login": {"sign_in_throttle", "audit_log"}}


def form_field_names() -> list[str]:
    create_app  # noqa: B018 (importing the app imports every form)
    names, forms = set(), list(FlaskForm.__subclasses__())
    while forms:
        form = forms.pop()
        forms.extend(form.__subclasses__())
        names.update(name for name, value in vars(form).items() if hasattr(value, "field_class"))
    return sorted(names | {"pledge", "active", "role"})  # read straight from request.form by the admin pages


FIELDS = form_field_names()
LIKELY = st.sampled_from(
    [
        "A81030",
        "A81001",
        "TS1 3RY",
        "ts13ry",
        "y",
        "1",
        "0",
        "reviewer",
        "admin",
        "other",
        "duplicate",
        "amina.yusuf@nhs.net",
        "https://example.org",
        "ar",
        "",
        " ",
        "²",
        "٣",
        "9" * 25,
        "-1",
        "1e308",
        "nan",
        "pledge#1",
        "pledge#" + "9" * 25,
    ]
)
# Text of every kind (NUL and other control characters, any script), huge sizes, near-valid values.
TEXT = st.one_of(
    st.text(max_size=300),
    LIKELY,
    st.integers(0, 70_000).map(lambda n: "x" * n),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),
)
FORM = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(max_size=12)),
    st.one_of(TEXT, st.lists(TEXT, max_size=4)),
    max_size=len(FIELDS),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=30,
)
JSON_OBJECT = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=12), JSON, max_size=len(FIELDS))
RAW = st.tuples(
    st.binary(max_size=2000),
    st.sampled_from(
        [
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/plain",
            "application/xml",
        ]
    ),
)
QUERY = st.dictionaries(
    st.text(min_size=1, max_size=12)
    | st.sampled_from(
        [
            "q",
            "near",
            "region",
            "radius_km",
            "radius_miles",
            "page",
            "limit",
            "offset",
            "find",
            "practice",
            "status",
            "next",
            "action",
            "actor",
            "subject",
        ]
    ),
    TEXT,
    max_size=6,
)


@pytest.fixture
def site(app, runner):
    """The sample directory, one pledge waiting to be confirmed, and an admin signed in."""
    import_sample(runner)
    submit_pledge(app.test_client())
    create_staff(runner, "adam.admin@dotw.example", "admin")
    client = app.test_client()
    sign_in(client, "adam.admin@dotw.example")
    return app, client


def table_counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for name, table in db.metadata.tables.items()
        }


def assert_clear_answer(response, where: str):
    body = response.get_data()
    assert response.status_code < 500, f"{where}: {response.status_code} {body[:300]!r}"
    assert b"Traceback" not in body, where
    if 400 <= response.status_code < 500:
        if response.is_json:
            assert response.get_json().get("message"), f"{where}: a JSON error without a message"
        else:
            assert len(body) > 100, f"{where}: a {response.status_code} without a page that says why"


def assert_refusal_wrote_nothing(app, endpoint, before, response, where):
    if response.status_code < 400:
        return
    after = table_counts(app)
    allowed = MAY_WRITE_WHEN_REFUSED.get(endpoint, set())
    changed = {name for name in after if after[name] != before[name] and name not in allowed}
    assert not changed, f"{where}: a refused request ({response.status_code}) wrote to {changed}"


def state_changing(app):
    return [
        (rule.endpoint, url, method)
        for rule, url, method in routes(app, STATE_CHANGING)
        if rule.endpoint not in SKIPPED
    ]


def test_every_form_and_api_route_survives_arbitrary_input(site):
    app, client = site
    form_token = csrf(client.get("/pledge").data)
    targets = state_changing(app)
    # Every page and API read: their query strings are the search forms and the API's filters.
    gets = [(rule.endpoint, rule, url) for rule, url, _ in routes(app, {"GET"}) if rule.endpoint not in SKIPPED_GETS]
    assert len(targets) >= 15 and len(gets) >= 5

    @given(form=FORM, document=JSON_OBJECT | JSON, raw=RAW, kind=st.sampled_from(["form", "json", "raw"]))
    def post_anything(form, document, raw, kind):
        endpoint, url, method = target
        where = f"{method} {url} ({kind})"
        before = table_counts(app)
        if kind == "form":
            response = client.open(url, method=method, data={**form, "csrf_token": form_token})
        elif kind == "json":
            response = client.open(
                url,
                method=method,
                data=json.dumps(document),
                headers={"Content-Type": "application/json", "X-CSRFToken": form_token},
            )
        else:
            response = client.open(url, method=method, data=raw[0], headers={"Content-Type": raw[1]})
        assert_clear_answer(response, where)
        assert_refusal_wrote_nothing(app, endpoint, before, response, where)

    @given(path_value=TEXT, query=QUERY)
    def get_anything(path_value, query):
        endpoint, rule, url = target
        if rule.arguments:
            from urllib.parse import quote

            url = url.rsplit("/", 1)[0] + "/" + quote(path_value[:500], safe="")
        response = client.get(url, query_string=query)
        assert_clear_answer(response, f"GET {url} {query!r}"[:300])

    for target in targets:  # each route gets the profile's full number of examples
        post_anything()
    for target in gets:
        get_anything()
    assert_consistent(app)


def assert_consistent(app):
    """Whatever was accepted went in whole: every pledge has its e-mail, every listing its practice."""
    from safesurgeries.mail.models import OutboxMessage
    from safesurgeries.pledges.models import Listing, Pledge
    from safesurgeries.practices.models import Practice

    with app.app_context():
        without_mail = db.session.scalars(
            db.select(Pledge.id).where(
                ~db.select(OutboxMessage.id).where(OutboxMessage.pledge_id == Pledge.id).exists()
            )
        ).all()
        assert without_mail == [], f"pledges without their confirmation e-mail: {without_mail}"
        orphans = db.session.scalars(
            db.select(Listing.id).where(~db.select(Practice.id).where(Practice.id == Listing.practice_id).exists())
        ).all()
        assert orphans == [], f"listings without a practice: {orphans}"


# What the fuzzing found, pinned down.


def test_a_json_body_sent_to_a_form_is_refused_with_415(client):
    """Flask-WTF reads a JSON body as form data; `false` or `[1]` used to crash it with a 500."""
    token = csrf(client.get("/pledge").data)
    for body in ("false", "[1]", '{"practice_name": "x"}'):
        response = client.post(
            "/pledge/check", data=body, headers={"Content-Type": "application/json", "X-CSRFToken": token}
        )
        assert response.status_code == 415 and b"not JSON" in response.data


def test_a_nul_character_anywhere_is_refused_with_400(client):
    """PostgreSQL raises on text with a NUL, even in a WHERE clause: a path, a query or a form field with one is
    a 400."""
    token = csrf(client.get("/pledge").data)
    for response in (
        client.get("/api/v1/practices/A81%00"),
        client.get("/surgeries?q=a%00b"),
        client.post("/pledge/check", data={"practice_name": "a\x00b", "csrf_token": token}),
        client.post("/pledge/check", data={"principles": ["ok", "\x00"], "csrf_token": token}),
    ):
        assert response.status_code == 400 and b"NUL character" in response.data


def test_numbers_a_database_cannot_hold_and_digits_int_refuses_are_4xx(site):
    """'²' passes str.isdigit() but not int(), and 10**24 overflows SQLite and PostgreSQL integers: both were 500s."""
    app, client = site
    token = csrf(client.get("/pledge").data)
    huge = "9" * 25
    for response in (
        client.get(f"/staff/pledges/{huge}"),
        client.get(f"/staff/listings/{huge}"),
        client.post(f"/staff/users/{huge}", data={"active": "0", "csrf_token": token}),
    ):
        assert response.status_code == 404
    for value in (huge, "²"):
        assert client.post("/staff/pledges/approve", data={"pledge": value, "csrf_token": token}).status_code == 303
        assert (
            client.get("/staff/audit", query_string={"subject": f"pledges#{value}", "page": value}).status_code == 200
        )
        assert client.get("/surgeries", query_string={"page": value}).status_code == 400
        assert client.get("/api/v1/surgeries", query_string={"limit": value}).status_code == 400
