"""imports: the organiser's settings for a delegation list (encoding, date order, defaults)

Revision ID: 0022_imports
Revises: 0021_quotas
Create Date: 2026-12-03 16:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022_imports"
down_revision = "0021_quotas"  # chained after the merge of main
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_column("settings")
