"""The job queue: toolkits per minute with 1 and 2 workers, the time all 6,651 open GP practices would take, and a
plain toolkit's wait during a flood of heavy ones from one address, as a ratio to its wait when the queue is idle.

Run through scripts/benchmark (or alone: .venv/bin/python benchmarks/queue_throughput.py). Needs the Redis at
127.0.0.1:6379 (database BENCHMARK_QUEUE_URL, default 14, emptied first) and the postcode index. Workers are real
`safesurgeries worker` processes, warmed up before anything is timed; the toolkits are English only, as the
edition e-mails and a campaign's batch make them.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUEUE_URL = os.environ.get("BENCHMARK_QUEUE_URL", "redis://127.0.0.1:6379/14")
ALL_PRACTICES = 6651  # open GP practices in England and Wales in the April 2025 file (README)
PER_WORKER = 8  # toolkits timed per worker: distinct practices, so none comes from the PDF store
FLOOD = 8  # heavy toolkits sent at once from one address, as in the measurement
FLOOD_LANGUAGES = [
    "ar", "bn", "zh-Hans", "ur", "fa", "ta", "ti", "am", "ps", "ckb", "gu", "pa-Guru", "ru", "uk", "pl", "ro", "so",
    "tr", "es", "fr", "pt", "sq", "prs", "vi",
]  # fmt: skip


def details(number: int, **more) -> dict:
    return {
        "practice_name": f"Queue Benchmark Surgery {number}",
        "address_lines": [f"{number} Benchmark Road", "Deptford", "London"],
        "postcode": "SE8 4RU",
        "phone": f"020 7946 {number % 1000:04d}",
        **more,
    }


def long_details(number: int) -> dict:
    """Long details in every language: about the heaviest toolkit there is."""
    from safesurgeries.toolkit import languages

    offered = [code for code in FLOOD_LANGUAGES if code in languages.catalogue()]
    return {
        **details(number, languages=offered),
        "practice_name": (f"The Very Long Name Medical Practice and Health Centre {number} " * 3)[:120],
        "address_lines": [(f"{number} Long Street Name Avenue Industrial Estate " * 3)[:80]] * 5,
    }


class Workers:
    """`safesurgeries worker` processes on the benchmark's queue, killed (all their processes) at the end."""

    def __init__(self, count: int, store: Path, light_only: int = 0):
        env = {
            **os.environ,
            "SAFESURGERIES_QUEUE_URL": QUEUE_URL,
            "SAFESURGERIES_PDF_CACHE_DIR": str(store),
            "SAFESURGERIES_INSTANCE_PATH": str(store.parent / "worker-instance"),
            "PYTHONPATH": str(ROOT),
        }
        command = [sys.executable, "-c", "from safesurgeries.cli import main; main()", "worker"]
        self.processes = [
            subprocess.Popen(
                command + (["--light-only"] if n < light_only else []),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            for n in range(count)
        ]
        from redis import Redis
        from rq import Worker

        redis = Redis.from_url(QUEUE_URL)
        deadline = time.monotonic() + 600
        while Worker.count(connection=redis) < count:  # each registers once warm
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.2)

    def stop(self):
        for process in self.processes:
            os.killpg(process.pid, signal.SIGKILL)  # the work horses die with them (PR_SET_PDEATHSIG)
            process.wait()


def app_for(store: Path, **settings):
    from safesurgeries import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PDF_CACHE_DIR": str(store),
            "QUEUE_URL": QUEUE_URL,
            "RATELIMIT_ENABLED": False,
            **settings,
        }
    )


def throughput(workers: int, first: int, store: Path) -> dict:
    """Toolkits per minute with this many workers: PER_WORKER each, queued at once, timed until the last is made."""
    from safesurgeries.toolkit import jobs
    from safesurgeries.toolkit.pdf_cache import cache_key
    from safesurgeries.toolkit.service import current_edition, download_for, parse_for_app, pdf_store

    running = Workers(workers, store)
    try:
        app = app_for(store)
        with app.app_context():
            rows = [parse_for_app(details(number)) for number in range(first, first + workers * PER_WORKER)]
            keys = [cache_key(row, current_edition()) for row in rows]
            began = time.perf_counter()
            for row, key in zip(rows, keys):
                jobs.enqueue_batch(row, current_edition(), key, download_for(row))
            while not all(pdf_store().has(key) for key in keys):
                time.sleep(0.1)
            elapsed = time.perf_counter() - began
    finally:
        running.stop()
    return {"workers": workers, "toolkits": len(keys), "seconds": elapsed, "per_minute": len(keys) / elapsed * 60}


def timed_plain(client, number: int, address: str) -> float:
    began = time.perf_counter()
    response = client.post("/api/v1/toolkits", json=details(number), environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return time.perf_counter() - began


def flood(first: int, store: Path) -> dict:
    """2 workers, one of them --light-only (the README's advice for floods): a plain toolkit's time when idle, then
    while one address's flood of FLOOD heavy toolkits is being made."""
    running = Workers(2, store, light_only=1)
    try:
        client = app_for(store, TOOLKIT_WAIT_SECONDS=3600).test_client()  # waits for its PDF, however long
        idle = [timed_plain(client, first + n, "10.0.0.2") for n in range(3)]
        # The flood is sent as the API's clients send it: each answered at once (202 or 429), never waited on.
        flooder = app_for(store, TOOLKIT_WAIT_SECONDS=0).test_client()
        answers = [
            flooder.post(
                "/api/v1/toolkits", json=long_details(first + 100 + n), environ_base={"REMOTE_ADDR": "10.0.0.1"}
            )
            for n in range(FLOOD)
        ]
        statuses = [answer.status_code for answer in answers]
        time.sleep(3)  # the scenario: the plain request 3 s after the flood (the flood is queued by then)
        during = [timed_plain(client, first + 10 + n, "10.0.0.3") for n in range(3)]
    finally:
        running.stop()
    idle_s, during_s = sorted(idle)[1], sorted(during)[1]
    return {
        "flood_statuses": statuses,
        "idle_s": idle_s,
        "during_flood_s": during_s,
        "ratio": during_s / idle_s,
    }


def main() -> dict:
    from redis import Redis

    Redis.from_url(QUEUE_URL).flushdb()
    folder = Path(tempfile.mkdtemp(prefix="queue-benchmark-"))
    results = {}
    for workers in (1, 2):
        print(f"Queue: {workers} worker(s), {workers * PER_WORKER} English toolkits...", flush=True)
        Redis.from_url(QUEUE_URL).flushdb()
        results[f"workers_{workers}"] = throughput(workers, 1000 * workers, folder / f"store-{workers}")
        print(f"  {results[f'workers_{workers}']['per_minute']:.1f} toolkits a minute", flush=True)
    one, two = results["workers_1"]["per_minute"], results["workers_2"]["per_minute"]
    results["all_practices_hours"] = {"1": ALL_PRACTICES / one / 60, "2": ALL_PRACTICES / two / 60}
    results["second_worker_gain"] = two / one
    print(f"Queue: a plain toolkit while {FLOOD} heavy ones from one address are being made...", flush=True)
    Redis.from_url(QUEUE_URL).flushdb()
    results["flood"] = flood(5000, folder / "store-flood")
    Redis.from_url(QUEUE_URL).flushdb()
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(main(), indent=2))
