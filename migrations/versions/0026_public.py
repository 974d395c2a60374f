"""public: private activities; organisations named on public forms wait for review

Revision ID: 0026_public
Revises: 0025_roles
Create Date: 2026-12-03 19:20:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_public"
down_revision = "0025_roles"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visibility", sa.String(length=32), server_default="public", nullable=False)
        )
    # Every organisation known so far was offered already: accepted.
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=32), server_default="accepted", nullable=False)
        )
        batch_op.create_index("ix_organisation_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_index("ix_organisation_status")
        batch_op.drop_column("status")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_column("visibility")
