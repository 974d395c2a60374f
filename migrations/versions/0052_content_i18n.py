"""Organisers' texts in every language: one table of translations for the languages other
than English and Chinese (kind, row, field, locale, with the English translated from); a
notice to guests, help above the registration form and a note in registration emails.

Revision ID: 0052_content_i18n
Revises: 0051_seatfix
Create Date: 2026-12-05 00:42:45.505414

"""
from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = '0052_content_i18n'
down_revision = '0051_seatfix'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('updated_at', eventhub.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_content_translation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_content_translation_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_translation')),
    sa.UniqueConstraint('kind', 'object_id', 'field', 'locale', name=op.f('uq_content_translation_kind_object_id_field_locale'))
    )
    with op.batch_alter_table('content_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_translation_event_id'), ['event_id'], unique=False)
        batch_op.create_index('ix_content_translation_locale_kind', ['locale', 'kind'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_notice_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('guest_notice_zh', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('registration_help_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('registration_help_zh', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email_note_en', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('email_note_zh', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('email_note_zh')
        batch_op.drop_column('email_note_en')
        batch_op.drop_column('registration_help_zh')
        batch_op.drop_column('registration_help_en')
        batch_op.drop_column('guest_notice_zh')
        batch_op.drop_column('guest_notice_en')

    with op.batch_alter_table('content_translation', schema=None) as batch_op:
        batch_op.drop_index('ix_content_translation_locale_kind')
        batch_op.drop_index(batch_op.f('ix_content_translation_event_id'))

    op.drop_table('content_translation')
