"""checkpoint rules: daily hours, direction (entry/exit), capacity; participants needing
attention and the alerts their admission raises

Revision ID: 0030_rules
Revises: 0029_gate_decisions
Create Date: 2026-12-03 22:20:00.000000

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0030_rules"
down_revision = "0029_gate_decisions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checkpoint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("daily_opens", sa.Time(), nullable=True))
        batch_op.add_column(sa.Column("daily_closes", sa.Time(), nullable=True))
        batch_op.add_column(
            sa.Column("direction", sa.String(length=10), server_default="entry", nullable=False)
        )
        batch_op.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_attention", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "attention_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("scanned_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", eventhub.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name=op.f("fk_attention_alert_event_id_event"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"],
            name=op.f("fk_attention_alert_participant_id_participant"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"], ["checkpoint.id"],
            name=op.f("fk_attention_alert_checkpoint_id_checkpoint"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["scan_id"], ["scan.id"], name=op.f("fk_attention_alert_scan_id_scan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"], ["user.id"],
            name=op.f("fk_attention_alert_acknowledged_by_id_user"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attention_alert")),
    )
    with op.batch_alter_table("attention_alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attention_alert_event_id"), ["event_id"], unique=False)


def downgrade():
    with op.batch_alter_table("attention_alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attention_alert_event_id"))
    op.drop_table("attention_alert")
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("needs_attention")
    with op.batch_alter_table("checkpoint", schema=None) as batch_op:
        batch_op.drop_column("capacity")
        batch_op.drop_column("direction")
        batch_op.drop_column("daily_closes")
        batch_op.drop_column("daily_opens")
