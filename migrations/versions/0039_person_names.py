"""person names: patronymic, style, customary order and passport (MRZ) name apart from the
family name and the honorific (issue 20)

Existing rows: a family name "BINTI ABDULLAH" or a given name ending in "bin" becomes the
patronymic; styles (H.E., Tan Sri, Dato', Yang Mulia...) leave the honorific; the order is
the country's custom (Thai, Lao, Malay, Indonesian given first; Chinese, Vietnamese, Khmer
family first); the sort key follows.

Revision ID: 0039_person_names
Revises: 0038_signed_witness_org
Create Date: 2026-12-04 13:00:00

"""

from alembic import op
import sqlalchemy as sa

from eventhub.personnames import customary_order, display, sort_key, split_patronymic, split_title
from eventhub.personnames.protocol import NAME, title_of


# revision identifiers, used by Alembic.
revision = "0039_person_names"
down_revision = "0038_signed_witness_org"
branch_labels = None
depends_on = None

COLUMNS = (("patronymic", 150), ("style", 100), ("name_order", 6), ("passport_name", 200))


def upgrade():
    with op.batch_alter_table("participant", schema=None) as batch_op:
        for name, size in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=size), server_default="", nullable=False)
            )
    # A signed record keeps the style and the honorific together ("Tan Sri Dr.").
    for table in ("agreement_party", "agreement_witness"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "signed_honorific",
                existing_type=sa.String(length=60),
                type_=sa.String(length=160),
                existing_nullable=False,
                existing_server_default=None,
            )

    connection = op.get_bind()
    participant = sa.table(
        "participant",
        sa.column("id", sa.Integer),
        sa.column("family_name", sa.String),
        sa.column("given_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("honorific", sa.String),
        sa.column("style", sa.String),
        sa.column("name_order", sa.String),
        sa.column("country_code", sa.String),
        sa.column("sort_name", sa.String),
    )
    old_names = {}
    rows = connection.execute(
        sa.select(
            participant.c.id,
            participant.c.family_name,
            participant.c.given_name,
            participant.c.honorific,
            participant.c.country_code,
        )
    ).all()
    for row in rows:
        family, given, patronymic = split_patronymic(row.family_name, row.given_name)
        style, honorific = split_title(row.honorific or "")
        values = {
            "family_name": family,
            "given_name": given,
            "patronymic": patronymic,
            "style": style[:100],
            "honorific": honorific[:60],
            "name_order": customary_order(row.country_code),
            "country_code": row.country_code,
        }
        values["sort_name"] = sort_key(values)
        old_names[row.id] = (
            _old_latin(row.family_name, row.given_name),
            row.honorific or "",
            display(values, NAME),
            title_of(values),
        )
        del values["country_code"]
        connection.execute(
            sa.update(participant).where(participant.c.id == row.id).values(**values)
        )
    _signed_records_follow(connection, old_names)


def _old_latin(family, given):
    """How names were printed before: 'FAMILY Given'."""
    return f"{family.upper()} {given}" if family else given


def _signed_records_follow(connection, old_names):
    """Signed agreements copied the names at signing. Where the copy is the registration as
    it was (nobody edited it since), it is written the new way, so a reprinted record and
    today's documents name the person alike; a copy that differs is history and stays."""
    for table_name, key in (
        ("agreement_party", "signatory_id"),
        ("agreement_witness", "participant_id"),
    ):
        table = sa.table(
            table_name,
            sa.column("id", sa.Integer),
            sa.column(key, sa.Integer),
            sa.column("signed_name", sa.String),
            sa.column("signed_honorific", sa.String),
        )
        rows = connection.execute(
            sa.select(
                table.c.id, table.c[key], table.c.signed_name, table.c.signed_honorific
            ).where(table.c.signed_name != "", table.c[key].is_not(None))
        ).all()
        for row in rows:
            old = old_names.get(row[1])
            if old and (row.signed_name, row.signed_honorific) == old[:2]:
                connection.execute(
                    sa.update(table)
                    .where(table.c.id == row.id)
                    .values(signed_name=old[2], signed_honorific=old[3][:160])
                )


def downgrade():
    connection = op.get_bind()
    participant = sa.table(
        "participant",
        sa.column("family_name", sa.String),
        sa.column("given_name", sa.String),
        sa.column("patronymic", sa.String),
        sa.column("honorific", sa.String),
        sa.column("style", sa.String),
    )
    # Back to one family name ("BINTI ABDULLAH") and one honorific ("Tan Sri Dr.").
    connection.execute(
        sa.update(participant)
        .where(participant.c.patronymic != "", participant.c.family_name == "")
        .values(family_name=sa.func.upper(participant.c.patronymic))
    )
    connection.execute(
        sa.update(participant)
        .where(participant.c.style != "")
        .values(
            honorific=sa.func.substr(
                sa.func.trim(participant.c.style + " " + participant.c.honorific), 1, 60
            )
        )
    )
    for table in ("agreement_party", "agreement_witness"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "signed_honorific",
                existing_type=sa.String(length=160),
                type_=sa.String(length=60),
                existing_nullable=False,
            )
    with op.batch_alter_table("participant", schema=None) as batch_op:
        for name, _size in reversed(COLUMNS):
            batch_op.drop_column(name)
