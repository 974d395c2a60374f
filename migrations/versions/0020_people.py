"""participants: a sort key by the name people are addressed by, filled for everyone

Revision ID: 0020_people
Revises: 0019_visa
Create Date: 2026-12-03 16:10:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_people"
down_revision = "0019_visa"
branch_labels = None
depends_on = None

# Compared byte by byte on PostgreSQL too, as SQLite does (see models.SORT_TEXT).
SORT_TEXT = sa.String(250).with_variant(sa.String(250, collation="C"), "postgresql")

participant = sa.table(
    "participant",
    sa.column("id", sa.Integer),
    sa.column("family_name", sa.String),
    sa.column("given_name", sa.String),
    sa.column("sort_name", sa.String),
)


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sort_name", SORT_TEXT, server_default="", nullable=False))
        batch_op.create_index(
            "ix_participant_event_sort_name", ["event_id", "sort_name"], unique=False
        )

    # The one rule for where a person sorts; what the application stores on every save.
    from eventhub.text import name_sort_key

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(participant.c.id, participant.c.family_name, participant.c.given_name)
    ).all()
    update = (
        sa.update(participant)
        .where(participant.c.id == sa.bindparam("row_id"))
        .values(sort_name=sa.bindparam("key"))
    )
    filled = [{"row_id": row[0], "key": name_sort_key(row[1], row[2])} for row in rows]
    for start in range(0, len(filled), 1000):
        bind.execute(update, filled[start : start + 1000])


def downgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_index("ix_participant_event_sort_name")
        batch_op.drop_column("sort_name")
