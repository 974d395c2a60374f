"""Withdrawn place cards: a printed card whose guest left the plan, until collected

Revision ID: 0050_withdrawn_cards
Revises: 0049_matchsolve
Create Date: 2026-12-04 22:30:00

"""

import sqlalchemy as sa
from alembic import op

import eventhub.db

revision = "0050_withdrawn_cards"
down_revision = "0049_matchsolve"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "withdrawn_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("table_number", sa.Integer(), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=False),
        sa.Column("printed_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("collected_at", eventhub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["seating_plan.id"],
            name=op.f("fk_withdrawn_card_plan_id_seating_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_withdrawn_card_participant_id_participant"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_withdrawn_card")),
    )
    with op.batch_alter_table("withdrawn_card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_withdrawn_card_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_withdrawn_card_participant_id"), ["participant_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("withdrawn_card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_withdrawn_card_participant_id"))
        batch_op.drop_index(batch_op.f("ix_withdrawn_card_plan_id"))
    op.drop_table("withdrawn_card")
