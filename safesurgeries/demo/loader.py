"""Fictional listings for demonstrations: invented practices at real postcodes in every NHS region.

Every demo practice is named "Demo ..." and coded DEMO0001 and up (real ODS codes are never four
letters then four digits), so no real practice can appear to have pledged. Every public page and export
marks each demo listing as demo (and only those), for as long as any exists.

This module is the one owner of demo data's state: `safesurgeries demo load` and `demo clear` and the
admin's "Clear the demo data" page all call it, and each change is audited in its own transaction.
"""

import csv
import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from .. import audit
from ..extensions import db
from ..paths import REGISTRY_DATA
from ..pledges.models import Listing, Pledge
from ..postcodes import NotAPostcode, postcode_index
from ..practices.codes import GP_PRACTICE_SETTING
from ..practices.models import Practice, PracticeStatus
from ..registry.regions import REGION_NAMES

DEFAULT_COUNT = 300
SEED = 20261121  # the same demo data on every machine
SAMPLE = REGISTRY_DATA / "epraccur-sample.csv"
PLACES = (
    "Riverside",
    "Oakfield",
    "Meadowbank",
    "Hillcrest",
    "Brookside",
    "Elmwood",
    "Fernlea",
    "Kingsway",
    "Ashgrove",
    "Beacon",
    "Larkrise",
    "Millbrook",
    "Northgate",
    "Orchard",
    "Parkview",
    "Queensmead",
    "Rosebank",
    "Southfield",
    "Thornbury",
    "Valley",
    "Westbourne",
    "Willowdene",
    "Harbour",
    "Canalside",
    "Cedar",
    "Foxhollow",
    "Greenacre",
    "Heathside",
    "Ivydene",
    "Juniper",
    "Kestrel",
    "Linden",
    "Maple",
    "Newlands",
    "Oakhurst",
    "Pinewood",
    "Quarry Hill",
    "Redbrook",
    "Sandpiper",
    "Tanners",
    "Upton Vale",
    "Victoria Park",
    "Wharfside",
    "Yewtree",
    "Abbeyfield",
    "Bridgewater",
    "Castle View",
    "Dovecote",
    "Eastfield",
    "Fairview",
    "Glebe",
    "Hawthorn",
    "Ironbridge",
    "Jubilee",
    "Kingfisher",
    "Lakeside",
    "Moorland",
    "Nightingale",
    "Old Mill",
    "Primrose",
)
KINDS = ("Surgery", "Medical Centre", "Health Centre", "Medical Practice", "Family Practice")
STREETS = ("Demo Street", "Demo Road", "Demo Lane", "Demo Avenue", "Demo Close")


class RealListingsExist(RuntimeError):
    """The registry lists real practices; demo data must not be mixed in with them."""


class CodeClash(RuntimeError):
    """A practice that is not demo data already has a DEMO code: refuse rather than touch it."""


@dataclass(frozen=True)
class LoadReport:
    loaded: int
    already_loaded: bool = False


def demo_listing_count() -> int:
    return db.session.scalar(select(func.count(Listing.id)).where(Listing.is_demo.is_(True)))


def real_listing_count() -> int:
    """Active listings of real (not demo) practices."""
    return db.session.scalar(
        select(func.count(Listing.id))
        .join(Practice, Listing.practice_id == Practice.id)
        .where(Listing.active.is_(True), Listing.is_demo.is_(False), Practice.is_demo.is_(False))
    )


def _sample_places() -> dict[str, list[tuple[str, str]]]:
    """(postcode, town) of the open GP practices in the sample file, per region, in file order."""
    places: dict[str, list[tuple[str, str]]] = {code: [] for code in REGION_NAMES}
    with SAMPLE.open(newline="", encoding="latin-1") as handle:
        for row in csv.reader(handle):
            if row[2] in places and row[12] == "A" and row[25] == "4":
                town = next((part.strip().title() for part in reversed(row[4:9]) if part.strip()), "")
                places[row[2]].append((row[9].strip(), town))
    return places


def _located(places: dict[str, list[tuple[str, str]]]) -> dict[str, list[tuple[str, str, float, float, str | None]]]:
    index = postcode_index()
    located = {}
    for region, entries in places.items():
        located[region] = []
        for postcode, town in entries:
            try:
                where = index.lookup(postcode)
            except NotAPostcode:
                continue
            if where is not None and where.precision == "postcode":
                located[region].append((where.postcode, town, where.latitude, where.longitude, where.nation))
    return located


def load_demo(count: int = DEFAULT_COUNT, now: dt.datetime | None = None) -> LoadReport:
    """Add `count` demo practices and their listings, in one transaction; a no-op if demo data is loaded."""
    if real_listing_count():
        raise RealListingsExist(
            "The registry lists real Safe Surgeries; demo data is loaded only into an empty registry."
        )
    if demo_listing_count():
        return LoadReport(loaded=0, already_loaded=True)
    codes = [f"DEMO{n:04d}" for n in range(1, count + 1)]
    clash = db.session.scalar(
        select(Practice.ods_code).where(Practice.ods_code.in_(codes), Practice.is_demo.is_(False))
    )
    if clash:
        raise CodeClash(f"A practice that is not demo data has the code {clash}; nothing was loaded.")
    # Leftover demo practices without listings (a listing removed by hand) are replaced.
    db.session.execute(
        delete(Practice).where(
            Practice.is_demo.is_(True),
            Practice.id.not_in(select(Pledge.practice_id).where(Pledge.practice_id.is_not(None))),
        )
    )
    real_names = {name.casefold() for name in db.session.scalars(select(Practice.name))}

    # Not for security: a fixed seed, so the same fictional demo data every time.
    rng = random.Random(SEED)  # nosec B311
    located = _located(_sample_places())
    regions = [code for code in REGION_NAMES if located[code]]
    names = [f"Demo {place} {kind}" for place in PLACES for kind in KINDS]
    rng.shuffle(names)
    now = now or dt.datetime.now(dt.timezone.utc)
    for n, code in enumerate(codes):
        region = regions[n % len(regions)]
        postcode, town, latitude, longitude, nation = located[region][(n // len(regions)) % len(located[region])]
        name = names[n % len(names)] if n < len(names) else f"{names[n % len(names)]} {n // len(names) + 1}"
        if name.casefold() in real_names:  # "Demo ..." never should; make sure
            name = f"{name} (demo {code})"
        practice = Practice(
            ods_code=code,
            name=name,
            address_lines=[f"{rng.randint(1, 199)} {rng.choice(STREETS)}", town],
            postcode=postcode,
            region_code=region,
            phone=f"01632 960{n % 1000:03d}",  # Ofcom's drama range
            status=PracticeStatus.ACTIVE,
            prescribing_setting=GP_PRACTICE_SETTING,
            latitude=latitude,
            longitude=longitude,
            nation=nation,
            is_demo=True,
        )
        age = dt.timedelta(days=rng.randint(0, 3 * 365 - 1), hours=rng.randint(0, 23))
        listed_since = now - age
        # Listings are re-confirmed yearly: the last time was on or after the latest anniversary.
        confirmed = listed_since + dt.timedelta(days=365 * (age.days // 365) + rng.randint(0, 20))
        db.session.add(
            Listing(
                practice=practice,
                pledge_id=None,
                active=True,
                listed_since=listed_since,
                last_confirmed=min(confirmed, now),
                nation=nation,
                is_demo=True,
            )
        )
    audit.record("demo.loaded", None, listings=count)
    db.session.commit()
    return LoadReport(loaded=count)


def clear_demo(staff=None) -> tuple[int, int]:
    """Remove every demo listing and demo practice, in one audited transaction; (listings, practices) removed.

    `staff` is the admin who asked on the staff page; None for the command line. Real listings are never
    touched, and a demo practice someone pledged for by hand is kept (its pledge points at it)."""
    demo_practices = select(Practice.id).where(Practice.is_demo.is_(True))
    listings = db.session.execute(
        delete(Listing).where((Listing.is_demo.is_(True)) | Listing.practice_id.in_(demo_practices))
    ).rowcount
    practices = db.session.execute(
        delete(Practice).where(
            Practice.is_demo.is_(True),
            Practice.id.not_in(select(Pledge.practice_id).where(Pledge.practice_id.is_not(None))),
        )
    ).rowcount
    if listings or practices:
        audit.record("demo.cleared", None, staff=staff, listings=listings, practices=practices)
    db.session.commit()
    return listings, practices
