"""/healthz and /readyz for load balancers, and `doctor`'s check of the job queue, against the real Redis
(database 14) and a database that does or does not answer."""

import os

import pytest
import redis
from rq import Worker

from safesurgeries import create_app
from safesurgeries.toolkit import jobs

QUEUE_URL = f"redis://127.0.0.1:6379/{int(os.environ.get('TEST_QUEUE_DB', '13')) + 1}"  # see test_toolkit_queue.py
NOBODY_LISTENS = "127.0.0.1:9"  # the discard port: nothing answers there


@pytest.fixture
def queue_app(app):
    redis.Redis.from_url(QUEUE_URL).flushdb()
    app.config["QUEUE_URL"] = QUEUE_URL
    yield app
    redis.Redis.from_url(QUEUE_URL).flushdb()


def registered_worker(app) -> Worker:
    """A worker as RQ registers one when it starts (its heartbeat key in Redis), without taking jobs."""
    connection = redis.Redis.from_url(QUEUE_URL)
    worker = Worker([jobs.queue(name, connection) for name in (jobs.LIGHT, jobs.HEAVY)], connection=connection)
    worker.register_birth()
    return worker


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_without_a_queue_needs_only_the_database(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["status"] == "ready"
    assert response.headers["Cache-Control"] == "no-store"


def test_readyz_with_a_queue_needs_a_live_worker(queue_app):
    client = queue_app.test_client()
    none = client.get("/readyz")
    assert none.status_code == 503 and none.get_json()["status"] == "not ready"
    assert "no worker is running" in none.get_json()["checks"]["job_queue"]["detail"]
    assert none.get_json()["checks"]["database"]["ok"] is True

    worker = registered_worker(queue_app)
    one = client.get("/readyz")
    assert one.status_code == 200 and one.get_json()["checks"]["job_queue"]["workers"] == 1
    worker.register_death()
    assert client.get("/readyz").status_code == 503


def test_readyz_is_503_when_redis_or_the_database_does_not_answer(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    no_redis = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "QUEUE_URL": f"redis://{NOBODY_LISTENS}/0"}
    )
    answer = no_redis.test_client().get("/readyz")
    assert answer.status_code == 503
    assert "cannot reach the job queue's Redis" in answer.get_json()["checks"]["job_queue"]["detail"]

    no_database = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://nobody@{NOBODY_LISTENS}/nothing"}
    )
    answer = no_database.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.get_json()["checks"]["database"] == {
        "ok": False,
        "detail": "does not answer",
    }
    assert no_database.test_client().get("/healthz").status_code == 200  # the process itself is fine


def test_doctor_checks_the_job_queue(queue_app):
    runner = queue_app.test_cli_runner()
    result = runner.invoke(args=["doctor"])
    assert "[MISSING] Toolkit job queue: no worker is running" in result.output and result.exit_code == 1
    worker = registered_worker(queue_app)
    assert "[ok] Toolkit job queue: 1 worker(s), 0 toolkit(s) waiting" in runner.invoke(args=["doctor"]).output
    worker.register_death()


def test_admins_see_the_queue_on_the_toolkits_page(queue_app):
    from bs4 import BeautifulSoup
    from pledging import create_staff, sign_in

    client, runner = queue_app.test_client(), queue_app.test_cli_runner()
    create_staff(runner, "admin@safesurgeries.example", "admin")
    sign_in(client, "admin@safesurgeries.example")
    worker = registered_worker(queue_app)
    page = BeautifulSoup(client.get("/staff/toolkits").data, "html.parser")
    assert "Working: 1 worker(s), 0 toolkit(s) waiting" in page.get_text()
    queues = [row.th.get_text() for row in page.find("table").tbody.find_all("tr")]
    assert queues == ["Light (few languages)", "Heavy", "Batch and edition e-mails"]
    worker.register_death()
    assert "Not working: no worker is running" in client.get("/staff/toolkits").get_data(as_text=True)


def test_a_queue_without_a_pdf_store_to_hand_the_pdfs_over_is_refused_at_start(tmp_path, monkeypatch):
    from safesurgeries.config import ConfigError

    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(ConfigError, match="SAFESURGERIES_PDF_CACHE_MAX_MB is 0, but with a job queue"):
        create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "QUEUE_URL": QUEUE_URL, "PDF_CACHE_MAX_MB": 0}
        )
