"""devices: gate devices' tokens end with the event (api_token.expires_at)

Revision ID: 0031_devices
Revises: 0030_rules
Create Date: 2026-12-03 22:15:00.000000

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0031_devices"
down_revision = "0030_rules"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.add_column(
            sa.Column("expires_at", eventhub.db.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("api_token") as batch_op:
        batch_op.drop_column("expires_at")
