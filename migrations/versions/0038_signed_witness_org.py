"""signed witness organisation: the organisation and country a witness stood for, kept in
the signing record (the press list printed them from today's registration)

Revision ID: 0038_signed_witness_org
Revises: 0037_event_hours
Create Date: 2026-12-04 11:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0038_signed_witness_org"
down_revision = "0037_event_hours"
branch_labels = None
depends_on = None

COLUMNS = (("signed_organisation_en", 300), ("signed_organisation_zh", 300),
           ("signed_country_code", 2))


def upgrade():
    with op.batch_alter_table("agreement_witness", schema=None) as batch_op:
        for name, size in COLUMNS:
            batch_op.add_column(
                sa.Column(name, sa.String(length=size), server_default="", nullable=False)
            )
    # Agreements already signed: the best record of whom a witness stood for is their
    # registration as it is at the upgrade (as 0034 did for the names).
    op.execute(
        """
        UPDATE agreement_witness SET
          signed_organisation_en = COALESCE((SELECT o.name_en FROM participant p
              JOIN organisation o ON o.id = p.organisation_id
              WHERE p.id = agreement_witness.participant_id), ''),
          signed_organisation_zh = COALESCE((SELECT o.name_zh FROM participant p
              JOIN organisation o ON o.id = p.organisation_id
              WHERE p.id = agreement_witness.participant_id), ''),
          signed_country_code = COALESCE((SELECT COALESCE(o.country_code, p.country_code)
              FROM participant p LEFT JOIN organisation o ON o.id = p.organisation_id
              WHERE p.id = agreement_witness.participant_id), '')
        WHERE signed_name <> ''
        """
    )


def downgrade():
    with op.batch_alter_table("agreement_witness", schema=None) as batch_op:
        for name, _size in reversed(COLUMNS):
            batch_op.drop_column(name)
