"""Badge rules: who gets one, what it shows, its signed code, reprints and print runs (which
certificates use too)."""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from typing import BinaryIO

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from reportlab.pdfgen.canvas import Canvas

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges import codes
from eventhub.badges.models import Badge, BadgeBatch, BadgeSettings, BadgeStyle, BatchState
from eventhub.badges.render import LAYOUTS, BadgeData, Style, draw_badges, page_size
from eventhub.db import HotStatement, utcnow
from eventhub.directory.models import Country, Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import date_range
from eventhub.pdf import MissingFont, check_printable, join_parts, register_fonts
from eventhub.registration.models import (
    Category,
    Delegation,
    Participant,
    ParticipantPhoto,
    Status,
    format_latin_name,
)
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
# Parts drawn by separate processes; each part's pages are freed once it is written.
PART_SIZE = 400
WORKERS = max(1, min(4, os.cpu_count() or 1))


def styles_of(event_id: int) -> dict[Category, Style]:
    styles = {category: Style(*values) for category, values in DEFAULT_STYLES.items()}
    for row in db.session.scalars(sa.select(BadgeStyle).where(BadgeStyle.event_id == event_id)):
        styles[row.category] = Style(row.colour, row.code, row.label_en, row.label_zh, row.zones)
    return styles


def code_of(badge: Badge) -> str:
    return codes.make_code(crypto.signing_key("badge"), badge.id, badge.version)


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


@dataclass(frozen=True, slots=True)
class Holder:
    """A badge's holder as a gate sees them: enough to judge and recognise, nothing more."""

    id: int
    event_id: int
    status: Status
    category: Category
    latin_name: str
    native_name: str
    country_code: str
    delegation: str  # the delegation's English name, or ""
    head: bool  # heads a delegation: passes where officials do
    badge_id: int | None  # None until a badge is first printed
    badge_version: int | None

    @classmethod
    def of_row(cls, row: Sequence) -> Holder:
        """From a row of holders_query(), by position (rows may be plain tuples)."""
        (
            person_id,
            event_id,
            status,
            category,
            family_name,
            given_name,
            native_name,
            country_code,
            delegation,
            head,
            badge_id,
            badge_version,
        ) = row[:12]
        return cls(
            person_id,
            event_id,
            Status(status),
            Category(category),
            format_latin_name(family_name, given_name),
            native_name or "",
            country_code or "",
            delegation or "",
            bool(head),
            badge_id,
            badge_version,
        )


def holders_query(from_badge: bool = False) -> sa.Select:
    """Participants and their badges with what a gate shows, in one query of plain columns:
    a scan runs it thousands of times a second, where loading whole participants cost more
    than all the rest."""
    person, badge, delegation = Participant.__table__, Badge.__table__, Delegation.__table__
    heads = Delegation.__table__.alias("heads")
    return sa.select(
        person.c.id,
        person.c.event_id,
        person.c.status,
        person.c.category,
        person.c.family_name,
        person.c.given_name,
        person.c.native_name,
        person.c.country_code,
        delegation.c.name_en.label("delegation"),
        sa.exists().where(heads.c.head_id == person.c.id).label("head"),
        badge.c.id.label("badge_id"),
        badge.c.version.label("badge_version"),
    ).select_from(
        # From the badge when one badge is sought: the database then starts from its key,
        # whatever else the query is joined to.
        (
            badge.join(person, badge.c.participant_id == person.c.id)
            if from_badge
            else person.outerjoin(badge, badge.c.participant_id == person.c.id)
        ).outerjoin(delegation, person.c.delegation_id == delegation.c.id)
    )


def holder_of_badge() -> sa.Select:
    return holders_query(from_badge=True).where(Badge.__table__.c.id == sa.bindparam("badge_id"))


_HOLDER_OF_BADGE = HotStatement(holder_of_badge())


@dataclass(frozen=True)
class CodeCheck:
    """What a scanned code is: "valid", "revoked" (an older version of a badge), or
    "invalid" (forged, altered, garbled, or of another event)."""

    result: str
    holder: Holder | None = None
    row: tuple | None = None  # with any columns the caller's query added after a holder's


def check_code(
    event_id: int, code: str, query: HotStatement | None = None, params: dict | None = None
) -> CodeCheck:
    """`query` (holder_of_badge(), with more columns and `params` if the caller needs them)
    reads the holder in the same round trip."""
    read = codes.read_code(crypto.signing_key("badge"), code)
    if read is None:
        return CodeCheck("invalid")
    badge_id, version = read
    row = (query or _HOLDER_OF_BADGE).first({"badge_id": badge_id, **(params or {})})
    return code_check(version, row, event_id)


def code_check(version: int, row: Sequence | None, event_id: int) -> CodeCheck:
    """The verdict on a code of `version` for a badge read as holders_query()'s `row`."""
    if row is None or row[0] is None or row[1] != event_id:
        return CodeCheck("invalid")
    holder = Holder.of_row(row)
    return CodeCheck("valid" if version == holder.badge_version else "revoked", holder, row)


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
    styles = styles_of(event.id)
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
    key = crypto.signing_key("badge")
    back = db.session.get(BadgeSettings, event.id)
    dates = (
        f"{date_range(event.starts_on, event.ends_on)} · {event.city_zh} {event.city_en}".strip()
    )
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
                dates=dates,
                back_en=back.back_en if back else "",
                back_zh=back.back_zh if back else "",
            )
        )
    return data


def _font_dirs() -> list[str] | None:
    return current_app.config.get("FONT_DIRS")


def render_part(
    badges: list[BadgeData], layout: str, font_dirs: list[str] | None, back: bool = False
) -> bytes:
    """One part of a run as its own PDF; runs in a worker process, with no app or database."""
    app = Flask(__name__)
    app.config["FONT_DIRS"] = font_dirs
    with app.app_context():
        register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=page_size(layout), pageCompression=1)
    canvas.setTitle("Badges")
    draw_badges(canvas, badges, layout, back=back)
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
    back: bool = False,
    drawn: list[tuple[int, int]] | None = None,
) -> int:
    """Draw the badges into `out` (a binary file) in parts, several at once, and join the
    parts; returns how many. Only a few parts are read ahead and drawn parts wait in a
    temporary folder, so a run of any size needs the memory of a few parts.

    `release` is called after each part is read from the database: a long run passes the
    session's commit, so that it holds no transaction (on SQLite, no lock) while drawing.
    `drawn` receives (badge id, version) as each badge is read, for mark_printed."""
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

        def read(part: list[Participant]) -> list[BadgeData]:
            if release:
                # The last commit expired them: one query brings the part back, instead
                # of one a person as their attributes are read.
                ids = [sa.inspect(person).identity[0] for person in part]
                db.session.scalars(sa.select(Participant).where(Participant.id.in_(ids))).all()
            data = badge_data(event, part)
            if drawn is not None:
                drawn.extend((b.id, b.version) for b in badges_for(part).values())
            if release:
                release()
            return data

        if workers <= 1 or len(parts) <= 1:
            for part in parts:
                keep(len(part), render_part(read(part), layout, font_dirs, back))
        else:
            # Forked workers start at once with everything imported; they never touch the
            # database connections they inherit (they only draw). A part is read only when
            # a worker is about to be free: a few parts in memory, however long the run.
            with ProcessPoolExecutor(workers, mp_context=_process_context()) as pool:
                in_flight: deque = deque()
                for part in parts:
                    in_flight.append(
                        (len(part), pool.submit(render_part, read(part), layout, font_dirs, back))
                    )
                    while len(in_flight) > workers:
                        count, future = in_flight.popleft()
                        keep(count, future.result())
                while in_flight:
                    count, future = in_flight.popleft()
                    keep(count, future.result())
        join_parts(files, out, f"{event.name_en} — badges")
    return done


def mark_printed(drawn: list[tuple[int, int]], when: datetime) -> None:
    """The badges printed, each at the version drawn (a reprint made while the run was
    drawing stays "changed since the last print"), in one statement."""
    if drawn:
        table = Badge.__table__
        db.session.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("badge_id"))
            .values(printed_version=sa.bindparam("drawn_version"), printed_at=when),
            [{"badge_id": badge_id, "drawn_version": v} for badge_id, v in drawn],
        )


# --- print runs from the web ----------------------------------------------------------------


def queue_batch(
    event: Event,
    filters: BatchFilters,
    layout: str,
    *,
    actor: User | None,
    base_url: str = "",
    back: bool = False,
) -> BadgeBatch:
    """A run of badges for a separate process. `base_url` is where links in its documents
    point (PUBLIC_URL wins)."""
    if layout not in LAYOUTS:
        raise DomainError(_l("Choose a layout: CR80 card, A6 or A4 sheets."))
    total = count_batch(event, filters)
    if total == 0:
        raise DomainError(_l("No approved participant matches: there is nothing to print."))
    batch = BadgeBatch(
        event_id=event.id,
        user_id=actor.id if actor else None,
        filters=filters.as_dict() | {"back": back, "base_url": base_url},
        layout=layout,
        kind="badges",
        total=total,
    )
    db.session.add(batch)
    audit.record(
        "badge.batch",
        event,
        actor=actor,
        event_id=event.id,
        changes={"run": [None, batch.kind], "count": [None, total]},
    )
    db.session.flush()
    return batch


# How each kind of print run is done, by BadgeBatch.kind. Certificates (a module above
# badges, which do not import it) register their kinds with @does_runs.
_RUNS: dict[str, Callable[[BadgeBatch], None]] = {}


def does_runs(*kinds: str):
    """Make the decorated function the one that does the print runs of these kinds."""

    def register(run: Callable[[BadgeBatch], None]) -> Callable[[BadgeBatch], None]:
        for kind in kinds:
            _RUNS[kind] = run
        return run

    return register


def run_batch(batch: BadgeBatch) -> None:
    """Do a queued run (a job: badges.tasks; by hand: `flask badges-run`) of any kind."""
    _RUNS[batch.kind](batch)


@does_runs("badges")
def run_badge_batch(batch: BadgeBatch) -> None:
    """Draw a queued run of badges."""

    def draw(event: Event, out: BinaryIO, progress: Callable[[int], None]) -> bool:
        participants = list(
            db.session.scalars(batch_query(event, BatchFilters.from_dict(batch.filters)))
        )
        batch.total = len(participants)
        if not participants:
            return False
        started, drawn = utcnow(), []
        write_badges(
            event,
            participants,
            out,
            layout=batch.layout,
            progress=progress,
            release=db.session.commit,
            back=bool(batch.filters.get("back")),
            drawn=drawn,
        )
        mark_printed(drawn, started)
        return True

    execute_batch(batch, draw)


def execute_batch(
    batch: BadgeBatch, work: Callable[[Event, BinaryIO, Callable[[int], None]], bool]
) -> None:
    """The frame of every kind of run (badges; certificates, whose module brings its
    `work`): progress committed as it goes, so that the organiser's page can show it and the
    sweep sees the run live. `work(event, out, progress)` writes the PDF, if the run makes
    one, into `out`, and returns False when no one matches the run any more; links it makes
    point to the run's base URL."""
    event = db.session.get(Event, batch.event_id)
    batch.state, batch.done = BatchState.RUNNING, 0
    db.session.commit()

    def progress(done: int) -> None:
        batch.done, batch.heartbeat_at = done, utcnow()
        db.session.commit()

    base_url = batch.filters.get("base_url") or current_app.config.get("PUBLIC_URL") or ""
    try:
        with current_app.test_request_context(base_url=base_url or None):
            buffer = io.BytesIO()
            if not work(event, buffer, progress):
                return _nothing_left(batch)
        batch.content = buffer.getvalue() or None
        batch.state, batch.finished_at = BatchState.DONE, utcnow()
        db.session.commit()
    except Exception as error:  # the organiser sees that it failed, and why
        db.session.rollback()
        batch.state, batch.finished_at = BatchState.FAILED, utcnow()
        batch.error = str(error)[:500]
        db.session.commit()
        raise


def _nothing_left(batch: BadgeBatch) -> None:
    """A queued run whose people no longer match (withdrawn, already sent) ends as failed,
    saying so, rather than done with an empty PDF."""
    batch.state, batch.finished_at = BatchState.FAILED, utcnow()
    batch.error = str(_l("Nothing left to do: no one matches this run any more."))
    db.session.commit()


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
