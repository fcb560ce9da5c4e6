"""The PDF store: the same details give the same bytes from disk; anything that changes the PDF misses it;
a full disk never costs more than that one request's caching. (Workers and the queue: test_toolkit_queue.py.)"""

import logging
import os
import subprocess
import time
from pathlib import Path

import pytest

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
