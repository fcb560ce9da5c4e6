"""The listed Safe Surgeries in the Open Referral UK profile of HSDS, the format councils' and the voluntary
sector's service finders import.

Follows the ORUK profile's API (github.com/OpenReferralUK/uk-profile, schema/openapi.json): `/` describes the
API, `/services` and `/service_at_locations` are paginated lists (`contents` plus the profile's Page fields),
and `/services/{id}` and `/service_at_locations/{id}` are the full records. Each listed practice is an
organization with one service (registration, no documents needed) at one physical location. A demo
listing's service is named and described as demo data and is "inactive".

Everything comes from the public snapshot (listings.py), so only public fields: never a contact. Identifiers
are UUIDs derived from the ODS code, so they stay the same across rebuilds and servers.
"""

import math
import uuid

from .. import nations
from .search import SearchError
from .snapshot import public_snapshot

PROFILE_URL = "https://github.com/OpenReferralUK/uk-profile"
HSDS_VERSION = "3.0"
# Any fixed namespace would do; this one makes the ids ours rather than another system's.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://safesurgeries.org.uk/oruk/")
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000


def _id(kind: str, ods_code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{ods_code}"))


# What the fees field may say, per nation, only as far as ../shared/FACTS.md supports it: GP care is free to
# anyone in England; in Wales an overseas visitor's free primary care is set by a Welsh Health Circular; for
# Scotland the fact is marked (check), so nothing is said.
FEES = {
    nations.ENGLAND: "Free: anyone in England can see a GP free of charge.",
    nations.WALES: "Whether GP care is free for an overseas visitor is set by Welsh Health Circular WHC/2025/025.",
}


# A demo listing (`safesurgeries demo load`) is an invented practice: its records say so in every text a
# service finder shows, and its service is "inactive" so that a finder importing the feed does not offer it.
DEMO_NOTE = "Demo data: an invented practice, listed to show how the registry works; not a real GP practice."


def _description(item: dict) -> str:
    """What the practice pledged (every nation's principles say it), and whose rules apply: nothing stronger."""
    if item["demo"]:
        return f"{DEMO_NOTE} {item['name']} is not a Safe Surgery and does not register patients."
    where = f" It follows the GP registration rules of {nations.name(item['nation'])}." if item["nation"] else ""
    return (
        f"{item['name']} is a Safe Surgery: it has pledged not to refuse anyone registration for lack of proof "
        "of address, not to insist on ID, and never to ask to see a visa or proof of immigration status." + where
    )


def _organization(item: dict, full: bool) -> dict:
    organization = {
        "id": _id("organization", item["ods_code"]),
        "name": item["name"],
        "description": DEMO_NOTE if item["demo"] else f"A GP practice in the NHS, ODS code {item['ods_code']}.",
    }
    if full:
        organization["organization_identifiers"] = [
            {
                "id": _id("organization_identifier", item["ods_code"]),
                "organization_id": organization["id"],
                "identifier_type": "ODS code",
                "identifier": item["ods_code"],
            }
        ]
    return organization


def _service(item: dict, full: bool) -> dict:
    service = {
        "id": _id("service", item["ods_code"]),
        "organization_id": _id("organization", item["ods_code"]),
        "name": f"Demo data, not a real service: GP registration at {item['name']}"
        if item["demo"]
        else f"GP registration at {item['name']}",
        "description": _description(item),
        "status": "inactive" if item["demo"] else "active",
        "organization": _organization(item, full),
    }
    if item["demo"]:
        service["alert"] = DEMO_NOTE
    elif fees := FEES.get(item["nation"]):
        service["fees"] = fees
    if full:
        service["service_at_locations"] = [_service_at_location(item, full=True, with_service=False)]
    return service


def _location(item: dict, full: bool) -> dict:
    location = {
        "id": _id("location", item["ods_code"]),
        "location_type": "physical",
        "name": item["name"],
        "external_identifier": item["ods_code"],
        "external_identifier_type": "ODS code",
    }
    if item["latitude"] is not None and item["longitude"] is not None:
        location.update(latitude=item["latitude"], longitude=item["longitude"])
    if full:
        lines = item["address_lines"]
        location["addresses"] = [
            {
                "id": _id("address", item["ods_code"]),
                "location_id": location["id"],
                "address_1": lines[0] if lines else item["name"],
                "city": lines[-1] if len(lines) > 1 else "",
                "state_province": nations.name(item["nation"]) if item["nation"] else "",
                "postal_code": item["postcode"] or "",
                "country": "GB",
                "address_type": "physical",
            }
        ]
    return location


def _service_at_location(item: dict, full: bool, with_service: bool = True) -> dict:
    record = {
        "id": _id("service_at_location", item["ods_code"]),
        "service_id": _id("service", item["ods_code"]),
        "location_id": _id("location", item["ods_code"]),
        "location": _location(item, full),
    }
    if with_service:
        record["service"] = _service(item, full=False)
    return record


def _page_number(args, name: str, default: int, most: int | None = None) -> int:
    text = (args.get(name) or "").strip()
    if not text:
        return default
    if not text.isdecimal() or int(text) < 1 or (most is not None and int(text) > most):
        raise SearchError(name, f"{name} must be a whole number from 1" + (f" to {most}." if most else " up."))
    return int(text)


def _page(args, build) -> dict:
    page = _page_number(args, "page", 1, 10**9)
    per_page = _page_number(args, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    snapshot = public_snapshot()
    total = len(snapshot.items)
    contents = [build(item) for item in snapshot.items[(page - 1) * per_page : page * per_page]]
    total_pages = math.ceil(total / per_page)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page,
        "size": len(contents),
        "first_page": page == 1,
        "last_page": page >= total_pages,
        "empty": not contents,
        "demo": snapshot.demo,
        "demo_count": snapshot.demo_count,
        "contents": contents,
    }


def services_page(args) -> dict:
    return _page(args, lambda item: _service(item, full=False))


def service_at_locations_page(args) -> dict:
    return _page(args, lambda item: _service_at_location(item, full=False))


def _find(kind: str, record_id: str) -> dict | None:
    return next((item for item in public_snapshot().items if _id(kind, item["ods_code"]) == record_id.lower()), None)


def service(record_id: str) -> dict | None:
    item = _find("service", record_id)
    return None if item is None else _service(item, full=True)


def service_at_location(record_id: str) -> dict | None:
    item = _find("service_at_location", record_id)
    return None if item is None else _service_at_location(item, full=True)
