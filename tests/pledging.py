"""Helpers for the pledge and staff tests: a practice manager's pledge through the web, staff sign-in,
and reading the e-mails the outbox sent."""

import email
import re
from email import policy
from pathlib import Path

from bs4 import BeautifulSoup

from safesurgeries.pledges.principles import PRINCIPLE_CODES

PLEDGE = {
    "ods_code": "A81030",  # BOROUGH ROAD & NUNTHORPE MEDICAL GROUP, TS1 3RY, in the sample
    "practice_name": "Borough Road & Nunthorpe Medical Group",
    "address_lines": "167A Borough Road\nMiddlesbrough",
    "postcode": "ts1 3ry",
    "contact_name": "Amina Yusuf",
    "contact_role": "Practice manager",
    "contact_email": "amina.yusuf@nhs.net",
    "principles": list(PRINCIPLE_CODES),
    "consent_public": "y",
}
SAMPLE = Path(__file__).resolve().parents[1] / "registry_data" / "epraccur-sample.csv"


def csrf(html) -> str:
    field = BeautifulSoup(html, "html.parser").find("input", {"name": "csrf_token"})
    assert field is not None, "the page has no CSRF token"
    return field["value"]


def submit_pledge(client, **changes):
    """Fill in the form, check the answers, pledge. Returns the last response."""
    data = {**PLEDGE, **changes}
    token = csrf(client.get("/pledge").data)
    check = client.post("/pledge/check", data={**data, "csrf_token": token})
    assert check.status_code == 200, check.get_data(as_text=True)[:2000]
    return client.post("/pledge/submit", data={**data, "csrf_token": csrf(check.data)})


def send_outbox(runner) -> str:
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    return result.output


def eml_messages(app) -> list[email.message.EmailMessage]:
    """The e-mails written under instance/outbox/ (no SMTP host set), oldest first."""
    folder = Path(app.instance_path) / "outbox"
    return (
        [email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(folder.glob("*.eml"))]
        if folder.exists()
        else []
    )


def link_path(message, kind: str) -> str:
    """The path of the /pledge/<kind>/<token> link in an e-mail."""
    body = message.get_content() if hasattr(message, "get_content") else str(message)
    match = re.search(rf"https?://[^/\s]+(/pledge/{kind}/[A-Za-z0-9_.\-]+)", body)
    assert match, f"no {kind} link in {body!r}"
    return match.group(1)


def post_button(client, path: str):
    """Open a link's page and press its button, as a person does."""
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return client.post(path, data={"csrf_token": csrf(page.data)})


def create_staff(runner, email: str, role: str, password: str = "correct horse battery staple"):
    result = runner.invoke(args=["staff", "create", email, "--role", role, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 0, result.output
    return password


def sign_in(client, email: str, password: str = "correct horse battery staple"):
    token = csrf(client.get("/staff/login").data)
    return client.post("/staff/login", data={"email": email, "password": password, "csrf_token": token})


def import_sample(runner):
    result = runner.invoke(args=["practices", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
