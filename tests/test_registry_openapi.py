"""The OpenAPI document is the API: it is valid OpenAPI (openapi-spec-validator, as any client's tooling would
check it), and every path, method and status it lists is called, and the answer checked."""

import os

import pytest
import sqlalchemy as sa
from conftest import PRACTICE
from openapi_spec_validator import validate
from registry_helpers import LONDON, add_listing
from test_practices import SAMPLE, import_file

JSON_TYPES = ("application/json", "application/geo+json")


def toolkit_503(client, monkeypatch):
    from safesurgeries.toolkit import languages

    monkeypatch.setattr(languages, "missing_fonts", lambda chosen: {"Arabic": "Noto Naskh Arabic"})
    return client.post("/api/v1/toolkits", json=PRACTICE)


def postcodes_503(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "POSTCODE_INDEX", "/nonexistent/postcodes.idx")
    return client.get("/api/v1/postcodes/SW1A1AA")


def not_modified(url):
    def call(client, monkeypatch):
        where = url(client) if callable(url) else url
        etag = client.get(where).headers["ETag"]
        return client.get(where, headers={"If-None-Match": etag})

    return call


def get(url, **kwargs):
    return lambda client, monkeypatch: client.get(url, **kwargs)


def database_gone(url):
    """The tables renamed away under the app, as when a database is mid-restore: a 503, never a 500."""

    def call(client, monkeypatch):
        from safesurgeries.extensions import db

        with client.application.app_context():
            db.session.execute(sa.text("ALTER TABLE listings RENAME TO listings_gone"))
            db.session.execute(sa.text("ALTER TABLE practices RENAME TO practices_gone"))
            db.session.commit()
        return client.get(url)

    return call


def first_record_url(listing: str):
    """The URL of the first record a listing page links to (a callable: the data exists only in the test)."""
    return lambda client: f"{listing}/{client.get(listing).get_json()['contents'][0]['id']}"


def first_record(listing: str):
    return lambda client, monkeypatch: client.get(first_record_url(listing)(client))


def too_many_toolkits(client, monkeypatch):
    monkeypatch.setitem(client.application.config, "LIMIT_TOOLKIT_API", "1 per hour")
    client.post("/api/v1/toolkits", json={"practice_name": ""})
    return client.post("/api/v1/toolkits", json={"practice_name": ""})


# The job queue, with no worker running: the second of the queue tests' databases (test_toolkit_queue.py).
QUEUE_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_QUEUE_DB', '13')) + 1}"


def queued_toolkit(client, monkeypatch, **details):
    """The toolkit API with a real job queue in Redis and no worker yet: the POST answers 202 at once."""
    import redis

    redis.Redis.from_url(QUEUE_URL).flushdb()
    monkeypatch.setitem(client.application.config, "QUEUE_URL", QUEUE_URL)
    monkeypatch.setitem(client.application.config, "TOOLKIT_WAIT_SECONDS", 0)
    return client.post("/api/v1/toolkits", json={**PRACTICE, "languages": [], **details})


def run_the_queue(app) -> None:
    """A real RQ worker in this process, until the queue is empty (the job imports the app's PDF store)."""
    from rq import SimpleWorker
    from rq.serializers import JSONSerializer

    from safesurgeries.toolkit import jobs

    with app.app_context():
        redis = jobs.connection(app)
        queues = [jobs.queue(name, redis) for name in (jobs.LIGHT, jobs.HEAVY)]
        SimpleWorker(queues, connection=redis, serializer=JSONSerializer).work(burst=True)


def toolkit_status(finish: bool = False, fail: bool = False):
    def call(client, monkeypatch):
        status_url = queued_toolkit(client, monkeypatch).get_json()["status_url"]
        if fail:  # every attempt of the job fails (as it would on a worker missing a font)
            from safesurgeries.toolkit import languages

            monkeypatch.setattr(languages, "missing_fonts", lambda chosen: {"English": "Noto Sans"})
        if finish or fail:
            run_the_queue(client.application)
        return client.get(status_url)

    return call


# How to make the API give each status the document promises. A status in the document without a
# recipe here (or a recipe for a status the document does not list) fails the test.
RECIPES = {
    ("/api/v1/surgeries", "get", "200"): get("/api/v1/surgeries?near=SE1&limit=5"),
    ("/api/v1/surgeries", "get", "304"): not_modified("/api/v1/surgeries"),
    ("/api/v1/surgeries", "get", "400"): get("/api/v1/surgeries?radius_km=far"),
    ("/api/v1/surgeries", "get", "503"): database_gone("/api/v1/surgeries"),
    ("/api/v1/surgeries.geojson", "get", "200"): get("/api/v1/surgeries.geojson"),
    ("/api/v1/surgeries.geojson", "get", "304"): not_modified("/api/v1/surgeries.geojson?region=Y56"),
    ("/api/v1/surgeries.geojson", "get", "400"): get("/api/v1/surgeries.geojson?region=Y00"),
    ("/api/v1/surgeries.geojson", "get", "503"): database_gone("/api/v1/surgeries.geojson?changed_since=2020-01-01"),
    ("/api/v1/surgeries.csv", "get", "200"): get("/api/v1/surgeries.csv?q=SE1"),
    ("/api/v1/surgeries.csv", "get", "304"): not_modified("/api/v1/surgeries.csv"),
    ("/api/v1/surgeries.csv", "get", "400"): get("/api/v1/surgeries.csv?near=ZZ9 9ZZ"),
    ("/api/v1/surgeries.csv", "get", "503"): database_gone("/api/v1/surgeries.csv?q=surgery"),
    ("/api/v1/practices", "get", "200"): get("/api/v1/practices?q=borough"),
    ("/api/v1/practices", "get", "400"): get("/api/v1/practices?q=" + "x" * 101),
    ("/api/v1/practices", "get", "503"): database_gone("/api/v1/practices?q=borough"),
    ("/api/v1/practices/{ods_code}", "get", "200"): get("/api/v1/practices/A81030"),
    ("/api/v1/practices/{ods_code}", "get", "400"): get("/api/v1/practices/A81030?x=%00"),
    ("/api/v1/practices/{ods_code}", "get", "404"): get("/api/v1/practices/Z99999"),
    ("/api/v1/practices/{ods_code}", "get", "503"): database_gone("/api/v1/practices/A81030"),
    ("/api/v1/postcodes/{postcode}", "get", "200"): get("/api/v1/postcodes/sw1a1aa"),
    ("/api/v1/postcodes/{postcode}", "get", "400"): get("/api/v1/postcodes/not-a-postcode"),
    ("/api/v1/postcodes/{postcode}", "get", "404"): get("/api/v1/postcodes/ZZ9 9ZZ"),
    ("/api/v1/postcodes/{postcode}", "get", "503"): postcodes_503,
    ("/api/v1/languages", "get", "200"): get("/api/v1/languages"),
    ("/api/v1/languages", "get", "400"): get("/api/v1/languages?x=%00"),
    ("/api/v1/toolkits", "post", "200"): lambda client, mp: client.post(
        "/api/v1/toolkits", json={**PRACTICE, "languages": []}
    ),
    ("/api/v1/toolkits", "post", "400"): lambda client, mp: client.post(
        "/api/v1/toolkits", data="nope", content_type="text/plain"
    ),
    ("/api/v1/toolkits", "post", "413"): lambda client, mp: client.post(
        "/api/v1/toolkits", data="x" * 70000, content_type="application/json"
    ),
    ("/api/v1/toolkits", "post", "422"): lambda client, mp: client.post("/api/v1/toolkits", json={"practice_name": ""}),
    ("/api/v1/toolkits", "post", "202"): queued_toolkit,
    ("/api/v1/toolkits", "post", "429"): too_many_toolkits,
    ("/api/v1/toolkits/{id}", "get", "200"): toolkit_status(finish=True),
    ("/api/v1/toolkits/{id}", "get", "202"): toolkit_status(),
    ("/api/v1/toolkits/{id}", "get", "404"): get("/api/v1/toolkits/" + "0" * 64),
    ("/api/v1/toolkits/{id}", "get", "503"): toolkit_status(fail=True),
    ("/api/v1/toolkits", "post", "503"): toolkit_503,
    ("/api/v1/openapi.json", "get", "200"): get("/api/v1/openapi.json"),
    ("/api/v1/openapi.json", "get", "304"): not_modified("/api/v1/openapi.json"),
    ("/api/v1/openapi.json", "get", "400"): get("/api/v1/openapi.json?q=%00"),
    ("/api/v1/oruk", "get", "200"): get("/api/v1/oruk"),
    ("/api/v1/oruk", "get", "304"): not_modified("/api/v1/oruk"),
    ("/api/v1/oruk", "get", "400"): get("/api/v1/oruk?x=%00"),
    ("/api/v1/oruk/services", "get", "200"): get("/api/v1/oruk/services"),
    ("/api/v1/oruk/services", "get", "304"): not_modified("/api/v1/oruk/services?per_page=1"),
    ("/api/v1/oruk/services", "get", "400"): get("/api/v1/oruk/services?page=0"),
    ("/api/v1/oruk/services", "get", "503"): database_gone("/api/v1/oruk/services"),
    ("/api/v1/oruk/services/{id}", "get", "200"): first_record("/api/v1/oruk/services"),
    ("/api/v1/oruk/services/{id}", "get", "304"): not_modified(first_record_url("/api/v1/oruk/services")),
    ("/api/v1/oruk/services/{id}", "get", "400"): get("/api/v1/oruk/services/x%00"),
    ("/api/v1/oruk/services/{id}", "get", "404"): get("/api/v1/oruk/services/00000000-0000-0000-0000-000000000000"),
    ("/api/v1/oruk/services/{id}", "get", "503"): database_gone(
        "/api/v1/oruk/services/00000000-0000-0000-0000-000000000000"
    ),
    ("/api/v1/oruk/service_at_locations", "get", "200"): get("/api/v1/oruk/service_at_locations?page=1&per_page=5"),
    ("/api/v1/oruk/service_at_locations", "get", "304"): not_modified("/api/v1/oruk/service_at_locations"),
    ("/api/v1/oruk/service_at_locations", "get", "400"): get("/api/v1/oruk/service_at_locations?per_page=1001"),
    ("/api/v1/oruk/service_at_locations", "get", "503"): database_gone("/api/v1/oruk/service_at_locations"),
    ("/api/v1/oruk/service_at_locations/{id}", "get", "200"): first_record("/api/v1/oruk/service_at_locations"),
    ("/api/v1/oruk/service_at_locations/{id}", "get", "304"): not_modified(
        first_record_url("/api/v1/oruk/service_at_locations")
    ),
    ("/api/v1/oruk/service_at_locations/{id}", "get", "400"): get("/api/v1/oruk/service_at_locations/x?q=%00"),
    ("/api/v1/oruk/service_at_locations/{id}", "get", "404"): get("/api/v1/oruk/service_at_locations/x"),
    ("/api/v1/oruk/service_at_locations/{id}", "get", "503"): database_gone(
        "/api/v1/oruk/service_at_locations/00000000-0000-0000-0000-000000000000"
    ),
}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def populated(app, runner):
    assert import_file(runner, SAMPLE).exit_code == 0
    add_listing(app, "Y11111", "Openapi Surgery", LONDON)
    return app


def operations(document) -> dict:
    return {
        (path, method, status): response
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status, response in operation["responses"].items()
    }


def resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        schema = document["components"]["schemas"][name]
    return schema


def check(document, schema: dict, value, where: str = "$") -> None:
    """Check value against the schema's type, required keys, enums and nested items (enough to catch drift)."""
    schema = resolve(document, schema)
    if value is None:
        assert schema.get("nullable"), f"{where} is null"
        return
    kind = schema.get("type")
    expected = {
        "object": dict,
        "array": list,
        "string": str,
        "boolean": bool,
        "integer": int,
        "number": (int, float),
    }.get(kind)
    if expected:
        assert isinstance(value, expected) and not (kind in ("integer", "number") and isinstance(value, bool)), (
            f"{where} should be {kind}, is {value!r:.60}"
        )
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if kind == "object":
        for key in schema.get("required", ()):
            assert key in value, f"{where} lacks {key!r}"
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                check(document, sub, value[key], f"{where}.{key}")
        if "additionalProperties" in schema and isinstance(schema["additionalProperties"], dict):
            for key, sub_value in value.items():
                check(document, schema["additionalProperties"], sub_value, f"{where}.{key}")
    if kind == "array":
        for n, item in enumerate(value):
            check(document, schema.get("items", {}), item, f"{where}[{n}]")


def test_the_document_is_valid_openapi(document):
    validate(document)  # raises, saying where, if any part of it is not OpenAPI 3.0


def test_every_documented_status_has_a_recipe_and_every_recipe_is_documented(document):
    assert set(operations(document)) == set(RECIPES)


def test_the_document_covers_every_api_route(app, document):
    routes = {
        rule.rule.replace("<ods_code>", "{ods_code}")
        .replace("<path:postcode>", "{postcode}")
        .replace("<record_id>", "{id}")
        .replace("<id>", "{id}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == set(document["paths"])


@pytest.mark.parametrize("key", sorted(RECIPES), ids=lambda key: f"{key[1].upper()} {key[0]} {key[2]}")
def test_the_api_answers_as_documented(populated, client, document, monkeypatch, key):
    documented = operations(document)[key]
    response = RECIPES[key](client, monkeypatch)
    assert str(response.status_code) == key[2], response.data[:300]
    content = documented.get("content")
    if not content:
        assert response.data == b""
        return
    assert response.mimetype in content, (response.mimetype, list(content))
    schema = content[response.mimetype]["schema"]
    if response.mimetype in JSON_TYPES:
        check(document, schema, response.get_json())
    elif response.mimetype == "text/csv":
        assert response.data.decode("utf-8-sig").startswith("ods_code,name,")
    elif response.mimetype == "application/pdf":
        assert response.data.startswith(b"%PDF-")


EXAMPLE_VALUES = {"<ods_code>": "A81030", "<path:postcode>": "SW1A1AA", "<record_id>": "x"}


def example_url(rule: str) -> str:
    for placeholder, value in EXAMPLE_VALUES.items():
        rule = rule.replace(placeholder, value)
    return rule


def test_other_methods_answer_405_naming_the_allowed_ones(app, client):
    """RFC 9110: a 405 carries Allow. Every API route, in JSON; and the HTML site, whose handler is the same."""
    allowed_by_path = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            allowed_by_path.setdefault(rule.rule, set()).update(rule.methods)
    assert allowed_by_path
    for rule, allowed in allowed_by_path.items():
        for method in ("TRACE", "DELETE", "PUT", "PATCH", "POST"):
            if method in allowed:
                continue
            response = client.open(example_url(rule), method=method)
            assert response.status_code == 405, (method, rule, response.status_code)
            assert set(response.headers["Allow"].split(", ")) == allowed, (method, rule)
            assert response.get_json()["error"] == "Method Not Allowed"
    page = client.delete("/")
    assert page.status_code == 405 and page.mimetype == "text/html"
    assert set(page.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
