"""zh content: the event's venue address and an activity's track in Chinese

Revision ID: 0023_zh_content
Revises: 0022_imports
Create Date: 2026-12-03 17:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023_zh_content"
down_revision = "0022_imports"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("venue_address_zh", sa.String(length=500), server_default="", nullable=False)
        )
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("track_zh", sa.String(length=100), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("track_zh")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("venue_address_zh")
