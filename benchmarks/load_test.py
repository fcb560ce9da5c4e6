"""The production server under load: gunicorn (gunicorn.conf.py: 2 workers) with 2 `safesurgeries worker`
processes making the toolkits (the job queue in Redis) on a full-scale registry, first toolkit after start-up
against warm ones, then 50 clients for 60 seconds.

Run through scripts/benchmark, which prepares the instance (every open GP practice listed). The load
generator is one process of threads with keep-alive connections (http.client), kept light so that it
takes little from the server's two cores.
"""

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"

# What visitors ask for. TOOLKIT_CLIENTS of the clients ask for toolkits, each time for one of TOOLKIT_PRACTICES
# practices' details (the first request for a practice renders it, later ones come from the PDF cache); the
# others read the map data and the list.
ENDPOINTS = {
    "map data (GeoJSON, all listings)": ("GET", "/api/v1/surgeries.geojson"),
    "list page, nearest to SE15 1AA": ("GET", "/surgeries?q=SE15%201AA"),
    "list page, first page": ("GET", "/surgeries"),
    "toolkit API": ("POST", "/api/v1/toolkits"),
}
TOOLKIT_CLIENTS, TOOLKIT_PRACTICES = 10, 60
QUEUE_URL = os.environ.get("BENCHMARK_QUEUE_URL", "redis://127.0.0.1:6379/14")  # emptied first


def toolkit_body(number: int) -> bytes:
    return json.dumps(
        {
            "practice_name": f"Load Test Surgery {number}",
            "address_lines": [f"{number} Load Road"],
            "postcode": "SE15 1AA",
            "phone": f"020 7946 {number % 1000:04d}",
            "languages": ["ar", "bn", "zh-Hans"],
        }
    ).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def request(connection: http.client.HTTPConnection, method: str, path: str, body: bytes | None = None):
    headers = {"Content-Type": "application/json"} if body else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data


def start_server(instance: Path, port: int, extra_env: dict | None = None) -> subprocess.Popen:
    # Every client comes from 127.0.0.1, so the per-address rate limits would answer 429 to most of them:
    # the benchmark measures capacity, not the limits (tests/test_rate_limits.py checks those).
    unlimited = {
        f"SAFESURGERIES_LIMIT_{name}": "1000000 per minute"
        for name in (
            "PLEDGE_SUBMIT",
            "PLEDGE_RECIPIENT",
            "PLEDGE_LINKS",
            "STAFF_SIGN_IN",
            "TOOLKIT_API",
            "TOOLKIT_DOWNLOAD",
            "TOOLKIT_PREVIEW",
        )
    }
    env = {**os.environ, **unlimited, **queue_settings(instance), **(extra_env or {})}
    return subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )


def queue_settings(instance: Path) -> dict:
    # Each toolkit request waits for its PDF (as long as it takes), so that its time is the whole time to a PDF.
    return {
        "SAFESURGERIES_INSTANCE_PATH": str(instance),
        "SAFESURGERIES_QUEUE_URL": QUEUE_URL,
        "SAFESURGERIES_TOOLKIT_WAIT_SECONDS": "3600",
        "SAFESURGERIES_QUEUE_MAX_PER_ADDRESS": "1000000",  # every client is 127.0.0.1
    }


def start_workers(instance: Path, count: int = 2, warm_up: bool = True) -> list[subprocess.Popen]:
    from redis import Redis
    from rq import Worker

    Redis.from_url(QUEUE_URL).flushdb()
    command = [str(ROOT / ".venv" / "bin" / "safesurgeries"), "worker", *([] if warm_up else ["--no-warm-up"])]
    workers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **queue_settings(instance)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for _ in range(count)
    ]
    while Worker.count(connection=Redis.from_url(QUEUE_URL)) < count:
        time.sleep(0.2)
    return workers


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def stop_server(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def wait_until_up(port: int, timeout: float = 300) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=5)
            if request(connection, "GET", "/api/v1/languages")[0] == 200:
                return time.perf_counter() - began
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def first_against_warm(port: int, first_number: int) -> dict:
    """The first toolkit after start-up, then five more, all with details not yet cached: seconds each."""
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    times = []
    for number in range(first_number, first_number + 6):
        began = time.perf_counter()
        status, data = request(connection, "POST", "/api/v1/toolkits", toolkit_body(number))
        assert status == 200 and data.startswith(b"%PDF-"), (status, data[:200])
        times.append(time.perf_counter() - began)
    warm = statistics.median(times[1:])
    return {"first_s": times[0], "warm_s": warm, "first_over_warm": times[0] / warm}


def run_load(port: int, clients: int = 50, seconds: float = 60) -> dict:
    latencies = {name: [] for name in ENDPOINTS}
    errors = {name: 0 for name in ENDPOINTS}
    error_samples = []
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(number: int):
        rng = random.Random(number)
        connection = http.client.HTTPConnection(HOST, port, timeout=120)
        names = ["toolkit API"] if number < TOOLKIT_CLIENTS else [name for name in ENDPOINTS if name != "toolkit API"]
        while time.perf_counter() < stop_at:
            name = rng.choice(names)
            method, path = ENDPOINTS[name]
            body = toolkit_body(rng.randrange(TOOLKIT_PRACTICES)) if method == "POST" else None
            began = time.perf_counter()
            try:
                status, data = request(connection, method, path, body)
                ok = status == 200
            except (OSError, http.client.HTTPException) as error:
                status, ok = repr(error), False
                connection.close()
                connection = http.client.HTTPConnection(HOST, port, timeout=120)
            elapsed = time.perf_counter() - began
            with lock:
                if ok:
                    latencies[name].append(elapsed)
                else:
                    errors[name] += 1
                    if len(error_samples) < 5:
                        error_samples.append(f"{name}: {status}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began

    def summary(values: list[float], error_count: int) -> dict:
        ordered = sorted(values)

        def pick(q):
            return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else None

        return {
            "requests": len(values),
            "errors": error_count,
            "per_second": len(values) / elapsed,
            "p50_ms": pick(0.50),
            "p95_ms": pick(0.95),
            "p99_ms": pick(0.99),
        }

    every = [value for values in latencies.values() for value in values]
    return {
        "clients": clients,
        "toolkit_clients": TOOLKIT_CLIENTS,
        "toolkit_practices": TOOLKIT_PRACTICES,
        "seconds": elapsed,
        "endpoints": {name: summary(latencies[name], errors[name]) for name in ENDPOINTS},
        "all": summary(every, sum(errors.values())),
        "error_samples": error_samples,
    }


def process_rss_mb(master_pid: int, workers: list[subprocess.Popen]) -> dict:
    """RSS of gunicorn's workers and of the toolkit workers, from /proc."""

    def children(pid):
        try:
            return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def rss(pid):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    return {
        "web_workers_mb": [round(rss(pid), 1) for pid in children(master_pid)],
        "toolkit_workers_mb": [round(rss(worker.pid), 1) for worker in workers],
    }


def main(instance: Path, clients: int = 50, seconds: float = 60) -> dict:
    results = {}
    port = free_port()
    print(f"Starting gunicorn (gunicorn.conf.py) on port {port}...", flush=True)
    server = start_server(instance, port)
    workers = start_workers(instance)
    try:
        results["start_up_s"] = wait_until_up(port)
        results["first_toolkit"] = first_against_warm(port, 50_000)
        print(
            f"  up after {results['start_up_s']:.1f}s; first toolkit {results['first_toolkit']['first_s']:.2f}s, "
            f"warm {results['first_toolkit']['warm_s']:.2f}s",
            flush=True,
        )
        print(f"Load: {clients} clients for {seconds:.0f}s...", flush=True)
        results["load"] = run_load(port, clients, seconds)
        results["memory"] = process_rss_mb(server.pid, workers)
    finally:
        stop_server(server)
        stop_workers(workers)

    port = free_port()
    print("For comparison, gunicorn without the warm-up: the first toolkit...", flush=True)
    server = start_server(instance, port)
    workers = start_workers(instance, warm_up=False)
    try:
        wait_until_up(port)
        results["first_toolkit_without_warm_up"] = first_against_warm(port, 60_000)
    finally:
        stop_server(server)
        stop_workers(workers)
    return results


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1])), indent=2))
