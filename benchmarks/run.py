"""Every benchmark of the performance issue in one process tree: `scripts/benchmark`.

1. Toolkit renders: plain against cached (medians of 10 distinct details), the cached PDFs checked to be
   the same document as the plain one; the most that reusing layouts could gain (plain against writing
   already laid-out pages); throughput of 2 warm processes.
2. The registry at full scale (benchmarks/registry_scale.py, in a process of its own for its memory figure).
3. gunicorn with gunicorn.conf.py on that registry: first toolkit after start-up against warm ones, and
   50 clients for 60 seconds on the toolkit API, the map data and the list.
Prints a table and writes benchmarks/results/benchmark.json. Timings belong here, never in the tests.
"""

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def check(rows: list, name: str, value: float, target: float, unit: str, at_least: bool) -> None:
    met = value >= target if at_least else value <= target
    rows.append(
        (
            name,
            f"{value:,.3f} {unit}" if value < 100 else f"{value:,.0f} {unit}",
            f"{'>=' if at_least else '<='} {target:g} {unit}",
            "met" if met else "NOT MET",
        )
    )


def main() -> int:
    import load_test
    import queue_throughput
    import toolkit_speed

    results = {"measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "machine": machine()}
    results["toolkit"] = toolkit_speed.main()
    results["queue"] = queue_throughput.main()

    instance = Path(tempfile.mkdtemp(prefix="benchmark-instance-"))
    try:
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "registry_scale.py"), "--instance", str(instance)], check=True
        )
        results["registry"] = json.loads((RESULTS / "registry_scale.json").read_text())
        shared_index = ROOT / "instance" / "postcodes.idx"
        if shared_index.exists():  # registry_scale.py used it rather than building one in the instance
            os.environ["SAFESURGERIES_POSTCODE_INDEX"] = str(shared_index)
        results["server"] = load_test.main(instance)
    finally:
        shutil.rmtree(instance, ignore_errors=True)

    toolkit, registry, server = results["toolkit"], results["registry"], results["server"]
    rows = []
    # No render of new details is faster than the plain one; this row is the ceiling of any that reuses
    # layouts: WeasyPrint still draws and writes every page (README, Benchmarks).
    check(
        rows,
        f"new details: best possible with every layout reused ({toolkit['pages']} pages; plain "
        f"{toolkit['plain_s']:.2f}s, writing alone {toolkit['write_only_s']:.2f}s)",
        toolkit["layout_reuse_ceiling"],
        4,
        "x",
        True,
    )
    check(
        rows,
        f"new details: overlay vs plain ({toolkit['overlay_s']:.2f}s against {toolkit['plain_s']:.2f}s; same "
        f"document every time: {toolkit['overlay_all_same_document']})",
        toolkit["overlay_speed_up"] if toolkit["overlay_all_same_document"] else 0,
        4,
        "x",
        True,
    )
    check(
        rows,
        f"2 processes with the overlay against one plain render ({toolkit['overlay_throughput']['per_minute']:.1f}"
        f"/min against {toolkit['plain_per_minute_one_process']:.1f}/min)",
        toolkit["overlay_throughput_ratio"],
        4,
        "x",
        True,
    )
    check(
        rows,
        f"cached vs plain (cached {toolkit['cached_s'] * 1000:.2f} ms)",
        toolkit["cached_speed_up"],
        1000,
        "x",
        True,
    )
    check(
        rows,
        f"2 processes, distinct details ({toolkit['throughput']['per_minute']:.1f}/min against plain "
        f"{toolkit['plain_per_minute_one_process']:.1f}/min)",
        toolkit["throughput_ratio"],
        4,
        "x",
        True,
    )
    queue = results["queue"]
    one, two = queue["workers_1"], queue["workers_2"]
    check(
        rows,
        f"job queue, 2 workers against 1 ({two['per_minute']:.1f} against {one['per_minute']:.1f} toolkits/min)",
        queue["second_worker_gain"],
        1.8,
        "x",
        True,
    )
    flood = queue["flood"]
    check(
        rows,
        f"plain toolkit during a flood of {len(flood['flood_statuses'])} heavy ones / idle "
        f"({flood['during_flood_s']:.1f}s / {flood['idle_s']:.1f}s)",
        flood["ratio"],
        2,
        "x",
        False,
    )
    first = server["first_toolkit"]
    check(
        rows,
        f"first toolkit after start / warm ({first['first_s']:.2f}s / {first['warm_s']:.2f}s)",
        first["first_over_warm"],
        1.5,
        "x",
        False,
    )
    median = registry["median_ms"]
    check(rows, "GeoJSON, all listed (server median)", median["geojson"], 30, "ms", False)
    check(rows, "nearest 10 to a postcode (server median)", median["nearest_10"], 5, "ms", False)
    check(rows, "postcode lookup (median)", median["postcode_lookup"], 0.5, "ms", False)
    # The target is a web worker's memory; registry_scale.py's process also imports all 16,534 practices
    # itself, so its peak is reported below, not judged.
    check(
        rows,
        "gunicorn web worker RSS after the load (largest)",
        max(server["memory"]["web_workers_mb"]),
        250,
        "MB",
        False,
    )
    load = server["load"]
    check(
        rows,
        f"errors under {load['clients']} clients for 60 s (all done after {load['seconds']:.0f}s)",
        load["all"]["errors"],
        0,
        "",
        False,
    )
    results["summary"] = [dict(zip(("measure", "value", "target", "verdict"), row)) for row in rows]

    width = max(len(row[0]) for row in rows)
    print(f"\n{'measure':<{width}}  {'value':>14}  {'target':>12}  verdict")
    for name, value, target, verdict in rows:
        print(f"{name:<{width}}  {value:>14}  {target:>12}  {verdict}")
    print(
        f"\nLoad test, {load['clients']} clients ({load['toolkit_clients']} asking for toolkits of "
        f"{load['toolkit_practices']} practices), {load['seconds']:.0f}s, gunicorn 2 workers:"
    )
    print(f"{'endpoint':<36}{'requests':>9}{'errors':>8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, row in [*load["endpoints"].items(), ("all", load["all"])]:
        p = [f"{row[key]:>9.1f}" if row[key] is not None else f"{'-':>9}" for key in ("p50_ms", "p95_ms", "p99_ms")]
        print(f"{name:<36}{row['requests']:>9}{row['errors']:>8}{row['per_second']:>8.1f}{''.join(p)}")
    hours = queue["all_practices_hours"]
    # Workers on machines of their own do not share cores: each adds about one worker's measured rate.
    projected = ", ".join(
        f"{workers}: {queue_throughput.ALL_PRACTICES / (one['per_minute'] * workers) / 60:.1f} h"
        for workers in (1, 2, 4, 8)
    )
    print(
        f"All {queue_throughput.ALL_PRACTICES:,} practices (English toolkits): measured rate {hours['1']:.1f} h with "
        f"1 worker, {hours['2']:.1f} h with 2 on this machine; with N workers each on a core of its own, "
        f"about {projected}."
    )
    print(f"Flood answers (202 accepted, 429 over the address's share): {flood['flood_statuses']}.")
    print(f"CPU time per plain toolkit: {toolkit['plain_cpu_s']:.2f}s.")
    print(
        f"Peak memory of the registry benchmark's own process (it imports the directory too): "
        f"{registry['max_rss_mb']:.0f} MB."
    )
    print(
        f"Memory: web workers {server['memory']['web_workers_mb']} MB, "
        f"toolkit workers {server['memory']['toolkit_workers_mb']} MB"
    )
    without = server["first_toolkit_without_warm_up"]
    print(
        f"Without the warm-up the first toolkit takes {without['first_s']:.2f}s "
        f"({without['first_over_warm']:.1f}x warm)."
    )
    print(
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, "
        f"load average at start {results['machine']['load_average_at_start']}"
    )

    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "benchmark.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"Wrote {(RESULTS / 'benchmark.json').relative_to(ROOT)}")
    return 0 if toolkit["all_same_document"] else 1


if __name__ == "__main__":
    sys.exit(main())
