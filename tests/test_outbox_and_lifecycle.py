"""E-mail delivery through the outbox (a real SMTP server on loopback), yearly re-confirmation and retention."""

import datetime as dt
import socket
import threading

import pytest
import requests
from aiosmtpd.controller import Controller
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
from safesurgeries.clock import utcnow
from safesurgeries.extensions import db
from safesurgeries.mail.models import OutboxMessage
from safesurgeries.mail.outbox import MAX_ATTEMPTS, send_due
from safesurgeries.pledges.lifecycle import reconfirm_listings
from safesurgeries.pledges.models import Listing, Pledge, PledgeStatus
from safesurgeries.pledges.retention import run_retention

ON_EVERY_DATABASE = True


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_emails_go_out_over_smtp_once(app, client, runner, smtp):
    controller, inbox = smtp
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    import_sample(runner)
    submit_pledge(client)
    assert "Sent 1," in send_outbox(runner)
    assert "Sent 0," in send_outbox(runner)  # nothing is sent twice
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["amina.yusuf@nhs.net"]
    assert b"/pledge/confirm/" in envelope.content


def test_smtp_down_loses_nothing_and_retries_later(app, client, runner, smtp):
    controller, inbox = smtp
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing listens there
    import_sample(runner)
    submit_pledge(client)
    assert "will retry 1" in send_outbox(runner)
    with app.app_context():
        message = db.session.scalars(db.select(OutboxMessage)).one()
        assert message.sent_at is None and message.attempts == 1 and "Error" in message.last_error
        # The server comes back; once the retry is due, the message goes, once.
        app.config["SMTP_PORT"] = controller.port
        report = send_due(now=utcnow() + dt.timedelta(minutes=5))
        assert report.sent == 1
    assert len(inbox.messages) == 1


def test_a_message_that_keeps_failing_is_marked_failed_for_good(app, client, runner):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    import_sample(runner)
    submit_pledge(client)
    with app.app_context():
        later = utcnow()
        for _ in range(MAX_ATTEMPTS):
            later += dt.timedelta(days=1)
            send_due(now=later)
        message = db.session.scalars(db.select(OutboxMessage)).one()
        assert message.failed_at is not None and message.attempts == MAX_ATTEMPTS
    assert "failed 1" in runner.invoke(args=["outbox", "status"]).output


def test_without_an_smtp_host_emails_are_written_as_eml_files(app, client, runner):
    import_sample(runner)
    submit_pledge(client)
    output = send_outbox(runner)
    assert "outbox/00000001.eml" in output and "no SAFESURGERIES_SMTP_HOST" in output
    assert len(eml_messages(app)) == 1


# --- yearly re-confirmation ------------------------------------------------------------------------


@pytest.fixture
def listed(app, client, runner):
    """A practice listed through the whole journey; returns the listing's id."""
    import_sample(runner)
    create_staff(runner, "rita.reviewer@dotw.example", "reviewer")
    submit_pledge(client)
    send_outbox(runner)
    post_button(client, link_path(eml_messages(app)[0], "confirm"))
    reviewer = app.test_client()
    sign_in(reviewer, "rita.reviewer@dotw.example")
    with app.app_context():
        pledge_id = db.session.scalars(db.select(Pledge.id)).one()
    reviewer.post(f"/staff/pledges/{pledge_id}/approve", data={"csrf_token": csrf(reviewer.get("/staff/pledges").data)})
    with app.app_context():
        return db.session.scalars(db.select(Listing.id)).one()


def test_a_year_on_the_practice_is_asked_and_can_reconfirm(app, client, runner, listed):
    with app.app_context():
        report = reconfirm_listings(now=utcnow() + dt.timedelta(days=366))
        assert report.reminded == 1
        assert reconfirm_listings(now=utcnow() + dt.timedelta(days=367)).reminded == 0  # asked once
    send_outbox(runner)
    reminder = eml_messages(app)[-1]
    assert "re-confirm" in reminder["Subject"]
    assert b"Listing re-confirmed" in post_button(client, link_path(reminder, "reconfirm")).data
    with app.app_context():
        listing = db.session.get(Listing, listed)
        assert listing.active and listing.reconfirm_requested_at is None


def test_a_reconfirm_link_posted_four_times_at_once_works_once(app, runner, listed):
    """Real concurrent requests against a real server: one re-confirmation, one audit entry; the others are
    told the link was used."""
    with app.app_context():
        reconfirm_listings(now=utcnow() - dt.timedelta(days=1) + dt.timedelta(days=366))
    send_outbox(runner)
    path = link_path(eml_messages(app)[-1], "reconfirm")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    sessions = []
    for _ in range(4):
        session = requests.Session()
        sessions.append((session, csrf(session.get(base + path).text)))
    barrier = threading.Barrier(len(sessions))
    pages = [None] * len(sessions)

    def press(index):
        session, token = sessions[index]
        barrier.wait()
        pages[index] = session.post(base + path, data={"csrf_token": token}).text

    workers = [threading.Thread(target=press, args=(i,)) for i in range(len(sessions))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    server.shutdown()
    assert sum("Listing re-confirmed" in page for page in pages) == 1, pages
    assert sum("This link has been replaced" in page for page in pages) == 3
    with app.app_context():
        entries = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "listing.reconfirmed")).all()
        assert len(entries) == 1


def test_a_listing_not_reconfirmed_within_30_days_is_unlisted_and_staff_see_why(app, listed):
    start = utcnow() + dt.timedelta(days=366)
    with app.app_context():
        reconfirm_listings(now=start)
        assert reconfirm_listings(now=start + dt.timedelta(days=29)).unlisted == 0
        assert reconfirm_listings(now=start + dt.timedelta(days=31)).unlisted == 1
        listing = db.session.get(Listing, listed)
        assert not listing.active and "Not re-confirmed within 30 days" in listing.unlisted_reason
        assert listing.pledge.status is PledgeStatus.EXPIRED


# --- retention -------------------------------------------------------------------------------------


def test_retention_deletes_what_is_no_longer_needed_and_keeps_the_decisions(app, client, runner, listed):
    submit_pledge(client, contact_email="never.confirmed@nhs.net")
    withdraw_path = link_path(_approval(app, runner), "withdraw")
    post_button(client, withdraw_path)
    with app.app_context():
        assert run_retention(now=utcnow() + dt.timedelta(days=29)).deleted_unconfirmed == 0
        report = run_retention(now=utcnow() + dt.timedelta(days=91))
        assert report.deleted_unconfirmed == 1 and report.anonymised == 1
        again = run_retention(now=utcnow() + dt.timedelta(days=92))  # idempotent
        assert again.deleted_unconfirmed == 0 and again.anonymised == 0
        [pledge] = db.session.scalars(db.select(Pledge)).all()
        assert pledge.status is PledgeStatus.WITHDRAWN
        assert pledge.contact_name is None and pledge.contact_email is None
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.to_address.contains("never.confirmed"))
            )
            == 0
        )
        actions = set(db.session.scalars(db.select(AuditEntry.action)))
        assert {"pledge.approved", "pledge.withdrawn", "pledge.deleted", "pledge.personal_data_removed"} <= actions
        details = " ".join(str(e.detail) + e.actor for e in db.session.scalars(db.select(AuditEntry)))
        assert "nhs.net" not in details and "Amina" not in details


def _approval(app, runner):
    send_outbox(runner)
    return next(m for m in eml_messages(app) if "is now listed" in m["Subject"])


def test_retention_command_reports_what_it_did(app, runner):
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0 and "Deleted 0 unconfirmed pledge(s)" in result.output
