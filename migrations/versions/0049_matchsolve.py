"""Matchmaking runs: the "Propose meetings" guard against a second click, and the last result

Revision ID: 0049_matchsolve
Revises: 0048_protocol
Create Date: 2026-12-04 22:05:00

"""

import sqlalchemy as sa
from alembic import op

import eventhub.db

revision = "0049_matchsolve"
down_revision = "0048_protocol"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "matchmaking_run",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("running_since", eventhub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", eventhub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_matchmaking_run_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_matchmaking_run_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_matchmaking_run")),
    )


def downgrade():
    op.drop_table("matchmaking_run")
