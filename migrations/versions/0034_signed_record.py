"""signed record: who signed and witnessed as they were at signing, and amendments

Revision ID: 0034_signed_record
Revises: 0033_solver_progress
Create Date: 2026-12-04 10:00:00

The names are copied at the "Signed" step; agreements already signed or archived get
them from the registrations they point at now (the best record there is).
"""

import sqlalchemy as sa
from alembic import op

import eventhub.db

revision = "0034_signed_record"
down_revision = "0033_solver_progress"
branch_labels = None
depends_on = None

SIGNED_AS = ("signed_name", "signed_native_name", "signed_honorific", "signed_position")
SIZES = {"signed_name": 260, "signed_native_name": 200, "signed_honorific": 60,
         "signed_position": 300}


def upgrade():
    for table in ("agreement_party", "agreement_witness"):
        with op.batch_alter_table(table) as batch:
            for name in SIGNED_AS:
                batch.add_column(
                    sa.Column(name, sa.String(length=SIZES[name]), nullable=False,
                              server_default="")
                )
        with op.batch_alter_table(table) as batch:
            for name in SIGNED_AS:
                batch.alter_column(name, server_default=None)
    op.create_table(
        "agreement_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=400), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=False),
        sa.Column("new_value", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("created_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"], ["agreement.id"],
            name=op.f("fk_agreement_amendment_agreement_id_agreement"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_agreement_amendment_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_amendment")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_agreement_amendment_agreement_id"), "agreement_amendment", ["agreement_id"]
    )
    _copy_signed_names()


def _copy_signed_names():
    """Agreements signed before this upgrade: their people as registered now."""
    bind = op.get_bind()
    meta = sa.MetaData()
    agreement = sa.Table("agreement", meta, autoload_with=bind)
    participant = sa.Table("participant", meta, autoload_with=bind)
    signed = sa.select(agreement.c.id).where(agreement.c.status.in_(("signed", "archived")))
    for table, column in (("agreement_party", "signatory_id"), ("agreement_witness", "participant_id")):
        rows = sa.Table(table, meta, autoload_with=bind)
        found = bind.execute(
            sa.select(
                rows.c.id,
                participant.c.family_name,
                participant.c.given_name,
                participant.c.native_name,
                participant.c.honorific,
                participant.c.position,
            )
            .join(participant, participant.c.id == rows.c[column])
            .where(rows.c.agreement_id.in_(signed))
        ).all()
        for row_id, family, given, native, honorific, position in found:
            bind.execute(
                sa.update(rows)
                .where(rows.c.id == row_id)
                .values(
                    signed_name=_latin(family, given),
                    signed_native_name=native or "",
                    signed_honorific=honorific or "",
                    signed_position=position or "",
                )
            )


def _latin(family: str | None, given: str | None) -> str:
    """As registration.models.format_latin_name: FAMILY Given."""
    return f"{family.upper()} {given or ''}" if family else given or ""


def downgrade():
    op.drop_index(op.f("ix_agreement_amendment_agreement_id"), table_name="agreement_amendment")
    op.drop_table("agreement_amendment")
    for table in ("agreement_party", "agreement_witness"):
        with op.batch_alter_table(table) as batch:
            for name in SIGNED_AS:
                batch.drop_column(name)
