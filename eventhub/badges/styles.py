"""How an event's badges look: colour, code, labels and zones per category; the back's text."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges.models import BadgeSettings, BadgeStyle
from eventhub.badges.render import Style
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.pdf import MissingFont, check_printable
from eventhub.registration.models import Category
from eventhub.text import clean

# The committee's usual scheme: red for officials and heads of delegation, blue delegates...
DEFAULT_STYLES = {
    Category.OFFICIAL: ("#c8102e", "V", "Official", "贵宾", "1 2 3 V"),
    Category.DELEGATE: ("#1f5f9e", "D", "Delegate", "代表", "1 2"),
    Category.SPEAKER: ("#6f42c1", "S", "Speaker", "演讲嘉宾", "1 2 3"),
    Category.MEDIA: ("#e0a800", "M", "Media", "媒体", "1 M"),
    Category.INTERPRETER: ("#0f7b6c", "I", "Interpreter", "翻译", "1 2 3"),
    Category.STAFF: ("#2e7d32", "T", "Staff", "工作人员", "ALL"),
    Category.VOLUNTEER: ("#f47c20", "W", "Volunteer", "志愿者", "1 2"),
}


def styles_of(event_id: int) -> dict[Category, Style]:
    styles = {category: Style(*values) for category, values in DEFAULT_STYLES.items()}
    for row in db.session.scalars(sa.select(BadgeStyle).where(BadgeStyle.event_id == event_id)):
        styles[row.category] = Style(row.colour, row.code, row.label_en, row.label_zh, row.zones)
    return styles


class SettingsInvalid(DomainError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = errors


def save_styles(event: Event, rows: dict[Category, dict[str, str]], *, actor: User | None) -> dict:
    """The event's colour band, letter code, labels and zones per category, all at once;
    `rows` maps each category to its typed values. Refused whole, with reasons by field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[Category, dict[str, str]] = {}
    codes_used: dict[str, Category] = {}
    for category, typed in rows.items():
        values = {
            name: clean(typed.get(name, ""))
            for name in ("colour", "code", "label_en", "label_zh", "zones")
        }
        values["code"] = values["code"].upper()
        prefix = f"{category.value}-"
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", values["colour"]):
            errors.setdefault(prefix + "colour", []).append(str(_l("A colour such as #c8102e.")))
        if not re.fullmatch(r"[A-Z0-9]{1,3}", values["code"]):
            errors.setdefault(prefix + "code", []).append(
                str(_l("One to three capital letters or digits."))
            )
        elif values["code"] in codes_used:
            errors.setdefault(prefix + "code", []).append(
                str(_l("Another category already uses this code."))
            )
        codes_used.setdefault(values["code"], category)
        for name, limit in (("label_en", 60), ("label_zh", 60), ("zones", 60)):
            if name != "zones" and not values[name]:
                errors.setdefault(prefix + name, []).append(str(_l("Required.")))
            if len(values[name]) > limit:
                errors.setdefault(prefix + name, []).append(
                    str(_l("Use at most %(n)d characters.", n=limit))
                )
            try:
                check_printable(values[name])
            except MissingFont as error:
                errors.setdefault(prefix + name, []).append(str(error))
        cleaned[category] = values
    if errors:
        raise SettingsInvalid(errors)
    before = styles_of(event.id)
    stored = {
        row.category: row
        for row in db.session.scalars(sa.select(BadgeStyle).where(BadgeStyle.event_id == event.id))
    }
    changes = {}
    for category, values in cleaned.items():
        old = before[category]
        old_values = {
            "colour": old.colour,
            "code": old.code,
            "label_en": old.label_en,
            "label_zh": old.label_zh,
            "zones": old.zones,
        }
        diff = audit.changed(old_values, values)
        if not diff:
            continue
        row = stored.get(category) or BadgeStyle(event_id=event.id, category=category)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.add(row)
        changes.update({f"{category.value}.{name}": change for name, change in diff.items()})
    if changes:
        audit.record("badge.styles", event, actor=actor, event_id=event.id, changes=changes)
    db.session.flush()
    return changes


def save_badge_back(event: Event, back_en: str, back_zh: str, *, actor: User | None) -> dict:
    """The text on the back of the badges, in both languages (lines kept)."""
    errors: dict[str, list[str]] = {}
    values = {}
    for name, text in (("back_en", back_en), ("back_zh", back_zh)):
        lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
        value = "\n".join(lines).strip()
        if len(value) > 600:
            errors.setdefault(name, []).append(str(_l("Use at most %(n)d characters.", n=600)))
        try:
            check_printable(value)
        except MissingFont as error:
            errors.setdefault(name, []).append(str(error))
        values[name] = value
    if errors:
        raise SettingsInvalid(errors)
    settings = db.session.get(BadgeSettings, event.id) or BadgeSettings(event_id=event.id)
    changes = audit.changed(
        {"back_en": settings.back_en or "", "back_zh": settings.back_zh or ""}, values
    )
    settings.back_en, settings.back_zh = values["back_en"], values["back_zh"]
    db.session.add(settings)
    if changes:
        audit.record("badge.styles", event, actor=actor, event_id=event.id, changes=changes)
    db.session.flush()
    return changes
