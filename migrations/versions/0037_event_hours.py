"""event hours: each event's programme day, lunch break and VIPs' rest between duties (the
scheduler keeps to them), until now one setting for the whole installation

Revision ID: 0037_event_hours
Revises: 0036_chinese_names
Create Date: 2026-12-04 10:55:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0037_event_hours"
down_revision = "0036_chinese_names"
branch_labels = None
depends_on = None

# The defaults the scheduler used for every event so far (clock times of the event's zone).
COLUMNS = (
    ("programme_opens_at", sa.Time(), "08:30:00"),
    ("programme_closes_at", sa.Time(), "18:00:00"),
    ("lunch_starts_at", sa.Time(), "12:15:00"),
    ("lunch_ends_at", sa.Time(), "14:00:00"),
    ("vip_rest_minutes", sa.Integer(), "5"),
)


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        for name, kind, default in COLUMNS:
            batch_op.add_column(sa.Column(name, kind, server_default=default, nullable=False))


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        for name, _kind, _default in reversed(COLUMNS):
            batch_op.drop_column(name)
