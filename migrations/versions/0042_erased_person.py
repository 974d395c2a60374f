"""erased people's tombstones: who of which event was erased, kept after the event is gone so
that an archive made before the erasure does not bring them back

Revision ID: 0042_erased_person
Revises: 0041_personal_data
Create Date: 2026-12-04 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0042_erased_person"
down_revision = "0041_personal_data"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "erased_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_slug", sa.String(64), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_erased_person"),
        sa.UniqueConstraint(
            "event_slug", "participant_id", name="uq_erased_person_event_slug_participant_id"
        ),
    )


def downgrade():
    op.drop_table("erased_person")
