"""A new toolkit edition, sent to every listed practice: one e-mail each, through the outbox, with what changed
and a signed, expiring link to the practice's own toolkit of the new edition, made in the background.

Each practice's e-mail is recorded in edition_mailings in the same transaction as the outbox message, under a
unique (edition, listing): a second run of `safesurgeries toolkit mail-edition`, even at the same moment,
sends nothing twice. The outbox makes sure each message goes exactly once and survives SMTP being down.
"""

import datetime as dt
from dataclasses import dataclass

import click
from flask import current_app
from flask.cli import with_appcontext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import DateTime, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from ..clock import utcnow
from ..extensions import db
from ..mail import outbox
from ..mail.models import OutboxMessage
from ..paths import TOOLKIT_TEMPLATES
from ..pledges.models import Listing, Pledge
from ..practices.naming import written_practice
from ..public_urls import external_url
from . import jobs
from .details import PracticeDetails
from .errors import DetailsError

LINK_DAYS = 90  # how long an edition e-mail's link to the practice's toolkit works
SALT = "toolkit-edition-link"


class EditionMailing(db.Model):
    """One listed practice told about one edition: its e-mail, and when its link was first used."""

    __tablename__ = "edition_mailings"
    __table_args__ = (UniqueConstraint("edition", "listing_id", name="uq_edition_mailings_edition_listing"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    edition: Mapped[str] = mapped_column(String(20))
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    downloaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class EditionUnknown(click.ClickException):
    pass


def what_changed(edition: str) -> str:
    """toolkit_templates/editions/<edition>.md: what the edition changed, in the campaign's words."""
    path = TOOLKIT_TEMPLATES / "editions" / f"{edition}.md"
    if not path.is_file() or path.parent != TOOLKIT_TEMPLATES / "editions":
        raise EditionUnknown(
            f"There is no toolkit_templates/editions/{edition}.md saying what edition {edition} changed; "
            "write it before the edition is sent."
        )
    return path.read_text(encoding="utf-8").strip()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(listing_id: int, edition: str) -> str:
    return _serializer().dumps({"listing": listing_id, "edition": edition})


def read_token(token: str) -> tuple[int, str] | None:
    """The (listing id, edition) a link was made for; None when it is not ours, altered or over LINK_DAYS old."""
    try:
        data = _serializer().loads(token, max_age=LINK_DAYS * 24 * 3600)
        return int(data["listing"]), str(data["edition"])
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def details_of(listing: Listing) -> PracticeDetails:
    """The listed practice's toolkit details: its name and address as a person writes them, in English (the
    practice can choose its languages on the site)."""
    from .service import parse_for_app

    practice = listing.practice
    written = written_practice(listing.name, practice.address_lines or [])
    data = {
        "practice_name": written.name,
        "ods_code": practice.ods_code,
        "address_lines": written.address_lines or [practice.postcode],
        "postcode": practice.postcode,
        "phone": listing.phone,
    }
    try:
        return parse_for_app(data)
    except DetailsError as error:
        if "phone" not in error.errors:
            raise
        return parse_for_app({**data, "phone": None})  # a directory phone the contract refuses: left out


def _listings_to_tell():
    return db.session.scalars(
        db.select(Listing)
        .join(Pledge, Listing.pledge_id == Pledge.id)
        .where(Listing.active.is_(True), Listing.is_demo.is_(False), Pledge.contact_email.is_not(None))
        .order_by(Listing.id)
    ).all()


@dataclass
class MailOut:
    queued: int = 0
    before: int = 0
    failed: list[str] | None = None


def mail_out(edition: str) -> MailOut:
    """Queue one e-mail to every listed practice not yet told about this edition, and its toolkit's job."""
    from .pdf_cache import cache_key
    from .service import download_for, edition_for

    changes = what_changed(edition)
    report = MailOut(failed=[])
    told = set(db.session.scalars(db.select(EditionMailing.listing_id).where(EditionMailing.edition == edition)))
    for listing in _listings_to_tell():
        if listing.id in told:
            report.before += 1
            continue
        try:
            details = details_of(listing)
        except DetailsError as error:
            report.failed.append(f"{listing.practice.ods_code}: {error}")
            continue
        link = external_url("toolkit.edition_link", token=link_token(listing.id, edition))
        message = outbox.queue(
            listing.pledge.contact_email,
            "toolkit_edition",
            pledge=listing.pledge,
            practice_name=details.practice_name,
            edition=edition,
            what_changed=changes,
            link=link,
            link_days=LINK_DAYS,
        )
        db.session.flush()
        db.session.add(EditionMailing(edition=edition, listing_id=listing.id, outbox_message_id=message.id))
        try:
            db.session.commit()
        except IntegrityError:  # another run told this practice at the same moment: its e-mail stands, not ours
            db.session.rollback()
            report.before += 1
            continue
        report.queued += 1
        if jobs.enabled(current_app):  # made in the background, ready when the link is opened
            app_edition = edition_for(current_app)
            jobs.enqueue_batch(details, app_edition, cache_key(details, app_edition), download_for(details))
    return report


@dataclass
class MailOutStatus:
    practices: int
    sent: int
    waiting: int
    failed: int
    opened: int


def status(edition: str) -> MailOutStatus:
    row = db.session.execute(
        db.select(
            func.count(EditionMailing.id),
            func.count(OutboxMessage.sent_at),
            func.count(OutboxMessage.failed_at),
            func.count(EditionMailing.downloaded_at),
        )
        .select_from(EditionMailing)
        .outerjoin(OutboxMessage, EditionMailing.outbox_message_id == OutboxMessage.id)
        .where(EditionMailing.edition == edition)
    ).one()
    practices, sent, failed, opened = row
    return MailOutStatus(practices, sent, practices - sent - failed, failed, opened)


def mark_opened(listing_id: int, edition: str) -> None:
    db.session.execute(
        db.update(EditionMailing)
        .where(
            EditionMailing.listing_id == listing_id,
            EditionMailing.edition == edition,
            EditionMailing.downloaded_at.is_(None),
        )
        .values(downloaded_at=utcnow())
    )
    db.session.commit()


def _print_status(edition: str) -> None:
    counts = status(edition)
    click.echo(
        f"Edition {edition}: {counts.practices} practice(s) e-mailed; {counts.sent} sent, {counts.waiting} "
        f"waiting to be sent, {counts.failed} failed; {counts.opened} opened their toolkit."
    )


@click.command("mail-edition")
@click.option("--status", "status_only", is_flag=True, help="Only say how many were sent, opened and failed.")
@with_appcontext
def mail_edition_command(status_only: bool):
    """Tell every listed practice about the current edition (SAFESURGERIES_TOOLKIT_EDITION): one e-mail each,
    sent by `safesurgeries outbox send`. Run it again safely: nobody is e-mailed twice."""
    edition = current_app.config["TOOLKIT_EDITION"]
    if not status_only:
        report = mail_out(edition)
        click.echo(f"Edition {edition}: {report.queued} e-mail(s) queued now; {report.before} practice(s) told before.")
        for problem in report.failed:
            click.echo(f"Not e-mailed: {problem}", err=True)
    _print_status(edition)
