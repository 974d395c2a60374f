"""Organisers' texts in every language: what each domain lets organisers translate, and the
translations themselves, kept in one table for the languages other than English and Chinese
(those two have columns of their own, `<field>_en` and `<field>_zh`).

The events module is core and imports no domain: each domain declares its translatable
texts here (`register`) when its models are imported. `eventhub.i18n.localized` reads the
stored texts through the lookup `install` gives it, once per request, locale and kind.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, Session, mapped_column

from eventhub import i18n
from eventhub.audit import services as audit
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.pdf.fonts import MissingFont, check_printable

# Columns of their own: these languages are never stored here.
COLUMN_LOCALES = ("en", "zh_Hans")


class ContentTranslation(db.Model):
    """`field` of the `kind` row `object_id` (a table name and its id) in `locale`, with the
    English it was translated from: when the English changes, the translation is flagged."""

    __tablename__ = "content_translation"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id", "field", "locale"),
        sa.Index("ix_content_translation_locale_kind", "locale", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[int]
    field: Mapped[str] = mapped_column(sa.String(64))
    locale: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    @property
    def key(self) -> tuple[int, str]:
        return (self.object_id, self.field)


@dataclass(frozen=True)
class Field:
    """One translatable text of a kind: `name` as `localized` reads it ('title' for
    title_en/title_zh), its label on the translations page, and whether it is long."""

    name: str
    label: Any
    long: bool = False
    max_length: int = 2000


@dataclass(frozen=True)
class Kind:
    """A table whose rows hold organisers' texts. `objects(event)` lists the event's rows in
    the order organisers know them; `describe(obj)` names a row on the translations page."""

    kind: str
    label: Any
    fields: tuple[Field, ...]
    objects: Callable[[Any], Iterable[Any]]
    describe: Callable[[Any], str] = field(default=lambda obj: "")
    order: int = 50

    @staticmethod
    def key(obj: Any) -> int:
        """A row's id; a table of one row per event (its settings) is known by the event's."""
        return i18n.object_key(obj)


REGISTRY: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Declare a kind of translatable texts (each domain, for its own tables)."""
    REGISTRY[kind.kind] = kind
    return kind


def kinds() -> list[Kind]:
    return sorted(REGISTRY.values(), key=lambda k: (k.order, k.kind))


def english(obj: Any, name: str) -> str:
    """The English text of `name` on `obj` (`<name>_en`, else `<name>`)."""
    value = getattr(obj, f"{name}_en", None)
    if value is None:
        value = getattr(obj, name, "")
    return value or ""


def lookup(locale: str, kind: str, event_id: int | None = None) -> Mapping[tuple[int, str], str]:
    """Every stored text of `kind` in `locale` (of one event when given): {(object id,
    field): text}. One query; none for a table no domain registered (a delegation's name
    is not translated here)."""
    if locale in COLUMN_LOCALES or kind not in REGISTRY:
        return {}
    query = sa.select(
        ContentTranslation.object_id, ContentTranslation.field, ContentTranslation.text
    ).where(ContentTranslation.locale == locale, ContentTranslation.kind == kind)
    if event_id is not None:
        query = query.where(ContentTranslation.event_id == event_id)
    rows = db.session.execute(query)
    return {(object_id, name): text for object_id, name, text in rows if text}


def translations(event, locale: str, kind: str) -> dict[tuple[int, str], ContentTranslation]:
    """The event's stored translations of `kind` in `locale`, by (object id, field)."""
    rows = db.session.scalars(
        sa.select(ContentTranslation).where(
            ContentTranslation.event_id == event.id,
            ContentTranslation.locale == locale,
            ContentTranslation.kind == kind,
        )
    )
    return {row.key: row for row in rows}


def _forget_deleted(session: Session, _context: Any) -> None:
    """A deleted row's translations go with it (ids may be given again by the database)."""
    gone: dict[str, set[int]] = {}
    for obj in session.deleted:
        kind = getattr(obj, "__tablename__", None)
        key = i18n.object_key(obj)
        if kind in REGISTRY and key is not None:
            gone.setdefault(kind, set()).add(key)
    for kind, ids in gone.items():
        session.execute(
            sa.delete(ContentTranslation).where(
                ContentTranslation.kind == kind, ContentTranslation.object_id.in_(ids)
            )
        )
    if gone:
        i18n.forget_loaded_translations()


def install() -> None:
    """Give `localized` the stored translations, and clean them when a row is deleted."""
    i18n.set_translation_lookup(lookup)
    if not sa.event.contains(Session, "after_flush", _forget_deleted):
        sa.event.listen(Session, "after_flush", _forget_deleted)


# The event's own texts: its name and place, and the three texts organisers write to guests.
def _event_objects(event) -> list:
    return [event]


register(
    Kind(
        "event",
        _l("Event"),
        (
            Field("name", _l("Event name"), max_length=200),
            Field("city", _l("City"), max_length=100),
            Field("venue_address", _l("Venue address"), long=True, max_length=500),
            Field("guest_notice", _l("Notice to guests"), long=True, max_length=4000),
            Field(
                "registration_help",
                _l("Help above the registration form"),
                long=True,
                max_length=4000,
            ),
            Field("email_note", _l("Note in registration emails"), long=True, max_length=4000),
        ),
        _event_objects,
        order=0,
    )
)


# The translations page: every registered text of an event beside its translation.
@dataclass
class Entry:
    """One text to translate: `field` of `obj` (of `kind`), its English and what is stored."""

    kind: Kind
    obj: Any
    field: Field
    english: str
    stored: ContentTranslation | None

    @property
    def object_id(self) -> int:
        return self.kind.key(self.obj)

    @property
    def name(self) -> str:
        """The input's name on the page."""
        return f"t-{self.kind.kind}-{self.object_id}-{self.field.name}"

    @property
    def heading(self) -> str:
        """The object as organisers know it: the English of its first text."""
        return english(self.obj, self.kind.fields[0].name) or f"#{self.object_id}"

    @property
    def text(self) -> str:
        return self.stored.text if self.stored is not None else ""

    @property
    def stale(self) -> bool:
        """Translated from an English that has changed since: to check."""
        return self.stored is not None and self.stored.source != self.english


def locales_to_translate() -> list[str]:
    """The installation's languages other than English and Chinese (those have columns)."""
    return [code for code in i18n.supported_locales() if code not in COLUMN_LOCALES]


def entries(event, kind: Kind, locale: str, objects: Iterable[Any] | None = None) -> list[Entry]:
    """The texts of `kind` in `event` that have an English to translate from."""
    stored = translations(event, locale, kind.kind)
    found = []
    for obj in kind.objects(event) if objects is None else objects:
        for spec in kind.fields:
            text = english(obj, spec.name)
            if text.strip():
                found.append(Entry(kind, obj, spec, text, stored.get((kind.key(obj), spec.name))))
    return found


@dataclass
class Progress:
    translated: int = 0
    total: int = 0
    stale: int = 0


def progress(event) -> dict[str, dict[str, Progress]]:
    """{locale: {kind: Progress}} for the event: texts with an English, how many of them
    are translated in each language and how many of those are to check. Two queries a kind."""
    rows = db.session.execute(
        sa.select(
            ContentTranslation.locale,
            ContentTranslation.kind,
            ContentTranslation.object_id,
            ContentTranslation.field,
            ContentTranslation.source,
        ).where(ContentTranslation.event_id == event.id, ContentTranslation.text != "")
    )
    sources: dict[tuple[str, int, str], dict[str, str]] = {}
    for locale, kind, object_id, name, source in rows:
        sources.setdefault((kind, object_id, name), {})[locale] = source
    result = {locale: {} for locale in locales_to_translate()}
    for kind in kinds():
        counts = {locale: Progress() for locale in result}
        for obj in kind.objects(event):
            for spec in kind.fields:
                text = english(obj, spec.name)
                if not text.strip():
                    continue
                done = sources.get((kind.kind, kind.key(obj), spec.name), {})
                for locale, count in counts.items():
                    count.total += 1
                    if locale in done:
                        count.translated += 1
                        count.stale += done[locale] != text
        for locale, count in counts.items():
            result[locale][kind.kind] = count
    return result


# Direction overrides and isolates reorder what follows them: a title that shows one thing
# and says another (Unicode's "Trojan source").
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate(found: list[Entry], values: Mapping[str, str]) -> dict[str, str]:
    """{input name: error} for the texts that cannot be saved."""
    errors = {}
    for entry in found:
        value = _clean(values.get(entry.name))
        if not value:
            continue
        if len(value) > entry.field.max_length:
            errors[entry.name] = _("At most %(n)d characters.", n=entry.field.max_length)
        elif "\n" in value and not entry.field.long:
            # A title or a name is one line: it heads pages and emails' subjects.
            errors[entry.name] = _("Write this text on one line.")
        elif any(
            (unicodedata.category(c) in ("Cc", "Co", "Cs") and c != "\n") or c in _BIDI_CONTROLS
            for c in value
        ):
            errors[entry.name] = _("This text holds a control character: type it again.")
        else:
            try:  # names and titles are printed: agendas, covering pages, badges
                check_printable(value)
            except MissingFont as error:
                errors[entry.name] = str(error)
    return errors


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    return value.replace("\r\n", "\n").strip()


def save(
    event,
    locale: str,
    found: list[Entry],
    values: Mapping[str, str],
    confirmed: set[str],
    *,
    actor: Any = None,
) -> dict[str, list[Any]]:
    """Store what was typed for `found` in `locale`: a new text, a changed one, an emptied
    one removed; `confirmed` names stale ones the organiser says are still right. Returns the
    changes (also in the audit log); nothing unchanged is written. Flushes only."""
    if locale not in locales_to_translate():
        raise ValueError(locale)
    changes: dict[str, list[Any]] = {}
    now = utcnow()
    who = getattr(actor, "id", None)
    for entry in found:
        value = _clean(values.get(entry.name))
        if value is None:
            continue
        label = f"{locale} {entry.kind.kind} #{entry.object_id} {entry.field.name}"
        stored = entry.stored
        if stored is None:
            if value:
                db.session.add(
                    ContentTranslation(
                        event_id=event.id,
                        kind=entry.kind.kind,
                        object_id=entry.object_id,
                        field=entry.field.name,
                        locale=locale,
                        text=value,
                        source=entry.english,
                        updated_at=now,
                        updated_by_id=who,
                    )
                )
                changes[label] = [None, value]
        elif not value:
            db.session.delete(stored)
            changes[label] = [stored.text, None]
        elif value != stored.text or (entry.stale and entry.name in confirmed):
            changes[label] = [stored.text, value]
            stored.text, stored.source = value, entry.english
            stored.updated_at, stored.updated_by_id = now, who
    if changes:
        audit.record("content.translate", event, actor=actor, event_id=event.id, changes=changes)
    db.session.flush()
    i18n.forget_loaded_translations()
    return changes
