"""gate decisions: a scan judged on the device keeps what the gate did and what the server
would have decided; disagreements and duplicates can be marked reviewed

Revision ID: 0029_gate_decisions
Revises: 0028_sessions
Create Date: 2026-12-03 22:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0029_gate_decisions"
down_revision = "0028_sessions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offline", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("server_result", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("server_reason", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("disagrees", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("reviewed_at", eventhub.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_scan_reviewed_by_id_user"),
            "user",
            ["reviewed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
    # Scans made offline before this version were stored as the server judged them: the
    # gate's own decision is not known for them.
    op.execute("UPDATE scan SET offline = duplicate")


def downgrade():
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_scan_reviewed_by_id_user"), type_="foreignkey")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("disagrees")
        batch_op.drop_column("server_reason")
        batch_op.drop_column("server_result")
        batch_op.drop_column("offline")
