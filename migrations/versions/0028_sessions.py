"""sessions: server-side login sessions, API token scopes (checkpoints, read/write)

Revision ID: 0028_sessions
Revises: 0027_inputs
Create Date: 2026-12-03 19:30:00.000000

"""

from alembic import op
import sqlalchemy as sa

import eventhub.db


# revision identifiers, used by Alembic.
revision = "0028_sessions"
down_revision = "0027_inputs"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "user_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", eventhub.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ip_address", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=False),
        sa.Column("remember", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", eventhub.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_user_session_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_session")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_session_key_hash")),
    )
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_session_user_id"), ["user_id"], unique=False)

    # Existing tokens keep working as before: for every checkpoint, reading and writing.
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("may_write", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("all_checkpoints", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    op.create_table(
        "api_token_checkpoint",
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("checkpoint_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkpoint_id"],
            ["checkpoint.id"],
            name=op.f("fk_api_token_checkpoint_checkpoint_id_checkpoint"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["token_id"],
            ["api_token.id"],
            name=op.f("fk_api_token_checkpoint_token_id_api_token"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_id", "checkpoint_id", name=op.f("pk_api_token_checkpoint")),
    )
    with op.batch_alter_table("api_token_checkpoint", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_token_checkpoint_checkpoint_id"), ["checkpoint_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("api_token_checkpoint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_checkpoint_checkpoint_id"))
    op.drop_table("api_token_checkpoint")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_column("all_checkpoints")
        batch_op.drop_column("may_write")
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_session_user_id"))
    op.drop_table("user_session")
