"""gate indexes: scans by checkpoint and scan time (who is inside a door), and by event
with their undo and review times (what open dashboards watch every second)

Revision ID: 0032_gate_indexes
Revises: 0031_devices
Create Date: 2026-12-03 23:58:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0032_gate_indexes"
down_revision = "0031_devices"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.create_index("ix_scan_checkpoint_scanned", ["checkpoint_id", "scanned_at"])
        batch_op.create_index("ix_scan_event_undone", ["event_id", "undone_at"])
        batch_op.create_index("ix_scan_event_reviewed", ["event_id", "reviewed_at"])


def downgrade():
    with op.batch_alter_table("scan", schema=None) as batch_op:
        batch_op.drop_index("ix_scan_event_reviewed")
        batch_op.drop_index("ix_scan_event_undone")
        batch_op.drop_index("ix_scan_checkpoint_scanned")
