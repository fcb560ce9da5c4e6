"""edition_mailings: which listed practice was e-mailed about which toolkit edition, and when it opened its link.

Unique per (edition, listing), so that sending an edition again e-mails nobody twice.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "edition_mailings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("edition", sa.String(length=20), nullable=False),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("downloaded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["listing_id"], ["listings.id"], name=op.f("fk_edition_mailings_listing_id_listings")),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox.id"],
            name=op.f("fk_edition_mailings_outbox_message_id_outbox"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_edition_mailings")),
        sa.UniqueConstraint("edition", "listing_id", name="uq_edition_mailings_edition_listing"),
    )
    op.create_index(op.f("ix_edition_mailings_listing_id"), "edition_mailings", ["listing_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_edition_mailings_listing_id"), table_name="edition_mailings")
    op.drop_table("edition_mailings")
