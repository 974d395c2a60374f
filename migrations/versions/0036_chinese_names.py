"""chinese names: a participant's name and title in Chinese (a foreign name's Chinese rendering,
read by the master of ceremonies and printed on the Chinese lines and lists), kept in the
signing record too

Revision ID: 0036_chinese_names
Revises: 0035_precedence_ties
Create Date: 2026-12-04 10:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0036_chinese_names"
down_revision = "0035_precedence_ties"
branch_labels = None
depends_on = None

SIGNED_TABLES = ("agreement_party", "agreement_witness")


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("name_zh", sa.String(length=200), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("position_zh", sa.String(length=300), server_default="", nullable=False)
        )
    # The signing record (0034) keeps who signed as they were: their Chinese name and title too.
    # Nobody has one yet, so signed records start with none.
    for table in SIGNED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "signed_name_zh", sa.String(length=200), server_default="", nullable=False
                )
            )
            batch_op.add_column(
                sa.Column(
                    "signed_position_zh", sa.String(length=300), server_default="", nullable=False
                )
            )


def downgrade():
    for table in SIGNED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("signed_position_zh")
            batch_op.drop_column("signed_name_zh")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("position_zh")
        batch_op.drop_column("name_zh")
