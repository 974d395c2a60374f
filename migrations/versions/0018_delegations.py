"""delegations: protocol order among an event's delegations; the status before a withdrawal

Revision ID: 0018_delegations
Revises: 0017_jobs
Create Date: 2026-12-03 16:05:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_delegations"
down_revision = "0017_jobs"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("protocol_order", sa.Integer(), server_default="0", nullable=False)
        )
    # Existing delegations keep the order they were listed in (by English name), 1 first.
    op.execute(
        "UPDATE delegation SET protocol_order = ("
        " SELECT count(*) FROM delegation AS other"
        " WHERE other.event_id = delegation.event_id"
        " AND (other.name_en < delegation.name_en"
        " OR (other.name_en = delegation.name_en AND other.id <= delegation.id)))"
    )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "withdrawn_from",
                sa.Enum(
                    "pending",
                    "approved",
                    "waitlisted",
                    "rejected",
                    "withdrawn",
                    name="status",
                    native_enum=False,
                    create_constraint=False,
                    length=32,
                ),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_from")
    with op.batch_alter_table("delegation", schema=None) as batch_op:
        batch_op.drop_column("protocol_order")
