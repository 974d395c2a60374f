"""One visa case per participant: where their visa stands and when each step was taken."""

from __future__ import annotations

import enum
from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub.db import TimestampMixin, enum_column
from eventhub.extensions import db

if TYPE_CHECKING:
    from eventhub.registration.models import Participant


class VisaStep(enum.StrEnum):
    """The steps in their order; granted and refused are the embassy's two outcomes."""

    REQUESTED = "requested"
    ISSUED = "issued"  # the invitation letter is drawn
    SENT = "sent"  # the letter is with the person (or their embassy)
    GRANTED = "granted"
    REFUSED = "refused"


class VisaCase(TimestampMixin, db.Model):
    """A participant's visa. Without a case, someone who asked for a letter at registration
    stands at "requested" (see workflow.state_of). The step dates are calendar dates, as
    people say them ("sent on 3 June"), not instants."""

    __tablename__ = "visa_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), unique=True
    )
    state: Mapped[VisaStep] = mapped_column(enum_column(VisaStep), index=True)
    requested_on: Mapped[date | None]
    issued_on: Mapped[date | None]
    sent_on: Mapped[date | None]
    decided_on: Mapped[date | None]  # the embassy's outcome, granted or refused
    note: Mapped[str] = mapped_column(sa.String(500), default="")

    participant: Mapped[Participant] = relationship()
