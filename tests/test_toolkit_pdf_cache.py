"""The PDF cache: the same details give the same bytes from disk; anything that changes the PDF misses it;
a full disk, or a render process killed or hung mid-render, never costs more than that one request."""

import logging
import multiprocessing
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import flask_migrate
import pytest
from bs4 import BeautifulSoup
from conftest import UNTHROTTLED, pdf_pages
from toolkit_forms import form_data, kept_fields

from safesurgeries import create_app

SMALL = {"practice_name": "Cache Lane Surgery", "address_lines": ["1 Cache Lane"], "postcode": "N1 9GU"}


def cached_pdfs(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pdf")) if folder.exists() else []


def leftovers(folder: Path) -> list[Path]:
    """Anything in the cache folder that is not a whole, finished PDF."""
    return (
        [path for path in folder.rglob("*") if path.is_file() and path.name.startswith(".")] if folder.exists() else []
    )


@pytest.fixture
def cache_dir(app) -> Path:
    return Path(app.config["PDF_CACHE_DIR"])


def test_same_details_are_served_from_the_cache_byte_for_byte(client, cache_dir):
    first = client.post("/api/v1/toolkits", json=SMALL)
    assert first.status_code == 200 and first.data.startswith(b"%PDF-")
    assert len(cached_pdfs(cache_dir)) == 1
    second = client.post("/api/v1/toolkits", json=SMALL)
    assert second.data == first.data
    assert len(cached_pdfs(cache_dir)) == 1


def test_other_details_or_another_edition_are_other_pdfs(app, client, cache_dir):
    first = client.post("/api/v1/toolkits", json=SMALL).data
    other = client.post("/api/v1/toolkits", json={**SMALL, "phone": "020 7946 0111"}).data
    app.config["TOOLKIT_EDITION"] = "2027.1"
    new_edition = client.post("/api/v1/toolkits", json=SMALL).data
    assert len({first, other, new_edition}) == 3
    assert len(cached_pdfs(cache_dir)) == 3


def test_cache_stays_under_its_size_dropping_the_least_recently_used(app, client, cache_dir):
    app.extensions["toolkit_rendering"]["cache"].max_bytes = 300_000
    for number in range(4):
        response = client.post("/api/v1/toolkits", json={**SMALL, "practice_name": f"Surgery {number}"})
        assert response.status_code == 200
    sizes = [path.stat().st_size for path in cached_pdfs(cache_dir)]
    assert 1 <= len(sizes) < 4 and sum(sizes) <= 300_000
    assert client.post("/api/v1/toolkits", json={**SMALL, "practice_name": "Surgery 3"}).status_code == 200


@pytest.fixture
def full_disk(tmp_path):
    """A real, tiny file system (tmpfs, 1 MB) mounted for the test; filled to the last byte by the test."""
    mount_point = tmp_path / "tiny-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"needs to mount a tmpfs (root, and a sandbox that allows it): {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def fill(folder: Path) -> Path:
    """Write a file until the file system says it is full (ENOSPC)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_disk_full_while_caching_still_serves_the_pdf_and_caching_resumes_when_space_returns(
    tmp_path, monkeypatch, postcode_index_file, full_disk, caplog
):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    cache_dir = full_disk / "pdf-cache"
    cache_dir.mkdir()
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "PDF_CACHE_DIR": str(cache_dir),
            "POSTCODE_INDEX": str(postcode_index_file),
        }
    )
    client = app.test_client()
    filler = fill(full_disk)

    with caplog.at_level(logging.WARNING):
        response = client.post("/api/v1/toolkits", json=SMALL)
    assert (
        response.status_code == 200 and response.data.startswith(b"%PDF-") and response.data.rstrip().endswith(b"%%EOF")
    )
    assert cached_pdfs(cache_dir) == [] and leftovers(cache_dir) == []
    assert "No space left on device" in caplog.text

    filler.unlink()  # space comes back (another process frees it); nobody touches the app
    again = client.post("/api/v1/toolkits", json=SMALL)
    assert again.status_code == 200 and again.data == response.data
    assert len(cached_pdfs(cache_dir)) == 1 and leftovers(cache_dir) == []
    assert cached_pdfs(cache_dir)[0].read_bytes() == response.data


@pytest.fixture
def render_app(tmp_path, monkeypatch, postcode_index_file):
    """An app that renders in its own render process; call it with any settings, then find that process."""
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    before = set(multiprocessing.active_children())
    apps = []

    def make(**settings):
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'site.db'}",
                "POSTCODE_INDEX": str(postcode_index_file),
                "RENDER_PROCESS": True,
                **UNTHROTTLED,
                **settings,
            }
        )
        with app.app_context():
            flask_migrate.upgrade()  # the form's page looks up practices
        apps.append(app)
        return app

    make.render_processes = lambda: set(multiprocessing.active_children()) - before
    yield make
    for app in apps:
        app.extensions["toolkit_rendering"]["worker"].close()


def test_render_process_killed_mid_render_is_a_clear_503_and_the_next_request_works(render_app):
    app = render_app()
    client = app.test_client()
    cache_dir = Path(app.config["PDF_CACHE_DIR"])
    assert client.post("/api/v1/toolkits", json=SMALL).status_code == 200  # the render process is up
    (render_process,) = render_app.render_processes()

    # Every language: a render of many seconds, so the kill lands in the middle of it.
    every_language = {
        **SMALL,
        "practice_name": "Killed Mid Render",
        "languages": [
            "ar",
            "bn",
            "zh-Hans",
            "ur",
            "fa",
            "ta",
            "ti",
            "am",
            "ps",
            "ckb",
            "gu",
            "pa-Guru",
            "ru",
            "uk",
            "pl",
            "ro",
            "so",
            "tr",
        ],
    }
    result = {}
    request = threading.Thread(
        target=lambda: result.update(response=client.post("/api/v1/toolkits", json=every_language))
    )
    request.start()
    time.sleep(1.0)
    assert request.is_alive(), "the render finished before it could be killed"
    render_process.kill()  # SIGKILL: no chance to clean up
    request.join(timeout=60)

    response = result["response"]
    assert response.status_code == 503
    assert response.get_json()["error"] == "Service Unavailable"
    assert "try again" in response.get_json()["message"] and response.headers["Retry-After"] == "10"
    assert render_process.exitcode == -signal.SIGKILL
    assert len(cached_pdfs(cache_dir)) == 1 and leftovers(cache_dir) == []  # only the first, whole PDF

    after = client.post("/api/v1/toolkits", json={**SMALL, "practice_name": "After The Crash"})
    assert after.status_code == 200 and after.data.startswith(b"%PDF-")


def test_a_render_that_hangs_is_stopped_at_the_timeout_and_the_next_request_works(render_app):
    app = render_app()
    client = app.test_client()
    cache_dir = Path(app.config["PDF_CACHE_DIR"])
    assert client.post("/api/v1/toolkits", json=SMALL).status_code == 200  # the render process is up
    # The limit drops only now, so that no render but the hung one can meet it however slow the machine is.
    app.extensions["toolkit_rendering"]["worker"].timeout = 3
    (render_process,) = render_app.render_processes()
    os.kill(render_process.pid, signal.SIGSTOP)  # a real hang: alive, holding its work, making no progress

    started = time.monotonic()
    response = client.post("/api/v1/toolkits", json={**SMALL, "practice_name": "Hung Render Surgery"})
    waited = time.monotonic() - started
    assert response.status_code == 503
    assert response.get_json() == {
        "error": "Service Unavailable",
        "message": "Making the PDF took longer than 3 seconds, so it was stopped. Please try again in a moment.",
    }
    assert response.headers["Retry-After"] == "10"
    assert waited >= 3  # it waited for the timeout, not less
    render_process.join(timeout=10)
    assert render_process.exitcode == -signal.SIGKILL  # stopped for good, not left frozen
    assert len(cached_pdfs(cache_dir)) == 1 and leftovers(cache_dir) == []

    app.extensions["toolkit_rendering"][
        "worker"
    ].timeout = 600  # the new process's warm-up counts too: no race with a busy machine
    after = client.post("/api/v1/toolkits", json={**SMALL, "practice_name": "After The Hang"})
    assert after.status_code == 200 and after.data.startswith(b"%PDF-")
    assert len(render_app.render_processes()) == 1  # the new one; the hung one is gone


def test_a_render_process_that_died_while_idle_is_replaced_without_a_failed_request(render_app):
    client = render_app().test_client()
    assert client.post("/api/v1/toolkits", json=SMALL).status_code == 200
    (render_process,) = render_app.render_processes()
    render_process.kill()  # the out-of-memory killer, say, between two requests
    render_process.join(timeout=10)
    response = client.post("/api/v1/toolkits", json={**SMALL, "practice_name": "After An Idle Death"})
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_a_partial_file_left_by_a_killed_process_is_removed_when_the_app_starts(tmp_path, monkeypatch):
    monkeypatch.setenv("SAFESURGERIES_INSTANCE_PATH", str(tmp_path / "instance"))
    cache_dir = tmp_path / "pdf-cache"
    cache_dir.mkdir()
    stale, fresh = cache_dir / ".partial-stale.pdf", cache_dir / ".partial-being-written.pdf"
    stale.write_bytes(b"%PDF-1.7 half of a")
    fresh.write_bytes(b"%PDF-1.7 half of a")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "PDF_CACHE_DIR": str(cache_dir)})
    assert not stale.exists()
    assert fresh.exists()  # another worker may be writing it now


def test_the_form_keeps_every_detail_when_a_render_hangs_and_the_same_button_then_works(render_app, csrf_token_from):
    app = render_app()
    client = app.test_client()
    token = csrf_token_from(client.get("/toolkit").data)
    assert client.post("/toolkit/download", data=form_data(token)).status_code == 200  # the render process is up
    app.extensions["toolkit_rendering"]["worker"].timeout = 3  # only the hung render can meet the limit
    (render_process,) = render_app.render_processes()
    os.kill(render_process.pid, signal.SIGSTOP)

    response = client.post("/toolkit/download", data=form_data(token, practice_name="Hung Form Surgery"))
    assert response.status_code == 503 and response.headers["Retry-After"] == "10"
    page = BeautifulSoup(response.data, "html.parser")
    assert "Making the PDF took longer than 3 seconds" in page.find(id="error-summary").get_text()
    kept = kept_fields(page)
    assert kept["practice_name"] == ["Hung Form Surgery"]

    app.extensions["toolkit_rendering"][
        "worker"
    ].timeout = 600  # the new process's warm-up counts too: no race with a busy machine
    again = client.post("/toolkit/download", data=kept)  # the visitor presses Download PDF again
    assert again.status_code == 200 and again.mimetype == "application/pdf"
    assert "Hung Form Surgery" in " ".join(pdf_pages(again.data))
