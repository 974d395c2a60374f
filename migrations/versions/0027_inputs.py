"""inputs: registration submissions (a form or API call sent twice registers once)

Revision ID: 0027_inputs
Revises: 0026_public
Create Date: 2026-12-03 19:20:00

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0027_inputs"
down_revision = "0026_public"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "registration_submission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_registration_submission_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_registration_submission_participant_id_participant"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_submission")),
        sa.UniqueConstraint(
            "event_id", "scope", "key", name=op.f("uq_registration_submission_event_id_scope_key")
        ),
    )


def downgrade():
    op.drop_table("registration_submission")
