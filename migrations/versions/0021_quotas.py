"""quotas: registration capacity and quotas, the automatic waiting list

Revision ID: 0021_quotas
Revises: 0020_people
Create Date: 2026-12-03 16:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0021_quotas"
down_revision = "0020_people"
branch_labels = None
depends_on = None

STATUS = ("pending", "approved", "waitlisted", "rejected", "withdrawn")


def upgrade():
    op.create_table(
        "registration_limit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "event",
                "delegation",
                "country",
                "category",
                name="limitkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.CheckConstraint("places >= 1", name=op.f("ck_registration_limit_places_positive")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_registration_limit_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_limit")),
        sa.UniqueConstraint(
            "event_id", "kind", "value", name=op.f("uq_registration_limit_event_id_kind_value")
        ),
    )
    op.create_table(
        "waiting_place",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("since", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "wanted",
            sa.Enum(*STATUS, name="status", native_enum=False, length=32),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_waiting_place_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_waiting_place_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_waiting_place")),
    )
    with op.batch_alter_table("waiting_place", schema=None) as batch_op:
        batch_op.create_index("ix_waiting_place_event_since", ["event_id", "since"], unique=False)


def downgrade():
    op.drop_table("waiting_place")
    op.drop_table("registration_limit")
