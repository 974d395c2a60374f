"""Certificates issued to participants, verified by anyone from their serial, and what an
event's certificates say."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import enum_column, utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant


class CertificateKind(enum.StrEnum):
    PARTICIPATION = "participation"
    SPEAKER = "speaker"
    COMMITTEE = "committee"  # organising committee


class Certificate(db.Model):
    """A certificate issued to a participant. Its serial, printed with a QR code, opens the
    public verification page; a revoked certificate shows as not valid there."""

    __tablename__ = "certificate"
    __table_args__ = (sa.UniqueConstraint("participant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind))
    # Random, 80 bits: not guessable, and every lookup is rate-limited.
    serial: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoked_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    emailed_at: Mapped[datetime | None]

    participant: Mapped[Participant] = relationship()


class CertificateSettings(db.Model):
    """What an event's certificates say, who signs them, and who receives one."""

    __tablename__ = "certificate_settings"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    title_en: Mapped[str] = mapped_column(sa.String(120), default="Certificate of Participation")
    title_zh: Mapped[str] = mapped_column(sa.String(120), default="参会证书")
    # {name} and {event} are filled in; plain text, no markup.
    body_en: Mapped[str] = mapped_column(
        sa.String(600), default="This is to certify that {name} participated in {event}."
    )
    body_zh: Mapped[str] = mapped_column(sa.String(600), default="兹证明 {name} 参加了{event}。")
    signatory_name: Mapped[str] = mapped_column(sa.String(120), default="")
    signatory_title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_title_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    signature_image: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    logo_image: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    # Who receives a participation certificate: "approved" (every approved participant);
    # the check-in module adds rules on attendance.
    rule: Mapped[str] = mapped_column(sa.String(20), default="approved")
