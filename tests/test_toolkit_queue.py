"""Toolkits on the job queue, with the real Redis (database 13) and two `safesurgeries worker` processes.

The web side is the app through Flask's test client, waiting 0 seconds, so every toolkit goes through the
queue and its status URL. The workers run the tests' hook (jobs.TEST_HOOK): each job logs when it starts and
finishes, and holds before rendering while a file named "hold" exists, so that a test can kill a worker in the
middle of a job, or fill the queue, by what has happened rather than by how long it took. Every toolkit is
English only, or English and French where a test needs heavy ones: the point here is the queue.
"""

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from conftest import UNTHROTTLED, pdf_pages
from rq import Worker

from safesurgeries import create_app
from safesurgeries.toolkit import jobs

# Another database with TEST_QUEUE_DB (and the one after it), for two runs of these tests on one Redis at once.
QUEUE_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_QUEUE_DB', '13'))}"
ROOT = Path(__file__).resolve().parent.parent
# Long enough for anything a busy machine does; the tests wait for events, never for a time.
PATIENCE_S = 600


def plain(name: str, **more) -> dict:
    return {"practice_name": name, "address_lines": ["1 Queue Street"], "postcode": "N1 9GU", **more}


def eventually(condition, what: str):
    """Poll until condition() is true; fail (saying what) only after PATIENCE_S, a bound no healthy run meets."""
    deadline = time.monotonic() + PATIENCE_S
    while not (result := condition()):
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.2)
    return result


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet reaped by whoever inherited it, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@dataclass
class Site:
    app: object
    hook: Path
    workers: list = field(default_factory=list)

    @property
    def client(self):
        return self.app.test_client()

    def events(self) -> list[tuple[str, str, int, int]]:
        """(event, job id, work horse pid, worker pid) for every start and finish, in order."""
        log = self.hook / "jobs.log"
        if not log.exists():
            return []
        rows = [line.split() for line in log.read_text().splitlines() if line.strip()]
        return [(event, key, int(pid), int(ppid)) for event, key, pid, ppid in rows]

    def started(self, key: str | None = None) -> list:
        return [e for e in self.events() if e[0] == "started" and (key is None or e[1] == key)]

    def finished(self, key: str | None = None) -> list:
        return [e for e in self.events() if e[0] == "finished" and (key is None or e[1] == key)]

    def hold(self) -> None:
        (self.hook / "hold").touch()

    def release(self) -> None:
        (self.hook / "hold").unlink(missing_ok=True)

    def ask(self, details: dict, address: str = "10.0.0.1"):
        return self.client.post("/api/v1/toolkits", json=details, environ_base={"REMOTE_ADDR": address})

    def pdf(self, status_url: str) -> bytes:
        """Follow a status URL until it answers the PDF."""
        client = self.client

        def done():
            response = client.get(status_url)
            assert response.status_code in (200, 202), response.get_data(as_text=True)[:300]
            return response.data if response.status_code == 200 else None

        return eventually(done, f"the PDF at {status_url}")


@pytest.fixture
def site(tmp_path, postcode_index_file):
    store = redis.Redis.from_url(QUEUE_URL)
    store.flushdb()
    hook = tmp_path / "hook"
    hook.mkdir()
    pdf_store = tmp_path / "pdf-store"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "SAFESURGERIES_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "SAFESURGERIES_QUEUE_URL": QUEUE_URL,
        "SAFESURGERIES_PDF_CACHE_DIR": str(pdf_store),
        jobs.TEST_HOOK: str(hook),
    }
    command = [sys.executable, "-c", "from safesurgeries.cli import main; main()", "worker", "--no-warm-up"]
    command += ["--maintenance-interval", "2"]  # a dead worker's job is found soon after its heartbeat expires
    workers = [
        subprocess.Popen(
            command,
            env=env,
            stdout=(tmp_path / f"worker-{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for n in range(2)
    ]
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "POSTCODE_INDEX": str(postcode_index_file),
            "PDF_CACHE_DIR": str(pdf_store),
            "QUEUE_URL": QUEUE_URL,
            "TOOLKIT_WAIT_SECONDS": 0,
            **UNTHROTTLED,
        }
    )
    try:
        eventually(lambda: Worker.count(connection=store) == 2, "both workers to register with Redis")
        yield Site(app, hook, workers)
    finally:
        (hook / "hold").unlink(missing_ok=True)
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
        store.flushdb()


def test_a_set_of_toolkits_is_made_by_the_workers_each_pdf_right_and_made_once(site):
    names = [f"Queue Surgery {n}" for n in range(6)]
    answers = [site.ask(plain(name)) for name in names]
    assert [answer.status_code for answer in answers] == [202] * 6
    for name, answer in zip(names, answers):
        body = answer.get_json()
        assert body["status"] == "queued" and answer.headers["Location"] == body["status_url"]
        assert answer.headers["Retry-After"] == "2"
        pdf = site.pdf(body["status_url"])
        text = " ".join(pdf_pages(pdf))
        assert name in text and "1 Queue Street" in text
        assert site.client.get(body["status_url"]).headers["Toolkit-Nation"] == "england"
    keys = [answer.get_json()["status_url"].rsplit("/", 1)[1] for answer in answers]
    assert all(len(site.started(key)) == 1 and len(site.finished(key)) == 1 for key in keys)
    # The same details again: straight from the PDF store, no job.
    again = site.ask(plain(names[0]))
    assert again.status_code == 200 and again.data.startswith(b"%PDF-")
    assert len(site.started()) == 6


def test_a_worker_killed_mid_job_loses_nothing_and_duplicates_nothing(site):
    site.hold()
    answer = site.ask(plain("Killed Worker Surgery"))
    assert answer.status_code == 202
    status_url = answer.get_json()["status_url"]
    key = status_url.rsplit("/", 1)[1]
    (_, _, horse, worker_pid) = eventually(lambda: site.started(key), "the job to start")[0]
    (killed,) = [worker for worker in site.workers if worker.pid == worker_pid]
    assert site.client.get(status_url).get_json()["status"] == "started"

    killed.send_signal(signal.SIGKILL)  # the worker, mid-job: no chance to clean up or to tell anyone
    killed.wait(timeout=30)
    eventually(lambda: not alive(horse), "its work horse to die with it (PR_SET_PDEATHSIG)")
    site.release()

    pdf = site.pdf(status_url)  # the other worker finds the job abandoned and makes it
    assert "Killed Worker Surgery" in " ".join(pdf_pages(pdf))
    starts = site.started(key)
    assert len(starts) == 2 and starts[1][3] != worker_pid  # again, once, elsewhere
    assert len(site.finished(key)) == 1  # made once: the first attempt died with its worker
    assert len(list(Path(site.app.config["PDF_CACHE_DIR"]).glob("*.pdf"))) == 1
    with site.app.app_context():
        assert jobs.queue(jobs.LIGHT).failed_job_registry.count == 0


def test_a_full_queue_answers_503_with_retry_after_and_then_drains(site):
    site.app.config["QUEUE_MAX_WAITING"] = 2
    site.hold()
    first = [site.ask(plain(f"Busy Surgery {n}"), address=f"10.0.1.{n}") for n in range(2)]
    eventually(lambda: len(site.started()) == 2, "both workers to be busy")
    queued = [site.ask(plain(f"Queued Surgery {n}"), address=f"10.0.2.{n}") for n in range(2)]
    assert [answer.status_code for answer in first + queued] == [202] * 4
    full = site.ask(plain("One Too Many Surgery"), address="10.0.3.1")
    assert full.status_code == 503 and full.headers["Retry-After"] == "30"
    assert "queue is full" in full.get_json()["message"]

    site.release()
    for answer in first + queued:
        assert site.pdf(answer.get_json()["status_url"]).startswith(b"%PDF-")
    assert site.ask(plain("One Too Many Surgery"), address="10.0.3.1").status_code == 202  # room again


def test_one_address_flood_is_bounded_and_a_plain_toolkit_from_another_goes_first(site):
    site.app.config.update(QUEUE_LIGHT_LANGUAGES=1, QUEUE_MAX_PER_ADDRESS=8)  # en+fr: heavy, cost 2
    site.hold()
    flood = [site.ask(plain(f"Flood Surgery {n}", languages=["fr"]), address="10.0.9.9") for n in range(4)]
    assert [answer.status_code for answer in flood] == [202] * 4  # cost 8 of 8
    refused = site.ask(plain("Flood Surgery 4", languages=["fr"]), address="10.0.9.9")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    eventually(lambda: len(site.started()) == 2, "both workers to take a flood toolkit")

    plain_answer = site.ask(plain("Plain Surgery"), address="10.0.5.5")
    assert plain_answer.status_code == 202
    plain_key = plain_answer.get_json()["status_url"].rsplit("/", 1)[1]
    assert site.client.get(plain_answer.get_json()["status_url"]).get_json()["ahead"] == 0

    site.release()
    assert "Plain Surgery" in " ".join(pdf_pages(site.pdf(plain_answer.get_json()["status_url"])))
    # The two flood toolkits already being made finish; of the rest, the light one was taken first.
    assert site.started()[2][1] == plain_key
    for answer in flood:
        assert site.pdf(answer.get_json()["status_url"]).startswith(b"%PDF-")
    assert site.ask(plain("Flood Surgery 4", languages=["fr"]), address="10.0.9.9").status_code == 202


def test_the_form_shows_a_page_that_follows_the_toolkit_and_then_downloads_it(site):
    from bs4 import BeautifulSoup
    from toolkit_forms import form_data

    site.app.config["WTF_CSRF_ENABLED"] = False  # this test is about the queue; tests/test_csrf.py about tokens
    site.hold()
    client = site.client
    posted = client.post("/toolkit/download", data=form_data("", languages=[], practice_name="Form Queue Surgery"))
    assert posted.status_code == 303
    page_url = posted.headers["Location"]
    key = page_url.rsplit("/", 1)[1]

    def page():
        response = client.get(page_url)
        assert response.status_code == 200
        return BeautifulSoup(response.data, "html.parser")

    eventually(lambda: site.started(key), "the job to start")
    being_made = page()
    assert being_made.h1.get_text() == "Your toolkit is being made"
    assert being_made.find("meta", attrs={"http-equiv": "refresh"})["content"] == "3"  # reloads itself, no JS
    assert "being made now" in being_made.find(role="status").get_text()
    assert client.get(f"{page_url}/pdf").status_code == 303  # not ready: back to the page

    site.release()
    ready = eventually(lambda: (soup := page()).h1.get_text() == "Your toolkit is ready" and soup, "the toolkit")
    pdf_url = f"/toolkit/made/{key}/pdf"
    assert ready.find("meta", attrs={"http-equiv": "refresh"})["content"] == f"0; url={pdf_url}"
    download = client.get(pdf_url)
    assert download.mimetype == "application/pdf"
    assert "Form Queue Surgery" in " ".join(pdf_pages(download.data))
    assert client.get("/toolkit/made/" + "0" * 64).status_code == 404


BATCH_SIZE = 50  # English-only toolkits, shared by the two workers (the issue: a batch of 50 practices)


def test_toolkit_batch_is_shared_by_the_workers_writes_every_pdf_and_a_report_and_resumes(site, tmp_path):
    import csv

    rows = tmp_path / "practices.csv"
    names = [f"Batch Surgery {n}" for n in range(BATCH_SIZE)]
    with rows.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["practice_name", "address_lines", "postcode"])
        writer.writerows([name, f"{n} Batch Road;Leeds", "LS1 4AP"] for n, name in enumerate(names))
        writer.writerow(["Broken Batch Surgery", "1 Road", "not a postcode"])
    out_dir = tmp_path / "toolkits"
    runner = site.app.test_cli_runner()

    result = runner.invoke(args=["toolkit", "batch", str(rows), "--out-dir", str(out_dir)])
    assert result.exit_code == 1, result.output  # the broken row
    assert f"{BATCH_SIZE} toolkit(s) written" in result.output and "1 row(s) failed" in result.output
    for n, name in enumerate(names):
        text = " ".join(pdf_pages((out_dir / f"safe-surgeries-toolkit-batch-surgery-{n}.pdf").read_bytes()))
        assert name in text and f"{n} Batch Road" in text and "Leeds" in text
    with (out_dir / "report.csv").open(encoding="utf-8") as handle:
        report = list(csv.DictReader(handle))
    assert [entry["status"] for entry in report] == ["written"] * BATCH_SIZE + ["failed"]
    assert len(site.started()) == BATCH_SIZE and len(site.finished()) == BATCH_SIZE  # each made once

    # Run again, one PDF lost meanwhile: only that one is written again, from the PDF store (no new job).
    (out_dir / "safe-surgeries-toolkit-batch-surgery-3.pdf").unlink()
    again = runner.invoke(args=["toolkit", "batch", str(rows), "--out-dir", str(out_dir)])
    assert again.output.count("(kept from an earlier run)") == BATCH_SIZE - 1
    assert "Batch Surgery 3" in " ".join(
        pdf_pages((out_dir / "safe-surgeries-toolkit-batch-surgery-3.pdf").read_bytes())
    )
    assert len(site.started()) == BATCH_SIZE


def test_a_person_asking_for_a_toolkit_a_batch_has_not_reached_gets_it_first(site):
    from safesurgeries.toolkit.pdf_cache import cache_key
    from safesurgeries.toolkit.service import current_edition, download_for, parse_for_app

    site.hold()
    with site.app.test_request_context():
        rows = [parse_for_app(plain(f"Batched Surgery {n}")) for n in range(4)]
        keys = [cache_key(row, current_edition()) for row in rows]
        for row, key in zip(rows, keys):
            jobs.enqueue_batch(row, current_edition(), key, download_for(row))
    eventually(lambda: len(site.started()) == 2, "both workers to take a batch toolkit")

    answer = site.ask(plain("Batched Surgery 3"))  # the last of the batch, as its e-mail's link would ask
    assert answer.status_code == 202 and answer.get_json()["status_url"].endswith(keys[3])
    site.release()
    site.pdf(answer.get_json()["status_url"])
    assert site.started()[2][1] == keys[3]  # taken before the batch's own next one
    eventually(lambda: len(site.finished()) == 4, "the whole batch")
    assert [len(site.started(key)) for key in keys] == [1, 1, 1, 1]  # each made once
