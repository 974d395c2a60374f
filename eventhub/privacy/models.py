"""Notices, consents, retention rules, erasure runs and requests about one person's data.

Consents are never updated: a change of mind is a new row, so the history says what the
person agreed to, under which version of which notice, in which language, and when.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventhub.db import enum_column, utcnow
from eventhub.extensions import db
from eventhub.privacy.kinds import Kind, Purpose


class Notice(db.Model):
    """The text a registrant reads before consenting to one purpose, in one language. Editing
    adds a version: a consent keeps pointing at the words the person actually saw."""

    __tablename__ = "privacy_notice"
    __table_args__ = (sa.UniqueConstraint("event_id", "purpose", "language", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    purpose: Mapped[Purpose] = mapped_column(enum_column(Purpose))
    language: Mapped[str] = mapped_column(sa.String(16))  # a locale: "en", "zh_Hans", "th"
    version: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))


class ConsentSource(enum.StrEnum):
    FORM = "form"  # the registrant ticked it on the registration form
    OWN_PAGE = "own_page"  # changed later on their own page
    HEAD = "head"  # entered by the head of their delegation, who collected it
    ORGANISER = "organiser"  # recorded by an organiser (a signed paper form)
    IMPORT = "import"  # the sender of an imported list vouched for it
    API = "api"  # sent by a partner's system, which asked the person


class Consent(db.Model):
    """One person's answer for one purpose, at one moment."""

    __tablename__ = "privacy_consent"
    __table_args__ = (sa.Index("ix_privacy_consent_person", "participant_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    purpose: Mapped[Purpose] = mapped_column(enum_column(Purpose))
    given: Mapped[bool]
    # The notice shown (None when it was given without one, e.g. on paper).
    notice_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("privacy_notice.id", ondelete="SET NULL")
    )
    notice_version: Mapped[int | None]
    language: Mapped[str] = mapped_column(sa.String(16), default="")
    source: Mapped[ConsentSource] = mapped_column(enum_column(ConsentSource))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )


class RetentionRule(db.Model):
    """How long an event keeps one kind of data, when it differs from kinds.DEFAULT_DAYS."""

    __tablename__ = "retention_rule"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[Kind] = mapped_column(enum_column(Kind), primary_key=True)
    days: Mapped[int]
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))


class ErasureTrigger(enum.StrEnum):
    NIGHTLY = "nightly"  # the periodic job
    MANUAL = "manual"  # an organiser's "Erase now"
    PERSON = "person"  # one person erased (by an organiser, or a request approved)
    IMPORT = "import"  # import-event dropped data past its date


class ErasureRun(db.Model):
    """What one erasure removed, by kind: the report's history (the audit log has it too)."""

    __tablename__ = "erasure_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    trigger: Mapped[ErasureTrigger] = mapped_column(enum_column(ErasureTrigger))
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    counts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))


class RequestKind(enum.StrEnum):
    EXPORT = "export"
    ERASURE = "erasure"


class RequestState(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # an export ready to download, or an erasure done
    REFUSED = "refused"


class DataRequest(db.Model):
    """A head of delegation (or the person) asks for a member's data or its erasure; an
    organiser approves or refuses, saying why."""

    __tablename__ = "data_request"
    __table_args__ = (sa.Index("ix_data_request_event_state", "event_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    state: Mapped[RequestState] = mapped_column(
        enum_column(RequestState), default=RequestState.REQUESTED
    )
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str] = mapped_column(sa.String(500), default="")
    # An approved export can be downloaded until then; an erasure's run.
    available_until: Mapped[datetime | None]
    erasure_run_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("erasure_run.id", ondelete="SET NULL")
    )


class ErasedPerson(db.Model):
    """A tombstone: this person of this event was erased. It outlives the event (no foreign
    key) so that restoring an archive made before the erasure erases them again (archives)."""

    __tablename__ = "erased_person"
    __table_args__ = (sa.UniqueConstraint("event_slug", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_slug: Mapped[str] = mapped_column(sa.String(64))
    participant_id: Mapped[int]  # as in the database (an archive keeps participants' ids)
    erased_at: Mapped[datetime] = mapped_column(default=utcnow)
