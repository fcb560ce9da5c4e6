"""A practice manager pledges, confirms from the e-mail, and can withdraw; what the links may and may not do."""

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from pledging import PLEDGE, csrf, eml_messages, import_sample, link_path, post_button, send_outbox, submit_pledge

from safesurgeries.extensions import db
from safesurgeries.pledges.models import Pledge, PledgeStatus
from safesurgeries.pledges.principles import principles_for

ON_EVERY_DATABASE = True


@pytest.fixture
def directory(app, runner):
    import_sample(runner)
    return app


def only_pledge(app) -> Pledge:
    with app.app_context():
        pledges = db.session.scalars(db.select(Pledge)).all()
        assert len(pledges) == 1
        db.session.expunge(pledges[0])
        return pledges[0]


def test_pledge_is_stored_unconfirmed_and_its_email_queued_together(directory, client, runner):
    response = submit_pledge(client)
    assert response.status_code == 303 and response.headers["Location"].endswith("/pledge/sent")
    pledge = only_pledge(directory)
    assert pledge.status is PledgeStatus.UNCONFIRMED and pledge.postcode == "TS1 3RY"
    assert pledge.practice_id is not None  # found in the directory
    send_outbox(runner)
    [message] = eml_messages(directory)
    assert message["To"] == "amina.yusuf@nhs.net"
    assert "Confirm your Safe Surgery pledge" in message["Subject"]
    assert "/pledge/confirm/" in message.get_content()


def test_check_your_answers_shows_what_was_typed_and_change_keeps_it(directory, client):
    token = csrf(client.get("/pledge").data)
    page = client.post("/pledge/check", data={**PLEDGE, "csrf_token": token})
    text = BeautifulSoup(page.data, "html.parser").get_text(" ")
    assert "Amina Yusuf" in text and "amina.yusuf@nhs.net" in text and "TS1 3RY" in text
    assert "In the NHS directory Yes" in " ".join(text.split())
    back = client.post("/pledge/change", data={**PLEDGE, "csrf_token": csrf(page.data)})
    form = BeautifulSoup(back.data, "html.parser")
    assert form.find("input", {"name": "contact_email"})["value"] == "amina.yusuf@nhs.net"
    assert form.find("textarea", {"name": "address_lines"}).get_text().strip() == "167A Borough Road\nMiddlesbrough"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"contact_email": "not-an-address"}, "contact_email", "Enter an e-mail address"),
        ({"postcode": "NOWHERE"}, "postcode", "real UK postcode"),
        ({"principles": ["interpreters"]}, "principles", "Tick each one"),
        ({"consent_public": ""}, "consent_public", "agree to the public listing"),
        ({"practice_name": "  "}, "practice_name", "Enter the practice's name"),
        ({"ods_code": "12345"}, "ods_code", "a letter followed by five digits"),
    ],
)
def test_bad_answers_are_named_and_everything_typed_is_kept(directory, client, changes, field, message):
    token = csrf(client.get("/pledge").data)
    data = {**PLEDGE, **changes, "csrf_token": token}
    if changes.get("consent_public") == "":
        del data["consent_public"]
    page = client.post("/pledge/check", data=data)
    assert page.status_code == 422
    soup = BeautifulSoup(page.data, "html.parser")
    summary = soup.find(class_="error-summary").get_text(" ")
    assert message in summary
    assert soup.find("a", href=f"#{field}") is not None
    assert soup.find("input", {"name": "contact_name"})["value"] == "Amina Yusuf"
    with directory.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 0


def test_submit_without_csrf_token_stores_nothing(directory, client):
    response = client.post("/pledge/submit", data=PLEDGE)
    assert response.status_code == 400
    with directory.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 0


def test_practice_not_in_the_directory_is_accepted_and_flagged(directory, client):
    submit_pledge(client, ods_code="", practice_name="Harbour Street Surgery", postcode="SE15 5AA")
    pledge = only_pledge(directory)
    assert pledge.practice_id is None and pledge.entered_by_hand


def test_opening_the_confirmation_link_changes_nothing_until_the_button_is_pressed(directory, client, runner):
    submit_pledge(client)
    send_outbox(runner)
    path = link_path(eml_messages(directory)[0], "confirm")
    page = client.get(path)
    assert page.status_code == 200 and b"Confirm pledge" in page.data
    assert only_pledge(directory).status is PledgeStatus.UNCONFIRMED
    done = client.post(path, data={"csrf_token": csrf(page.data)})
    assert b"Pledge confirmed" in done.data
    assert only_pledge(directory).status is PledgeStatus.WAITING
    again = client.post(path, data={"csrf_token": csrf(page.data)})
    assert b"Already confirmed" in again.data


@pytest.mark.parametrize("tamper", [lambda t: t[:-3] + "abc", lambda t: t[:20], lambda t: "x" * 40])
def test_a_tampered_link_is_refused_plainly(directory, client, runner, tamper):
    submit_pledge(client)
    send_outbox(runner)
    path = link_path(eml_messages(directory)[0], "confirm")
    prefix, token = path.rsplit("/", 1)
    response = client.get(f"{prefix}/{tamper(token)}")
    assert response.status_code == 400 and b"not complete or not genuine" in response.data


def test_a_confirmation_link_cannot_be_used_as_a_withdrawal_link(directory, client, runner):
    submit_pledge(client)
    send_outbox(runner)
    token = link_path(eml_messages(directory)[0], "confirm").rsplit("/", 1)[1]
    assert client.get(f"/pledge/withdraw/{token}").status_code == 400


def old_token(app, monkeypatch, action: str, days: int) -> str:
    """A genuine link for the only pledge, signed `days` ago."""
    from types import SimpleNamespace

    import itsdangerous.timed

    from safesurgeries.pledges.links import make_token

    signed = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    with app.test_request_context(), monkeypatch.context() as patch:
        patch.setattr(itsdangerous.timed, "time", SimpleNamespace(time=signed.timestamp))
        return make_token(db.session.scalars(db.select(Pledge)).one(), action)


def test_expired_link_offers_a_fresh_email_at_most_once_an_hour(directory, client, runner, monkeypatch):
    submit_pledge(client)
    send_outbox(runner)
    with directory.app_context():  # the e-mail went out 8 days ago
        pledge = db.session.scalars(db.select(Pledge)).one()
        pledge.confirmation_sent_at -= dt.timedelta(days=8)
        db.session.commit()
    path = f"/pledge/confirm/{old_token(directory, monkeypatch, 'confirm', 8)}"

    expired = post_button(client, path)
    assert b"This link has expired" in expired.data
    assert only_pledge(directory).status is PledgeStatus.UNCONFIRMED
    fresh = client.post(f"/pledge/resend/{path.rsplit('/', 1)[1]}", data={"csrf_token": csrf(expired.data)})
    assert b"We have sent a fresh link" in fresh.data
    again = client.post(f"/pledge/resend/{path.rsplit('/', 1)[1]}", data={"csrf_token": csrf(expired.data)})
    assert b"at most one fresh link an hour" in again.data

    send_outbox(runner)
    first, second = eml_messages(directory)
    assert b"replaced" in post_button(client, link_path(first, "confirm")).data  # the old link no longer works
    assert b"Pledge confirmed" in post_button(client, link_path(second, "confirm")).data
    assert only_pledge(directory).status is PledgeStatus.WAITING


def test_a_pledge_can_be_withdrawn_from_its_link_before_approval(directory, client, runner, monkeypatch):
    submit_pledge(client)
    path = f"/pledge/withdraw/{old_token(directory, monkeypatch, 'withdraw', 200)}"  # works at any age
    assert b"Listing withdrawn" in post_button(client, path).data
    assert only_pledge(directory).status is PledgeStatus.WITHDRAWN
    assert b"Nothing to withdraw" in post_button(client, path).data


# --- nations ----------------------------------------------------------------------------------------

SCOTLAND_CODES = [code for code, _ in principles_for("scotland")]
WALES_CODES = [code for code, _ in principles_for("wales")]
LEITH = {
    "ods_code": "",
    "practice_name": "Leith Walk Surgery",
    "address_lines": "1 Leith Walk\nEdinburgh",
    "postcode": "eh6 8rg",
}


def check_page(client, **changes):
    token = csrf(client.get("/pledge").data)
    return client.post("/pledge/check", data={**PLEDGE, **changes, "csrf_token": token})


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.data, "html.parser").get_text(" ").split())


def test_a_scottish_practice_pledges_to_the_principles_worded_for_scotland(directory, client):
    """England's wording ticked for an Edinburgh postcode is sent back with Scotland's; ticked, it is stored as
    Scottish, with the codes of the wording signed."""
    first = check_page(client, **LEITH)
    assert first.status_code == 422
    text = page_text(first)
    assert "Your practice is in Scotland, so the principles are worded for Scotland" in text
    assert "we will use an agreed address, such as our practice's own" in text
    assert "worded for Scotland, where your practice is" in text

    check = check_page(client, **LEITH, principles=SCOTLAND_CODES)
    assert check.status_code == 200
    text = page_text(check)
    assert "Nation Scotland" in text and "as worded for Scotland" in text
    assert "We will not refuse or delay registering anyone because they have no proof of address" in text
    assert submit_pledge(client, **LEITH, principles=SCOTLAND_CODES).status_code == 303
    pledge = only_pledge(directory)
    assert (pledge.nation, pledge.postcode) == ("scotland", "EH6 8RG")
    assert sorted(pledge.principles) == sorted(SCOTLAND_CODES) and "no-proof-of-address" not in pledge.principles


def test_a_welsh_directory_practice_gets_its_nation_from_the_directory_and_the_welsh_wording(directory, client):
    chosen = client.get("/pledge?practice=W91002")  # PLAS MEDDYG, Ruthin: grouping W00
    text = page_text(chosen)
    assert "worded for Wales, where your practice is" in text
    assert "Welsh Health Circular WHC/2025/025" in text
    assert "We will never ask to see a visa" not in text
    welsh = {
        "ods_code": "W91002",
        "practice_name": "Plas Meddyg",
        "address_lines": "Station Road\nRuthin",
        "postcode": "LL15 1BP",
        "principles": WALES_CODES,
    }
    assert submit_pledge(client, **welsh).status_code == 303
    pledge = only_pledge(directory)
    assert pledge.nation == "wales" and pledge.practice_id is not None
    assert "no-immigration-checks-wales" in pledge.principles


def test_an_english_practice_keeps_englands_principles(directory, client):
    assert "as worded for England" in page_text(check_page(client))
    submit_pledge(client)
    assert only_pledge(directory).nation == "england"


@pytest.mark.parametrize(
    "changes",
    [
        {"ods_code": "", "postcode": "BT1 5GS"},  # Belfast
        {"ods_code": "", "postcode": "bt15gs", "principles": WALES_CODES},
    ],
)
def test_a_northern_ireland_practice_is_told_why_it_cannot_pledge_and_nothing_is_stored(directory, client, changes):
    page = check_page(client, **changes)
    assert page.status_code == 422
    soup = BeautifulSoup(page.data, "html.parser")
    summary = " ".join(soup.find(class_="error-summary").get_text(" ").split())
    assert "Your practice is in Northern Ireland, where we cannot take pledges" in summary
    assert "Business Services Organisation (BSO) checks their entitlement" in summary
    assert "Safe Surgery principles, as written for England, do not hold there" in summary
    assert "guidance notes" in summary
    assert soup.find("a", href="#postcode") is not None
    assert "Tick each one" not in summary  # the one reason that matters, not a list of side issues
    # Straight to the submit step (past the check page): refused the same way.
    refused = client.post("/pledge/submit", data={**PLEDGE, **changes, "csrf_token": csrf(page.data)})
    assert refused.status_code == 422 and b"Northern Ireland" in refused.data
    with directory.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Pledge)) == 0
