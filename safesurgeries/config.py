"""Every setting of the application, its environment variable and its default, in one place."""

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PREFIX = "SAFESURGERIES_"


class ConfigError(ValueError):
    """A setting's value is not one the app can use; the message names the variable and what it expects."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env_var(self) -> str:
        return PREFIX + self.name


# The README's configuration table is this list; keep them in step.
SETTINGS = (
    Setting(
        "INSTANCE_PATH",
        None,
        "Folder for the SQLite database, the secret key and other local state. Default: instance/ in the project.",
    ),
    Setting("DATABASE_URL", None, "SQLAlchemy database URL. Default: SQLite at instance/safesurgeries.db."),
    Setting(
        "SECRET_KEY", None, "Signs sessions and CSRF tokens. Default: generated once and kept in instance/secret_key."
    ),
    Setting(
        "POSTCODE_INDEX",
        None,
        "The postcode index file that `safesurgeries postcodes build` writes. Default: instance/postcodes.idx.",
    ),
    Setting("TOOLKIT_EDITION", "2026.2", "The toolkit's edition, printed on the cover and in every page footer."),
    Setting(
        "CONTENT_REVIEWED",
        "2026-11",
        "Year and month (YYYY-MM) the toolkit's content was last reviewed; printed on the cover and in every footer.",
    ),
    Setting(
        "PUBLIC_BASE_URL",
        "http://127.0.0.1:5000",
        "The site's public address, used in links in e-mails and in the certificate's QR code.",
    ),
    Setting(
        "SMTP_HOST", None, "SMTP server for e-mail. Unset: e-mails are written as .eml files under instance/outbox/."
    ),
    Setting("SMTP_PORT", "25", "SMTP port (587 for submission with STARTTLS, 465 is not supported)."),
    Setting("SMTP_USER", None, "SMTP user name, if the server needs one."),
    Setting("SMTP_PASSWORD", None, "SMTP password, if the server needs one."),
    Setting("SMTP_STARTTLS", "false", "true to upgrade the SMTP connection with STARTTLS before sending."),
    Setting("MAIL_FROM", "Safe Surgeries <no-reply@safesurgeries.invalid>", "The From address of every e-mail."),
    Setting("RETENTION_UNCONFIRMED_DAYS", "30", "Days after which a pledge never confirmed is deleted."),
    Setting("RETENTION_REJECTED_DAYS", "90", "Days after a rejection when the pledge's contact details are deleted."),
    Setting(
        "RETENTION_WITHDRAWN_DAYS", "90", "Days after a withdrawal or unlisting when the contact details are deleted."
    ),
    Setting("STAFF_SESSION_MINUTES", "30", "A staff session ends after this many minutes without a request."),
    Setting(
        "PDF_CACHE_DIR",
        None,
        "Folder for finished toolkit PDFs, named by a hash of all they are made from. Default: instance/pdf-cache.",
    ),
    Setting(
        "PDF_CACHE_MAX_MB",
        "512",
        "Most megabytes the PDF cache may hold (least recently used removed first); 0 turns it off.",
    ),
    Setting(
        "QUEUE_URL",
        None,
        "Redis for the toolkit job queue (e.g. redis://127.0.0.1:6379/1); `safesurgeries worker` processes make "
        "the toolkits. Unset: each toolkit is made inside its web request (development and tests).",
    ),
    Setting(
        "RENDER_TIMEOUT",
        "180",
        "Seconds one toolkit's job may take; past it the job is stopped and counts as failed.",
    ),
    Setting(
        "TOOLKIT_RENDERER",
        "overlay",
        "overlay: lay each practice's details over edition pages made once per nation and language set (fast); "
        "plain: lay out the whole toolkit for every practice (the reference the overlay is tested against).",
    ),
    Setting(
        "TOOLKIT_WAIT_SECONDS",
        "5",
        "Seconds a request waits for a queued toolkit before it answers a page (or a 202) that follows its progress.",
    ),
    Setting("QUEUE_MAX_WAITING", "200", "Most toolkits waiting in the queue; beyond it a request is answered 503."),
    Setting(
        "QUEUE_MAX_PER_ADDRESS",
        "50",
        "Most toolkits one client address may have waiting, counted in languages (a toolkit costs one per "
        "language); beyond it a 429.",
    ),
    Setting(
        "QUEUE_LIGHT_LANGUAGES",
        "3",
        "A toolkit with at most this many languages is light: it has a queue of its own, taken first.",
    ),
    Setting(
        "MAP_TILE_URL",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "The map's tile server (a Leaflet URL template).",
    ),
    Setting(
        "MAP_TILE_ATTRIBUTION",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        "The credit the tile server asks for, as HTML, shown in the map's corner.",
    ),
    Setting(
        "REDIS_URL",
        None,
        "Redis for the rate limits' counts, so that every worker and server shares them (e.g. "
        "redis://127.0.0.1:6379/0). Unset: counts are kept in each process's memory.",
    ),
    Setting(
        "LIMIT_PLEDGE_SUBMIT",
        "30 per hour",
        "Most pledges one address may submit (a Flask-Limiter limit, e.g. `30 per hour` or `5/minute;30/hour`).",
    ),
    Setting(
        "LIMIT_PLEDGE_RECIPIENT",
        "5 per day",
        "Most pledge confirmation e-mails to one contact e-mail address, whoever sends them (only "
        "pledges stored count).",
    ),
    Setting(
        "LIMIT_PLEDGE_LINKS",
        "60 per hour",
        "Most uses of the e-mailed confirm, withdraw, reconfirm and resend links from one address.",
    ),
    Setting(
        "LIMIT_STAFF_SIGN_IN",
        "30 per hour",
        "Most staff sign-in attempts from one address (on top of the growing wait after 3 failures "
        "for one account from one address).",
    ),
    Setting(
        "LIMIT_TOOLKIT_API",
        "20 per minute",
        "Most toolkit PDFs one address may ask the API (POST /api/v1/toolkits) for.",
    ),
    Setting(
        "LIMIT_TOOLKIT_DOWNLOAD",
        "20 per minute",
        "Most toolkit PDFs one address may download through the web form (POST /toolkit/download).",
    ),
    Setting(
        "LIMIT_TOOLKIT_PREVIEW",
        "30 per minute",
        "Most toolkit previews one address may ask the web form (POST /toolkit/preview) for.",
    ),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "How many reverse proxies sit in front of the app; their X-Forwarded-For and "
        "X-Forwarded-Proto are then believed, so rate limits count each visitor's own address.",
    ),
)


def _secret_key(instance_path: Path) -> str:
    """Read the instance's secret key, creating it (readable by the owner only) on first use."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def content_reviewed_date(value: str) -> dt.date:
    """Parse the CONTENT_REVIEWED setting (YYYY-MM); a bad value is a start-up error, not a bad PDF."""
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise ConfigError(f"{PREFIX}CONTENT_REVIEWED must be YYYY-MM, e.g. 2026-11; got {value!r}") from None


def _integer(values: dict, name: str) -> int:
    """A whole-number setting; a bad value is a start-up error that names the variable."""
    try:
        return int(values[name])
    except (TypeError, ValueError):
        raise ConfigError(f"{PREFIX}{name} must be a whole number; got {values[name]!r}") from None


def _positive_integer(values: dict, name: str) -> int:
    number = _integer(values, name)
    if number < 1:
        raise ConfigError(f"{PREFIX}{name} must be 1 or more; got {values[name]!r}")
    return number


def _renderer(value: str) -> str:
    if value not in ("overlay", "plain"):
        raise ConfigError(f"{PREFIX}TOOLKIT_RENDERER must be overlay or plain; got {value!r}")
    return value


def _flag(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _rate_limit(values: dict, name: str) -> str:
    """A Flask-Limiter limit string; a bad one is a start-up error, not a 500 at the first request."""
    from limits import parse_many

    try:
        parse_many(values[name])
    except ValueError:
        raise ConfigError(f"{PREFIX}{name} must be a rate limit such as '30 per hour'; got {values[name]!r}") from None
    return values[name]


def load_config(instance_path: Path, environ=os.environ) -> dict:
    """Build Flask's config mapping from the environment, with the embedded defaults."""
    values = {s.name: environ.get(s.env_var, s.default) for s in SETTINGS}  # INSTANCE_PATH is read by create_app
    database_url = values["DATABASE_URL"] or f"sqlite:///{instance_path / 'safesurgeries.db'}"
    # Production is known by its public address: served over HTTPS, cookies travel over HTTPS only.
    https = values["PUBLIC_BASE_URL"].startswith("https://")
    return {
        "SECRET_KEY": values["SECRET_KEY"] or _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Test a pooled connection before use, so the first request after a database restart does not fail.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "POSTCODE_INDEX": values["POSTCODE_INDEX"] or str(instance_path / "postcodes.idx"),
        "TOOLKIT_EDITION": values["TOOLKIT_EDITION"],
        "CONTENT_REVIEWED": content_reviewed_date(values["CONTENT_REVIEWED"]),
        "PUBLIC_BASE_URL": values["PUBLIC_BASE_URL"].rstrip("/"),
        "SMTP_HOST": values["SMTP_HOST"],
        "SMTP_PORT": _integer(values, "SMTP_PORT"),
        "SMTP_USER": values["SMTP_USER"],
        "SMTP_PASSWORD": values["SMTP_PASSWORD"],
        "SMTP_STARTTLS": _flag(values["SMTP_STARTTLS"]),
        "MAIL_FROM": values["MAIL_FROM"],
        "RETENTION_UNCONFIRMED_DAYS": _integer(values, "RETENTION_UNCONFIRMED_DAYS"),
        "RETENTION_REJECTED_DAYS": _integer(values, "RETENTION_REJECTED_DAYS"),
        "RETENTION_WITHDRAWN_DAYS": _integer(values, "RETENTION_WITHDRAWN_DAYS"),
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(minutes=_integer(values, "STAFF_SESSION_MINUTES")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": https,
        "REDIS_URL": values["REDIS_URL"],
        "LIMIT_PLEDGE_SUBMIT": _rate_limit(values, "LIMIT_PLEDGE_SUBMIT"),
        "LIMIT_PLEDGE_RECIPIENT": _rate_limit(values, "LIMIT_PLEDGE_RECIPIENT"),
        "LIMIT_PLEDGE_LINKS": _rate_limit(values, "LIMIT_PLEDGE_LINKS"),
        "LIMIT_STAFF_SIGN_IN": _rate_limit(values, "LIMIT_STAFF_SIGN_IN"),
        "LIMIT_TOOLKIT_API": _rate_limit(values, "LIMIT_TOOLKIT_API"),
        "LIMIT_TOOLKIT_DOWNLOAD": _rate_limit(values, "LIMIT_TOOLKIT_DOWNLOAD"),
        "LIMIT_TOOLKIT_PREVIEW": _rate_limit(values, "LIMIT_TOOLKIT_PREVIEW"),
        "TRUSTED_PROXIES": _integer(values, "TRUSTED_PROXIES"),
        "PDF_CACHE_DIR": values["PDF_CACHE_DIR"] or str(instance_path / "pdf-cache"),
        "PDF_CACHE_MAX_MB": _integer(values, "PDF_CACHE_MAX_MB"),
        "QUEUE_URL": values["QUEUE_URL"],
        "RENDER_TIMEOUT": _positive_integer(values, "RENDER_TIMEOUT"),
        "TOOLKIT_WAIT_SECONDS": _integer(values, "TOOLKIT_WAIT_SECONDS"),
        "TOOLKIT_RENDERER": _renderer(values["TOOLKIT_RENDERER"]),
        "QUEUE_MAX_WAITING": _positive_integer(values, "QUEUE_MAX_WAITING"),
        "QUEUE_MAX_PER_ADDRESS": _positive_integer(values, "QUEUE_MAX_PER_ADDRESS"),
        "QUEUE_LIGHT_LANGUAGES": _positive_integer(values, "QUEUE_LIGHT_LANGUAGES"),
        "MAP_TILE_URL": values["MAP_TILE_URL"],
        "MAP_TILE_ATTRIBUTION": values["MAP_TILE_ATTRIBUTION"],
        # Large enough for any practice's details, small enough that a client cannot tie up a worker.
        "MAX_CONTENT_LENGTH": 64 * 1024,
    }
