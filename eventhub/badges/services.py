"""Badge rules: who gets one, what it shows, its signed code, reprints and print runs."""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges import codes
from eventhub.badges.models import Badge, BadgeBatch, BadgeStyle, BatchState
from eventhub.badges.render import LAYOUTS, BadgeData, Style, draw_badges, page_size
from eventhub.db import utcnow
from eventhub.directory.models import Country, Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import (
    Category,
    Delegation,
    Participant,
    ParticipantPhoto,
    Status,
)

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
# Parts drawn by separate processes; each part's pages are freed once it is written.
PART_SIZE = 400
WORKERS = max(1, min(4, os.cpu_count() or 1))


def styles_of(event: Event) -> dict[Category, Style]:
    styles = {category: Style(*values) for category, values in DEFAULT_STYLES.items()}
    for row in db.session.scalars(sa.select(BadgeStyle).where(BadgeStyle.event_id == event.id)):
        styles[row.category] = Style(row.colour, row.code, row.label_en, row.label_zh, row.zones)
    return styles


def _key() -> bytes:
    return codes.badge_key(current_app.config.get("BADGE_KEY") or current_app.config["SECRET_KEY"])


def code_of(badge: Badge) -> str:
    return codes.make_code(_key(), badge.id, badge.version)


def badges_for(participants: list[Participant]) -> dict[int, Badge]:
    """Each participant's badge, created on first need (in one insert for a batch)."""
    ids = [p.id for p in participants]
    found = {
        b.participant_id: b
        for chunk in _chunks(ids, 900)
        for b in db.session.scalars(sa.select(Badge).where(Badge.participant_id.in_(chunk)))
    }
    missing = [Badge(participant_id=i, version=1) for i in ids if i not in found]
    if missing:
        db.session.add_all(missing)
        db.session.flush()
        found.update({b.participant_id: b for b in missing})
    return found


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def may_have_badge(participant: Participant) -> bool:
    return participant.status == Status.APPROVED


def reprint(participant: Participant, reason: str, *, actor: User | None) -> Badge:
    """A new version of the badge (lost, name corrected): every earlier code is refused."""
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise DomainError(_l("Say why the badge is reprinted (lost, name corrected...)."))
    if not may_have_badge(participant):
        raise DomainError(_l("Only approved participants have badges."))
    badge = badges_for([participant])[participant.id]
    badge.version += 1
    badge.reprint_reason = reason
    audit.record(
        "badge.reprint",
        participant,
        actor=actor,
        event_id=participant.event_id,
        changes={"badge_version": [badge.version - 1, badge.version], "reason": [None, reason]},
    )
    db.session.flush()
    return badge


@dataclass
class CodeCheck:
    """What a scanned code is: "valid", "revoked" (an older version of a badge), or
    "invalid" (forged, altered, garbled, or of another event)."""

    result: str
    badge: Badge | None = None
    participant: Participant | None = None


def check_code(event: Event, code: str) -> CodeCheck:
    read = codes.read_code(_key(), code)
    if read is None:
        return CodeCheck("invalid")
    badge_id, version = read
    badge = db.session.get(Badge, badge_id)
    if badge is None or badge.participant.event_id != event.id:
        return CodeCheck("invalid")
    if version != badge.version:
        return CodeCheck("revoked", badge, badge.participant)
    return CodeCheck("valid", badge, badge.participant)


# --- choosing and drawing a print run -----------------------------------------------------


@dataclass
class BatchFilters:
    delegation: int | None = None
    category: str = ""
    changed_only: bool = False  # new, reprinted or edited since the last print
    participant_ids: list[int] | None = None

    @classmethod
    def from_dict(cls, data: dict) -> BatchFilters:
        return cls(
            delegation=data.get("delegation") or None,
            category=data.get("category") or "",
            changed_only=bool(data.get("changed_only")),
            participant_ids=data.get("participant_ids"),
        )

    def as_dict(self) -> dict:
        return {
            "delegation": self.delegation,
            "category": self.category,
            "changed_only": self.changed_only,
            "participant_ids": self.participant_ids,
        }


def batch_query(event: Event, filters: BatchFilters) -> sa.Select:
    """Approved participants matching the filters, by delegation then name: the order the
    badge desk hands them out."""
    query = (
        sa.select(Participant)
        .outerjoin(Badge, Badge.participant_id == Participant.id)
        .where(Participant.event_id == event.id, Participant.status == Status.APPROVED)
    )
    if filters.delegation:
        query = query.where(Participant.delegation_id == filters.delegation)
    if filters.category in Category.__members__.values():
        query = query.where(Participant.category == Category(filters.category))
    if filters.participant_ids is not None:
        query = query.where(Participant.id.in_(filters.participant_ids))
    if filters.changed_only:
        query = query.where(
            sa.or_(
                Badge.id.is_(None),
                Badge.printed_at.is_(None),
                Badge.printed_version != Badge.version,
                Participant.updated_at > Badge.printed_at,
            )
        )
    return query.order_by(
        Participant.delegation_id.nulls_last(), Participant.family_name, Participant.given_name
    )


def count_batch(event: Event, filters: BatchFilters) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            batch_query(event, filters).order_by(None).subquery()
        )
    )


def badge_data(event: Event, participants: list[Participant]) -> list[BadgeData]:
    """Everything printed on these badges, in three queries however many they are."""
    badges = badges_for(participants)
    styles = styles_of(event)
    ids = [p.id for p in participants]
    photos = {
        pid: content
        for chunk in _chunks(ids, 900)
        for pid, content in db.session.execute(
            sa.select(ParticipantPhoto.participant_id, ParticipantPhoto.content).where(
                ParticipantPhoto.participant_id.in_(chunk)
            )
        )
    }
    organisations = dict(
        db.session.execute(
            sa.select(Organisation.id, Organisation.name_en).where(
                Organisation.id.in_({p.organisation_id for p in participants if p.organisation_id})
            )
        ).all()
    )
    countries = dict(db.session.execute(sa.select(Country.code, Country.name_en)).all())
    heads = set(
        db.session.scalars(
            sa.select(Delegation.head_id).where(
                Delegation.event_id == event.id, Delegation.head_id.is_not(None)
            )
        )
    )
    key = _key()
    data = []
    for person in participants:
        badge = badges[person.id]
        # Heads of delegation wear the officials' colour whatever their category.
        category = Category.OFFICIAL if person.id in heads else person.category
        data.append(
            BadgeData(
                code=codes.make_code(key, badge.id, badge.version),
                latin_name=person.latin_name,
                native_name=person.native_name,
                honorific=person.honorific,
                position=person.position,
                organisation=organisations.get(person.organisation_id, ""),
                country=countries.get(person.country_code, person.country_code),
                style=styles[category],
                photo=photos.get(person.id),
                event_en=event.name_en,
                event_zh=event.name_zh,
            )
        )
    return data


def _font_dirs() -> list[str] | None:
    return current_app.config.get("FONT_DIRS")


def render_part(badges: list[BadgeData], layout: str, font_dirs: list[str] | None) -> bytes:
    """One part of a run as its own PDF; runs in a worker process, with no app or database."""
    from flask import Flask
    from reportlab.pdfgen.canvas import Canvas

    from eventhub.pdf import register_fonts

    app = Flask(__name__)
    app.config["FONT_DIRS"] = font_dirs
    with app.app_context():
        register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size(layout), pageCompression=1)
    canvas.setTitle("Badges")
    draw_badges(canvas, badges, layout)
    canvas.save()
    return buffer.getvalue()


def _process_context():
    return get_context("fork" if sys.platform == "linux" else "spawn")


def write_badges(
    event: Event,
    participants: list[Participant],
    out,
    *,
    layout: str = "a4",
    progress: Callable[[int], None] | None = None,
    release: Callable[[], None] | None = None,
    workers: int = WORKERS,
) -> int:
    """Draw the badges into `out` (a binary file) in parts, several at once, and join the
    parts; returns how many. Only a few parts are read ahead and drawn parts wait in a
    temporary folder, so a run of any size needs the memory of a few parts.

    `release` is called after each part is read from the database: a long run passes the
    session's commit, so that it holds no transaction (on SQLite, no lock) while drawing."""

    import tempfile

    import pikepdf

    if layout not in LAYOUTS:
        raise DomainError(_l("Choose a layout: CR80 card, A6 or A4 sheets."))
    per_part = PART_SIZE - PART_SIZE % 9  # whole A4 sheets in every part
    parts = list(_chunks(participants, per_part))
    font_dirs = _font_dirs()
    with tempfile.TemporaryDirectory(prefix="eventhub-badges-") as folder:
        files: list[str] = []
        done = 0

        def keep(count: int, pdf: bytes) -> None:
            nonlocal done
            path = os.path.join(folder, f"part-{len(files):05d}.pdf")
            with open(path, "wb") as part_file:
                part_file.write(pdf)
            files.append(path)
            done += count
            if progress:
                progress(done)

        if workers <= 1 or len(parts) <= 1:
            for part in parts:
                keep(len(part), render_part(badge_data(event, part), layout, font_dirs))
        else:
            # Forked workers start at once with everything imported; they never touch the
            # database connections they inherit (they only draw).
            with ProcessPoolExecutor(workers, mp_context=_process_context()) as pool:
                pending = [
                    (
                        len(part),
                        pool.submit(render_part, badge_data(event, part), layout, font_dirs),
                    )
                    for part in parts
                ]
                for count, future in pending:
                    keep(count, future.result())
        with pikepdf.new() as joined:
            sources = [pikepdf.open(path) for path in files]
            for source in sources:
                joined.pages.extend(source.pages)
            joined.docinfo["/Title"] = f"{event.name_en} — badges"
            joined.docinfo["/Creator"] = "EventHub"
            joined.save(out)
            for source in sources:
                source.close()
    return done


def mark_printed(participants: list[Participant], when: datetime | None = None) -> None:
    when = when or utcnow()
    badges = badges_for(participants)
    for badge in badges.values():
        badge.printed_version, badge.printed_at = badge.version, when
    db.session.flush()


# --- print runs from the web ----------------------------------------------------------------


def queue_batch(
    event: Event, filters: BatchFilters, layout: str, *, actor: User | None
) -> BadgeBatch:
    if layout not in LAYOUTS:
        raise DomainError(_l("Choose a layout: CR80 card, A6 or A4 sheets."))
    total = count_batch(event, filters)
    if total == 0:
        raise DomainError(_l("No approved participant matches: there is nothing to print."))
    batch = BadgeBatch(
        event_id=event.id,
        user_id=actor.id if actor else None,
        filters=filters.as_dict(),
        layout=layout,
        total=total,
    )
    db.session.add(batch)
    audit.record(
        "badge.batch",
        event,
        actor=actor,
        event_id=event.id,
        changes={"badges": [None, total], "layout": [None, layout]},
    )
    db.session.flush()
    return batch


def run_batch(batch: BadgeBatch) -> None:
    """Draw a queued run (in its own process: `flask badges-run`), committing progress as it
    goes so that the organiser's page can show it."""
    event = db.session.get(Event, batch.event_id)
    batch.state, batch.done = BatchState.RUNNING, 0
    db.session.commit()
    try:
        participants = list(
            db.session.scalars(batch_query(event, BatchFilters.from_dict(batch.filters)))
        )
        batch.total = len(participants)

        def progress(done: int) -> None:
            batch.done = done
            db.session.commit()

        buffer = io.BytesIO()
        write_badges(
            event,
            participants,
            buffer,
            layout=batch.layout,
            progress=progress,
            release=db.session.commit,
        )
        mark_printed(participants)
        batch.content = buffer.getvalue()
        batch.state, batch.finished_at = BatchState.DONE, utcnow()
        db.session.commit()
    except Exception as error:  # the organiser sees that it failed, and why
        db.session.rollback()
        batch.state, batch.finished_at = BatchState.FAILED, utcnow()
        batch.error = str(error)[:500]
        db.session.commit()
        raise
