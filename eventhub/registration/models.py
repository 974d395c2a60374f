"""Participants of an event and the delegations they travel in."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import get_locale
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventhub import personnames
from eventhub.db import TimestampMixin, enum_column, utcnow
from eventhub.extensions import db
from eventhub.i18n import normalise_locale

if TYPE_CHECKING:
    from eventhub.auth.models import User
    from eventhub.directory.models import Country, Organisation
    from eventhub.events.models import Event


class Category(enum.StrEnum):
    """What a participant is at the event; drives badge colour and access."""

    OFFICIAL = "official"  # officials and VIPs
    DELEGATE = "delegate"
    SPEAKER = "speaker"
    MEDIA = "media"
    INTERPRETER = "interpreter"
    STAFF = "staff"
    VOLUNTEER = "volunteer"


class Status(enum.StrEnum):
    PENDING = "pending"  # registered, waiting for review
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Diet(enum.StrEnum):
    NONE = "none"
    HALAL = "halal"
    VEGETARIAN = "vegetarian"
    VEGAN = "vegan"


class Source(enum.StrEnum):
    """How a registration reached us."""

    FORM = "form"
    DELEGATION = "delegation"  # entered by a head of delegation
    IMPORT = "import"
    API = "api"
    ORGANISER = "organiser"


class ProtocolRank(db.Model):
    """One step of an event's order of precedence: participants hold its level, 1 the most
    senior. An event that never edited its ladder uses the default one (services)."""

    __tablename__ = "protocol_rank"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "level"),
        sa.CheckConstraint("level BETWEEN 1 AND 99", name="level_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    level: Mapped[int]
    label_en: Mapped[str] = mapped_column(sa.String(120))
    label_zh: Mapped[str] = mapped_column(sa.String(120))
    # Counted among the VIPs in figures and lists, and met on arrival.
    vip: Mapped[bool] = mapped_column(default=False)


class Delegation(TimestampMixin, db.Model):
    """A group travelling together: a country's delegation or an organisation's."""

    __tablename__ = "delegation"
    __table_args__ = (sa.UniqueConstraint("event_id", "name_en"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="")
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    # Protocol order among the event's delegations (1 first): the organisers' call, used
    # wherever delegations are listed in order.
    protocol_order: Mapped[int] = mapped_column(default=0, server_default="0")
    # The head is one of the members; the cycle is broken by creating the FK after both
    # tables exist (use_alter) and updating it after the insert (post_update).
    head_id: Mapped[int | None] = mapped_column(
        # Indexed: every scan asks whether the badge's holder heads a delegation.
        sa.ForeignKey("participant.id", use_alter=True, ondelete="SET NULL"),
        index=True,
    )

    event: Mapped[Event] = relationship()
    country: Mapped[Country] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    head: Mapped[Participant | None] = relationship(foreign_keys=[head_id], post_update=True)

    def __repr__(self) -> str:
        return f"<Delegation {self.name_en!r}>"


def format_latin_name(family_name: str | None, given_name: str, **more: str) -> str:
    """The name without title as lists and badges show it ('YANG Ming', 'Somchai JAIDEE',
    'Nurul Huda binti Abdullah'): eventhub.personnames decides, by the customary order
    (given in `more`, or the country's)."""
    fields = {"family_name": family_name or "", "given_name": given_name, **more}
    return personnames.display(fields, personnames.protocol.NAME)


# Sort keys are compared byte by byte on both databases: PostgreSQL's language collations
# ignore spaces and would order "LE Van" / "LEE Min" unlike SQLite.
SORT_TEXT = sa.String(250).with_variant(sa.String(250, collation="C"), "postgresql")


class Participant(TimestampMixin, db.Model):
    """A person attending an event, named as in their passport and in their own script."""

    __tablename__ = "participant"
    __table_args__ = (
        sa.Index("ix_participant_event_status", "event_id", "status"),
        sa.Index("ix_participant_event_country", "event_id", "country_code"),
        sa.Index("ix_participant_event_email", "event_id", "email"),
        sa.Index("ix_participant_event_passport", "event_id", "passport_digest"),
        sa.Index("ix_participant_event_sort_name", "event_id", "sort_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    delegation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delegation.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    # Latin letters. Many people in Myanmar and Indonesia have one name only: it goes in
    # given_name and family_name stays empty. A Malay name has no family name: its
    # patronymic ("binti Abdullah", "a/l Muthusamy") is part of the full name.
    family_name: Mapped[str] = mapped_column(sa.String(100), default="")
    given_name: Mapped[str] = mapped_column(sa.String(150))
    patronymic: Mapped[str] = mapped_column(sa.String(150), default="", server_default="")
    native_name: Mapped[str] = mapped_column(sa.String(200), default="")
    # "Dr.", "Prof." (honorific) and "H.E.", "Tan Sri", "Dato'", "Yang Mulia" (style): both
    # before the name (style first), never with the position.
    honorific: Mapped[str] = mapped_column(sa.String(60), default="")
    style: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # "given" (Thai, Malay, Indonesian...) or "family" (Chinese, Vietnamese, Khmer...):
    # the order the person writes their Latin name in; the country's custom when not given.
    name_order: Mapped[str] = mapped_column(sa.String(6), default="", server_default="")
    # The name as the passport's machine-readable zone has it (A-Z and spaces), for hotels
    # and airlines, when it differs from the one derived from the Latin name (see mrz_name).
    passport_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    position: Mapped[str] = mapped_column(sa.String(300), default="")
    # A foreign name and title as Chinese readers know them (通伦·西苏里, 外交部长): read by
    # the master of ceremonies and printed on Chinese lines. Chinese names need none.
    name_zh: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    position_zh: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), index=True
    )
    country_code: Mapped[str] = mapped_column(sa.ForeignKey("country.code"))
    category: Mapped[Category] = mapped_column(enum_column(Category), default=Category.DELEGATE)
    status: Mapped[Status] = mapped_column(enum_column(Status), default=Status.PENDING)
    # Order of precedence: 1 is the most senior; None for people without protocol rank.
    protocol_rank: Mapped[int | None]
    # When the person took up the post that gives the rank: the earlier appointed goes first
    # among holders of the same rank, where the organisers choose that order.
    appointed_on: Mapped[date | None]
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")

    diet: Mapped[Diet] = mapped_column(enum_column(Diet), default=Diet.NONE)
    dietary_notes: Mapped[str] = mapped_column(sa.String(500), default="")  # allergies
    accessibility_needs: Mapped[str] = mapped_column(sa.String(500), default="")
    interpretation_language: Mapped[str] = mapped_column(sa.String(8), default="")
    # Arrival and departure: the local calendar date, and the instant (UTC) once the time is
    # known; lists from partners often give a date alone.
    arrival_date: Mapped[date | None]
    arrival_at: Mapped[datetime | None]
    arrival_flight: Mapped[str] = mapped_column(sa.String(20), default="")
    arrival_point: Mapped[str] = mapped_column(sa.String(100), default="")  # airport/station
    departure_date: Mapped[date | None]
    departure_at: Mapped[datetime | None]
    departure_flight: Mapped[str] = mapped_column(sa.String(20), default="")
    departure_point: Mapped[str] = mapped_column(sa.String(100), default="")
    hotel: Mapped[str] = mapped_column(sa.String(200), default="")

    # Only for a visa invitation letter. Passport number and date of birth are encrypted
    # (eventhub.crypto); the digest finds duplicates without decrypting.
    visa_letter_requested: Mapped[bool] = mapped_column(default=False)
    # A VIP or anyone protocol staff must meet: their admission at a gate raises an alert.
    needs_attention: Mapped[bool] = mapped_column(default=False)
    nationality_code: Mapped[str | None] = mapped_column(sa.ForeignKey("country.code"))
    date_of_birth_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    passport_number_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    passport_digest: Mapped[str | None] = mapped_column(sa.String(64))
    passport_expiry: Mapped[date | None]

    source: Mapped[Source] = mapped_column(enum_column(Source), default=Source.FORM)
    status_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    # The status a withdrawn participant had before, for an undo (delegations.restore).
    withdrawn_from: Mapped[Status | None] = mapped_column(enum_column(Status))
    # Set by organisers: from then on the participant can no longer edit their data.
    locked_at: Mapped[datetime | None]
    # Erased (privacy.persons): what identified the person is gone; the row stays for
    # attendance counts and certificate serials, its id never reused.
    erased_at: Mapped[datetime | None]
    # SHA-256 of the secret in the participant's own link (sent by email).
    access_key_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The same secret, encrypted, so later emails carry the link the participant already has.
    access_key_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    # The language the participant registered in: their emails are written in it.
    locale: Mapped[str] = mapped_column(sa.String(16), default="")
    # Names, email and organisation folded for search in any script (see services).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # Where the person goes in a list sorted by name (personnames.sort_key), kept up to date on
    # every save by the listener below.
    sort_name: Mapped[str] = mapped_column(SORT_TEXT, default="", server_default="")

    event: Mapped[Event] = relationship()
    delegation: Mapped[Delegation | None] = relationship(foreign_keys=[delegation_id])
    organisation: Mapped[Organisation | None] = relationship()
    country: Mapped[Country] = relationship(foreign_keys=[country_code])
    nationality: Mapped[Country | None] = relationship(foreign_keys=[nationality_code])
    user: Mapped[User | None] = relationship()

    @property
    def latin_name(self) -> str:
        """The name without title, family name in capitals: 'YANG Ming', 'Somchai JAIDEE'."""
        return personnames.display(self, personnames.protocol.NAME)

    @property
    def full_title(self) -> str:
        """'Tan Sri Dr.': the style, then the honorific."""
        return personnames.protocol.title_of(self)

    @property
    def titled_name(self) -> str:
        """'Tan Sri Dr. Ahmad bin Hassan', 'Dr. YANG Ming': badges, lists, certificates."""
        return personnames.display(self, personnames.protocol.LIST)

    @property
    def salutation_name(self) -> str:
        """What follows "Dear" in the language the text is written in (emails are written
        under the reader's locale): 'Dr. Nurul Huda', 'Dr. Yang', 'Dr. Somchai'; '杨明' for a
        Chinese reader."""
        locale = get_locale()
        return self.name(personnames.protocol.SALUTATION, str(locale) if locale else "en")

    @property
    def language(self) -> str:
        """The language to write to this person in, whoever sends: the one they registered
        in (or chose since), else their account's, else English, the lingua franca of the
        region's delegates (never the sender's: an organiser's Chinese is not theirs)."""
        account = self.user.locale if self.user is not None else None
        return normalise_locale(self.locale) or normalise_locale(account) or "en"

    @property
    def mrz_name(self) -> str:
        """The passport's machine-readable name: as entered, or derived ('NGUYEN THI LAN')."""
        return self.passport_name or personnames.mrz_name(self)

    def name(self, place: str, locale: str = "en") -> str:
        """The name as `place` shows it (eventhub.personnames.PLACES)."""
        return personnames.display(self, place, locale)

    def __repr__(self) -> str:
        return f"<Participant {self.id} {self.latin_name!r}>"


@sa.event.listens_for(Participant, "before_insert")
@sa.event.listens_for(Participant, "before_update")
def _keep_sort_name(_mapper, _connection, participant: Participant) -> None:
    """Whatever changed the names (form, import, merge, API), the sort key follows. A name
    without an order keeps none: it follows its country's custom, whatever the country
    becomes (personnames.order_of)."""
    participant.sort_name = personnames.sort_key(participant)


class LimitKind(enum.StrEnum):
    """What a registration limit counts: the whole event, or one delegation, country or
    participant category of it."""

    EVENT = "event"
    DELEGATION = "delegation"
    COUNTRY = "country"
    CATEGORY = "category"


class RegistrationLimit(db.Model):
    """The places of an event (its capacity) or of a part of it (a quota). No row: no limit.

    `value` names the part: a delegation's id, a country's code, a category; empty for the
    event itself.
    """

    __tablename__ = "registration_limit"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "kind", "value"),
        sa.CheckConstraint("places >= 1", name="places_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    kind: Mapped[LimitKind] = mapped_column(enum_column(LimitKind))
    value: Mapped[str] = mapped_column(sa.String(64), default="")
    places: Mapped[int]


class WaitingPlace(db.Model):
    """A participant on the automatic waiting list (status waitlisted): since when, which is
    their turn, and the status a freed place gives back (pending, or approved when an
    organiser's approval found no place). People an organiser puts on the waiting list by
    hand have none: they are listed, never moved up automatically (see quotas)."""

    __tablename__ = "waiting_place"
    __table_args__ = (sa.Index("ix_waiting_place_event_since", "event_id", "since"),)

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    since: Mapped[datetime] = mapped_column(default=utcnow)
    wanted: Mapped[Status] = mapped_column(enum_column(Status))

    participant: Mapped[Participant] = relationship()


class ParticipantPhoto(db.Model):
    """The portrait for the badge, re-encoded as JPEG. In the database, not on disk, so
    every worker and host sees it. `content` is the 3:4 crop shown and printed everywhere;
    `original` the upload it is cut from (width x height), kept for a new crop."""

    __tablename__ = "participant_photo"

    participant_id: Mapped[int] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True
    )
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    content_type: Mapped[str] = mapped_column(sa.String(32), default="image/jpeg")
    width: Mapped[int]
    height: Mapped[int]
    original: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    # The crop box in the original's pixels; chosen by an organiser or the default one.
    crop_left: Mapped[int | None]
    crop_top: Mapped[int | None]
    crop_width: Mapped[int | None]
    crop_height: Mapped[int | None]
    cropped_by_organiser: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ImportState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ImportBatch(db.Model):
    """An uploaded delegation list between its preview and its import. In the database, so
    that whichever worker serves the confirmation finds it."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_at: Mapped[datetime | None]
    imported_count: Mapped[int] = mapped_column(default=0)
    # A large list is imported by a job worker: None until the organiser confirms, then
    # "queued", "running", "done" or "failed" (see jobs.recover_stalled_runs).
    state: Mapped[ImportState | None] = mapped_column(enum_column(ImportState))
    # The organiser's column choices at confirmation ({column index: field}), and their
    # language, for the reason if the import fails (a retry after a crash has no request).
    mapping: Mapped[dict | None] = mapped_column(sa.JSON)
    locale: Mapped[str] = mapped_column(sa.String(16), default="en", server_default="en")
    # The rest of the organiser's choices: the CSV's encoding, the day/month order of
    # date columns, and the values for all rows (delegation, country, category).
    settings: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class DuplicateDismissal(db.Model):
    """Two registrations an organiser looked at and decided are different people."""

    __tablename__ = "duplicate_dismissal"
    __table_args__ = (sa.UniqueConstraint("first_id", "second_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    # The lower id first, so a pair is stored once.
    first_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    second_id: Mapped[int] = mapped_column(sa.ForeignKey("participant.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PendingPhoto(db.Model):
    """A valid photo sent with a form that had other errors, kept so the person does not
    have to choose it again. Referred to by a random token in the re-shown form."""

    __tablename__ = "pending_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content: Mapped[bytes] = mapped_column(sa.LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Submission(db.Model):
    """A registration form or API call already handled. The same one sent again (a retry on
    a weak venue network, a double click) finds it and shows the first one's result; the
    unique key makes two sent at the same instant insert one row: the second waits for the
    first to commit, then finds it."""

    __tablename__ = "registration_submission"
    __table_args__ = (sa.UniqueConstraint("event_id", "scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    scope: Mapped[str] = mapped_column(sa.String(40))  # "form", or "token:<id>" for the API
    key: Mapped[str] = mapped_column(sa.String(255))  # the form's hidden key, Idempotency-Key
    participant_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("participant.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
