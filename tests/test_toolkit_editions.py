"""A new toolkit edition sent to every listed practice: one e-mail each through the outbox and a real SMTP server
(aiosmtpd) that is down at first; sending again e-mails nobody twice; each link downloads that practice's own
toolkit; the counts of sent, opened and failed."""

import datetime as dt
import email
import re
from email import policy

from bs4 import BeautifulSoup
from conftest import pdf_pages
from pledging import create_staff, send_outbox, sign_in
from registry_helpers import LEEDS, LONDON, MANCHESTER, add_listing
from test_outbox_and_lifecycle import free_port, smtp  # noqa: F401 (the fixture: a real SMTP server on loopback)

from safesurgeries.clock import utcnow
from safesurgeries.extensions import db
from safesurgeries.mail.models import OutboxMessage
from safesurgeries.mail.outbox import send_due
from safesurgeries.pledges.models import PledgeStatus

EDITION = "2026.2"  # the edition whose "what changed" is toolkit_templates/editions/2026.2.md
PRACTICES = {
    "Y30001": ("HILL STREET SURGERY", LONDON, "manager@hill.example"),
    "Y30002": ("CANAL SIDE MEDICAL CENTRE", MANCHESTER, "manager@canal.example"),
    "Y30003": ("AIRE VALLEY PRACTICE", LEEDS, "manager@aire.example"),
}


def listed(app) -> None:
    for ods_code, (name, postcode, contact) in PRACTICES.items():
        pledge = {"status": PledgeStatus.APPROVED, "contact_name": "A Manager", "contact_email": contact}
        add_listing(app, ods_code, name, postcode, pledge=pledge, address_lines=["1 HIGH STREET", "TOWN"])
    # Not told: a listing taken down, and a demo listing with no contact.
    withdrawn = {"status": PledgeStatus.WITHDRAWN, "contact_name": "B", "contact_email": "gone@example.org"}
    add_listing(app, "Y30004", "GONE SURGERY", LONDON, active=False, pledge=withdrawn)
    add_listing(app, "Y30005", "DEMO SURGERY", LONDON)


def mail_edition(runner, *args) -> str:
    result = runner.invoke(args=["toolkit", "mail-edition", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_listed_practice_gets_one_email_even_with_smtp_down_and_each_link_is_its_own_toolkit(
    app,
    client,
    runner,
    smtp,  # noqa: F811
):
    controller, inbox = smtp
    app.config.update(TOOLKIT_EDITION=EDITION, SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())  # nothing there
    listed(app)

    assert "3 e-mail(s) queued now; 0 practice(s) told before" in mail_edition(runner)
    assert "0 e-mail(s) queued now; 3 practice(s) told before" in mail_edition(runner)  # run again: nothing new
    assert "will retry 3" in send_outbox(runner)  # SMTP is down: nothing lost
    assert "0 sent, 3 waiting to be sent, 0 failed; 0 opened" in mail_edition(runner, "--status")

    app.config["SMTP_PORT"] = controller.port  # the server is back; the retries come due
    with app.app_context():
        assert send_due(now=utcnow() + dt.timedelta(hours=1)).sent == 3
        assert send_due(now=utcnow() + dt.timedelta(days=1)).sent == 0
        assert db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 3
    assert "3 sent, 0 waiting to be sent, 0 failed; 0 opened" in mail_edition(runner, "--status")

    messages = {envelope.rcpt_tos[0]: envelope for envelope in inbox.messages}
    assert sorted(messages) == sorted(contact for _, _, contact in PRACTICES.values())  # one each, no one else
    for ods_code, (name, _, contact) in PRACTICES.items():
        message = email.message_from_bytes(messages[contact].content, policy=policy.default)
        body = message.get_content()
        assert message["Subject"].startswith(f"Safe Surgeries toolkit, edition {EDITION}")
        assert "what changed" in body and "2015" in body  # the edition's own notes
        (link,) = re.findall(r"http://\S+/toolkit/edition/\S+", body)
        response = client.get(link.split("5000", 1)[1])
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = " ".join(pdf_pages(response.data))
        assert ods_code in response.headers["Content-Disposition"]
        assert name.title() in text and "1 High Street" in text and f"edition {EDITION}" in text
    assert "3 sent, 0 waiting to be sent, 0 failed; 3 opened" in mail_edition(runner, "--status")
    create_staff(runner, "admin@safesurgeries.example", "admin")
    sign_in(client, "admin@safesurgeries.example")
    page = BeautifulSoup(client.get("/staff/toolkits").data, "html.parser")
    row = [cell.get_text() for cell in page.find("th", string=EDITION).parent.find_all(["th", "td"])]
    assert row == [EDITION, "3", "3", "0", "0", "3"]  # practices, sent, waiting, failed, opened

    assert "0 e-mail(s) queued now" in mail_edition(runner)
    assert "Sent 0," in send_outbox(runner)
    assert len(inbox.messages) == 3


def test_a_link_that_is_altered_or_unknown_is_a_404(client):
    assert client.get("/toolkit/edition/not-a-token").status_code == 404


def test_an_edition_without_its_what_changed_notes_is_refused(app, runner):
    app.config["TOOLKIT_EDITION"] = "2099.1"
    result = runner.invoke(args=["toolkit", "mail-edition"])
    assert result.exit_code == 1 and "toolkit_templates/editions/2099.1.md" in result.output
