"""Seating plans published: guests see their places only once the plan is published

Revision ID: 0051_seatfix
Revises: 0050_withdrawn_cards
Create Date: 2026-12-04 22:40:00

"""

import sqlalchemy as sa
from alembic import op

import eventhub.db

revision = "0051_seatfix"
down_revision = "0050_withdrawn_cards"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("seating_plan") as batch_op:
        batch_op.add_column(
            sa.Column("published_at", eventhub.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("seating_plan") as batch_op:
        batch_op.drop_column("published_at")
