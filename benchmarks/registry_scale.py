"""The registry at full scale: every open GP practice in England listed, timed through the Flask test client.

Run: .venv/bin/python benchmarks/registry_scale.py [--instance DIR]
Uses ../shared/reference-data/epraccur.csv (NHS England's full practice list) in a temporary instance
(or DIR, which is kept: scripts/benchmark then serves it with gunicorn for the load test);
prints a table and writes benchmarks/results/registry_scale.json. Server-side times only (no network).
"""

import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EPRACCUR = Path(__file__).resolve().parents[2] / "shared" / "reference-data" / "epraccur.csv"
RESULTS = ROOT / "benchmarks" / "results" / "registry_scale.json"
RUNS, WARM_UP = 100, 10
TARGETS_MS = {"geojson": 30.0, "nearest_10": 5.0, "postcode_lookup": 0.5}
TARGET_RSS_MB = 250.0


def median_ms(call, runs: int = RUNS) -> float:
    for _ in range(WARM_UP):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    if not EPRACCUR.exists():
        print(f"Needs NHS England's epraccur.csv at {EPRACCUR}", file=sys.stderr)
        return 1
    if len(sys.argv) == 3 and sys.argv[1] == "--instance":
        return measure(Path(sys.argv[2]))
    instance = Path(tempfile.mkdtemp(prefix="registry-scale-"))
    try:
        return measure(instance)
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def measure(instance: Path) -> int:
    os.environ["SAFESURGERIES_INSTANCE_PATH"] = str(instance)
    os.environ.pop("SAFESURGERIES_DATABASE_URL", None)
    existing_index = ROOT / "instance" / "postcodes.idx"

    import flask_migrate
    from sqlalchemy import insert, select

    from safesurgeries import create_app
    from safesurgeries.extensions import db
    from safesurgeries.pledges.models import Listing
    from safesurgeries.postcodes import IndexMissing, PostcodeIndex, postcode_index
    from safesurgeries.practices.importer import import_epraccur
    from safesurgeries.practices.models import Practice, PracticeStatus

    config = {"POSTCODE_INDEX": str(existing_index)} if existing_index.exists() else {}
    app = create_app(config)
    with app.app_context():
        try:
            PostcodeIndex(Path(app.config["POSTCODE_INDEX"]))
        except IndexMissing:
            # In another process, so that building it (reading all of the ONS data) does not count in our RSS.
            print("Building the postcode index (about 10 s)...")
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import sys; from pathlib import Path; "
                    "from safesurgeries.postcodes import build_index; build_index(Path(sys.argv[1]))",
                    app.config["POSTCODE_INDEX"],
                ],
                check=True,
            )
        flask_migrate.upgrade()
        report = import_epraccur(EPRACCUR, postcode_index())
        open_ids = db.session.scalars(
            select(Practice.id).where(Practice.status == PracticeStatus.ACTIVE, Practice.prescribing_setting == 4)
        ).all()
        now = dt.datetime.now(dt.timezone.utc)
        db.session.execute(
            insert(Listing),
            [
                {"practice_id": pid, "active": True, "listed_since": now, "last_confirmed": now, "is_demo": False}
                for pid in open_ids
            ],
        )
        db.session.commit()
        print(f"Imported {report.added} practices; listed {len(open_ids)} open GP practices.")

    client = app.test_client()
    checks = {
        "geojson": "/api/v1/surgeries.geojson",
        "nearest_10": "/api/v1/surgeries?near=SE15%201AA&limit=10",
        "list_page_nearest": "/surgeries?q=SE15%201AA",
        "json_all": "/api/v1/surgeries",
    }
    for url in checks.values():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    listed = client.get("/api/v1/surgeries.geojson").get_json()["count"]
    nearest = client.get(checks["nearest_10"]).get_json()["surgeries"]
    timings = {name: median_ms(lambda url=url: client.get(url)) for name, url in checks.items()}

    def cold_geojson():
        # What the first request after a change pays: version query, snapshot rebuild, GeoJSON serialisation.
        for holder in ("registry_version", "registry_snapshot"):
            app.extensions.pop(holder, None)
        client.get(checks["geojson"])

    timings["geojson_after_a_change"] = median_ms(cold_geojson, runs=20)
    with app.app_context():
        index = postcode_index()
        timings["postcode_lookup"] = median_ms(lambda: index.lookup("SE15 1AA"), runs=1000)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB

    rows = [(name, value, TARGETS_MS.get(name)) for name, value in timings.items()]
    print(f"\n{'measure':<22}{'median':>12}{'target':>12}")
    for name, value, target in rows:
        print(f"{name:<22}{value:>10.3f}ms{(f'{target:>10.1f}ms' if target else ''):>12}")
    print(f"{'max RSS':<22}{rss_mb:>10.1f}MB{TARGET_RSS_MB:>10.1f}MB")
    print(f"\nNearest to SE15 1AA: {nearest[0]['name']} ({nearest[0]['distance_km']} km)")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "python": platform.python_version(),
                "machine": platform.machine(),
                "listed": listed,
                "runs": RUNS,
                "median_ms": {k: round(v, 3) for k, v in timings.items()},
                "targets_ms": TARGETS_MS,
                "max_rss_mb": round(rss_mb, 1),
                "target_rss_mb": TARGET_RSS_MB,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"Wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
