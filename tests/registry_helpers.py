"""Helpers for the registry tests: practices and listings made directly in the database."""

import datetime as dt

from safesurgeries.extensions import db
from safesurgeries.pledges.models import Listing, Pledge, PledgeStatus
from safesurgeries.postcodes import postcode_index
from safesurgeries.practices.models import Practice, PracticeStatus

# Real postcodes in three cities, well apart.
LONDON, MANCHESTER, LEEDS = "SE1 7PB", "M1 1AE", "LS1 4AP"


def add_practice(ods_code: str, name: str, postcode: str, region: str = "Y56", **fields) -> Practice:
    location = postcode_index().lookup(postcode)
    practice = Practice(
        ods_code=ods_code,
        name=name,
        address_lines=fields.pop("address_lines", ["1 High Street"]),
        postcode=location.postcode,
        region_code=region,
        phone=fields.pop("phone", "020 7946 0000"),
        status=PracticeStatus.ACTIVE,
        prescribing_setting=4,
        latitude=location.latitude,
        longitude=location.longitude,
        nation=fields.pop("nation", location.nation),
        **fields,
    )
    db.session.add(practice)
    db.session.flush()
    return practice


def add_listing(
    app,
    ods_code: str,
    name: str,
    postcode: str,
    region: str = "Y56",
    active: bool = True,
    listed_since: dt.datetime | None = None,
    display_name: str | None = None,
    pledge: dict | None = None,
    **practice_fields,
) -> None:
    """A practice and its listing (and, if given, the pledge it came from, with contact details)."""
    with app.app_context():
        practice = add_practice(ods_code, name, postcode, region, **practice_fields)
        pledge_row = None
        if pledge is not None:
            pledge_row = Pledge(
                practice_id=practice.id,
                ods_code=ods_code,
                practice_name=name,
                postcode=practice.postcode,
                address_lines=practice.address_lines,
                link_nonce="n" * 32,
                **pledge,
            )
            db.session.add(pledge_row)
            db.session.flush()
        since = listed_since or dt.datetime(2025, 3, 5, 12, tzinfo=dt.timezone.utc)
        db.session.add(
            Listing(
                practice_id=practice.id,
                pledge_id=pledge_row.id if pledge_row else None,
                active=active,
                listed_since=since,
                last_confirmed=since + dt.timedelta(days=30),
                display_name=display_name,
                nation=practice.nation,
            )
        )
        db.session.commit()


def add_unlisted_pledge(app, ods_code: str, name: str, postcode: str, status: PledgeStatus) -> None:
    """A practice with a pledge that never became a listing."""
    with app.app_context():
        practice = add_practice(ods_code, name, postcode)
        db.session.add(
            Pledge(
                practice_id=practice.id,
                ods_code=ods_code,
                practice_name=name,
                postcode=practice.postcode,
                address_lines=["1 High Street"],
                link_nonce="m" * 32,
                status=status,
                contact_name="Unlisted Person",
                contact_email="unlisted@example.org",
            )
        )
        db.session.commit()
