"""audit log: an index on the record an entry is about, for one record's history and one
person's erasure of the details about them (run for every participant by the nightly
erasure of a whole event)

Revision ID: 0044_audit_object_index
Revises: 0043_outbox_forget
Create Date: 2026-12-04 17:00:00

"""

from alembic import op

revision = "0044_audit_object_index"
down_revision = "0043_outbox_forget"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_entry_object", "audit_entry", ["object_type", "object_id"])


def downgrade():
    op.drop_index("ix_audit_entry_object", table_name="audit_entry")
