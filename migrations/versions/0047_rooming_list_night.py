"""rooming list sent: the night it was for (None: all nights), so the all-nights view is
compared with the latest all-nights list only

Revision ID: 0047_rooming_list_night
Revises: 0046_planning_since
Create Date: 2026-12-04 20:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0047_rooming_list_night"
down_revision = "0046_planning_since"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("rooming_list_sent", schema=None) as batch_op:
        batch_op.add_column(sa.Column("night", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("rooming_list_sent", schema=None) as batch_op:
        batch_op.drop_column("night")
