"""chinese names: a participant's name and title in Chinese (a foreign name's Chinese rendering,
read by the master of ceremonies and printed on the Chinese lines and lists)

Revision ID: 0033_chinese_names
Revises: 0032_gate_indexes
Create Date: 2026-12-04 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0033_chinese_names"
down_revision = "0032_gate_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_zh", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("position_zh", sa.String(length=300), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("position_zh")
        batch_op.drop_column("name_zh")
