"""Why a toolkit was not made: one family of errors, each with its message in plain words and its HTTP status.

Each interface handles ToolkitError in one place: the HTML pages (views.toolkit_problem), the JSON API
(api.toolkit_problem) and the CLI (cli.toolkit_errors).
"""

from .. import nations

# What a 503 for a failed render tells the client: a passing trouble (a worker lost, a busy machine).
RETRY_AFTER_SECONDS = "10"

# What a practice in Northern Ireland is told instead of a toolkit.
NORTHERN_IRELAND_MESSAGE = (
    "There is no toolkit for practices in Northern Ireland, because the rules there differ "
    "from England's, Scotland's and Wales's. " + nations.NORTHERN_IRELAND_RULES
)


class ToolkitError(Exception):
    """No toolkit was made; str(error) says why.

    status: the HTTP answer. retry_after: seconds to wait, for passing trouble. field_errors: the messages that
    belong at the details form's fields (empty: a problem with making the PDF, not with what was typed).
    """

    status = 503
    retry_after: str | None = None

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return {}


class DetailsError(ToolkitError, ValueError):
    """Invalid details; errors maps each field to plain-words messages."""

    status = 422
    summary = "Some practice details are not right."

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in errors.items()))
        self.errors = errors

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return self.errors


class NorthernIrelandError(DetailsError):
    """The practice is in Northern Ireland, where registration works differently: there is no toolkit for it."""

    summary = "There is no toolkit for practices in Northern Ireland: the rules there differ."

    def __init__(self):
        super().__init__({"postcode": [NORTHERN_IRELAND_MESSAGE]})


class PostcodeIndexUnavailable(ToolkitError):
    """The postcode index is not built, so no postcode's nation (and so no toolkit's rules) can be known."""

    @property
    def field_errors(self) -> dict[str, list[str]]:
        return {"postcode": [str(self)]}


class MissingFontError(ToolkitError):
    """A chosen language's font is not installed, so its pages would print as empty boxes."""


class RenderFailed(ToolkitError):
    """The toolkit's job failed: it ran past RENDER_TIMEOUT, or its worker died more often than it is retried."""

    retry_after = RETRY_AFTER_SECONDS


class QueueFull(ToolkitError):
    """So many toolkits are waiting that another would wait too long: try again later, rather than wait unbounded."""

    retry_after = "30"


class QueueUnavailable(ToolkitError):
    """The job queue's Redis cannot be reached."""

    retry_after = "60"


class TooManyWaiting(ToolkitError):
    """This client address already has its share of toolkits waiting (their cost counted in languages)."""

    status = 429
    retry_after = "30"
