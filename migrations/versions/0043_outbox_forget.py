"""outbox forget: a mail to an erased person (telling them of their own erasure) forgets
its address and text once delivered or given up

Revision ID: 0043_outbox_forget
Revises: 0042_erased_person
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0043_outbox_forget"
down_revision = "0042_erased_person"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(
            sa.Column(
                "forget_after_delivery", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade():
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("forget_after_delivery")
