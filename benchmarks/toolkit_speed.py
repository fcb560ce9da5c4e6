"""Toolkit render speed: the plain render against the overlay renderer and the PDF cache, and the most that reusing
layouts alone could gain.

Run through scripts/benchmark (or alone: .venv/bin/python benchmarks/toolkit_speed.py). Every figure is a
median over distinct practices' details, and every speed claim a ratio to the plain render measured here,
now, so that a busy machine slows both sides alike. Each cached PDF is checked to be the same document as
the plain one (pages, text of every page, bookmarks and their pages, title, lang, tags), and each overlay PDF
with the test suite's full comparison (tests/pdf_equivalence.py: text, tags, languages, links, pixels, PDF/UA).
The overlay is timed with its edition pages made (once per nation and language set, as a server keeps them).
"""

import datetime as dt
import io
import multiprocessing
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pypdf

LANGUAGES = ("en", "ar", "bn", "zh-Hans")  # English, and posters in Arabic, Bengali and Chinese scripts
EDITION_ARGS = ("2026.2", dt.date(2026, 11, 1))


def distinct_details(count: int, offset: int = 0) -> list:
    """Details of distinct practices, parsed as the app parses them (the postcode index gives their nation)."""
    from safesurgeries import create_app
    from safesurgeries.toolkit.service import parse_for_app

    with create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}).app_context():
        return [
            parse_for_app(
                {
                    "practice_name": f"Benchmark Surgery {number}",
                    "ods_code": f"B{number:05d}",
                    "address_lines": [
                        f"{number} Benchmark Road",
                        "Deptford" if number % 2 else "Peckham and Nunhead",
                        "London",
                    ],
                    "postcode": "SE8 4RU",
                    "phone": f"020 7946 {number % 1000:04d}",
                    "contact_name": f"Manager {number}",
                    "languages": list(LANGUAGES),
                }
            )
            for number in range(offset, offset + count)
        ]


def document_facts(pdf: bytes) -> dict:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    return {
        "pages": [" ".join(page.extract_text().split()) for page in reader.pages],
        "outline": [
            (item.title, reader.get_destination_page_number(item))
            for item in reader.outline
            if not isinstance(item, list)
        ],
        "title": reader.metadata.title,
        "lang": root.get("/Lang"),
        "tagged": bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root,
    }


def timed(call, cpu: list | None = None):
    """Wall-clock seconds (the verdicts use these); the process's CPU seconds go to `cpu` when given."""
    start, start_cpu = time.perf_counter(), time.process_time()
    result = call()
    if cpu is not None:
        cpu.append(time.process_time() - start_cpu)
    return time.perf_counter() - start, result


def measure_renders(runs: int) -> dict:
    """Plain, write-only and cached medians over `runs` distinct details, interleaved so noise hits all alike.

    Write-only is the time to write a toolkit whose pages are already laid out: what a render would cost if
    every page's layout were reused (WeasyPrint's Document.copy), so plain / write-only is the most that any
    reuse of layouts could gain on this document.
    """
    from safesurgeries import create_app
    from safesurgeries.toolkit import builder, overlay, renderer
    from safesurgeries.toolkit.service import build_for_app, pdf_store

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import pdf_equivalence

    edition = builder.Edition(*EDITION_ARGS)
    builder.build_toolkit(distinct_details(1, offset=9000)[0], edition)  # fonts, stylesheets: start warm

    plain_times, write_times, cached_times, same, plain_cpu = [], [], [], [], []
    overlay_times, overlay_same = [], []
    with tempfile.TemporaryDirectory() as instance:
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "PDF_CACHE_DIR": instance,
                "TOOLKIT_EDITION": EDITION_ARGS[0],
                "CONTENT_REVIEWED": EDITION_ARGS[1],
            }
        )
        with app.app_context():
            overlay.build_toolkit(distinct_details(1, offset=9000)[0], edition, pdf_store())  # its edition pages
            for details in distinct_details(runs):
                plain_time, plain = timed(lambda: builder.build_toolkit(details, edition), plain_cpu)
                laid_out = renderer.layout(
                    builder.toolkit_html(details, edition), [builder.toolkit_css(), builder.language_css()]
                )
                write_time, _ = timed(lambda: renderer.write(laid_out))
                overlay_time, fast = timed(lambda: overlay.build_toolkit(details, edition, pdf_store()))
                overlay_times.append(overlay_time)
                overlay_same.append(not (differences := pdf_equivalence.differences(plain, fast)))
                stored = build_for_app(details)  # renders and stores it
                cached_time, cached = timed(lambda: build_for_app(details))
                plain_times.append(plain_time)
                write_times.append(write_time)
                cached_times.append(cached_time)
                # The store holds what the app's renderer made (the overlay): the same document as the plain one,
                # by the full comparison above, not by document_facts (pypdf reads text in content-stream order).
                same.append(cached == stored and not pdf_equivalence.differences(plain, cached))
                print(
                    f"  {details.practice_name}: plain {plain_time:.3f}s, writing the laid-out pages "
                    f"{write_time:.3f}s, overlay {overlay_time:.3f}s (same document: {overlay_same[-1]}), "
                    f"cached {cached_time * 1000:.2f}ms, same document: {same[-1]}",
                    flush=True,
                )
                for difference in differences[:5]:
                    print(f"    overlay differs: {difference}", flush=True)
    return {
        "runs": runs,
        "pages": len(document_facts(plain)["pages"]),
        "languages": list(LANGUAGES),
        "plain_s": statistics.median(plain_times),
        "write_only_s": statistics.median(write_times),
        "cached_s": statistics.median(cached_times),
        "all_same_document": all(same),
        "overlay_s": statistics.median(overlay_times),
        "overlay_all_same_document": all(overlay_same),
        "plain_cpu_s": statistics.median(plain_cpu),
    }


def _throughput_worker(offset: int, count: int, start_at, results, store_folder: str | None):
    from safesurgeries.toolkit import builder, overlay
    from safesurgeries.toolkit.pdf_cache import PdfCache

    edition = builder.Edition(*EDITION_ARGS)
    store = PdfCache(Path(store_folder), 512 * 1024 * 1024) if store_folder else None

    def make(details):
        return overlay.build_toolkit(details, edition, store) if store else builder.build_toolkit(details, edition)

    make(distinct_details(1, offset=9500 + offset)[0])  # warm, like a server's worker (and its edition pages)
    details = distinct_details(count, offset=offset)
    start_at.wait()
    for item in details:
        make(item)
    results.put(time.perf_counter())


def measure_throughput(processes: int = 2, per_process: int = 8, use_overlay: bool = False) -> dict:
    """Distinct toolkits per minute from `processes` warm processes at once (no cache of finished PDFs; the
    overlay's edition pages shared in one store, as workers share them)."""
    context = multiprocessing.get_context("spawn")
    start_at, results = context.Barrier(processes + 1), context.Queue()
    store = tempfile.TemporaryDirectory() if use_overlay else None
    workers = [
        context.Process(
            target=_throughput_worker,
            args=(1000 * (n + 1), per_process, start_at, results, store.name if store else None),
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    start_at.wait()
    began = time.perf_counter()
    finished = max(results.get() for _ in workers)
    for worker in workers:
        worker.join()
    if store:
        store.cleanup()
    elapsed = finished - began
    return {
        "processes": processes,
        "toolkits": processes * per_process,
        "seconds": elapsed,
        "per_minute": processes * per_process / elapsed * 60,
    }


def main() -> dict:
    print("Toolkit renders (English and posters in Arabic, Bengali, Chinese), distinct details:", flush=True)
    renders = measure_renders(runs=10)
    print("Throughput: 2 warm processes, distinct details, plain and overlay...", flush=True)
    throughput = measure_throughput()
    overlay_throughput = measure_throughput(use_overlay=True)
    plain_rate = 60 / renders["plain_s"]
    return {
        **renders,
        "layout_reuse_ceiling": renders["plain_s"] / renders["write_only_s"],
        "cached_speed_up": renders["plain_s"] / renders["cached_s"],
        "plain_per_minute_one_process": plain_rate,
        "throughput": throughput,
        "throughput_ratio": throughput["per_minute"] / plain_rate,
        "overlay_speed_up": renders["plain_s"] / renders["overlay_s"],
        "overlay_throughput": overlay_throughput,
        "overlay_throughput_ratio": overlay_throughput["per_minute"] / plain_rate,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(main())
