"""A fresh install with the demo data, then one real approval, as an admin does it: the real listing is never
called demo (its page, the list, JSON, GeoJSON, CSV, the Open Referral feed, the stats), it ranks above the demo
practices at its own postcode, the stats count it apart and no share passes 100%, and the admin is offered to
clear the demo, which a staff page does as the command line does."""

import csv
import io
import re

import pytest
from bs4 import BeautifulSoup
from pledging import create_staff, csrf, import_sample, sign_in
from test_staff import confirmed_pledge

from safesurgeries.audit import AuditEntry
from safesurgeries.extensions import db

ON_EVERY_DATABASE = True

# Newlands Medical Centre, TS1 3RX: the demo puts two practices at its postcode, and its name sorts after
# "Demo ...", so only the rule "real before demo at the same distance" ranks it first there.
REAL = "A81035"
NEWLANDS = {"ods_code": REAL, "practice_name": "Newlands Medical Centre", "postcode": "TS1 3RX"}
DEMO_COUNT = 300


def text(response) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


@pytest.fixture
def demo_then_real(app, client, runner):
    """The sample directory, the demo data, an admin, and one real pledge approved by that admin."""
    import_sample(runner)
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    create_staff(runner, "adam.admin@dotw.example", "admin")
    create_staff(runner, "rita.reviewer@dotw.example", "reviewer")
    pledge_id = confirmed_pledge(app, client, runner, **NEWLANDS)
    admin = app.test_client()
    sign_in(admin, "adam.admin@dotw.example")
    token = csrf(admin.get(f"/staff/pledges/{pledge_id}").data)
    approval = admin.post(f"/staff/pledges/{pledge_id}/approve", data={"csrf_token": token}, follow_redirects=True)
    return admin, approval


def test_the_first_real_approval_tells_the_admin_and_offers_to_clear_the_demo(demo_then_real):
    admin, approval = demo_then_real
    notices = BeautifulSoup(approval.data, "html.parser").select(".notices .notice")
    said = " ".join(notice.get_text(" ", strip=True) for notice in notices)
    assert "Approved: Newlands Medical Centre is listed." in said
    assert f"This is the registry's first real listing, and {DEMO_COUNT} demo listings are still shown" in said
    [offer] = [a for notice in notices for a in notice.select("a")]
    assert offer["href"] == "/staff/demo"
    page = admin.get(offer["href"])
    assert page.status_code == 200
    assert f"{DEMO_COUNT} demo listings are loaded" in text(page) and "1 real practice is listed" in text(page)


def test_the_real_listing_is_not_called_demo_anywhere(demo_then_real, client):
    page = client.get(f"/surgeries/{REAL}")
    assert page.status_code == 200
    assert "demo" not in text(page).casefold()  # no banner, no badge, no "These listings are demo data"
    assert "Safe Surgery since" in text(page)

    answer = client.get("/api/v1/surgeries", query_string={"limit": 10000}).get_json()
    assert (answer["total"], answer["demo"], answer["demo_count"]) == (DEMO_COUNT + 1, True, DEMO_COUNT)
    flags = {item["ods_code"]: item["demo"] for item in answer["surgeries"]}
    assert flags.pop(REAL) is False and set(flags.values()) == {True}
    geojson = client.get("/api/v1/surgeries.geojson").get_json()
    flags = {feature["properties"]["ods_code"]: feature["properties"]["demo"] for feature in geojson["features"]}
    assert flags.pop(REAL) is False and set(flags.values()) == {True}
    rows = {row["ods_code"]: row["demo"] for row in csv_rows(client.get("/api/v1/surgeries.csv"))}
    assert rows.pop(REAL) == "no" and set(rows.values()) == {"yes"}

    services = client.get("/api/v1/oruk/services", query_string={"per_page": 1000}).get_json()
    assert services["demo_count"] == DEMO_COUNT
    by_org = {service["organization"]["name"]: service for service in services["contents"]}
    real = next(service for name, service in by_org.items() if not name.startswith("Demo "))
    assert real["status"] == "active" and "demo" not in str(real).casefold()
    full = client.get(f"/api/v1/oruk/services/{real['id']}").get_json()
    assert "demo" not in str(full).casefold() and full["fees"].startswith("Free")
    demo = [service for name, service in by_org.items() if name.startswith("Demo ")]
    assert len(demo) == DEMO_COUNT
    assert all(s["status"] == "inactive" and s["name"].startswith("Demo data, not a real service") for s in demo)
    demo_full = client.get(f"/api/v1/oruk/services/{demo[0]['id']}").get_json()
    assert demo_full["alert"].startswith("Demo data") and "not a Safe Surgery" in demo_full["description"]
    assert "fees" not in demo_full


def test_the_real_listing_ranks_above_the_demo_practices_at_its_own_postcode(demo_then_real, client):
    nearest = client.get("/api/v1/surgeries", query_string={"near": "TS1 3RX", "limit": 5}).get_json()["surgeries"]
    at_its_postcode = [item for item in nearest if item["distance_km"] == 0]
    assert len(at_its_postcode) == 3  # the real practice and two demo practices, all at 0 km
    assert at_its_postcode[0]["ods_code"] == REAL and nearest[0]["ods_code"] == REAL
    assert [item["demo"] for item in at_its_postcode] == [False, True, True]

    soup = BeautifulSoup(client.get("/surgeries", query_string={"q": "TS1 3RX"}).data, "html.parser")
    listings = soup.select("ol.listings li.listing")
    assert listings[0].select_one(".listing-name a")["href"] == f"/surgeries/{REAL}"
    assert listings[0].select_one(".tag-demo") is None
    assert all(listing.select_one(".tag-demo") for listing in listings[1:])
    banner = text(client.get("/surgeries"))
    assert "practices whose names start with “Demo” are invented" in banner
    assert "The other listings are real Safe Surgeries." in banner


def percentages(page_text: str) -> list[float]:
    return [float(number) for number in re.findall(r"(\d+(?:\.\d+)?)%", page_text)]


def test_the_stats_count_the_real_listing_apart_and_no_share_passes_100_percent(demo_then_real, client):
    response = client.get("/stats")
    soup = BeautifulSoup(response.data, "html.parser")
    assert soup.select_one(".big-number").get_text() == "1"
    assert soup.select_one(".demo-number").get_text() == str(DEMO_COUNT)
    shares = percentages(text(response))
    assert shares and max(shares) <= 100
    assert all(float(rect["width"]) <= 100 for rect in soup.select("rect.bar-fill"))
    regions = {
        tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in soup.select("table[aria-labelledby=regions-heading] tbody tr")
    }
    # North East and Yorkshire: the real listing over the sample's 30 open GP practices; demo counted apart.
    listed, open_practices, share, _bar, demo = regions["North East and Yorkshire"]
    assert (listed, open_practices, share) == ("1", "30", "3.3%") and int(demo) > 30
    assert regions["London"][:3] == ["0", "30", "0.0%"]

    table = csv_rows(client.get("/stats.csv"))
    assert all(float(row["share_percent"]) <= 100 for row in table if row["share_percent"])
    england = next(row for row in table if row["table"] == "nation" and row["key"] == "england")
    assert (england["listed"], england["demo_listed"]) == ("1", str(DEMO_COUNT))
    months = [row for row in table if row["table"] == "month"]
    assert sum(int(row["listed"]) for row in months) == 1
    assert sum(int(row["demo_listed"]) for row in months) == DEMO_COUNT


def test_an_admin_clears_the_demo_from_the_staff_page_and_it_is_audited(app, demo_then_real, client):
    admin, _approval = demo_then_real
    reviewer = app.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    assert reviewer.get("/staff/demo").status_code == 403
    token = csrf(reviewer.get("/staff/pledges").data)
    assert reviewer.post("/staff/demo/clear", data={"csrf_token": token}).status_code == 403
    assert admin.post("/staff/demo/clear", data={}).status_code == 400  # no CSRF token: nothing happens
    assert client.get("/api/v1/surgeries").get_json()["demo_count"] == DEMO_COUNT

    page = admin.get("/staff/demo")
    form = BeautifulSoup(page.data, "html.parser").select_one("form[action='/staff/demo/clear']")
    assert form.button.get_text(strip=True) == f"Remove {DEMO_COUNT} demo listings"
    done = admin.post(form["action"], data={"csrf_token": csrf(page.data)}, follow_redirects=True)
    assert f"Removed {DEMO_COUNT} demo listings and {DEMO_COUNT} demo practices." in text(done)
    assert "No demo data is loaded" in text(done)

    answer = client.get("/api/v1/surgeries").get_json()
    assert [item["ods_code"] for item in answer["surgeries"]] == [REAL]
    assert (answer["demo"], answer["demo_count"]) == (False, 0)
    assert "Demo data" not in client.get("/surgeries").get_data(as_text=True)
    with app.app_context():
        entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "demo.cleared")).one()
        assert entry.actor == "staff:adam.admin@dotw.example"
        assert entry.detail == {"listings": DEMO_COUNT, "practices": DEMO_COUNT}
    again = admin.post("/staff/demo/clear", data={"csrf_token": csrf(admin.get("/staff/demo").data)})
    assert again.status_code == 303  # nothing left: said so, and no second audit entry
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(AuditEntry.action == "demo.cleared")) == 1


def test_the_command_line_clear_is_audited_as_the_system(app, runner):
    assert runner.invoke(args=["demo", "load", "--count", "5"]).exit_code == 0
    assert runner.invoke(args=["demo", "clear"]).exit_code == 0
    with app.app_context():
        actions = [
            (entry.action, entry.actor, entry.detail)
            for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))
        ]
    assert actions == [
        ("demo.loaded", "system", {"listings": 5}),
        ("demo.cleared", "system", {"listings": 5, "practices": 5}),
    ]
