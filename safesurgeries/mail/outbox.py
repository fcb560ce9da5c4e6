"""Queue e-mails in the outbox and deliver them: over SMTP when a host is set, else as .eml files.

A message is queued in the same transaction as the change that caused it, so a pledge is never stored
without its e-mail or e-mailed without being stored. The sender claims each message before sending (an
UPDATE that only one sender can win), so two senders never send it twice; a failure is retried with
growing delays and, after MAX_ATTEMPTS, marked as failed for good.
"""

import datetime as dt
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app, render_template
from sqlalchemy import or_

from ..clock import utcnow
from ..extensions import db, update_rows
from .models import OutboxMessage

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120


def queue(to_address: str, template: str, *, pledge=None, **context) -> OutboxMessage:
    """Add an e-mail to the current transaction. The template's first line is the subject."""
    subject, _, body = render_template(f"mail/{template}.txt", pledge=pledge, **context).partition("\n")
    message = OutboxMessage(
        to_address=to_address,
        subject=subject.strip(),
        body=body.strip() + "\n",
        pledge_id=pledge.id if pledge is not None else None,
    )
    db.session.add(message)
    return message


def retry_delay(attempts: int) -> dt.timedelta:
    """1, 2, 4, ... minutes after each failure, at most 6 hours."""
    return dt.timedelta(minutes=min(2 ** (attempts - 1), 360))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    written: list[Path] = field(default_factory=list)


def send_due(now: dt.datetime | None = None) -> SendReport:
    """Deliver every message that is due; each in its own transaction."""
    now = now or utcnow()
    report = SendReport()
    due = db.session.scalars(
        db.select(OutboxMessage.id)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .order_by(OutboxMessage.id)
    ).all()
    db.session.rollback()
    for message_id in due:
        if not _claim(message_id, now):
            continue  # another sender has it
        message = db.session.get(OutboxMessage, message_id)
        try:
            written = _deliver(message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.claimed_until = None
            message.last_error = f"{error.__class__.__name__}: {error}"[:2000]
            if message.attempts >= MAX_ATTEMPTS:
                message.failed_at = now
                report.failed += 1
            else:
                message.next_attempt_at = now + retry_delay(message.attempts)
                report.retrying += 1
        else:
            message.attempts += 1
            message.sent_at = utcnow()
            message.claimed_until = None
            report.sent += 1
            if written:
                report.written.append(written)
        db.session.commit()
    return report


def _claim(message_id: int, now: dt.datetime) -> bool:
    claimed = update_rows(
        OutboxMessage,
        OutboxMessage.id == message_id,
        OutboxMessage.sent_at.is_(None),
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
    )
    db.session.commit()
    return claimed == 1


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    # A stable Message-ID per outbox row lets a receiving server drop a duplicate after a crash mid-send.
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="safesurgeries.invalid")
    email.set_content(message.body)
    return email


def _deliver(message: OutboxMessage) -> Path | None:
    config = current_app.config
    email = _email(message)
    if not config["SMTP_HOST"]:
        folder = Path(current_app.instance_path) / "outbox"
        folder.mkdir(exist_ok=True)
        path = folder / f"{message.id:08d}.eml"
        path.write_bytes(bytes(email))
        return path
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(email)
    return None
