"""Staff: accounts, sign-in and its slow-down, who may open which page, the moderation queue and its decisions."""

import threading

import pytest
from bs4 import BeautifulSoup
from pledging import (
    create_staff,
    csrf,
    eml_messages,
    import_sample,
    link_path,
    post_button,
    send_outbox,
    sign_in,
    submit_pledge,
)
from werkzeug.serving import make_server

from safesurgeries.audit import AuditEntry
from safesurgeries.audit.models import AppendOnly
from safesurgeries.extensions import db
from safesurgeries.pledges.models import Listing, Pledge, PledgeStatus

ON_EVERY_DATABASE = True


@pytest.fixture
def staffed(app, runner):
    """The sample directory, a reviewer and an admin."""
    import_sample(runner)
    create_staff(runner, "rita.reviewer@dotw.example", "reviewer")
    create_staff(runner, "adam.admin@dotw.example", "admin")
    return app


def confirmed_pledge(app, client, runner, **changes) -> int:
    """A pledge submitted and confirmed from its e-mail, as a practice manager does; its id."""
    before = len(eml_messages(app))
    submit_pledge(client, **changes)
    send_outbox(runner)
    assert b"Pledge confirmed" in post_button(client, link_path(eml_messages(app)[before], "confirm")).data
    with app.app_context():
        return db.session.scalars(db.select(Pledge.id).order_by(Pledge.id.desc())).first()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(*where))


# --- accounts and sign-in ---------------------------------------------------------------------------


def test_staff_create_refuses_a_short_password_and_a_duplicate(app, runner):
    short = runner.invoke(
        args=["staff", "create", "a@dotw.example", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 1 and "at least 12 characters" in short.output
    create_staff(runner, "a@dotw.example", "admin")
    again = runner.invoke(
        args=["staff", "create", "A@dotw.example", "--role", "admin", "--password-stdin"],
        input="another long password\n",
    )
    assert again.exit_code == 1 and "already a staff account" in again.output


def test_password_is_stored_as_an_argon2_hash(staffed):
    from safesurgeries.staff.models import StaffUser

    with staffed.app_context():
        user = db.session.scalars(db.select(StaffUser).where(StaffUser.email == "rita.reviewer@dotw.example")).one()
        assert user.password_hash.startswith("$argon2id$") and "correct horse" not in user.password_hash


def test_sign_in_and_out(staffed, client):
    response = sign_in(client, "rita.reviewer@dotw.example")
    assert response.status_code == 303 and response.headers["Location"].endswith("/staff/pledges")
    assert client.get("/staff/pledges").status_code == 200
    page = client.get("/staff/pledges")
    client.post("/staff/logout", data={"csrf_token": csrf(page.data)})
    assert client.get("/staff/pledges").status_code == 302


def test_sign_out_ends_the_session_even_for_a_copied_cookie(staffed, client):
    sign_in(client, "rita.reviewer@dotw.example")
    copy = staffed.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/staff/pledges").status_code == 200
    client.post("/staff/logout", data={"csrf_token": csrf(client.get("/staff/pledges").data)})
    assert copy.get("/staff/pledges").status_code == 302


ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"  # two client addresses (documentation ranges)
WRONG = "not the password at all"
SLOWED = "the next try from here is accepted after"


def sign_in_from(client, address: str, email: str, password: str = "correct horse battery staple"):
    """A sign-in as sign_in() does it, from a client address of the test's choosing."""
    token = csrf(client.get("/staff/login", environ_base={"REMOTE_ADDR": address}).data)
    return client.post(
        "/staff/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    )


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def throttle_row(app, email: str, address: str):
    from safesurgeries.staff.models import SignInThrottle

    with app.app_context():
        row = db.session.get(SignInThrottle, (email, address))
        return None if row is None else (row.failures, row.last_failure_at, row.wait_until)


def set_throttle(app, email: str, address: str, **values):
    """Time passing, without waiting for it: change the stored throttle as the clock would make it."""
    from safesurgeries.staff.models import SignInThrottle

    with app.app_context():
        row = db.session.get(SignInThrottle, (email, address))
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def ago(**delta):
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc) - dt.timedelta(**delta)


@pytest.mark.parametrize("email", ["rita.reviewer@dotw.example", "nobody@dotw.example"])
def test_wrong_passwords_slow_down_only_the_place_they_come_from_not_the_owner_elsewhere(staffed, email):
    """An outsider cannot keep an account locked: their failures make them wait; the owner elsewhere signs in.
    The answers are the same whether or not the e-mail address has an account."""
    attacker, owner = staffed.test_client(), staffed.test_client()
    for _ in range(3):
        response = sign_in_from(attacker, ATTACKER, email, WRONG)
        assert response.status_code == 401 and SLOWED not in page_text(response)
    response = sign_in_from(attacker, ATTACKER, email, WRONG)
    text = page_text(response)
    assert response.status_code == 401 and "The e-mail address or password is not right." in text
    assert SLOWED in text and "UTC (in 30 seconds)" in text and "An administrator can clear this sooner" in text
    # Even the right password is not checked from there until the wait has passed, and the page says until when.
    refused = sign_in_from(attacker, ATTACKER, email)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 30
    assert SLOWED in page_text(refused) and "not right" not in page_text(refused)
    if email.startswith("rita"):  # the owner, from anywhere else, is not held up
        assert sign_in_from(owner, OWNER, email).status_code == 303
        assert owner.get("/staff/pledges").status_code == 200
    else:
        assert sign_in_from(owner, OWNER, email, WRONG).status_code == 401


def test_the_wait_grows_with_each_failure_passes_and_is_forgotten(staffed):
    email = "rita.reviewer@dotw.example"
    client = staffed.test_client()
    for _ in range(4):
        sign_in_from(client, ATTACKER, email, WRONG)
    failures, failed_at, wait_until = throttle_row(staffed, email, ATTACKER)
    assert failures == 4 and (wait_until - failed_at).total_seconds() == 30

    set_throttle(staffed, email, ATTACKER, wait_until=ago(seconds=1))  # the 30 seconds have passed
    response = sign_in_from(client, ATTACKER, email, WRONG)
    assert response.status_code == 401 and "(in 60 seconds)" in page_text(response)
    failures, failed_at, wait_until = throttle_row(staffed, email, ATTACKER)
    assert failures == 5 and (wait_until - failed_at).total_seconds() == 60  # doubled

    set_throttle(staffed, email, ATTACKER, failures=30, wait_until=ago(seconds=1))
    response = sign_in_from(client, ATTACKER, email, WRONG)
    assert "(in 15 minutes)" in page_text(response)  # the longest wait, however many failures

    set_throttle(staffed, email, ATTACKER, last_failure_at=ago(days=2), wait_until=ago(days=2))
    response = sign_in_from(client, ATTACKER, email, WRONG)  # a day without failures: counted afresh
    assert response.status_code == 401 and SLOWED not in page_text(response)
    assert throttle_row(staffed, email, ATTACKER)[0] == 1

    assert sign_in_from(client, ATTACKER, email).status_code == 303
    assert throttle_row(staffed, email, ATTACKER) is None  # a sign-in clears the count for that place


def test_an_admin_clears_an_accounts_sign_in_wait_and_it_is_audited(staffed):
    email = "rita.reviewer@dotw.example"
    attacker = staffed.test_client()
    for _ in range(4):
        sign_in_from(attacker, ATTACKER, email, WRONG)
    admin = staffed.test_client()
    sign_in(admin, "adam.admin@dotw.example")
    users = admin.get("/staff/users")
    assert "Slowed down after failed sign-ins from 1 place" in page_text(users)
    from safesurgeries.staff.models import StaffUser

    with staffed.app_context():
        rita = db.session.scalars(db.select(StaffUser.id).where(StaffUser.email == email)).one()
    response = admin.post(f"/staff/users/{rita}/sign-in-throttle", data={"csrf_token": csrf(users.data)})
    assert response.status_code == 303
    text = page_text(admin.get("/staff/users"))
    assert f"Sign-in tries for {email} are no longer slowed down." in text and "Slowed down after" not in text
    assert sign_in_from(staffed.test_client(), ATTACKER, email).status_code == 303  # at once, from there too
    with staffed.app_context():
        entries = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action.startswith("staff.sign_in_")).order_by(AuditEntry.id)
        ).all()
        assert [(e.action, e.actor, e.subject_id) for e in entries] == [
            ("staff.sign_in_slowed", "system", rita),
            ("staff.sign_in_throttle_cleared", "staff:adam.admin@dotw.example", rita),
        ]
        assert entries[1].detail == {"places": 1}


def test_sign_in_never_redirects_to_another_site(staffed, client):
    token = csrf(client.get("/staff/login").data)
    response = client.post(
        "/staff/login?next=https://evil.example/",
        data={"email": "rita.reviewer@dotw.example", "password": "correct horse battery staple", "csrf_token": token},
    )
    assert response.headers["Location"].endswith("/staff/pledges")


# --- every staff route is guarded ------------------------------------------------------------------


def staff_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/staff") and rule.endpoint not in ("staff.login", "staff.logout"):
            path = (
                rule.rule.replace("<int:pledge_id>", "1").replace("<int:listing_id>", "1").replace("<int:user_id>", "1")
            )
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                yield method, path, app.view_functions[rule.endpoint]


def test_every_staff_route_sends_anonymous_visitors_to_sign_in(staffed, client):
    routes = list(staff_routes(staffed))
    assert len(routes) >= 10
    for method, path, _ in routes:
        response = client.open(path, method=method, data={"csrf_token": csrf(client.get("/staff/login").data)})
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], (method, path)


def test_every_admin_route_refuses_a_reviewer_with_403(staffed, client):
    sign_in(client, "rita.reviewer@dotw.example")
    token = csrf(client.get("/staff/pledges").data)
    admin_only = [
        (m, p)
        for m, p, view in staff_routes(staffed)
        if [r.value for r in getattr(view, "required_roles", ())] == ["admin"]
    ]
    assert len(admin_only) >= 5
    for method, path in admin_only:
        assert client.open(path, method=method, data={"csrf_token": token}).status_code == 403, (method, path)


def test_every_staff_view_declares_its_roles(staffed):
    for _, path, view in staff_routes(staffed):
        assert getattr(view, "required_roles", None), f"{path} has no role guard"


# --- the queue and decisions -----------------------------------------------------------------------


def test_queue_shows_the_checks_a_reviewer_needs(staffed, client, runner):
    confirmed_pledge(staffed, client, runner)
    confirmed_pledge(
        staffed,
        client,
        runner,
        ods_code="",
        practice_name="Harbour Street Surgery",
        postcode="SE15 5AA",
        contact_email="harbour@gmail.example",
    )
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    text = " ".join(BeautifulSoup(reviewer.get("/staff/pledges").data, "html.parser").get_text(" ").split())
    assert "Open GP practice: A81030 is active, a GP practice" in text
    assert "Postcode matches the directory: pledge TS1 3RY, directory TS1 3RY" in text
    assert "E-mail on nhs.net: nhs.net address" in text
    assert "In the NHS directory (look): Entered by hand" in text
    assert "gmail.example: not nhs.net" in text
    assert text.index("Borough Road") < text.index("Harbour Street")  # oldest first


def test_unconfirmed_pledges_are_not_in_the_queue(staffed, client):
    submit_pledge(client)
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    assert b"Borough Road" not in reviewer.get("/staff/pledges").data


def test_approve_lists_the_practice_and_emails_a_withdrawal_link_that_works(staffed, client, runner):
    pledge_id = confirmed_pledge(staffed, client, runner)
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    page = reviewer.get(f"/staff/pledges/{pledge_id}")
    reviewer.post(f"/staff/pledges/{pledge_id}/approve", data={"csrf_token": csrf(page.data)})
    assert count(staffed, Listing, Listing.active.is_(True)) == 1
    send_outbox(runner)
    approval = eml_messages(staffed)[-1]
    assert "is now listed" in approval["Subject"]
    assert b"Listing withdrawn" in post_button(client, link_path(approval, "withdraw")).data
    assert count(staffed, Listing, Listing.active.is_(True)) == 0


def test_reject_with_a_coded_reason_emails_it(staffed, client, runner):
    pledge_id = confirmed_pledge(staffed, client, runner)
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    token = csrf(reviewer.get(f"/staff/pledges/{pledge_id}").data)
    missing_note = reviewer.post(
        f"/staff/pledges/{pledge_id}/reject", data={"reason": "other", "note": "", "csrf_token": token}
    )
    assert missing_note.status_code == 422 and b"Say why in the note" in missing_note.data
    reviewer.post(f"/staff/pledges/{pledge_id}/reject", data={"reason": "unverified-sender", "csrf_token": token})
    send_outbox(runner)
    rejection = eml_messages(staffed)[-1]
    assert "could not verify that the sender" in rejection.get_content()
    assert count(staffed, Pledge, Pledge.status == PledgeStatus.REJECTED) == 1


def test_approve_several_at_once(staffed, client, runner):
    first = confirmed_pledge(staffed, client, runner)
    second = confirmed_pledge(
        staffed, client, runner, ods_code="A81035", practice_name="Newlands Medical Centre", postcode="TS1 3RX"
    )
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    token = csrf(reviewer.get("/staff/pledges").data)
    reviewer.post("/staff/pledges/approve", data={"pledge": [first, second], "csrf_token": token})
    assert count(staffed, Listing, Listing.active.is_(True)) == 2


def test_a_second_pledge_for_a_listed_practice_cannot_make_a_second_listing(staffed, client, runner):
    first = confirmed_pledge(staffed, client, runner)
    second = confirmed_pledge(staffed, client, runner, contact_email="other@nhs.net")
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    token = csrf(reviewer.get("/staff/pledges").data)
    reviewer.post(f"/staff/pledges/{first}/approve", data={"csrf_token": token})
    response = reviewer.post(f"/staff/pledges/{second}/approve", data={"csrf_token": token}, follow_redirects=True)
    assert b"already has an active listing" in response.data
    assert count(staffed, Listing) == 1
    with staffed.app_context():
        assert db.session.get(Pledge, second).status is PledgeStatus.WAITING  # nothing half-done


def test_the_database_itself_refuses_two_active_listings_for_one_practice(staffed):
    from sqlalchemy.exc import IntegrityError

    from safesurgeries.practices.models import Practice

    with staffed.app_context():
        practice = db.session.scalars(db.select(Practice)).first()
        db.session.add_all([Listing(practice=practice), Listing(practice=practice)])
        with pytest.raises(IntegrityError):
            db.session.commit()


def test_the_audit_log_cannot_be_changed_by_the_application(staffed):
    with staffed.app_context():
        entry = db.session.scalars(db.select(AuditEntry)).first()
        entry.action = "tampered"
        with pytest.raises(AppendOnly):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalars(db.select(AuditEntry)).first())
        with pytest.raises(AppendOnly):
            db.session.commit()


def test_two_reviewers_at_the_same_moment_make_one_decision(staffed, client, runner):
    """Real concurrent requests against a real server: one approval, one audit entry, one e-mail."""
    pledge_id = confirmed_pledge(staffed, client, runner)
    create_staff(runner, "second.reviewer@dotw.example", "reviewer")
    server = make_server("127.0.0.1", 0, staffed, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        import requests
    except ImportError:  # pragma: no cover
        pytest.skip("requests is needed for this test")
    base = f"http://127.0.0.1:{server.server_port}"
    sessions = []
    for email in ("rita.reviewer@dotw.example", "second.reviewer@dotw.example"):
        session = requests.Session()
        token = csrf(session.get(f"{base}/staff/login").text)
        session.post(
            f"{base}/staff/login",
            data={"email": email, "password": "correct horse battery staple", "csrf_token": token},
        )
        sessions.append((session, csrf(session.get(f"{base}/staff/pledges/{pledge_id}").text)))
    barrier = threading.Barrier(2)
    pages = [None, None]

    def decide(index):
        session, token = sessions[index]
        barrier.wait()
        pages[index] = session.post(f"{base}/staff/pledges/{pledge_id}/approve", data={"csrf_token": token}).text

    workers = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    server.shutdown()

    assert sum("is listed" in page for page in pages) == 1
    loser = next(page for page in pages if "is listed" not in page)
    assert "was already approved by" in loser
    assert count(staffed, Listing) == 1
    assert count(staffed, AuditEntry, AuditEntry.action == "pledge.approved") == 1
    send_outbox(runner)
    assert sum("is now listed" in m["Subject"] for m in eml_messages(staffed)) == 1


# --- admin pages -----------------------------------------------------------------------------------


def test_admin_edits_and_unlists_a_listing_and_reads_the_audit_log(staffed, client, runner):
    pledge_id = confirmed_pledge(staffed, client, runner)
    admin = staffed.test_client()
    sign_in(admin, "adam.admin@dotw.example")
    token = csrf(admin.get("/staff/pledges").data)
    admin.post(f"/staff/pledges/{pledge_id}/approve", data={"csrf_token": token})
    with staffed.app_context():
        listing_id = db.session.scalars(db.select(Listing.id)).one()
    admin.post(
        f"/staff/listings/{listing_id}",
        data={"display_name": "Borough Road Surgery", "display_phone": "", "csrf_token": token},
    )
    with staffed.app_context():
        assert db.session.get(Listing, listing_id).name == "Borough Road Surgery"
    empty_reason = admin.post(f"/staff/listings/{listing_id}/unlist", data={"reason": "", "csrf_token": token})
    assert empty_reason.status_code == 422
    admin.post(f"/staff/listings/{listing_id}/unlist", data={"reason": "Practice merged", "csrf_token": token})
    assert count(staffed, Listing, Listing.active.is_(True)) == 0

    log = BeautifulSoup(admin.get("/staff/audit?action=listing").data, "html.parser").get_text(" ")
    assert "listing.unlisted" in log and "listing.edited" in log and "pledge.approved" not in log
    pledge_log = admin.get("/staff/audit?action=pledge.withdrawn").get_data(as_text=True)
    assert "unlisted by staff: Practice merged" in pledge_log  # the pledge's own change is on record too
    with staffed.app_context():
        assert db.session.get(Pledge, pledge_id).status is PledgeStatus.WITHDRAWN
    full = admin.get("/staff/audit").get_data(as_text=True)
    assert "staff:adam.admin@dotw.example" in full
    assert "amina.yusuf@nhs.net" not in full and "Amina Yusuf" not in full  # no contact's personal data


def test_admin_creates_and_deactivates_staff(staffed):
    admin = staffed.test_client()
    sign_in(admin, "adam.admin@dotw.example")
    token = csrf(admin.get("/staff/users").data)
    bad = admin.post(
        "/staff/users", data={"email": "new@dotw.example", "password": "short", "role": "reviewer", "csrf_token": token}
    )
    assert bad.status_code == 422 and b"at least 12 characters" in bad.data
    admin.post(
        "/staff/users",
        data={
            "email": "new@dotw.example",
            "password": "a long enough password",
            "role": "reviewer",
            "csrf_token": token,
        },
    )
    new = staffed.test_client()
    assert sign_in(new, "new@dotw.example", "a long enough password").status_code == 303
    from safesurgeries.staff.models import StaffUser

    with staffed.app_context():
        user_id = db.session.scalars(db.select(StaffUser.id).where(StaffUser.email == "new@dotw.example")).one()
    admin.post(f"/staff/users/{user_id}", data={"active": "0", "csrf_token": token})
    assert new.get("/staff/pledges").status_code == 302  # signed out at once
    assert sign_in(new, "new@dotw.example", "a long enough password").status_code == 401


def test_a_scottish_pledge_is_moderated_and_listed_with_its_nation(staffed, client, runner):
    """Edinburgh (not in the NHS England directory): staff see the nation, and approving carries it to the new
    directory entry, the listing, the open data and the stats."""
    from safesurgeries.pledges.principles import principles_for
    from safesurgeries.practices.models import Practice

    pledge_id = confirmed_pledge(
        staffed,
        client,
        runner,
        ods_code="",
        practice_name="Leith Walk Surgery",
        address_lines="1 Leith Walk\nEdinburgh",
        postcode="EH6 8RG",
        principles=[code for code, _ in principles_for("scotland")],
    )
    reviewer = staffed.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    queue = " ".join(BeautifulSoup(reviewer.get("/staff/pledges").data, "html.parser").get_text(" ").split())
    assert "EH6 8RG, Scotland" in queue
    assert "Nation known: Scotland: the principles signed are worded for it" in queue
    page = reviewer.get(f"/staff/pledges/{pledge_id}")
    assert "Nation Scotland" in " ".join(BeautifulSoup(page.data, "html.parser").get_text(" ").split())
    reviewer.post(f"/staff/pledges/{pledge_id}/approve", data={"csrf_token": csrf(page.data)})

    with staffed.app_context():
        practice = db.session.scalar(db.select(Practice).where(Practice.name == "Leith Walk Surgery"))
        assert (practice.nation, practice.added_by_staff) == ("scotland", True)
        listing = db.session.scalar(db.select(Listing).where(Listing.practice_id == practice.id))
        assert listing.nation == "scotland"
        code = practice.ods_code
    [item] = client.get("/api/v1/surgeries", query_string={"nation": "scotland"}).get_json()["surgeries"]
    assert (item["ods_code"], item["nation"]) == (code, "scotland")
    nations = {
        tr.th.get_text(strip=True): tr.td.get_text(strip=True)
        for tr in BeautifulSoup(client.get("/stats").data, "html.parser").select(".nations-table tbody tr")
    }
    assert nations["Scotland"] == "1" and nations["England"] == "0"
