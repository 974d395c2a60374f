"""Cooperation agreements, their parties and signatories, and the signing ceremonies."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.directory.models import Organisation
    from eventhub.registration.models import Participant
    from eventhub.scheduling.models import Activity


class AgreementKind(enum.StrEnum):
    MOU = "mou"  # memorandum of understanding
    FRAMEWORK = "framework"
    COOPERATION = "cooperation"
    LETTER_OF_INTENT = "letter_of_intent"


class AgreementStatus(enum.StrEnum):
    """The workflow, in order; no step may be skipped."""

    PROPOSED = "proposed"
    TEXT_AGREED = "text_agreed"
    LEGALLY_REVIEWED = "legally_reviewed"
    APPROVED = "approved"  # approved for signing
    ORIGINALS_READY = "originals_ready"  # printed and bound
    SIGNED = "signed"
    ARCHIVED = "archived"  # the scan of the signed copy is filed


WORKFLOW = list(AgreementStatus)


class Agreement(TimestampMixin, db.Model):
    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    title_en: Mapped[str] = mapped_column(sa.String(400))
    title_zh: Mapped[str] = mapped_column(sa.String(400), default="")
    kind: Mapped[AgreementKind] = mapped_column(
        enum_column(AgreementKind), default=AgreementKind.MOU
    )
    field: Mapped[str] = mapped_column(sa.String(100), default="")  # e-commerce, rail...
    status: Mapped[AgreementStatus] = mapped_column(
        enum_column(AgreementStatus), default=AgreementStatus.PROPOSED
    )
    # Language versions, e.g. "en,zh,lo"; the prevailing one decides in case of doubt.
    languages: Mapped[str] = mapped_column(sa.String(100), default="en,zh")
    prevailing_language: Mapped[str] = mapped_column(sa.String(8), default="en")
    originals: Mapped[int | None]  # one per party when unset
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    ceremony_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="SET NULL"), index=True
    )
    running_order: Mapped[int | None]  # place in the ceremony, 1 first

    parties: Mapped[list[AgreementParty]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.position"
    )
    witnesses: Mapped[list[AgreementWitness]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan"
    )
    transitions: Mapped[list[AgreementTransition]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="AgreementTransition.created_at",
    )
    amendments: Mapped[list[AgreementAmendment]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="AgreementAmendment.id",
    )
    ceremony: Mapped[Activity | None] = relationship()


class SignedAs:
    """Who a person was when the agreement was signed, copied at the "Signed" step: a
    later merge or edit of their registration does not rewrite who signed or witnessed."""

    signed_name: Mapped[str] = mapped_column(sa.String(260), default="")  # Latin letters
    signed_native_name: Mapped[str] = mapped_column(sa.String(200), default="")
    # The style and the honorific together ("Tan Sri Dr.").
    signed_honorific: Mapped[str] = mapped_column(sa.String(160), default="")
    signed_position: Mapped[str] = mapped_column(sa.String(300), default="")
    signed_name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    signed_position_zh: Mapped[str] = mapped_column(sa.String(300), default="")

    def signed_as(self, person: Participant | None) -> None:
        """Copy `person` as they are now (None: clear the copy)."""
        self.signed_name = person.latin_name if person else ""
        self.signed_native_name = person.native_name if person else ""
        self.signed_honorific = person.full_title if person else ""
        self.signed_position = person.position if person else ""
        self.signed_name_zh = person.name_zh if person else ""
        self.signed_position_zh = person.position_zh if person else ""


class AgreementParty(SignedAs, db.Model):
    """One side of an agreement: an organisation and the person who signs for it."""

    __tablename__ = "agreement_party"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    position: Mapped[int] = mapped_column(default=1)  # 1: the host side
    signatory_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    assistant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organisation: Mapped[Organisation] = relationship()
    signatory: Mapped[Participant | None] = relationship(foreign_keys=[signatory_id])
    assistant: Mapped[Participant | None] = relationship(foreign_keys=[assistant_id])


class AgreementWitness(SignedAs, db.Model):
    __tablename__ = "agreement_witness"
    __table_args__ = (sa.UniqueConstraint("agreement_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    # The organisation and country the witness stood for, as signed (a party's own
    # organisation is the party's, frozen with it).
    signed_organisation_en: Mapped[str] = mapped_column(sa.String(300), default="")
    signed_organisation_zh: Mapped[str] = mapped_column(sa.String(300), default="")
    signed_country_code: Mapped[str] = mapped_column(sa.String(2), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="witnesses")
    participant: Mapped[Participant] = relationship()

    def signed_as(self, person: Participant | None) -> None:
        """Copy `person` as they are now, with the organisation they stand for."""
        super().signed_as(person)
        organisation = person.organisation if person else None
        self.signed_organisation_en = organisation.name_en if organisation else ""
        self.signed_organisation_zh = organisation.name_zh if organisation else ""
        self.signed_country_code = (
            organisation.country_code if organisation else person.country_code if person else ""
        )


class AgreementTransition(db.Model):
    """Every step of the workflow, with who took it and when."""

    __tablename__ = "agreement_transition"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreement.id", ondelete="CASCADE"))
    from_status: Mapped[AgreementStatus] = mapped_column(enum_column(AgreementStatus))
    to_status: Mapped[AgreementStatus] = mapped_column(enum_column(AgreementStatus))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="transitions")


class AgreementAmendment(db.Model):
    """A correction of a signed agreement's record (a misspelt name, a wrong title): what
    is corrected, from what to what, why, by whom and when. The record as signed is kept;
    printouts show it, then its amendments."""

    __tablename__ = "agreement_amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), index=True
    )
    # "title_en", "title_zh", "originals", "signatory:<party id>", "witnesses"
    subject: Mapped[str] = mapped_column(sa.String(40))
    label: Mapped[str] = mapped_column(sa.String(400))  # what it was called, in English
    old_value: Mapped[str] = mapped_column(sa.Text, default="")
    new_value: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(sa.String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    agreement: Mapped[Agreement] = relationship(back_populates="amendments")


class CeremonyMaterial(db.Model):
    """Who prepares one line of a ceremony's materials checklist, and whether it is ready.
    The lines and quantities are computed from the agreements; only this is stored."""

    __tablename__ = "ceremony_material"
    __table_args__ = (sa.UniqueConstraint("ceremony_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ceremony_id: Mapped[int] = mapped_column(sa.ForeignKey("activity.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(80))  # e.g. "folders", "flag:LA", "original:12:3"
    prepared_by: Mapped[str] = mapped_column(sa.String(200), default="")
    ready: Mapped[bool] = mapped_column(default=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CeremonySettings(db.Model):
    """How a signing ceremony runs: minutes per step, how many signing tables sign at once
    (a batch), and on which side the host sits as the audience sees the stage."""

    __tablename__ = "ceremony_settings"

    ceremony_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activity.id", ondelete="CASCADE"), primary_key=True
    )
    tables: Mapped[int] = mapped_column(default=1)
    host_left: Mapped[bool] = mapped_column(default=True)  # Chinese practice
    # How people of the same protocol rank are ordered (registration.precedence.TieBreak).
    tie_break: Mapped[str] = mapped_column(
        sa.String(20), default="country_en", server_default="country_en"
    )
    opening_minutes: Mapped[int] = mapped_column(default=5)
    remarks_minutes: Mapped[int] = mapped_column(default=10)
    sign_own_minutes: Mapped[int] = mapped_column(default=2)
    exchange_minutes: Mapped[int] = mapped_column(default=1)
    sign_other_minutes: Mapped[int] = mapped_column(default=2)
    handshake_minutes: Mapped[int] = mapped_column(default=2)
    closing_minutes: Mapped[int] = mapped_column(default=5)


class AgreementScan(db.Model):
    """The scan of the signed copy, filed when the agreement is archived. Kept in the
    database, not on local disk, so that every worker and host can serve it."""

    __tablename__ = "agreement_scan"

    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreement.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    filename: Mapped[str] = mapped_column(sa.String(200))
    size: Mapped[int]
    pages: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
