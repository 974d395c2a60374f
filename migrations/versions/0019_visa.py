"""visa: a visa case per participant (requested, letter issued, sent, granted or refused)

Revision ID: 0019_visa
Revises: 0018_delegations
Create Date: 2026-12-03 16:30:00

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0019_visa"
down_revision = "0018_delegations"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "visa_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "requested",
                "issued",
                "sent",
                "granted",
                "refused",
                name="visastep",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("requested_on", sa.Date(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("created_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_visa_case_event_id_event"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_visa_case_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visa_case")),
        sa.UniqueConstraint("participant_id", name=op.f("uq_visa_case_participant_id")),
    )
    with op.batch_alter_table("visa_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visa_case_state"), ["state"], unique=False)


def downgrade():
    with op.batch_alter_table("visa_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visa_case_state"))
    op.drop_table("visa_case")
