"""search text for participants stored without it (demo weeks built before the demo set it)

Revision ID: 0016_participant_search_backfill
Revises: 0015_delegation_head_index
Create Date: 2026-11-25 06:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_participant_search_backfill"
down_revision = "0015_delegation_head_index"
branch_labels = None
depends_on = None

participant = sa.table(
    "participant",
    sa.column("id", sa.Integer),
    sa.column("family_name", sa.String),
    sa.column("given_name", sa.String),
    sa.column("native_name", sa.String),
    sa.column("email", sa.String),
    sa.column("organisation_id", sa.Integer),
    sa.column("search_text", sa.Text),
)
organisation = sa.table("organisation", sa.column("id", sa.Integer), sa.column("name_en"))


def upgrade():
    # The one rule for what a person is found by; its output for these rows is what the
    # registration service would have stored.
    from eventhub.text import search_text

    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            participant.c.id,
            participant.c.family_name,
            participant.c.given_name,
            participant.c.native_name,
            participant.c.email,
            organisation.c.name_en,
        )
        .select_from(
            participant.outerjoin(organisation, organisation.c.id == participant.c.organisation_id)
        )
        .where(sa.or_(participant.c.search_text == "", participant.c.search_text.is_(None)))
    ).all()
    update = (
        sa.update(participant)
        .where(participant.c.id == sa.bindparam("row_id"))
        .values(search_text=sa.bindparam("text"))
    )
    filled = [{"row_id": row[0], "text": search_text(*row[1:])} for row in rows]
    for start in range(0, len(filled), 1000):
        bind.execute(update, filled[start : start + 1000])


def downgrade():
    pass  # the filled search text is what the application stores anyway
