"""Finished toolkit PDFs on disk, under a hash of everything that went into them: the PDF store.

The store is one folder shared by the web processes and every worker (on several machines: a shared mount,
README "Deploying on several machines"); a worker writes a toolkit there and the web process serves it.
The key covers the practice's details, the edition settings, every file in
toolkit_templates/ (templates, translations, stylesheet), the font files fontconfig picks for the
toolkit's families, WeasyPrint's version and the code that finishes the PDF's tags (tagging.py, with pikepdf's
version): change any of them and the old PDFs are never served again. Not the day's date: a toolkit made
yesterday for the same edition and content is the same toolkit (it prints the date it was made).
Writing is best effort: a failed write (a full disk, say) is logged and the caller still has its PDF.
"""

import functools
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from pathlib import Path

import pikepdf
import weasyprint

from ..paths import TOOLKIT_TEMPLATES, TRANSLATIONS
from . import languages
from .builder import Edition
from .details import PracticeDetails

log = logging.getLogger(__name__)

KEY = re.compile(r"[0-9a-f]{64}")  # a store key: the sha256 below, also the id of the job making its PDF


@functools.cache
def _templates_fingerprint() -> str:
    """The toolkit's templates, stylesheet and assets, and the catalogs its posters and cards are translated from."""
    digest = hashlib.sha256()
    for folder, pattern in ((TOOLKIT_TEMPLATES, "*"), (TRANSLATIONS, "*.json"), (TRANSLATIONS, "*.po")):
        for path in sorted(folder.rglob(pattern)):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def _fonts_fingerprint() -> str:
    """The font files of every family the toolkit names (path, size and time: they are large)."""
    families = {"Noto Sans", *(lang.font_family for lang in languages.catalogue().values())}
    files = [
        f"{path}:{stat.st_size}:{stat.st_mtime_ns}"
        for path, names in sorted(languages.font_files().items())
        if families & names and (stat := _stat(path)) is not None
    ]
    return hashlib.sha256("\n".join(files).encode()).hexdigest()


@functools.cache
def _writer_fingerprint() -> str:
    """The code that makes the PDF from the details: the builder, fitting, the renderer, the tag post-processing,
    the overlay, and pikepdf. Read by path (the overlay imports this module)."""
    folder = Path(__file__).parent
    modules = [folder / f"{name}.py" for name in ("builder", "fitting", "renderer", "tagging", "overlay")]
    sources = b"".join(path.read_bytes() for path in modules)
    return hashlib.sha256(sources + pikepdf.__version__.encode()).hexdigest()


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None


def warm_up() -> None:
    """Work out the fingerprints now, so that the first request does not wait for them."""
    _templates_fingerprint()
    _fonts_fingerprint()
    _writer_fingerprint()


def cache_key(details: PracticeDetails, edition: Edition) -> str:
    """sha256 over the canonical JSON of everything a toolkit PDF is made from."""
    return material_key(
        {
            "details": details.as_dict(),
            "edition": [edition.edition, edition.content_reviewed.isoformat(), edition.public_base_url],
        }
    )


def material_key(material: dict) -> str:
    """sha256 over the canonical JSON of material and of what every PDF depends on: templates, fonts, code."""
    material = {
        **material,
        "templates": _templates_fingerprint(),
        "fonts": _fonts_fingerprint(),
        "weasyprint": weasyprint.__version__,
        "writer": _writer_fingerprint(),
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


class PdfCache:
    """A folder of PDFs named by their key, kept under max_bytes by removing the least recently used."""

    def __init__(self, folder: Path, max_bytes: int):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self._remove_stale_partials()

    def _remove_stale_partials(self, older_than_s: float = 3600) -> None:
        """A process killed in the middle of a write leaves its temporary file: remove those over an hour old."""
        try:
            for path in self.folder.glob(".partial-*"):
                if time.time() - path.stat().st_mtime > older_than_s:
                    path.unlink(missing_ok=True)
        except OSError:
            pass

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def has(self, key: str) -> bool:
        return self.enabled and self._path(key).exists()

    def get(self, key: str) -> bytes | None:
        if not self.enabled:
            return None
        path = self._path(key)
        try:
            data = path.read_bytes()
            os.utime(path)  # recently used: evicted last
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("Could not read %s from the PDF cache: %s", path.name, error)
            return None
        return data

    def put(self, key: str, pdf: bytes) -> bool:
        """Store a PDF; on any failure log it, leave nothing behind and return False."""
        if not self.enabled:
            return False
        partial = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # A temporary name in the same folder, then an atomic rename: readers see all of a PDF or none.
            handle, partial = tempfile.mkstemp(dir=self.folder, prefix=".partial-", suffix=".pdf")
            with os.fdopen(handle, "wb") as file:
                file.write(pdf)
            os.replace(partial, self._path(key))
            partial = None
        except OSError as error:
            log.warning(
                "Could not store a toolkit in the PDF cache at %s (%s); served it without caching.", self.folder, error
            )
            return False
        finally:
            if partial is not None:
                Path(partial).unlink(missing_ok=True)
        self._evict()
        return True

    def _evict(self) -> None:
        """Remove the least recently used PDFs while the folder holds more than max_bytes."""
        try:
            entries = [
                (entry.stat().st_mtime, entry.stat().st_size, entry.path)
                for entry in os.scandir(self.folder)
                if entry.name.endswith(".pdf") and not entry.name.startswith(".partial-")
            ]
        except OSError:
            return
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                os.unlink(path)
                total -= size
            except OSError:
                pass
