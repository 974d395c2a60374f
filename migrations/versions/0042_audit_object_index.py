"""audit log: an index on the record an entry is about, for one record's history and one
person's erasure of the details about them (run for every participant by the nightly
erasure of a whole event)

Revision ID: 0042_audit_object_index
Revises: 0041_personal_data
Create Date: 2026-12-04 17:00:00

"""

from alembic import op

revision = "0042_audit_object_index"
down_revision = "0041_personal_data"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_entry_object", "audit_entry", ["object_type", "object_id"])


def downgrade():
    op.drop_index("ix_audit_entry_object", table_name="audit_entry")
