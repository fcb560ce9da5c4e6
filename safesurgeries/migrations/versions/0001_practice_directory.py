"""The practice directory: NHS England's ODS list of GP practices.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 21:57:32.197779

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "practices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ods_code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address_lines", sa.JSON(), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=True),
        sa.Column("region_code", sa.String(length=3), nullable=True),
        sa.Column("icb_code", sa.String(length=3), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("status", sa.Enum("A", "C", "D", "P", name="practice_status", native_enum=False), nullable=False),
        sa.Column("open_date", sa.Date(), nullable=True),
        sa.Column("close_date", sa.Date(), nullable=True),
        sa.Column("prescribing_setting", sa.Integer(), nullable=True),
        sa.Column("latitude", sa.Double(), nullable=True),
        sa.Column("longitude", sa.Double(), nullable=True),
        sa.Column("added_by_staff", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
        sa.UniqueConstraint("ods_code", name=op.f("uq_practices_ods_code")),
    )
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_practices_postcode"), ["postcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_practices_region_code"), ["region_code"], unique=False)


def downgrade():
    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_practices_region_code"))
        batch_op.drop_index(batch_op.f("ix_practices_postcode"))

    op.drop_table("practices")
