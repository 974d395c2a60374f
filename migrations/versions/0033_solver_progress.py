"""solver progress: when a scheduler run began searching, its time limit, the timetables it
has found and the best one's score (the page shows them while the run works)

Revision ID: 0033_solver_progress
Revises: 0032_gate_indexes
Create Date: 2026-12-04 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import eventhub.db

# revision identifiers, used by Alembic.
revision = "0033_solver_progress"
down_revision = "0032_gate_indexes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("solver_run", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("solving_since", eventhub.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("time_limit", sa.Float(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("solutions", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("best_score", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("solver_run", schema=None) as batch_op:
        batch_op.drop_column("best_score")
        batch_op.drop_column("solutions")
        batch_op.drop_column("time_limit")
        batch_op.drop_column("solving_since")
