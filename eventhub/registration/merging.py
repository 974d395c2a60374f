"""Merging two registrations of one person: the organiser sees both field by field, chooses
which value each field keeps, confirms, and the other registration is removed. Nothing is
put together from parts of two values (a one-word Myanmar name stays as it is), and the
audit log keeps both versions, passport data masked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import localized, medium_datetime
from eventhub.registration import quotas
from eventhub.registration.duplicates import STATUS_RANK, pair
from eventhub.registration.forms import DIET_LABELS
from eventhub.registration.labels import CATEGORY_LABELS, STATUS_LABELS
from eventhub.registration.models import Delegation, Participant, ParticipantPhoto, Status
from eventhub.text import search_text

KEEP, TAKE = "keep", "take"  # the kept registration's value, or the removed one's


@dataclass(frozen=True)
class Field:
    """One line of the merge page: a label and the columns that travel together (the
    passport number with its digest and expiry, a flight with its date and time)."""

    key: str
    label: Any
    columns: tuple[str, ...]

    def stored(self, person: Participant) -> Any:
        """What the field holds, to tell whether two registrations differ: encrypted values
        compared by what they encrypt (the same number never encrypts the same twice)."""
        if self.key == "passport":
            return (person.passport_digest, person.passport_expiry)
        if self.key == "date_of_birth":
            return crypto.decrypt(person.date_of_birth_encrypted)
        if self.key == "photo":
            photo = db.session.get(ParticipantPhoto, person.id)
            return photo.content if photo else None
        return tuple(getattr(person, column) for column in self.columns)


FIELDS = (
    Field("family_name", _l("Family name (as in passport)"), ("family_name",)),
    Field("given_name", _l("Given name (as in passport)"), ("given_name",)),
    Field("patronymic", _l("Patronymic (bin, binti, a/l, a/p)"), ("patronymic",)),
    Field("name_order", _l("Name order"), ("name_order",)),
    Field("passport_name", _l("Name in the passport's machine-readable zone"), ("passport_name",)),
    Field("native_name", _l("Name in own script"), ("native_name",)),
    Field("name_zh", _l("Name in Chinese characters"), ("name_zh",)),
    Field("style", _l("Style of address"), ("style",)),
    Field("honorific", _l("Title"), ("honorific",)),
    Field("position", _l("Position"), ("position",)),
    Field("position_zh", _l("Position in Chinese"), ("position_zh",)),
    Field("organisation", _l("Organisation"), ("organisation_id",)),
    Field("delegation", _l("Delegation"), ("delegation_id",)),
    Field("country", _l("Country"), ("country_code",)),
    Field("category", _l("Category"), ("category",)),
    Field("status", _l("Status"), ("status", "status_reason")),
    Field("protocol_rank", _l("Protocol rank"), ("protocol_rank",)),
    Field("email", _l("Email"), ("email",)),
    Field("phone", _l("Phone"), ("phone",)),
    # Only an account one of the two registrations had already (its owner linked it): no
    # address is looked up here, so a merge cannot hand the person to a third account.
    Field("account", _l("Account"), ("user_id",)),
    Field("nationality", _l("Nationality"), ("nationality_code",)),
    Field(
        "passport",
        _l("Passport number"),
        ("passport_number_encrypted", "passport_digest", "passport_expiry"),
    ),
    Field("date_of_birth", _l("Date of birth"), ("date_of_birth_encrypted",)),
    Field("visa_letter_requested", _l("Visa invitation letter"), ("visa_letter_requested",)),
    Field(
        "arrival",
        _l("Arrival"),
        ("arrival_date", "arrival_at", "arrival_flight", "arrival_point"),
    ),
    Field(
        "departure",
        _l("Departure"),
        ("departure_date", "departure_at", "departure_flight", "departure_point"),
    ),
    Field("hotel", _l("Hotel"), ("hotel",)),
    Field("diet", _l("Diet"), ("diet", "dietary_notes")),
    Field("accessibility_needs", _l("Accessibility needs"), ("accessibility_needs",)),
    Field("interpretation_language", _l("Interpretation language"), ("interpretation_language",)),
    Field("photo", _l("Portrait photo"), ()),
)
FIELDS_BY_KEY = {field.key: field for field in FIELDS}
NAME_PARTS = ("family_name", "given_name")


@dataclass
class Line:
    """A field of the merge page: what each registration holds, as shown, and the choice."""

    field: Field
    kept: str
    removed: str
    choice: str
    # Both hold the same (two passport numbers masked alike are still two numbers).
    same: bool

    @property
    def result(self) -> str:
        return self.kept if self.choice == KEEP else self.removed


def _has_photo(person: Participant) -> bool:
    return db.session.get(ParticipantPhoto, person.id) is not None


def shown(person: Participant, field: Field) -> str:
    """The field's value as the organiser reads it; passport data masked, always."""
    zone = ZoneInfo(person.event.timezone)
    match field.key:
        case "organisation":
            return localized(person.organisation, "name") if person.organisation else ""
        case "delegation":
            return localized(person.delegation, "name") if person.delegation else ""
        case "country":
            return localized(person.country, "name") if person.country else person.country_code
        case "nationality":
            return localized(person.nationality, "name") if person.nationality else ""
        case "category":
            return str(CATEGORY_LABELS[person.category])
        case "status":
            label = str(STATUS_LABELS[person.status])
            return f"{label} ({person.status_reason})" if person.status_reason else label
        case "protocol_rank":
            return str(person.protocol_rank or "")
        case "account":
            return person.user.email if person.user else ""
        case "passport":
            number = crypto.mask(crypto.decrypt(person.passport_number_encrypted))
            expiry = format_date(person.passport_expiry) if person.passport_expiry else ""
            return " · ".join(part for part in (number, expiry) if part)
        case "date_of_birth":
            return "••••-••-••" if person.date_of_birth_encrypted else ""
        case "visa_letter_requested":
            return str(_l("Requested")) if person.visa_letter_requested else ""
        case "arrival" | "departure":
            at = getattr(person, f"{field.key}_at")
            day = getattr(person, f"{field.key}_date")
            when = medium_datetime(at.astimezone(zone)) if at else ""
            when = when or (format_date(day) if day else "")
            parts = (
                when,
                getattr(person, f"{field.key}_flight"),
                getattr(person, f"{field.key}_point"),
            )
            return " · ".join(part for part in parts if part)
        case "diet":
            label = str(DIET_LABELS[person.diet]) if person.diet.value != "none" else ""
            return " · ".join(part for part in (label, person.dietary_notes) if part)
        case "photo":
            return str(_l("Photo")) if _has_photo(person) else ""
    return str(getattr(person, field.columns[0]) or "")


def _default(field: Field, kept: Participant, removed: Participant, values) -> str:
    """The kept registration's value, unless it has none and the other has one; the further
    along of the two decisions, and a visa letter if either asked for one. The passport
    name is one whole: an empty family name is a person with one name, not a gap to fill
    ('Aung Hlaing' once became 'AUNG Aung Hlaing')."""
    kept_value, removed_value = values
    if field.key in NAME_PARTS:
        return KEEP
    if field.key == "status":
        return TAKE if STATUS_RANK[removed.status] > STATUS_RANK[kept.status] else KEEP
    return TAKE if not kept_value and removed_value else KEEP


def lines(event: Event, keep_id: int, drop_id: int) -> tuple[Participant, Participant, list]:
    """Both registrations and a Line per field, with the default choice."""
    kept, removed = pair(event, keep_id, drop_id)
    found = []
    for field in FIELDS:
        values = (shown(kept, field), shown(removed, field))
        same = field.stored(kept) == field.stored(removed)
        found.append(Line(field, *values, _default(field, kept, removed, values), same))
    return kept, removed, found


def with_choices(found: list[Line], choices: dict[str, str]) -> list[Line]:
    """The lines with the organiser's choices (a field left out keeps its default)."""
    for line in found:
        if choices.get(line.field.key) in (KEEP, TAKE) and not line.same:
            line.choice = choices[line.field.key]
    return found


def merge(
    event: Event, keep_id: int, drop_id: int, choices: dict[str, str], *, actor: User
) -> Participant:
    """Keep one registration with the chosen value of each field, move what belongs to the
    other (badge, enrolments, scans, certificates...) to it, and remove the other."""
    quotas.lock_places(event.id)  # before the rows the places are counted from
    kept, removed, found = lines(event, keep_id, drop_id)
    found = with_choices(found, choices)
    changes: dict[str, Any] = {
        "merged": [f"#{removed.id} {removed.latin_name} <{removed.email}>", f"#{kept.id}"]
    }
    # Field names as keys, as in every audit entry (named in the reader's language when
    # shown: forms.HISTORY_LABELS).
    removed_version = {line.field.key: [line.removed, None] for line in found if line.removed}
    for line in found:
        if line.choice != TAKE or line.same:
            continue
        changes[line.field.key] = [line.kept or None, line.removed]
        if line.field.key == "photo":
            _take_photo(kept, removed)
        for column in line.field.columns:
            setattr(kept, column, getattr(removed, column))
    kept.locked_at = kept.locked_at or removed.locked_at
    kept.search_text = search_text(
        kept.family_name,
        kept.given_name,
        kept.patronymic,
        kept.native_name,
        kept.name_zh,
        kept.email,
        kept.organisation.name_en if kept.organisation else "",
    )
    audit.record("participant.merge", kept, actor=actor, event_id=event.id, changes=changes)
    # What the removed registration held, in full (passport data masked as on the page).
    audit.record(
        "participant.merge_removed",
        removed,
        actor=actor,
        event_id=event.id,
        changes=removed_version,
    )
    # One person holds one place: the removed registration leaves the waiting list, and so
    # does the kept one unless it is still waiting.
    quotas.leave_waiting_list(removed)
    if kept.status != Status.WAITLISTED:
        quotas.leave_waiting_list(kept)
    _move_related(removed.id, kept)
    # Its id is given to nobody else later (links, audit entries and printed lists name
    # it): PostgreSQL's sequences and SQLite's AUTOINCREMENT tables (eventhub.db) never
    # reuse one. Its badge, unless it moved to the kept registration, goes with it.
    db.session.delete(removed)
    db.session.flush()
    quotas.fill_places(event.id, actor=actor)  # two places held by one person: one frees
    return kept


def _take_photo(kept: Participant, removed: Participant) -> None:
    photo = db.session.get(ParticipantPhoto, removed.id)
    if photo is None:
        old = db.session.get(ParticipantPhoto, kept.id)
        if old is not None:
            db.session.delete(old)
        return
    current = db.session.get(ParticipantPhoto, kept.id) or ParticipantPhoto(participant_id=kept.id)
    current.content, current.content_type = photo.content, photo.content_type
    current.width, current.height = photo.width, photo.height
    current.original, current.cropped_by_organiser = photo.original, photo.cropped_by_organiser
    current.crop_left, current.crop_top = photo.crop_left, photo.crop_top
    current.crop_width, current.crop_height = photo.crop_width, photo.crop_height
    db.session.add(current)


# Rows of registration's own that are not moved: its photo (chosen above), the pairs
# dismissed (meaningless for the merged person) and delegation heads (handled below).
_NOT_MOVED = {"participant", "participant_photo", "duplicate_dismissal", "delegation"}


def _move_related(removed_id: int, kept: Participant) -> None:
    """Every row elsewhere that points at the removed registration (badge, enrolments,
    scans, admissions, certificates, seats...) points at the kept one instead, found from
    the schema, so registration imports none of those domains and a new table is not
    forgotten. Where the kept registration already has the one row allowed (a badge, a
    seat at an activity), the removed one's row goes with it: the kept one's is kept."""
    db.session.flush()
    participant_id = Participant.__table__.c.id
    for table in db.metadata.sorted_tables:
        if table.name in _NOT_MOVED:
            continue
        for key in table.foreign_keys:
            if key.column is not participant_id:
                continue
            column = key.parent
            condition = column == removed_id
            for unique in _unique_sets(table):
                if column.name not in unique:
                    continue
                twin = table.alias()
                others = [twin.c[name] == table.c[name] for name in unique - {column.name}]
                condition = condition & ~sa.exists().where(twin.c[column.name] == kept.id, *others)
            db.session.execute(sa.update(table).where(condition).values({column: kept.id}))
    # A delegation headed by the removed registration is headed by the kept one if that is
    # the kept one's own delegation; otherwise it has no head until an organiser names one.
    for delegation in db.session.scalars(
        sa.select(Delegation).where(Delegation.head_id == removed_id)
    ):
        delegation.head_id = kept.id if kept.delegation_id == delegation.id else None


def _unique_sets(table: sa.Table) -> list[set[str]]:
    sets = [{c.name for c in table.primary_key.columns}]
    for constraint in table.constraints:
        if isinstance(constraint, sa.UniqueConstraint):
            sets.append({c.name for c in constraint.columns})
    sets += [{c.name for c in index.columns} for index in table.indexes if index.unique]
    sets += [{c.name} for c in table.columns if c.unique]
    return sets
