"""A standard API fuzzer (schemathesis) reads /api/v1/openapi.json as any client would and calls every GET
operation through the app's WSGI interface (no server), with every check it has: no server error, every
status, header and content type declared, every answer conforming to its schema, and requests the document
calls valid accepted.

Examples are few and derandomized (the same sequence on every run), so the run is repeatable and short; set
HYPOTHESIS_MAX_EXAMPLES to go harder. The POST toolkit operation renders a PDF for each valid body (seconds
each), so it gets fewer examples, with the rate limits lifted (the app fixture's UNTHROTTLED).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from registry_helpers import LONDON, MANCHESTER, add_listing
from schemathesis.config import SchemathesisConfig
from test_practices import SAMPLE, import_file

EXAMPLES = int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "25"))
# A place in `q` or `near` that the postcode index or the directory does not know is refused with a 400 naming
# the parameter, as the document says: no schema can list every town, so for the listings a 400 is an
# accepted answer to well-formed data. Everywhere else, schema-valid data must not get a 400.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {
                "include-path-regex": "^/api/v1/surgeries",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "304", "400", "404"]}},
            },
            # The details contract's rules (a real postcode in a known nation, lengths, a UK phone number) are
            # more than a schema says: a 422 naming the fields is the documented answer to such a body. A
            # well-formed toolkit id that no job has is a 404.
            {
                "include-path-regex": "^/api/v1/toolkits",
                "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "404", "422"]}},
            },
        ]
    }
)


@pytest.fixture
def schema(app, runner):
    assert import_file(runner, SAMPLE).exit_code == 0
    add_listing(app, "Y11111", "Fuzzed Surgery", LONDON)
    add_listing(app, "Y22222", "Withdrawn Surgery", MANCHESTER, active=False)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=CONFIG)


TOOLKIT_EXAMPLES = max(1, EXAMPLES // 4)


def fuzz(operation, examples: int) -> str | None:
    """Run the operation's derandomized examples with every check; the failures found, or None."""

    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def call(case):
        case.call_and_validate()  # every check schemathesis has

    try:
        call()
    except (Exception, BaseExceptionGroup) as error:  # collect every operation's failures, then report them all
        return f"{operation.label}: {error}"
    return None


def test_the_toolkit_operation_survives_the_fuzzer(schema):
    (operation,) = [result.ok() for result in schema.get_all_operations() if result.ok().method.upper() == "POST"]
    assert operation.label == "POST /api/v1/toolkits"
    # Random bodies are nearly all refused (422): the document's own example must make a toolkit, checked too.
    example = operation.definition.raw["requestBody"]["content"]["application/json"]["example"]
    response = operation.Case(body=example, media_type="application/json").call_and_validate()
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert fuzz(operation, TOOLKIT_EXAMPLES) is None


def test_every_get_operation_survives_the_fuzzer(schema):
    failures, tested = [], []
    for result in schema.get_all_operations():
        try:
            operation = result.ok()
        except Exception as error:  # an operation schemathesis cannot read is a failure of the document
            failures.append(f"unreadable operation: {error}")
            continue
        if operation.method.upper() != "GET":
            continue
        tested.append(operation.label)
        if failure := fuzz(operation, EXAMPLES):
            failures.append(failure)
    print("\n".join(tested))
    assert not failures, "\n\n".join(failures)
    # Every GET in the document (schemathesis leaves out the path it read the document from).
    documented = {f"GET {path}" for path, item in schema.raw_schema["paths"].items() if "get" in item}
    assert set(tested) == documented - {"GET /api/v1/openapi.json"}
