"""listings.updated_at: when a listing last changed, so that every worker notices an edit.

The registry's version check compared counts and the latest listing dates, which an admin's correction of a
listing's public name or phone leaves unchanged: other workers kept showing the old name.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable, so that SQLite can add it without rebuilding the table; existing rows get their latest date.
    op.add_column("listings", sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE listings SET updated_at = COALESCE(unlisted_at, last_confirmed)")


def downgrade():
    with op.batch_alter_table("listings") as batch_op:
        batch_op.drop_column("updated_at")
