"""Toolkit render speed: the plain render against the PDF cache, and the most that reusing layouts could gain.

Run through scripts/benchmark (or alone: .venv/bin/python benchmarks/toolkit_speed.py). Every figure is a
median over distinct practices' details, and every speed claim a ratio to the plain render measured here,
now, so that a busy machine slows both sides alike. Each cached PDF is checked to be the same document as
the plain one (pages, text of every page, bookmarks and their pages, title, lang, tags).
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
    from safesurgeries.toolkit import builder, renderer
    from safesurgeries.toolkit.service import build_for_app

    edition = builder.Edition(*EDITION_ARGS)
    builder.build_toolkit(distinct_details(1, offset=9000)[0], edition)  # fonts, stylesheets: start warm

    plain_times, write_times, cached_times, same, plain_cpu = [], [], [], [], []
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
            for details in distinct_details(runs):
                plain_time, plain = timed(lambda: builder.build_toolkit(details, edition), plain_cpu)
                laid_out = renderer.layout(
                    builder.toolkit_html(details, edition), [builder.toolkit_css(), builder.language_css()]
                )
                write_time, _ = timed(lambda: renderer.write(laid_out))
                stored = build_for_app(details)  # renders and stores it
                cached_time, cached = timed(lambda: build_for_app(details))
                plain_times.append(plain_time)
                write_times.append(write_time)
                cached_times.append(cached_time)
                same.append(cached == stored and document_facts(cached) == document_facts(plain))
                print(
                    f"  {details.practice_name}: plain {plain_time:.3f}s, writing the laid-out pages "
                    f"{write_time:.3f}s, cached {cached_time * 1000:.2f}ms, same document: {same[-1]}",
                    flush=True,
                )
    return {
        "runs": runs,
        "pages": len(document_facts(plain)["pages"]),
        "languages": list(LANGUAGES),
        "plain_s": statistics.median(plain_times),
        "write_only_s": statistics.median(write_times),
        "cached_s": statistics.median(cached_times),
        "all_same_document": all(same),
        "plain_cpu_s": statistics.median(plain_cpu),
    }


def _throughput_worker(offset: int, count: int, start_at, results):
    from safesurgeries.toolkit import builder

    edition = builder.Edition(*EDITION_ARGS)
    builder.build_toolkit(distinct_details(1, offset=9500 + offset)[0], edition)  # warm, like a server's worker
    details = distinct_details(count, offset=offset)
    start_at.wait()
    for item in details:
        builder.build_toolkit(item, edition)
    results.put(time.perf_counter())


def measure_throughput(processes: int = 2, per_process: int = 8) -> dict:
    """Distinct toolkits per minute from `processes` warm processes at once (no PDF cache)."""
    context = multiprocessing.get_context("spawn")
    start_at, results = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(target=_throughput_worker, args=(1000 * (n + 1), per_process, start_at, results))
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    start_at.wait()
    began = time.perf_counter()
    finished = max(results.get() for _ in workers)
    for worker in workers:
        worker.join()
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
    print("Throughput: 2 warm processes, distinct details...", flush=True)
    throughput = measure_throughput()
    plain_rate = 60 / renders["plain_s"]
    return {
        **renders,
        "layout_reuse_ceiling": renders["plain_s"] / renders["write_only_s"],
        "cached_speed_up": renders["plain_s"] / renders["cached_s"],
        "plain_per_minute_one_process": plain_rate,
        "throughput": throughput,
        "throughput_ratio": throughput["per_minute"] / plain_rate,
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    print(main())
