"""practices.nation, pledges.nation, listings.nation: the UK nation whose GP registration rules apply.

England's rules were handed to practices in Scotland, Wales and Northern Ireland. Existing rows are filled from
the national grouping (W00 is Wales) and the postcode index where it has been built; a row it cannot place stays
NULL (the next `practices import` fills directory practices).

Revision ID: 0004
Revises: 0003
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TABLES = ("practices", "pledges", "listings")
logger = logging.getLogger("alembic.runtime.migration")


def upgrade():
    # Nullable, so that SQLite can add them without rebuilding the tables.
    for table in TABLES:
        op.add_column(table, sa.Column("nation", sa.String(length=16), nullable=True))
    _fill()


def _fill():
    from safesurgeries import nations
    from safesurgeries.postcodes import IndexMissing, nation_of, postcode_index

    try:
        index = postcode_index()
    except IndexMissing:
        index = None
        logger.warning("The postcode index is not built: only Welsh directory practices (W00) get a nation now.")
    bind = op.get_bind()
    practices = sa.table(
        "practices", sa.column("id"), sa.column("postcode"), sa.column("region_code"), sa.column("nation")
    )
    pledges = sa.table("pledges", sa.column("id"), sa.column("practice_id"), sa.column("postcode"), sa.column("nation"))
    listings = sa.table(
        "listings", sa.column("id"), sa.column("practice_id"), sa.column("pledge_id"), sa.column("nation")
    )

    def placed(postcode):
        return nation_of(postcode, index) if index is not None else None

    practice_nations = {
        row.id: nations.from_grouping(row.region_code) or placed(row.postcode)
        for row in bind.execute(sa.select(practices.c.id, practices.c.postcode, practices.c.region_code))
    }
    pledge_nations = {
        row.id: practice_nations.get(row.practice_id) or placed(row.postcode)
        for row in bind.execute(sa.select(pledges.c.id, pledges.c.practice_id, pledges.c.postcode))
    }
    listing_nations = {
        row.id: pledge_nations.get(row.pledge_id) or practice_nations.get(row.practice_id)
        for row in bind.execute(sa.select(listings.c.id, listings.c.practice_id, listings.c.pledge_id))
    }
    for table, found in ((practices, practice_nations), (pledges, pledge_nations), (listings, listing_nations)):
        rows = [{"row_id": row_id, "value": nation} for row_id, nation in found.items() if nation]
        if rows:
            bind.execute(
                table.update().where(table.c.id == sa.bindparam("row_id")).values(nation=sa.bindparam("value")), rows
            )


def downgrade():
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("nation")
