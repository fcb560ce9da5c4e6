"""The OpenAPI 3.0 document of the whole public API (registry, directory, postcodes, languages, toolkits).

Hand-written on purpose: the answers are plain dicts built by five small blueprints, and the rules the
document states (the postcode grammar, ODS codes, the filters' limits) are taken from the modules that
enforce them rather than restated. Generating it (apispec, flask-smorest, pydantic) would mean rewriting
every view around a schema library for one document. Instead the suite keeps it honest three ways:
openapi-spec-validator checks it is valid OpenAPI 3.0 (tests/test_registry_openapi.py), every path, method
and status listed here is called and its answer checked there, and schemathesis fuzzes every GET operation
from this document alone (tests/test_api_schemathesis.py).

Every operation declares each status it can answer: 400 also for a NUL character in any part of the request
(security/bodies.py), 503 when the database is briefly unavailable. Other methods on these paths answer
405 with an Allow header, which a GET or POST operation cannot answer, so it is described in `info` only.
"""

import functools

from .. import nations
from .regions import REGION_NAMES
from .search import DEFAULT_RADIUS_MILES, MAX_LIMIT, MAX_RADIUS_KM, MAX_RADIUS_MILES
from .snapshot import PUBLIC_FIELDS

# A body the API turns into a toolkit: the document's example, and the fuzzer's known-good case.
TOOLKIT_EXAMPLE = {
    "practice_name": "Riverside Medical Centre",
    "address_lines": ["12 Quay Street", "Deptford", "London"],
    "postcode": "SE8 4RU",
    "phone": "020 7946 0123",
    "languages": ["ar", "pl"],
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str, headers: dict | None = None) -> dict:
    response = _json(_ref("Error"), description)
    if headers:
        response["headers"] = headers
    return response


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


# What the code accepts, as patterns: the postcode grammar (postcodes/grammar.py, any case, one optional space),
# a GP practice's ODS code (practices/codes.py, any case) and text without a NUL (security/bodies.py refuses it).
POSTCODE_PATTERN = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?([0-9][A-Za-z]{2})?$"
ODS_CODE_PATTERN = r"^[A-Za-z][0-9]{5}$"
NO_NUL = r"^[^\u0000]*$"
SEARCH_TEXT = {"type": "string", "maxLength": 100, "pattern": NO_NUL}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again.",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}
NUL = " Also for a NUL character anywhere in the request."
DATABASE_BUSY = _error("The database is briefly unavailable: try again (nothing was changed).", RETRY_AFTER)

TOOLKIT_PDF = {
    "description": "The toolkit.",
    "headers": {
        "Toolkit-Nation": {
            "description": "Whose rules it states: england, scotland or wales.",
            "schema": {"type": "string"},
        },
        "Toolkit-Unreviewed-Languages": {
            "description": "Comma-separated codes of its machine translations that no fluent "
            "speaker has reviewed yet (empty if none).",
            "schema": {"type": "string"},
        },
    },
    "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
}
TOOLKIT_ACCEPTED = {
    "description": "The toolkit is being made by the job queue (it was not ready within a few seconds): ask its "
    "status_url (also in Location) again after Retry-After seconds; it answers the PDF when done.",
    "headers": {
        "Location": {"description": "The status URL.", "schema": {"type": "string", "format": "uri"}},
        **RETRY_AFTER,
    },
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["status", "status_url"],
                "properties": {
                    "status": {"type": "string", "enum": ["queued", "started"]},
                    "status_url": {"type": "string", "format": "uri"},
                    "ahead": {"type": "integer", "minimum": 0, "description": "Toolkits ahead of it in the queue."},
                },
            }
        }
    },
}

NULLABLE_STRING = {"type": "string", "nullable": True}
UUID = {"type": "string", "format": "uuid"}


def _oruk_page(record: str) -> dict:
    """The profile's Page fields around `contents`."""
    return {
        "type": "object",
        "required": [
            "total_items",
            "total_pages",
            "page_number",
            "size",
            "first_page",
            "last_page",
            "empty",
            "contents",
            "demo",
            "demo_count",
        ],
        "properties": {
            "total_items": {"type": "integer"},
            "total_pages": {"type": "integer"},
            "page_number": {"type": "integer"},
            "size": {"type": "integer"},
            "first_page": {"type": "boolean"},
            "last_page": {"type": "boolean"},
            "empty": {"type": "boolean"},
            "demo": {"type": "boolean", "description": "True while demo data is loaded."},
            "demo_count": DEMO_COUNT,
            "contents": {"type": "array", "items": _ref(record)},
        },
    }


def _oruk_list(summary: str, schema: str) -> dict:
    pages = [
        _query("page", "Which page, from 1.", {"type": "integer", "minimum": 1, "maximum": 10**9}),
        _query(
            "per_page",
            "How many records a page holds (default 50).",
            {"type": "integer", "minimum": 1, "maximum": 1000},
        ),
    ]
    return {
        "get": {
            "summary": summary,
            "parameters": pages,
            "responses": {
                "200": _json(_ref(schema), "One page of the records."),
                "304": NOT_MODIFIED,
                "400": _error("`page` or `per_page` is not right (`parameter` names it)." + NUL),
                "503": DATABASE_BUSY,
            },
        }
    }


def _oruk_record(summary: str, schema: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": UUID}],
            "responses": {
                "200": _json(_ref(schema), "The record."),
                "304": NOT_MODIFIED,
                "400": _error("The request holds a NUL character."),
                "404": _error("No listed Safe Surgery has this id."),
                "503": DATABASE_BUSY,
            },
        }
    }


NULLABLE_NUMBER = {"type": "number", "nullable": True}
NATION = {
    "type": "string",
    "nullable": True,
    "enum": [*nations.ALL, None],
    "description": "The UK nation whose GP registration rules apply; null when not known.",
}
DEMO = {
    "type": "boolean",
    "description": "True while demo data (invented practices, not real Safe Surgeries) is loaded, whatever "
    "the filters; each item says whether it is demo in its own `demo`. When it turns false, the demo "
    "listings were deleted: a mirror deletes the items it holds marked demo.",
}
DEMO_COUNT = {
    "type": "integer",
    "minimum": 0,
    "description": "How many listings in the whole registry are demo data, whatever the filters.",
}
NOTICE = {
    "type": "string",
    "description": "Only when `near` (or a place in `q`) is in a nation where no practice "
    "is listed, or in the Isle of Man or the Channel Islands: there are then no results, and this says "
    "which nations the registry covers.",
}
# From a place: the radius searched within, and with nothing in it, how far the nearest listing is.
NEARBY = {
    "radius_km": {
        "type": "number",
        "description": f"Only with a place (`near`, or a place in `q`): the radius searched within, "
        f"{DEFAULT_RADIUS_MILES} miles unless `radius_km` or `radius_miles` asked for another.",
    },
    "radius_miles": {"type": "number", "description": "The same radius in miles."},
    "nearest_km": {
        "type": "number",
        "description": "Only when nothing matches within the radius: how far away the nearest listing "
        "matching the other filters is (ask again with a wider radius to get it).",
    },
    "nearest_miles": {"type": "number", "description": "The same distance in miles."},
    "advice": {
        "type": "string",
        "description": "Only with a place and no results: what the rules for registering with a GP are in the "
        "nation searched from, for a patient (none for the Isle of Man or the Channel Islands).",
    },
}

FILTERS = [
    _query(
        "q",
        "Words from a practice's name, ODS code, postcode or address. A postcode or a town here "
        "sorts the results nearest first, as `near` does.",
        SEARCH_TEXT,
    ),
    _query(
        "near",
        "A postcode (SE1 7PB), a postcode district (SE1) or a town: results come nearest first, "
        f"with distance_km and miles, within {DEFAULT_RADIUS_MILES} miles unless a radius is given.",
        SEARCH_TEXT,
    ),
    _query(
        "radius_km",
        f"Only listings within this many kilometres of `near` (default: {DEFAULT_RADIUS_MILES} miles). "
        "Not with `radius_miles`.",
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": MAX_RADIUS_KM},
    ),
    _query(
        "radius_miles",
        f"Only listings within this many miles of `near` (default: {DEFAULT_RADIUS_MILES}). Not with `radius_km`.",
        {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": MAX_RADIUS_MILES},
    ),
    _query("region", "An NHS England region code.", {"type": "string", "enum": list(REGION_NAMES)}),
    _query("nation", "Only listings in this UK nation.", {"type": "string", "enum": list(nations.ALL)}),
    _query(
        "limit",
        "At most this many results (the first ones in the list's order).",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    ),
    _query(
        "changed_since",
        "Only listings added or changed at or after this moment (ISO 8601; UTC unless an "
        "offset is given), and every listing removed since then, as tombstones in `removed` "
        "(CSV: rows with status `removed`). Ask next time with the answer's `as_of`.",
        {"type": "string", "format": "date-time", "example": "2026-01-31T09:00:00Z"},
    ),
]
CHANGES = {
    "changed_since": {"type": "string", "format": "date-time", "description": "Only with `changed_since`: as asked."},
    "as_of": {
        "type": "string",
        "format": "date-time",
        "description": "Only with `changed_since`: when this answer was taken; the next `changed_since`.",
    },
    "removed": {
        "type": "array",
        "items": {"$ref": "#/components/schemas/Removal"},
        "description": "Only with `changed_since`: listings that left the list since then.",
    },
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "message"],
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "parameter": {"type": "string", "description": "The query parameter that is wrong."},
            "retry_after": {"type": "integer", "description": "With 429: seconds to wait."},
        },
    },
    "Surgery": {
        "type": "object",
        "required": list(PUBLIC_FIELDS),
        "properties": {
            "ods_code": {"type": "string"},
            "name": {"type": "string"},
            "address_lines": {"type": "array", "items": {"type": "string"}},
            "postcode": NULLABLE_STRING,
            "latitude": NULLABLE_NUMBER,
            "longitude": NULLABLE_NUMBER,
            "phone": NULLABLE_STRING,
            "region": NULLABLE_STRING,
            "region_name": NULLABLE_STRING,
            "nation": NATION,
            "listed_since": {"type": "string", "format": "date"},
            "last_confirmed": {"type": "string", "format": "date"},
            "demo": {
                "type": "boolean",
                "description": "True for demo data: an invented practice, not a real Safe Surgery. Real "
                "listings come before demo ones at the same distance (and in the list by name).",
            },
            "distance_km": {"type": "number", "description": "Only with `near`."},
            "miles": {"type": "number", "description": "Only with `near`."},
        },
    },
    "SurgeryList": {
        "type": "object",
        "required": ["surgeries", "count", "total", "demo", "demo_count"],
        "properties": {
            "surgeries": {"type": "array", "items": _ref("Surgery")},
            "count": {"type": "integer", "description": "How many are in this answer."},
            "total": {"type": "integer", "description": "How many match, before `limit`."},
            "demo": DEMO,
            "demo_count": DEMO_COUNT,
            "notice": NOTICE,
            **NEARBY,
            **CHANGES,
        },
    },
    "SurgeryCollection": {
        "type": "object",
        "required": ["type", "features", "count", "demo", "demo_count"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "count": {"type": "integer"},
            "demo": DEMO,
            "demo_count": DEMO_COUNT,
            "notice": NOTICE,
            **NEARBY,
            **CHANGES,
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"type": "string", "enum": ["Feature"]},
                        "geometry": {
                            "type": "object",
                            "nullable": True,
                            "required": ["type", "coordinates"],
                            "properties": {
                                "type": {"type": "string"},
                                "coordinates": {"type": "array", "items": {"type": "number"}},
                            },
                        },
                        "properties": _ref("Surgery"),
                    },
                },
            },
        },
    },
    "Removal": {
        "type": "object",
        "required": ["ods_code", "removed_at"],
        "description": "A tombstone: the practice's listing was withdrawn or taken down. Nothing else is "
        "kept public about it.",
        "properties": {"ods_code": {"type": "string"}, "removed_at": {"type": "string", "format": "date-time"}},
    },
    # The Open Referral UK profile's records, as much as this feed fills in; the profile's own JSON schemas
    # (github.com/OpenReferralUK/uk-profile, schema/compiled/) check them in tests/test_registry_oruk.py.
    "OrukOrganization": {
        "type": "object",
        "required": ["id", "name", "description"],
        "properties": {
            "id": UUID,
            "name": {"type": "string"},
            "description": {"type": "string"},
            "organization_identifiers": {"type": "array", "items": {"type": "object"}},
        },
    },
    "OrukLocation": {
        "type": "object",
        "required": ["id", "location_type"],
        "properties": {
            "id": UUID,
            "location_type": {"type": "string", "enum": ["physical"]},
            "name": {"type": "string"},
            "latitude": {"type": "number"},
            "longitude": {"type": "number"},
            "external_identifier": {"type": "string"},
            "external_identifier_type": {"type": "string"},
            "addresses": {"type": "array", "items": {"type": "object"}},
        },
    },
    "OrukService": {
        "type": "object",
        "required": ["id", "name", "status", "organization"],
        "properties": {
            "id": UUID,
            "organization_id": UUID,
            "name": {"type": "string"},
            "description": {"type": "string"},
            "status": {
                "type": "string",
                "enum": ["active", "inactive"],
                "description": "inactive for demo data (an invented practice), whose name and alert say so.",
            },
            "fees": {"type": "string"},
            "alert": {"type": "string", "description": "Only for demo data: says it is not a real practice."},
            "organization": _ref("OrukOrganization"),
            "service_at_locations": {"type": "array", "items": _ref("OrukServiceAtLocation")},
        },
    },
    "OrukServiceAtLocation": {
        "type": "object",
        "required": ["id", "service_id", "location_id", "location"],
        "properties": {
            "id": UUID,
            "service_id": UUID,
            "location_id": UUID,
            "location": _ref("OrukLocation"),
            "service": _ref("OrukService"),
        },
    },
    "OrukServicePage": _oruk_page("OrukService"),
    "OrukServiceAtLocationPage": _oruk_page("OrukServiceAtLocation"),
    "Practice": {
        "type": "object",
        "required": [
            "ods_code",
            "name",
            "address_lines",
            "postcode",
            "region",
            "nation",
            "latitude",
            "longitude",
            "phone",
            "status",
            "written_name",
            "written_address_lines",
        ],
        "properties": {
            "ods_code": {"type": "string"},
            "name": {"type": "string"},
            "address_lines": {"type": "array", "items": {"type": "string"}},
            "postcode": NULLABLE_STRING,
            "region": NULLABLE_STRING,
            "nation": NATION,
            "latitude": NULLABLE_NUMBER,
            "longitude": NULLABLE_NUMBER,
            "phone": NULLABLE_STRING,
            "status": {"type": "string"},
            "written_name": {
                "type": "string",
                "description": "name as a person writes it (name is as NHS England publishes it, in capitals)",
            },
            "written_address_lines": {
                "type": "array",
                "items": {"type": "string"},
                "description": "address_lines as a person writes them: "
                "cased, comma-joined lines split, the name not repeated",
            },
        },
    },
    "PracticeList": {
        "type": "object",
        "required": ["practices"],
        "properties": {"practices": {"type": "array", "items": _ref("Practice")}},
    },
    "Location": {
        "type": "object",
        "required": ["postcode", "latitude", "longitude", "precision"],
        "properties": {
            "postcode": {"type": "string"},
            "latitude": {"type": "number"},
            "longitude": {"type": "number"},
            "precision": {"type": "string", "enum": ["postcode", "district"]},
            "nation": {
                "type": "string",
                "nullable": True,
                "enum": ["england", "scotland", "wales", "northern-ireland", None],
                "description": "null for a district that crosses a border",
            },
        },
    },
    "LanguageList": {
        "type": "object",
        "required": ["languages"],
        "properties": {
            "languages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["code", "name", "native_name", "script", "direction", "reviewed", "review"],
                    "properties": {
                        "code": {"type": "string"},
                        "name": {"type": "string"},
                        "native_name": {"type": "string"},
                        "script": {"type": "string"},
                        "direction": {"type": "string", "enum": ["ltr", "rtl"]},
                        "reviewed": {"type": "boolean"},
                        "review": {"type": "string"},
                    },
                },
            }
        },
    },
    "PracticeDetails": {
        "type": "object",
        "required": ["practice_name", "address_lines", "postcode"],
        "description": "The practice details contract; see the README.",
        "properties": {
            "practice_name": {"type": "string"},
            "ods_code": {"type": "string"},
            "address_lines": {"type": "array", "items": {"type": "string"}},
            "postcode": {"type": "string"},
            "nation": {
                "type": "string",
                "enum": ["england", "scotland", "wales"],
                "description": "Optional: it must match the postcode's.",
            },
            "phone": {"type": "string"},
            "email": {"type": "string"},
            "website": {"type": "string"},
            "contact_name": {"type": "string"},
            "contact_role": {"type": "string"},
            "care_of_address_lines": {"type": "array", "items": {"type": "string"}},
            "interpreting_service": {"type": "string"},
            "languages": {"type": "array", "items": {"type": "string"}},
        },
    },
    "DetailsErrors": {
        "type": "object",
        "required": ["error", "message", "errors"],
        "properties": {
            "error": {"type": "string"},
            "message": {"type": "string"},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
        },
    },
}

NOT_MODIFIED = {"description": "Not modified: the ETag sent in If-None-Match is current."}
BAD_FILTER = _error("A filter is not right (`parameter` names it), or a place in `q` or `near` is not known." + NUL)


def _listing_export(summary: str, content_type: str, schema: dict | None) -> dict:
    ok = (
        {"description": "The matching listings.", "content": {content_type: {"schema": schema}}}
        if schema
        else {
            "description": "The matching listings: UTF-8 with a byte order mark, CRLF line ends, a header row "
            "and a `demo` column (yes for a demo listing, an invented practice; no for a real one). "
            "With `changed_since`, also `status` (listed or removed) and `removed_at` columns.",
            "content": {content_type: {"schema": {"type": "string"}}},
        }
    )
    return {
        "get": {
            "summary": summary,
            "parameters": FILTERS,
            "responses": {"200": ok, "304": NOT_MODIFIED, "400": BAD_FILTER, "503": DATABASE_BUSY},
        }
    }


@functools.cache
def openapi_document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Safe Surgeries open data API",
            "version": "1",
            "description": "The public registry of Safe Surgeries, the NHS practice directory, postcode "
            "lookups and the toolkit generator. Listings only ever carry public fields. "
            "Errors are JSON objects with `error` and `message`. A method a path does not "
            "list answers 405 with an `Allow` header naming the ones it does.",
        },
        "paths": {
            "/api/v1/surgeries": _listing_export(
                "Listed Safe Surgeries as JSON.", "application/json", _ref("SurgeryList")
            ),
            "/api/v1/surgeries.geojson": _listing_export(
                "Listed Safe Surgeries as a GeoJSON FeatureCollection.",
                "application/geo+json",
                _ref("SurgeryCollection"),
            ),
            "/api/v1/surgeries.csv": _listing_export("Listed Safe Surgeries as CSV.", "text/csv", None),
            "/api/v1/practices": {
                "get": {
                    "summary": "Search the NHS practice directory (up to 20 results).",
                    "parameters": [
                        _query("q", "A name fragment, an ODS code prefix or a postcode prefix.", SEARCH_TEXT)
                    ],
                    "responses": {
                        "200": _json(_ref("PracticeList"), "Matching practices."),
                        "400": _error("The search text is too long." + NUL),
                        "503": DATABASE_BUSY,
                    },
                }
            },
            "/api/v1/practices/{ods_code}": {
                "get": {
                    "summary": "One practice from the NHS directory.",
                    "parameters": [
                        {
                            "name": "ods_code",
                            "in": "path",
                            "required": True,
                            "description": "A letter and five digits, in any case (A81001).",
                            "schema": {"type": "string", "pattern": ODS_CODE_PATTERN},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Practice"), "The practice."),
                        "400": _error("The request holds a NUL character."),
                        "404": _error("No practice has this ODS code (or the text is not an ODS code)."),
                        "503": DATABASE_BUSY,
                    },
                }
            },
            "/api/v1/postcodes/{postcode}": {
                "get": {
                    "summary": "Where a postcode or postcode district is (geocoded on this server).",
                    "parameters": [
                        {
                            "name": "postcode",
                            "in": "path",
                            "required": True,
                            "description": "A full postcode (SW1A 1AA) or a district (SE15), in any case.",
                            "schema": {"type": "string", "pattern": POSTCODE_PATTERN},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Location"), "Its position."),
                        "400": _error("Not shaped like a postcode." + NUL),
                        "404": _error("Shaped like a postcode, but not in the ONS Postcode Directory."),
                        "503": _error("The postcode index has not been built."),
                    },
                }
            },
            "/api/v1/languages": {
                "get": {
                    "summary": "The languages the toolkit's posters and cards are offered in.",
                    "responses": {
                        "200": _json(_ref("LanguageList"), "The languages."),
                        "400": _error("The request holds a NUL character."),
                    },
                }
            },
            "/api/v1/toolkits": {
                "post": {
                    "summary": "A personalised toolkit PDF from a practice's details.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": _ref("PracticeDetails"),
                                "example": TOOLKIT_EXAMPLE,
                            }
                        },
                    },
                    "responses": {
                        "200": TOOLKIT_PDF,
                        "400": _error("The body is not a JSON object." + NUL),
                        "413": _error("The body is larger than 64 KB."),
                        "422": _json(
                            _ref("DetailsErrors"),
                            "Some details are not right; `errors` maps fields to messages. "
                            "A practice in Northern Ireland also gets "
                            "`nation`: there is no toolkit for it.",
                        ),
                        "202": TOOLKIT_ACCEPTED,
                        "429": _error(
                            "Too many toolkits asked for from this address in a short time, or too many of its "
                            "toolkits (counted in languages) waiting to be made.",
                            RETRY_AFTER,
                        ),
                        "503": _error(
                            "A chosen language's font is not installed on the server, the postcode index "
                            "has not been built, the job queue is full or unreachable, the toolkit's job failed, "
                            "or the database is briefly unavailable (then with Retry-After).",
                            RETRY_AFTER,
                        ),
                    },
                }
            },
            "/api/v1/toolkits/{id}": {
                "get": {
                    "summary": "A queued toolkit: its progress while it is being made, then the PDF.",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The id in the status_url of a 202 from POST /api/v1/toolkits.",
                            "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        }
                    ],
                    "responses": {
                        "200": TOOLKIT_PDF,
                        "202": TOOLKIT_ACCEPTED,
                        "404": _error(
                            "No toolkit is being made under this id (never, or finished more than a day ago): "
                            "ask again with POST /api/v1/toolkits."
                        ),
                        "503": _error(
                            "The toolkit's job failed (it ran too long, or its workers stopped), or the job "
                            "queue cannot be reached: try again.",
                            RETRY_AFTER,
                        ),
                    },
                }
            },
            "/api/v1/oruk": {
                "get": {
                    "summary": "Open Referral UK: this API's HSDS version, profile and OpenAPI document.",
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["version", "profile", "openapi_url"],
                                "properties": {
                                    "version": {"type": "string"},
                                    "profile": {"type": "string", "format": "uri"},
                                    "openapi_url": {"type": "string", "format": "uri"},
                                },
                            },
                            "About this API.",
                        ),
                        "304": NOT_MODIFIED,
                        "400": _error("The request holds a NUL character."),
                    },
                }
            },
            "/api/v1/oruk/services": _oruk_list(
                "Open Referral UK: the listed Safe Surgeries' services.", "OrukServicePage"
            ),
            "/api/v1/oruk/services/{id}": _oruk_record(
                "Open Referral UK: one service, with its organization and location.", "OrukService"
            ),
            "/api/v1/oruk/service_at_locations": _oruk_list(
                "Open Referral UK: each service at its location.", "OrukServiceAtLocationPage"
            ),
            "/api/v1/oruk/service_at_locations/{id}": _oruk_record(
                "Open Referral UK: one service at its location.", "OrukServiceAtLocation"
            ),
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI document.",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "object", "required": ["openapi", "info", "paths"]}
                                }
                            },
                        },
                        "304": NOT_MODIFIED,
                        "400": _error("The request holds a NUL character."),
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
