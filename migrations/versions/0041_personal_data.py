"""personal data: consent per purpose under versioned notices, retention rules per kind,
erasure runs, requests about one person's data, and the mark of an erased participant

Revision ID: 0041_personal_data
Revises: 0040_photo_crop
Create Date: 2026-12-04 16:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0041_personal_data"
down_revision = "0040_photo_crop"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "privacy_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_privacy_notice_event_id_event", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name="fk_privacy_notice_created_by_id_user",
            ondelete="SET NULL",
        ),
        sa.UniqueConstraint(
            "event_id",
            "purpose",
            "language",
            "version",
            name="uq_privacy_notice_event_id_purpose_language_version",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_notice"),
    )
    op.create_table(
        "privacy_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("notice_version", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_privacy_consent_event_id_event", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name="fk_privacy_consent_participant_id_participant",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["privacy_notice.id"],
            name="fk_privacy_consent_notice_id_privacy_notice",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user.id"],
            name="fk_privacy_consent_recorded_by_id_user",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_consent"),
    )
    op.create_index("ix_privacy_consent_person", "privacy_consent", ["participant_id", "purpose"])
    op.create_table(
        "retention_rule",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_retention_rule_event_id_event", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["user.id"],
            name="fk_retention_rule_changed_by_id_user",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("event_id", "kind", name="pk_retention_rule"),
    )
    op.create_table(
        "erasure_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("trigger", sa.String(32), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_erasure_run_event_id_event", ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name="fk_erasure_run_participant_id_participant",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["user.id"], name="fk_erasure_run_actor_id_user", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_erasure_run"),
    )
    op.create_index("ix_erasure_run_event_id", "erasure_run", ["event_id"])
    op.create_table(
        "data_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.String(500), nullable=False),
        sa.Column("available_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erasure_run_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"], ["event.id"], name="fk_data_request_event_id_event", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name="fk_data_request_participant_id_participant",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["user.id"],
            name="fk_data_request_requested_by_id_user",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user.id"],
            name="fk_data_request_decided_by_id_user",
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["erasure_run_id"],
            ["erasure_run.id"],
            name="fk_data_request_erasure_run_id_erasure_run",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_data_request"),
    )
    op.create_index("ix_data_request_event_state", "data_request", ["event_id", "state"])
    op.create_index("ix_data_request_participant_id", "data_request", ["participant_id"])


def downgrade():
    op.drop_table("data_request")
    op.drop_table("erasure_run")
    op.drop_table("retention_rule")
    op.drop_index("ix_privacy_consent_person", table_name="privacy_consent")
    op.drop_table("privacy_consent")
    op.drop_table("privacy_notice")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("erased_at")
