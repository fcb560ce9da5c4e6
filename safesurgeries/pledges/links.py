"""Signed links in e-mails: confirm a pledge, withdraw a listing, re-confirm a listing.

itsdangerous signs {pledge, action, nonce}. A confirmation or re-confirmation link also carries the
pledge's current nonce, which changes when it is used or a fresh e-mail is sent, so each link works once.
A withdrawal link carries no nonce: it works for as long as there is something to withdraw.
"""

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..public_urls import external_url

CONFIRM_MAX_AGE = dt.timedelta(days=7)
SALT = "safesurgeries-pledge-link"


@dataclass(frozen=True)
class LinkClaim:
    pledge_id: int
    action: str
    nonce: str | None
    signed_at: dt.datetime

    def expired(self, max_age: dt.timedelta, now: dt.datetime) -> bool:
        return now - self.signed_at > max_age


class BadLink(ValueError):
    """The link was altered, cut short or made for something else."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(pledge, action: str) -> str:
    nonce = None if action == "withdraw" else pledge.link_nonce
    return _serializer().dumps({"p": pledge.id, "a": action, "n": nonce})


def read_token(token: str, action: str) -> LinkClaim:
    """The signed claim (its age is the caller's to judge); BadLink if it is not a genuine link for action."""
    try:
        payload, signed_at = _serializer().loads(token[:500], return_timestamp=True)
    except BadSignature:
        raise BadLink("This link is not complete or not genuine. Copy the whole link from the e-mail.") from None
    if not isinstance(payload, dict) or payload.get("a") != action or not isinstance(payload.get("p"), int):
        raise BadLink("This link is not complete or not genuine. Copy the whole link from the e-mail.")
    return LinkClaim(payload["p"], action, payload.get("n"), signed_at)


def link_url(pledge, action: str) -> str:
    """The absolute address of a pledge's signed link, for an e-mail."""
    return external_url("pledges.link", action=action, token=make_token(pledge, action))
