"""index on delegation heads: every scan asks whether the badge's holder heads a delegation

Revision ID: 0015_delegation_head_index
Revises: 0014_checkin
Create Date: 2026-11-25 03:07:36.312761

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0015_delegation_head_index"
down_revision = "0014_checkin"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delegation_head_id"), ["head_id"], unique=False)


def downgrade():
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delegation_head_id"))
