"""Choosing and drawing a print run: who is in it, what each badge shows, the PDF in parts."""

from __future__ import annotations

import ctypes
import io
import os
import signal
import sys
import tempfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from reportlab.pdfgen.canvas import Canvas

from eventhub import crypto
from eventhub.badges import codes
from eventhub.badges.issuing import badges_for, chunks
from eventhub.badges.models import Badge, BadgeSettings
from eventhub.badges.render import LAYOUTS, BadgeData, draw_badges, page_size
from eventhub.badges.styles import styles_of
from eventhub.directory.models import Country, Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import date_range
from eventhub.pdf import join_parts, register_fonts
from eventhub.privacy import consents
from eventhub.privacy.kinds import Purpose
from eventhub.registration.models import Category, Delegation, Participant, ParticipantPhoto, Status
from eventhub.scheduling.signals import places_of

# Parts drawn by separate processes; each part's pages are freed once it is written.
PART_SIZE = 400
WORKERS = max(1, min(4, os.cpu_count() or 1))


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


# Within one protocol rank (or none), the order categories are handed out in.
CATEGORY_PRECEDENCE = (
    Category.OFFICIAL,
    Category.SPEAKER,
    Category.DELEGATE,
    Category.MEDIA,
    Category.INTERPRETER,
    Category.STAFF,
    Category.VOLUNTEER,
)


def batch_query(event: Event, filters: BatchFilters) -> sa.Select:
    """Approved participants matching the filters, in the order the badge desk hands them
    out (below)."""
    query = (
        sa.select(Participant)
        .outerjoin(Badge, Badge.participant_id == Participant.id)
        .where(
            Participant.event_id == event.id,
            Participant.status == Status.APPROVED,
            Participant.erased_at.is_(None),  # revoked on erasure, never reprinted
        )
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
    # Handed out delegation by delegation, in the event's order of delegations (as the
    # delegations page lists them), people without one last; within a delegation in
    # protocol order, as protocol desks hand them out: the head first, then by protocol
    # rank (unranked last), then officials before delegates and delegates before the
    # people who serve them (an unranked VIP is not handed out after the students), the
    # earlier appointed first, then by name.
    return query.outerjoin(Delegation, Delegation.id == Participant.delegation_id).order_by(
        Delegation.id.is_(None),
        Delegation.protocol_order,
        Delegation.name_en,
        Delegation.id,
        sa.case((Delegation.head_id == Participant.id, 0), else_=1),
        Participant.protocol_rank.is_(None),
        Participant.protocol_rank,
        sa.case(
            {category: order for order, category in enumerate(CATEGORY_PRECEDENCE)},
            value=Participant.category,
            else_=len(CATEGORY_PRECEDENCE),
        ),
        Participant.appointed_on.is_(None),
        Participant.appointed_on,
        Participant.sort_name,
        Participant.id,
    )


def count_batch(event: Event, filters: BatchFilters) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            batch_query(event, filters).order_by(None).subquery()
        )
    )


# What a badge measured, not drawn, carries for its photo: that there is one (not read).
PHOTO_NOT_READ = b"photo"


def badge_data(
    event: Event, participants: list[Participant], *, measure_only: bool = False
) -> list[BadgeData]:
    """Everything printed on these badges, in three queries however many they are. With
    `measure_only` (the print preview, read-only): the texts and whether a photo exists,
    nothing written, no code signed, no photo read; such data is measured, never drawn."""
    badges = {} if measure_only else badges_for(participants)
    styles = styles_of(event.id)
    ids = [p.id for p in participants]
    photo_column = ParticipantPhoto.participant_id if measure_only else ParticipantPhoto.content
    photos = {
        pid: PHOTO_NOT_READ if measure_only else content
        for chunk in chunks(ids, 900)
        for pid, content in db.session.execute(
            sa.select(ParticipantPhoto.participant_id, photo_column).where(
                ParticipantPhoto.participant_id.in_(chunk)
            )
        )
    }
    for pid in consents.declined(photos, Purpose.PHOTO):  # printed without the photo
        del photos[pid]
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
    key = None if measure_only else crypto.signing_key("badge")
    back = db.session.get(BadgeSettings, event.id)
    dates = (
        f"{date_range(event.starts_on, event.ends_on)} · {event.city_zh} {event.city_en}".strip()
    )
    seats = seats_of(event, ids)
    data = []
    for person in participants:
        badge = badges.get(person.id)
        # Heads of delegation wear the officials' colour whatever their category.
        category = Category.OFFICIAL if person.id in heads else person.category
        data.append(
            BadgeData(
                code=codes.make_code(key, badge.id, badge.version) if badge else "",
                # Style and honorific with the name ("Tan Sri Dr. Ahmad bin Hassan"), never
                # with the position.
                latin_name=person.name("badge"),
                native_name=person.native_name,
                position=person.position,
                organisation=organisations.get(person.organisation_id, ""),
                country=countries.get(person.country_code, person.country_code),
                style=styles[category],
                photo=photos.get(person.id),
                event_en=event.name_en,
                event_zh=event.name_zh,
                dates=dates,
                back_en=_with(back.back_en if back else "", seats["en"].get(person.id)),
                back_zh=_with(back.back_zh if back else "", seats["zh_Hans"].get(person.id)),
            )
        )
    return data


def seats_of(event: Event, ids: list[int]) -> dict[str, dict[int, list[str]]]:
    """By language ("en", "zh_Hans") and person, the lines naming where they sit, as the
    modules above answer scheduling's `places_of` ("Welcome Banquet: Table 7 · seat 3")."""
    found = [
        triple
        for _receiver, triples in places_of.send(event, participant_ids=ids)
        for triple in triples or ()
    ]
    lines: dict[str, dict[int, list[str]]] = {"en": {}, "zh_Hans": {}}
    for language, said in lines.items():
        with force_locale(language):
            for pid, activity, place in found:
                title = activity.title_zh if language == "zh_Hans" else activity.title_en
                joined = "：" if language == "zh_Hans" else ": "
                said.setdefault(pid, []).append(f"{title or activity.title_en}{joined}{place}")
    return lines


def _with(text: str, seats: list[str] | None) -> str:
    """The event's back text with the holder's places after it."""
    return "\n".join(part for part in (text, *(seats or ())) if part)


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


PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _process_context():
    return get_context("fork" if sys.platform == "linux" else "spawn")


def _die_with_parent() -> None:
    """A drawing process ends when the job worker that forked it is killed. Without this it
    waits for work forever: it holds the pool's pipe open itself, so it never sees the end."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() == 1:  # the parent was killed before the line above
            os._exit(1)


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
    parts = list(chunks(participants, per_part))
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
            with ProcessPoolExecutor(
                workers, mp_context=_process_context(), initializer=_die_with_parent
            ) as pool:
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
