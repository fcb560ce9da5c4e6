"""A warm render process beside each web worker, so that a render that dies costs one request, not the worker.

Each web process keeps one child process (concurrent.futures) that lays out and writes PDFs. It warms
up when it starts (fonts, stylesheets, the fixed sections' pages), off the request path. If it dies in
the middle of a render (killed, out of memory, a crash in a C library) the request gets a clear
RenderWorkerLost, and the next request starts a fresh child.
"""

import datetime as dt
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from . import composer
from .builder import Edition
from .details import PracticeDetails

log = logging.getLogger(__name__)

SAMPLE = PracticeDetails(practice_name="Warm-up Surgery", ods_code="A00000", address_lines=("1 Warm-up Street",),
                         postcode="SE1 7PB", phone="020 7946 0000", languages=("en", "ar", "bn", "zh-Hans"))


class RenderWorkerLost(RuntimeError):
    """The render process stopped before it finished this toolkit."""


def warm_up(edition: Edition) -> None:
    """Render a sample toolkit: loads the fonts, parses the stylesheets and lays out the fixed sections."""
    composer.build_toolkit_fast(SAMPLE, edition)


def _render(details: PracticeDetails, edition: Edition, today: dt.date) -> bytes:
    return composer.build_toolkit_fast(details, edition, today)


class RenderWorker:
    """One warm child process; replaced when it dies."""

    def __init__(self, edition: Edition, warm: bool = True):
        self.edition = edition
        self.warm = warm
        self._lock = threading.Lock()
        self._pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # spawn, not fork: the web process may have threads (a fork would copy their held locks).
        pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=warm_up if self.warm else None,
                                   initargs=(self.edition,) if self.warm else ())
        self._started = pool.submit(int)  # start the process (and its warm-up) now, not at the first request
        return pool

    def wait_until_started(self) -> None:
        """Block until the render process has started and warmed up."""
        self._started.result()

    def render(self, details: PracticeDetails, today: dt.date) -> bytes:
        with self._lock:
            pool = self._pool
        try:
            return pool.submit(_render, details, self.edition, today).result()
        except BrokenProcessPool:
            log.error("The render process stopped during a render; starting a new one.")
            with self._lock:
                if self._pool is pool:
                    self._pool = self._start()
            pool.shutdown(wait=False)
            raise RenderWorkerLost("The PDF could not be made because the process making it stopped. "
                                   "Please try again in a moment.") from None

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
