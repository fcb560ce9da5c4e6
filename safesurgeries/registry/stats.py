"""The registry in numbers: listings per nation and per NHS England region against the open GP practices, and
listings per month."""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import func, select

from .. import nations
from ..extensions import db
from ..practices.codes import GP_PRACTICE_SETTING
from ..practices.models import Practice, PracticeStatus
from .regions import REGION_NAMES
from .snapshot import public_snapshot

# The NHS regions are England's: a practice counts in them unless it is known to be in another nation.
IN_ENGLAND = (nations.ENGLAND, None)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    listed: int
    open_practices: int

    @property
    def share(self) -> float | None:
        """Listed as a share of open GP practices; None when the directory has none in the region."""
        return self.listed / self.open_practices if self.open_practices else None

    @property
    def bar_percent(self) -> float:
        # Demo listings are counted but demo practices are not, so a share can pass 100%.
        return 0.0 if self.share is None else round(min(1.0, self.share) * 100, 1)


@dataclass(frozen=True)
class RegistryStats:
    total: int
    open_practices: int
    regions: list[RegionRow]  # England's NHS regions
    nations: list[RegionRow]  # keyed by nation (nations.ALL), and "" for listings whose nation is not known
    months: list[tuple[dt.date, int]]  # (first day of the month, listings that began in it)
    demo: bool


def open_practices_by_region_and_nation() -> dict[tuple[str | None, str | None], int]:
    """Open GP practices in the directory per (region code, nation); demo practices are never counted."""
    rows = db.session.execute(
        select(Practice.region_code, Practice.nation, func.count(Practice.id))
        .where(
            Practice.status == PracticeStatus.ACTIVE,
            Practice.prescribing_setting == GP_PRACTICE_SETTING,
            Practice.is_demo.is_(False),
        )
        .group_by(Practice.region_code, Practice.nation)
    )
    return {(code, nation): count for code, nation, count in rows}


def _sum_by(counts: dict, key, keep=lambda _: True) -> dict:
    summed: dict = {}
    for pair, n in counts.items():
        if keep(pair):
            summed[key(pair)] = summed.get(key(pair), 0) + n
    return summed


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def registry_stats(today: dt.date | None = None) -> RegistryStats:
    snapshot = public_snapshot()
    listed_by = {}  # (region, nation) -> listings
    started: dict[dt.date, int] = {}
    for item in snapshot.items:
        listed_by[item["region"], item["nation"]] = listed_by.get((item["region"], item["nation"]), 0) + 1
        month = _month(dt.date.fromisoformat(item["listed_since"]))
        started[month] = started.get(month, 0) + 1
    open_by = open_practices_by_region_and_nation()

    def in_england(pair) -> bool:
        return pair[1] in IN_ENGLAND

    listed, open_counts = (_sum_by(counts, lambda pair: pair[0], in_england) for counts in (listed_by, open_by))
    regions = [
        RegionRow(code, name, listed.get(code, 0), open_counts.get(code, 0)) for code, name in REGION_NAMES.items()
    ]
    elsewhere = sum(n for code, n in listed.items() if code not in REGION_NAMES)
    if elsewhere:
        regions.append(
            RegionRow(
                "",
                "No region recorded",
                elsewhere,
                sum(n for code, n in open_counts.items() if code not in REGION_NAMES),
            )
        )
    listed_nations, open_nations = (_sum_by(counts, lambda pair: pair[1]) for counts in (listed_by, open_by))
    nation_rows = [
        RegionRow(nation, nations.name(nation), listed_nations.get(nation, 0), open_nations.get(nation, 0))
        for nation in nations.ALL
    ]
    if listed_nations.get(None):
        nation_rows.append(RegionRow("", "Nation not known", listed_nations[None], open_nations.get(None, 0)))
    months = []
    if started:
        month, last = min(started), _month(max(today or dt.date.today(), max(started)))
        while month <= last:
            months.append((month, started.get(month, 0)))
            month = _next_month(month)
    return RegistryStats(
        total=len(snapshot),
        open_practices=sum(open_by.values()),
        regions=regions,
        nations=nation_rows,
        months=months,
        demo=snapshot.demo,
    )


def month_label(month: dt.date) -> str:
    return f"{month:%B} {month.year}"


def months_chart_svg(months: list[tuple[dt.date, int]]) -> Markup:
    """A bar chart of new listings per month, drawn on the server (no script); the page's table has the numbers."""
    width, height, left, bottom, top = 720, 240, 40, 30, 10
    peak = max((count for _, count in months), default=0) or 1
    slot = (width - left - 10) / max(1, len(months))
    plot = height - bottom - top
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="months-chart-title">',
        '<title id="months-chart-title">New Safe Surgery listings per month</title>',
        f'<line class="chart-axis" x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}"/>',
        f'<text class="chart-label" x="{left - 6}" y="{top + 10}" text-anchor="end">{peak}</text>',
        f'<text class="chart-label" x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for n, (month, count) in enumerate(months):
        bar = plot * count / peak
        x = left + n * slot
        parts.append(
            f'<rect class="chart-bar" x="{x + slot * 0.1:.1f}" y="{height - bottom - bar:.1f}" '
            f'width="{slot * 0.8:.1f}" height="{bar:.1f}"><title>{escape(month_label(month))}: {count}</title></rect>'
        )
        if month.month == 1 or n == 0:
            parts.append(f'<text class="chart-label" x="{x:.1f}" y="{height - bottom + 18}">{month.year}</text>')
    parts.append("</svg>")
    # Safe to mark up: only numbers, our own CSS classes and escape()d month names went in.
    return Markup("".join(parts))  # nosec B704


def _share(row: RegionRow) -> str:
    return "" if row.share is None else f"{row.share * 100:.1f}"


def stats_csv(stats: RegistryStats) -> bytes:
    """The page's tables in one sheet: a `table` column says which each row belongs to."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "key", "name", "listed", "open_gp_practices", "share_percent", "demo"])
    demo = "yes" if stats.demo else "no"
    for row in stats.regions:
        writer.writerow(["region", row.code, row.name, row.listed, row.open_practices, _share(row), demo])
    england = RegionRow(
        "", "England", sum(row.listed for row in stats.regions), sum(row.open_practices for row in stats.regions)
    )
    writer.writerow(["region", "", england.name, england.listed, england.open_practices, _share(england), demo])
    for row in stats.nations:
        writer.writerow(["nation", row.code, row.name, row.listed, row.open_practices, _share(row), demo])
    for month, count in stats.months:
        writer.writerow(["month", f"{month:%Y-%m}", month_label(month), count, "", "", demo])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
