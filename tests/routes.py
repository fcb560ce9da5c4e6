"""Walk Flask's URL map: every route with sample arguments, so a new route is covered without a test change."""

from flask import url_for

# A value for every URL argument of every route; a new argument name makes the walkers fail until added here.
SAMPLE_ARGS = {
    "action": "confirm",
    "token": "not-a-real-token",
    "pledge_id": 1,
    "listing_id": 1,
    "user_id": 1,
    "ods_code": "A81030",
    "postcode": "TS1 3RY",
    "package": "leaflet",
    "filename": "leaflet.js",
    "record_id": "00000000-0000-0000-0000-000000000000",  # an Open Referral UK id (the feed's records are UUIDs)
    "id": "0" * 64,  # a queued toolkit's id (its PDF store key), as in /api/v1/toolkits/<id>
    "key": "0" * 64,  # the same, in the form's /toolkit/made/<key>
}
SAMPLE_ARGS_BY_ENDPOINT = {"static": {"filename": "site.css"}, "i18n.web_font": {"name": "ethiopic", "weight": 400}}
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def sample_url(app, rule, values: dict | None = None) -> str:
    """The rule's URL with sample arguments; values (real ids, say) take precedence."""
    args = {**SAMPLE_ARGS, **SAMPLE_ARGS_BY_ENDPOINT.get(rule.endpoint, {}), **(values or {})}
    missing = rule.arguments - set(args)
    assert not missing, f"{rule.rule}: add sample values for {sorted(missing)} to tests/routes.py"
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})


def routes(app, methods: set[str]):
    """(rule, url, method) for every route answering one of methods."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & methods):
            yield rule, sample_url(app, rule), method
