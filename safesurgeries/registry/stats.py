"""The registry in numbers: listings per nation and per NHS England region against the open GP practices, and
listings per month; real listings and demo listings (invented practices) always counted apart.

A share is real listings of open GP practices in the NHS directory over those open GP practices, grouped the
same way on both sides, so it never passes 100%: demo listings are never in it (demo practices are never in
the directory's count), nor is a listed practice the directory does not count as open (added by staff,
closed since).
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from flask_babel import format_date
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import func, select

from .. import nations
from ..extensions import db
from ..pledges.models import Listing
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
    listed: int  # real listings
    open_practices: int  # open GP practices in the directory
    listed_open: int = 0  # real listings of those open GP practices: the share's numerator
    demo: int = 0  # demo listings, never in the share

    @property
    def share(self) -> float | None:
        """Listed open GP practices as a share of all of them (at most 1); None when the directory has none."""
        return self.listed_open / self.open_practices if self.open_practices else None

    @property
    def bar_percent(self) -> float:
        return 0.0 if self.share is None else round(self.share * 100, 1)


@dataclass(frozen=True)
class RegistryStats:
    total: int  # real listings
    open_practices: int
    regions: list[RegionRow]  # England's NHS regions
    nations: list[RegionRow]  # keyed by nation (nations.ALL), and "" for listings whose nation is not known
    months: list[tuple[dt.date, int, int]]  # (first day of the month, real and demo listings that began in it)
    demo_count: int  # demo listings

    @property
    def demo(self) -> bool:
        return self.demo_count > 0


def _open_gp_practice():
    return (
        Practice.status == PracticeStatus.ACTIVE,
        Practice.prescribing_setting == GP_PRACTICE_SETTING,
        Practice.is_demo.is_(False),
    )


def open_practices_by_region_and_nation() -> dict[tuple[str | None, str | None], int]:
    """Open GP practices in the directory per (region code, nation); demo practices are never counted."""
    rows = db.session.execute(
        select(Practice.region_code, Practice.nation, func.count(Practice.id))
        .where(*_open_gp_practice())
        .group_by(Practice.region_code, Practice.nation)
    )
    return {(code, nation): count for code, nation, count in rows}


def listed_open_practices_by_region_and_nation() -> dict[tuple[str | None, str | None], int]:
    """Real active listings of open GP practices, grouped exactly as open_practices_by_region_and_nation()
    groups their practices, so that each count is at most the other's (one active listing per practice)."""
    rows = db.session.execute(
        select(Practice.region_code, Practice.nation, func.count(Listing.id))
        .join(Practice, Listing.practice_id == Practice.id)
        .where(Listing.active.is_(True), Listing.is_demo.is_(False), *_open_gp_practice())
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


def _row(code: str, name: str, key, counts: tuple[dict, dict, dict, dict]) -> RegionRow:
    """The row for `key` (a region code or a nation; a function of it for the catch-all rows)."""
    listed, demo, open_counts, listed_open = (
        sum(n for k, n in count.items() if key(k)) if callable(key) else count.get(key, 0) for count in counts
    )
    return RegionRow(code, name, listed, open_counts, listed_open, demo)


def registry_stats(today: dt.date | None = None) -> RegistryStats:
    snapshot = public_snapshot()
    listed_by: dict = {}  # (region, nation) -> real listings
    demo_by: dict = {}  # (region, nation) -> demo listings
    started: dict[dt.date, list[int]] = {}  # month -> [real, demo] listings that began in it
    for item in snapshot.items:
        counts = demo_by if item["demo"] else listed_by
        counts[item["region"], item["nation"]] = counts.get((item["region"], item["nation"]), 0) + 1
        month = _month(dt.date.fromisoformat(item["listed_since"]))
        started.setdefault(month, [0, 0])[item["demo"]] += 1
    open_by = open_practices_by_region_and_nation()
    listed_open_by = listed_open_practices_by_region_and_nation()
    every = (listed_by, demo_by, open_by, listed_open_by)

    def in_england(pair) -> bool:
        return pair[1] in IN_ENGLAND

    by_region = tuple(_sum_by(counts, lambda pair: pair[0], in_england) for counts in every)
    regions = [_row(code, name, code, by_region) for code, name in REGION_NAMES.items()]
    if any(code not in REGION_NAMES for counts in by_region[:2] for code in counts):
        regions.append(_row("", _("No region recorded"), lambda code: code not in REGION_NAMES, by_region))
    by_nation = tuple(_sum_by(counts, lambda pair: pair[1]) for counts in every)
    nation_rows = [_row(nation, nations.name(nation), nation, by_nation) for nation in nations.ALL]
    if by_nation[0].get(None) or by_nation[1].get(None):
        nation_rows.append(_row("", _("Nation not known"), None, by_nation))
    months = []
    if started:
        month, last = min(started), _month(max(today or dt.date.today(), max(started)))
        while month <= last:
            months.append((month, *started.get(month, (0, 0))))
            month = _next_month(month)
    return RegistryStats(
        total=snapshot.real_count,
        open_practices=sum(open_by.values()),
        regions=regions,
        nations=nation_rows,
        months=months,
        demo_count=snapshot.demo_count,
    )


def month_label(month: dt.date) -> str:
    """March 2025, in the page's language."""
    return format_date(month, "MMMM y")


def months_chart_svg(months: list[tuple[dt.date, int, int]]) -> Markup:
    """A bar chart of new listings per month, drawn on the server (no script); the page's table has the numbers.

    Each month's bar is its real listings, with its demo listings stacked on top in another colour."""
    width, height, left, bottom, top = 720, 240, 40, 30, 10
    peak = max((real + demo for _day, real, demo in months), default=0) or 1
    slot = (width - left - 10) / max(1, len(months))
    plot = height - bottom - top
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="months-chart-title">',
        f'<title id="months-chart-title">{escape(_("New Safe Surgery listings per month"))}</title>',
        f'<line class="chart-axis" x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}"/>',
        f'<text class="chart-label" x="{left - 6}" y="{top + 10}" text-anchor="end">{peak}</text>',
        f'<text class="chart-label" x="{left - 6}" y="{height - bottom}" text-anchor="end">0</text>',
    ]
    for n, (month, real, demo) in enumerate(months):
        x = left + n * slot
        base = height - bottom
        for count, css, label in (
            (real, "chart-bar", _("%(month)s: %(count)d new listings", month=month_label(month), count=real)),
            (
                demo,
                "chart-bar chart-bar-demo",
                _("%(month)s: %(count)d demo listings", month=month_label(month), count=demo),
            ),
        ):
            if count or css == "chart-bar":
                bar = plot * count / peak
                parts.append(
                    f'<rect class="{css}" x="{x + slot * 0.1:.1f}" y="{base - bar:.1f}" '
                    f'width="{slot * 0.8:.1f}" height="{bar:.1f}"><title>{escape(label)}</title></rect>'
                )
                base -= bar
        if month.month == 1 or n == 0:
            parts.append(f'<text class="chart-label" x="{x:.1f}" y="{height - bottom + 18}">{month.year}</text>')
    parts.append("</svg>")
    # Safe to mark up: only numbers, our own CSS classes and escape()d text went in.
    return Markup("".join(parts))  # nosec B704


def _share(row: RegionRow) -> str:
    return "" if row.share is None else f"{row.share * 100:.1f}"


def stats_csv(stats: RegistryStats) -> bytes:
    """The page's tables in one sheet: a `table` column says which each row belongs to. `listed` counts real
    listings only; `demo_listed` the demo listings (invented practices), never in the share."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["table", "key", "name", "listed", "open_gp_practices", "share_percent", "demo_listed"])
    for row in stats.regions:
        writer.writerow(["region", row.code, row.name, row.listed, row.open_practices, _share(row), row.demo])
    england = RegionRow(
        "",
        nations.name(nations.ENGLAND),
        *(
            sum(getattr(row, name) for row in stats.regions)
            for name in ("listed", "open_practices", "listed_open", "demo")
        ),
    )
    writer.writerow(["region", "", england.name, england.listed, england.open_practices, _share(england), england.demo])
    for row in stats.nations:
        writer.writerow(["nation", row.code, row.name, row.listed, row.open_practices, _share(row), row.demo])
    for month, real, demo in stats.months:
        writer.writerow(["month", f"{month:%Y-%m}", month_label(month), real, "", "", demo])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
