"""precedence ties: a participant's date of appointment, and each signing ceremony's order
for people of the same protocol rank (country name, appointment, delegations' order)

Revision ID: 0035_precedence_ties
Revises: 0034_signed_record
Create Date: 2026-12-04 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0035_precedence_ties"
down_revision = "0034_signed_record"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("appointed_on", sa.Date(), nullable=True))
    with op.batch_alter_table("ceremony_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "tie_break", sa.String(length=20), nullable=False, server_default="country_en"
            )
        )


def downgrade():
    with op.batch_alter_table("ceremony_settings", schema=None) as batch_op:
        batch_op.drop_column("tie_break")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("appointed_on")
