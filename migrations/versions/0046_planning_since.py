"""transport: when a plan was queued (a second Plan click is refused while it runs)

Revision ID: 0046_planning_since
Revises: 0045_rooms_and_rides
Create Date: 2026-12-04 20:00:00

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


revision = "0046_planning_since"
down_revision = "0045_rooms_and_rides"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("transport_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("planning_since", eventhub.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("transport_settings", schema=None) as batch_op:
        batch_op.drop_column("planning_since")
