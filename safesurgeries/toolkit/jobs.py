"""Toolkit renders as jobs on RQ's queues in Redis, made by `safesurgeries worker` processes on any machine.

The web process never renders when SAFESURGERIES_QUEUE_URL is set: it puts a job on a queue and waits a few
seconds for the PDF to appear in the shared PDF store (pdf_cache.py), under the job's id, which is the PDF's
store key. A worker runs each job in a child process (RQ's work horse) with a time limit (RENDER_TIMEOUT).

What a worker killed mid-job costs (README, "Job queue"): RQ keeps each running job in its StartedJobRegistry
under a heartbeat; a job whose heartbeat stopped is found abandoned by another worker's clean-up and, having
retries left (Retry below), is queued again, at the front. The work horse dies with its worker (PR_SET_PDEATHSIG),
so an abandoned job is never still running somewhere when it runs again.

Fairness: a toolkit's cost is its number of languages. Light toolkits (few languages) have their own queue,
which every worker empties before it takes a heavy one; each client address may have a bounded cost of toolkits
waiting (429 beyond it); and a full queue answers 503, never an unbounded wait.
"""

import ctypes
import datetime as dt
import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from .builder import Edition
from .details import PracticeDetails
from .errors import QueueFull, QueueUnavailable, RenderFailed, TooManyWaiting

log = logging.getLogger(__name__)

# A worker empties each queue before it takes from the next: a person waiting at the form or the API comes
# before `toolkit batch`, and a light toolkit before a heavy one.
LIGHT, HEAVY, BATCH = "toolkits-light", "toolkits", "toolkits-batch"
PREFIX = "safesurgeries:toolkits"
WAITING_FOR = dt.timedelta(hours=1)  # the longest a toolkit counts against its address, whatever became of it
RETRIES = 2  # a job whose worker died runs again, at most this many times
# A job's finished record (and its download's headers) are kept this long; the PDF itself stays in the store.
RESULT_TTL = 24 * 3600
# The environment variable of the tests' hook: a folder where each job logs its start and end and waits while
# a file named "hold" exists, so that a test can kill a worker in the middle of a job without racing a clock.
TEST_HOOK = "SAFESURGERIES_TEST_JOB_HOOK"
WAITING_STATES = (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


def enabled(app: Flask) -> bool:
    return bool(app.config.get("QUEUE_URL"))


def connection(app: Flask | None = None) -> Redis:
    """The app's Redis connection for the queue (one per app: redis-py's pool is safe across threads)."""
    app = app or current_app
    state = app.extensions.setdefault("toolkit_queue", {})
    if "redis" not in state:
        if not enabled(app):
            raise click.ClickException("SAFESURGERIES_QUEUE_URL is not set, so there is no job queue.")
        state["redis"] = Redis.from_url(app.config["QUEUE_URL"], socket_connect_timeout=5, socket_timeout=30)
    return state["redis"]


def queue(name: str, redis: Redis | None = None) -> Queue:
    return Queue(name, connection=redis or connection(), serializer=JSONSerializer)


def cost(details: PracticeDetails) -> int:
    """What a toolkit costs to make, in languages (English is always one of them)."""
    return len(details.languages)


# ---- in the web process -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    """What a finished toolkit's response says besides the PDF: kept with the job, for its status URL."""

    filename: str
    nation: str
    unreviewed: str


def fetch(job_id: str) -> Job | None:
    try:
        return Job.fetch(job_id, connection=connection(), serializer=JSONSerializer)
    except NoSuchJobError:
        return None
    except RedisError as error:
        raise _unavailable(error) from None


def _unavailable(error: Exception) -> QueueUnavailable:
    log.error("The job queue's Redis cannot be reached: %s", error)
    return QueueUnavailable("Toolkits cannot be made just now. Please try again in a minute.")


def _waiting_cost(redis: Redis, address: str) -> int:
    """The cost of the toolkits this address has waiting: entries expire, and those whose job ended are dropped."""
    key = f"{PREFIX}:waiting:{address}"
    redis.zremrangebyscore(key, 0, time.time())
    total = 0
    for member in redis.zrange(key, 0, -1):
        amount, _, job_id = member.decode().partition(":")
        status = redis.hget(Job.key_for(job_id), "status")
        if status is None or status.decode() not in WAITING_STATES:
            redis.zrem(key, member)
        else:
            total += int(amount)
    return total


def enqueue(details: PracticeDetails, edition: Edition, key: str, address: str, download: Download) -> Job:
    """The job that makes this toolkit: the one already waiting for the same PDF, or a new one.

    Raises TooManyWaiting (this address has its share waiting), QueueFull or QueueUnavailable.
    """
    config = current_app.config
    try:
        redis = connection()
        amount = cost(details)
        light = amount <= config["QUEUE_LIGHT_LANGUAGES"]
        job = fetch(key)
        if job is not None and job.get_status() in WAITING_STATES:
            if job.origin == BATCH and redis.lrem(queue(BATCH, redis).key, 1, job.id):
                # A person asks for a toolkit that a batch has not reached yet (an edition e-mail's link, say):
                # it moves to the front of the person's queue rather than wait behind the batch.
                queue(LIGHT if light else HEAVY, redis).enqueue_job(job, at_front=True)
            return job  # the same toolkit is already coming: no second render, and no second charge
        if queue(LIGHT, redis).count + queue(HEAVY, redis).count >= config["QUEUE_MAX_WAITING"]:
            raise QueueFull(
                "Many toolkits are being made just now and the queue is full. Please try again in a minute."
            )
        if _waiting_cost(redis, address) + amount > config["QUEUE_MAX_PER_ADDRESS"]:
            raise TooManyWaiting(
                "Your address already has as many toolkits waiting to be made as it may. "
                "Please try again when they are done."
            )
        job = _put(queue(LIGHT if light else HEAVY, redis), details, edition, key, download)
        deadline = time.time() + WAITING_FOR.total_seconds()
        redis.zadd(f"{PREFIX}:waiting:{address}", {f"{amount}:{key}": deadline})
        redis.expire(f"{PREFIX}:waiting:{address}", int(WAITING_FOR.total_seconds()))
        return job
    except RedisError as error:
        raise _unavailable(error) from None


def _put(onto: Queue, details: PracticeDetails, edition: Edition, key: str, download: Download) -> Job:
    return onto.enqueue(
        "safesurgeries.toolkit.jobs.render",
        details.as_dict(),
        [edition.edition, edition.content_reviewed.isoformat(), edition.public_base_url],
        job_id=key,
        job_timeout=current_app.config["RENDER_TIMEOUT"],
        result_ttl=RESULT_TTL,
        failure_ttl=RESULT_TTL,
        retry=Retry(max=RETRIES, enqueue_at_front=True),
        meta={"filename": download.filename, "nation": download.nation, "unreviewed": download.unreviewed},
        description=f"toolkit, {cost(details)} language(s)",
    )


def enqueue_batch(details: PracticeDetails, edition: Edition, key: str, download: Download) -> Job:
    """A `toolkit batch` row's job: on the batch queue, which workers take last, with no per-address share."""
    try:
        job = fetch(key)
        if job is not None and job.get_status() in WAITING_STATES:
            return job
        return _put(queue(BATCH), details, edition, key, download)
    except RedisError as error:
        raise _unavailable(error) from None


@dataclass(frozen=True)
class Progress:
    """Where a job is: "queued" (with how many toolkits are ahead of it), "started", "finished" or "failed"."""

    state: str
    ahead: int | None = None


def progress(job: Job) -> Progress:
    try:
        status = job.get_status()
        if status == JobStatus.FINISHED:
            return Progress("finished")
        if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            return Progress("failed")
        if status == JobStatus.STARTED:
            return Progress("started")
        position = job.get_position()
        if position is not None and job.origin == HEAVY:
            position += queue(LIGHT).count  # the light queue is emptied first
        return Progress("queued", ahead=position)
    except RedisError as error:
        raise _unavailable(error) from None


def failure(job: Job) -> RenderFailed:
    result = job.latest_result()
    log.error("Toolkit job %s failed: %s", job.id, ((result and result.exc_string) or "").strip()[-300:])
    return RenderFailed(
        "The PDF could not be made: it took too long, or the process making it stopped. Please try again."
    )


def wait(job: Job, seconds: float) -> str:
    """Wait up to `seconds` for the job to end; its Progress state then ("finished", "failed" or still waiting)."""
    deadline = time.monotonic() + seconds
    try:
        while True:
            status = job.get_status()
            if status == JobStatus.FINISHED:
                return "finished"
            if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
                return "failed"
            if time.monotonic() >= deadline:
                return "waiting"
            time.sleep(0.1)
    except RedisError as error:
        raise _unavailable(error) from None


@dataclass(frozen=True)
class Health:
    """Whether toolkits can be made: Redis answers and at least one worker is alive (or there is no queue)."""

    ok: bool
    detail: str
    workers: int = 0


def health(app: Flask) -> Health:
    if not enabled(app):
        return Health(True, "no job queue (SAFESURGERIES_QUEUE_URL unset): the web processes make the toolkits")
    try:
        redis = connection(app)
        redis.ping()
        light = queue(LIGHT, redis)
        workers = len(Worker.all(queue=light))  # a dead worker's registration has expired: not counted
        waiting = light.count + queue(HEAVY, redis).count
    except RedisError as error:
        return Health(False, f"cannot reach the job queue's Redis (SAFESURGERIES_QUEUE_URL): {error}")
    if not workers:
        return Health(False, f"no worker is running, {waiting} toolkit(s) waiting: start `safesurgeries worker`")
    return Health(True, f"{workers} worker(s), {waiting} toolkit(s) waiting", workers)


@dataclass(frozen=True)
class QueueCounts:
    name: str
    waiting: int
    being_made: int
    finished: int  # in the last RESULT_TTL
    failed: int


def overview(app: Flask) -> list[QueueCounts]:
    """Each queue's toolkits waiting, being made, finished and failed (for the admins' page); [] without a queue
    or when Redis cannot be reached (health() says which)."""
    if not enabled(app):
        return []
    try:
        redis = connection(app)
        return [
            QueueCounts(
                name,
                (q := queue(name, redis)).count,
                q.started_job_registry.count,
                q.finished_job_registry.count,
                q.failed_job_registry.count,
            )
            for name in (LIGHT, HEAVY, BATCH)
        ]
    except RedisError:
        return []


# ---- in the worker ------------------------------------------------------------------------------------------


def _die_with_the_worker() -> None:
    """Ask Linux to SIGKILL this work horse when its worker dies, so that a job RQ finds abandoned (its worker's
    heartbeat stopped) and runs again is not also still running here."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the job's heartbeat and time limit still bound it
        return
    if os.getppid() == 1:  # the worker died before the request took effect
        os._exit(1)


def _hook(event: str, job_id: str) -> None:
    """The tests' hook (TEST_HOOK): log the event, and while "hold" exists, wait before rendering."""
    folder = os.environ.get(TEST_HOOK)
    if not folder:
        return
    with open(Path(folder) / "jobs.log", "a", encoding="utf-8") as log_file:
        log_file.write(f"{event} {job_id} {os.getpid()} {os.getppid()}\n")
    while event == "started" and (Path(folder) / "hold").exists():
        time.sleep(0.05)


def render(details: dict, edition: list) -> str:
    """The job: make the toolkit and put it in the shared PDF store under the job's id. Runs in a work horse."""
    from rq import get_current_job

    from .service import make_toolkit, pdf_store

    key = get_current_job().id
    _hook("started", key)
    practice = PracticeDetails(**{name: tuple(v) if isinstance(v, list) else v for name, v in details.items()})
    name, reviewed, base_url = edition
    pdf = make_toolkit(practice, Edition(name, dt.date.fromisoformat(reviewed), base_url))
    if not pdf_store().put(key, pdf):
        raise OSError(f"could not write the toolkit to the PDF store at {pdf_store().folder}")
    _hook("finished", key)
    return key


class ToolkitWorker(Worker):
    """RQ's forking worker, whose work horse dies with it."""

    def main_work_horse(self, job: Job, queue: Queue):
        _die_with_the_worker()
        super().main_work_horse(job, queue)


@click.command("worker")
@click.option("--light-only", is_flag=True, help="Make only light toolkits (few languages): keeps them quick.")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--no-warm-up", is_flag=True, help="Take jobs at once, without rendering a sample toolkit first.")
@click.option(
    "--maintenance-interval",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="Seconds between this worker's clean-ups, which queue again the jobs of workers that died.",
)
@with_appcontext
def worker_command(light_only: bool, burst: bool, no_warm_up: bool, maintenance_interval: int):
    """Make toolkits from the job queue (SAFESURGERIES_QUEUE_URL); run as many as the machines have cores."""
    from .service import warm_up

    redis = connection()
    try:
        redis.ping()
    except RedisError as error:
        raise click.ClickException(f"Cannot reach the job queue's Redis at SAFESURGERIES_QUEUE_URL: {error}") from None
    if not no_warm_up:
        warm_up(current_app)  # fonts and stylesheets, once, before the work horses are forked from this process
    names = [LIGHT] if light_only else [LIGHT, HEAVY, BATCH]
    worker = ToolkitWorker(
        [queue(name, redis) for name in names],
        connection=redis,
        serializer=JSONSerializer,
        maintenance_interval=maintenance_interval,
        job_monitoring_interval=5,  # the heartbeat: a dead worker's job is abandoned about a minute later
        # An idle worker waits for a job this long less 15 s before it looks at its clean-ups again (RQ's
        # default, 420 s, would leave a dead worker's job waiting about 7 minutes longer).
        worker_ttl=maintenance_interval + 15,
    )
    worker.work(burst=burst, with_scheduler=False, logging_level="INFO")
