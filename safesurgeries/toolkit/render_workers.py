"""A warm render process beside each web worker, so that a render that dies or hangs costs one request, not the worker.

Each web process keeps one child process that lays out and writes PDFs, one at a time. It warms up when it
starts (fonts, stylesheets), off the request path. If it dies in the middle of a render (killed, out of
memory, a crash in a C library) the request gets RenderWorkerLost; if a render runs past RENDER_TIMEOUT
seconds the child is killed and the request gets RenderTimedOut. Either way the next request starts a
fresh child.

A multiprocessing.Process and a Pipe, not concurrent.futures: a ProcessPoolExecutor cannot kill a worker
that hangs, and a hung render is exactly the case this module is for.
"""

import datetime as dt
import logging
import multiprocessing
import threading
from multiprocessing.connection import Connection

from . import builder
from .builder import Edition
from .details import PracticeDetails
from .errors import RenderTimedOut, RenderWorkerLost

log = logging.getLogger(__name__)

SAMPLE = PracticeDetails(
    practice_name="Warm-up Surgery",
    ods_code="A00000",
    address_lines=("1 Warm-up Street",),
    postcode="SE1 7PB",
    nation="england",
    phone="020 7946 0000",
    languages=("en", "ar", "bn", "zh-Hans"),
)


def warm_up(edition: Edition) -> None:
    """Render a sample toolkit: loads the fonts and parses the stylesheets."""
    builder.build_toolkit(SAMPLE, edition)


def _serve(connection: Connection, edition: Edition, warm: bool) -> None:
    """The child process: say "ready" once warm, then render each (details, today) it is sent."""
    if warm:
        try:
            warm_up(edition)
        except Exception:  # a sample language's font missing, say: still serve the toolkits that can be made
            log.exception("The render process could not warm up; `safesurgeries doctor` checks the fonts.")
    connection.send(("ready", None))
    while True:
        try:
            details, today = connection.recv()
        except EOFError:  # the web process has gone
            return
        try:
            connection.send(("pdf", builder.build_toolkit(details, edition, today)))
        except Exception as error:  # handed to the web process, which raises it for the request
            connection.send(("error", error))


class RenderWorker:
    """One warm child process; replaced when it dies or hangs."""

    def __init__(self, edition: Edition, warm: bool = True, timeout: float = 60.0):
        self.edition = edition
        self.warm = warm
        self.timeout = timeout
        self._lock = threading.Lock()  # the child renders one toolkit at a time; requests queue here
        self._start()

    def _start(self) -> None:
        # spawn, not fork: the web process may have threads (a fork would copy their held locks).
        context = multiprocessing.get_context("spawn")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, self.edition, self.warm), name="toolkit-render", daemon=True
        )
        self._process.start()
        child_end.close()
        self._ready = False

    def _stop(self) -> None:
        self._process.kill()
        self._process.join(timeout=10)
        self._connection.close()

    def _replace(self) -> None:
        self._stop()
        self._start()

    def _lost(self) -> RenderWorkerLost:
        self._replace()
        log.error("The render process stopped during a render; a new one has been started.")
        return RenderWorkerLost(
            "The PDF could not be made because the process making it stopped. Please try again in a moment."
        )

    def _timed_out(self) -> RenderTimedOut:
        self._replace()
        log.error("A render took longer than %s s; its process was stopped and a new one started.", self.timeout)
        return RenderTimedOut(
            f"Making the PDF took longer than {self.timeout:g} seconds, so it was stopped. "
            "Please try again in a moment."
        )

    def _wait_until_ready(self, timeout: float | None) -> None:
        """Wait for the child's "ready" after its warm-up (no limit at start-up, off the request path)."""
        if self._ready:
            return
        if timeout is not None and not self._connection.poll(timeout):
            raise self._timed_out()
        try:
            self._connection.recv()
        except (EOFError, OSError):
            raise self._lost() from None
        self._ready = True

    def wait_until_started(self) -> None:
        """Block until the render process has started and warmed up."""
        with self._lock:
            self._wait_until_ready(timeout=None)

    def render(self, details: PracticeDetails, today: dt.date) -> bytes:
        """The toolkit's PDF, made in the child. Raises RenderWorkerLost or RenderTimedOut, or the render's own
        error."""
        with self._lock:
            if not self._process.is_alive():  # died while idle: start again quietly
                log.warning(
                    "The render process had stopped (exit code %s); starting a new one.", self._process.exitcode
                )
                self._replace()
            self._wait_until_ready(timeout=self.timeout)  # a new process's warm-up counts towards the limit
            try:
                self._connection.send((details, today))
                if not self._connection.poll(self.timeout):
                    raise self._timed_out()
                kind, value = self._connection.recv()
            except (EOFError, OSError):
                raise self._lost() from None
        if kind == "error":
            raise value
        return value

    def close(self) -> None:
        with self._lock:
            self._stop()
