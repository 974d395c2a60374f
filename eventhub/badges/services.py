"""Badge rules: who gets one, what it shows, its signed code, reprints and print runs."""

from __future__ import annotations

import io
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from eventhub import crypto
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges import codes
from eventhub.badges.models import (
    Badge,
    BadgeBatch,
    BadgeSettings,
    BadgeStyle,
    BatchState,
    Certificate,
    CertificateKind,
    CertificateSettings,
)
from eventhub.badges.render import (
    CERTIFICATE_PAGE,
    LAYOUTS,
    BadgeData,
    CertificateData,
    Style,
    draw_badges,
    draw_certificate,
    page_size,
)
from eventhub.db import HotStatement, utcnow
from eventhub.directory.models import Country, Organisation
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.i18n import date_range
from eventhub.registration.models import (
    Category,
    Delegation,
    Participant,
    ParticipantPhoto,
    Status,
    format_latin_name,
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

    import tempfile

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
        _join(files, out, f"{event.name_en} — badges")
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
    kind: str = "badges",
    certificate_kind: CertificateKind | None = None,
    base_url: str = "",
    back: bool = False,
) -> BadgeBatch:
    """A run for a separate process: badges to print, certificates to print or to email.
    `base_url` is where links in its documents and emails point (PUBLIC_URL wins)."""
    if kind == "badges":
        if layout not in LAYOUTS:
            raise DomainError(_l("Choose a layout: CR80 card, A6 or A4 sheets."))
        total = count_batch(event, filters)
        if total == 0:
            raise DomainError(_l("No approved participant matches: there is nothing to print."))
        stored = filters.as_dict() | {"back": back}
    else:
        total = db.session.scalar(
            certificates_query(event, certificate_kind, unsent=kind == "certificate-mail")
            .with_only_columns(sa.func.count())
            .order_by(None)
        )
        if total == 0:
            raise DomainError(
                _l("Every certificate of this kind has been emailed already.")
                if kind == "certificate-mail"
                else _l("No certificate of this kind has been issued yet.")
            )
        stored = {"certificate_kind": certificate_kind.value}
    stored["base_url"] = base_url
    batch = BadgeBatch(
        event_id=event.id,
        user_id=actor.id if actor else None,
        filters=stored,
        layout=layout,
        kind=kind,
        total=total,
    )
    db.session.add(batch)
    audit.record(
        f"{'badge' if kind == 'badges' else 'certificate'}.batch",
        event,
        actor=actor,
        event_id=event.id,
        changes={"run": [None, kind], "count": [None, total]},
    )
    db.session.flush()
    return batch


def run_batch(batch: BadgeBatch) -> None:
    """Do a queued run (a job: badges.tasks; by hand: `flask badges-run`), committing
    progress as it goes so that the organiser's page can show it and the sweep sees it live."""
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
            if batch.kind == "badges":
                participants = list(
                    db.session.scalars(batch_query(event, BatchFilters.from_dict(batch.filters)))
                )
                batch.total = len(participants)
                if not participants:
                    return _nothing_left(batch)
                started, drawn = utcnow(), []
                write_badges(
                    event,
                    participants,
                    buffer,
                    layout=batch.layout,
                    progress=progress,
                    release=db.session.commit,
                    back=bool(batch.filters.get("back")),
                    drawn=drawn,
                )
                mark_printed(drawn, started)
            elif batch.kind == "certificates":
                kind = CertificateKind(batch.filters["certificate_kind"])
                items = list(db.session.scalars(certificates_query(event, kind)))
                batch.total = len(items)
                if not items:
                    return _nothing_left(batch)
                write_certificates(event, items, buffer, progress=progress)
            else:
                kind = CertificateKind(batch.filters["certificate_kind"])
                items = list(db.session.scalars(certificates_query(event, kind, unsent=True)))
                batch.total = len(items)
                if not items:
                    return _nothing_left(batch)
                email_certificates(items, progress=progress)
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


# --- certificates ---------------------------------------------------------------------------

CERTIFICATE_KINDS = {
    CertificateKind.PARTICIPATION: _l("Participation"),
    CertificateKind.SPEAKER: _l("Speaker"),
    CertificateKind.COMMITTEE: _l("Organising committee"),
}
# The speaker's and the committee's wording; participation follows the event's settings.
KIND_TEXTS = {
    CertificateKind.SPEAKER: (
        "Certificate of Appreciation",
        "感谢证书",
        "In appreciation of {name}, who spoke at {event}.",
        "谨向 {name} 致谢，感谢其在{event}上发表演讲。",
    ),
    CertificateKind.COMMITTEE: (
        "Certificate of Appreciation",
        "感谢证书",
        "In appreciation of {name}, who served on the organising committee of {event}.",
        "谨向 {name} 致谢，感谢其为{event}组委会所作的贡献。",
    ),
}
SERIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed again


def certificate_settings(event: Event) -> CertificateSettings:
    found = db.session.get(CertificateSettings, event.id)
    if found is None:
        found = CertificateSettings(event_id=event.id)
        db.session.add(found)
        db.session.flush()
    return found


def eligible_query(event: Event, kind: CertificateKind) -> sa.Select:
    """Who receives this kind of certificate."""
    from eventhub.scheduling.models import Activity, ActivityPerson, ActivityRole

    query = sa.select(Participant).where(
        Participant.event_id == event.id, Participant.status == Status.APPROVED
    )
    if kind == CertificateKind.PARTICIPATION:
        attended = _attendance_rule(event, certificate_settings(event).rule)
        if attended is not None:
            query = query.where(Participant.id.in_(attended))
    if kind == CertificateKind.SPEAKER:
        spoke = (
            sa.select(ActivityPerson.participant_id)
            .join(Activity, Activity.id == ActivityPerson.activity_id)
            .where(
                Activity.event_id == event.id,
                ActivityPerson.role.in_([ActivityRole.SPEAKER, ActivityRole.MODERATOR]),
            )
        )
        query = query.where(Participant.id.in_(spoke))
    elif kind == CertificateKind.COMMITTEE:
        query = query.where(Participant.category == Category.STAFF)
    return query


def _attendance_rule(event: Event, rule: str) -> sa.Select | None:
    """The participants who attended as the rule asks: "arrived" (checked in anywhere),
    "checkpoint:<id>" (e.g. at the opening ceremony's door), "activities:<n>" (admitted at
    n activities' doors or more); None for "approved" (no attendance needed)."""
    from eventhub.checkin.models import Checkpoint, Scan, ScanResult

    kind, _sep, value = rule.partition(":")
    admitted = sa.select(Scan.participant_id).where(
        Scan.event_id == event.id, Scan.result == ScanResult.ADMITTED, Scan.undone_at.is_(None)
    )
    if kind == "arrived":
        return admitted
    if kind == "checkpoint" and value.isdigit():
        return admitted.where(Scan.checkpoint_id == int(value))
    if kind == "activities" and value.isdigit():
        return (
            admitted.join(Checkpoint, Checkpoint.id == Scan.checkpoint_id)
            .where(Checkpoint.activity_id.is_not(None))
            .group_by(Scan.participant_id)
            .having(sa.func.count(sa.distinct(Checkpoint.activity_id)) >= int(value))
        )
    return None


def rule_choices(event: Event) -> list[tuple[str, str]]:
    """The attendance rules an organiser can choose for participation certificates."""
    from eventhub.checkin.models import Checkpoint

    choices = [
        ("approved", str(_l("Every approved participant (no attendance needed)"))),
        ("arrived", str(_l("Checked in at least once, anywhere"))),
    ]
    for checkpoint in db.session.scalars(
        sa.select(Checkpoint).where(Checkpoint.event_id == event.id).order_by(Checkpoint.name_en)
    ):
        choices.append(
            (
                f"checkpoint:{checkpoint.id}",
                str(_l("Checked in at %(place)s", place=checkpoint.name_en)),
            )
        )
    for n in (1, 2, 3, 5):
        choices.append((f"activities:{n}", str(_l("Admitted at %(n)d activities or more", n=n))))
    return choices


def new_serial() -> str:
    import secrets

    return "".join(secrets.choice(SERIAL_ALPHABET) for _n in range(16))


def format_serial(serial: str) -> str:
    return "-".join(serial[i : i + 4] for i in range(0, len(serial), 4))


def normalise_serial(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())[:32]


def issue_certificates(event: Event, kind: CertificateKind, *, actor: User | None) -> int:
    """A certificate for everyone eligible who has none of this kind yet; how many new."""
    have = sa.select(Certificate.participant_id).where(
        Certificate.event_id == event.id, Certificate.kind == kind
    )
    ids = list(
        db.session.scalars(
            eligible_query(event, kind)
            .where(Participant.id.not_in(have))
            .with_only_columns(Participant.id)
        )
    )
    db.session.add_all(
        Certificate(event_id=event.id, participant_id=pid, kind=kind, serial=new_serial())
        for pid in ids
    )
    if ids:
        audit.record(
            "certificate.issue",
            event,
            actor=actor,
            event_id=event.id,
            changes={"kind": [None, kind.value], "issued": [None, len(ids)]},
        )
    db.session.flush()
    return len(ids)


def revoke_certificate(certificate: Certificate, reason: str, *, actor: User | None) -> None:
    reason = " ".join(reason.split())[:200]
    if not reason:
        raise DomainError(_l("Say why the certificate is revoked."))
    if certificate.revoked_at is not None:
        raise DomainError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_reason = utcnow(), reason
    audit.record(
        "certificate.revoke",
        certificate.participant,
        actor=actor,
        event_id=certificate.event_id,
        changes={
            "certificate": [format_serial(certificate.serial), None],
            "reason": [None, reason],
        },
    )
    db.session.flush()


def verify(serial: str) -> Certificate | None:
    """The certificate a serial names, valid or revoked; None for anything else."""
    text = normalise_serial(serial)
    if len(text) != 16:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.serial == text))


def verify_url(certificate: Certificate) -> str:
    from eventhub.web import external_url

    return external_url("verify.certificate", serial=format_serial(certificate.serial))


def certificate_data(event: Event, certificates: list[Certificate]) -> list[CertificateData]:
    settings = certificate_settings(event)
    people = {
        p.id: p
        for p in db.session.scalars(
            sa.select(Participant).where(
                Participant.id.in_({c.participant_id for c in certificates})
            )
        )
    }
    place = f"{event.city_zh} {event.city_en}".strip()
    data = []
    for certificate in certificates:
        person = people[certificate.participant_id]
        if certificate.kind == CertificateKind.PARTICIPATION:
            title_en, title_zh, body_en, body_zh = (
                settings.title_en,
                settings.title_zh,
                settings.body_en,
                settings.body_zh,
            )
        else:
            title_en, title_zh, body_en, body_zh = KIND_TEXTS[certificate.kind]
        name_en = " ".join(p for p in (person.honorific, person.latin_name) if p)
        name_zh = person.native_name or person.latin_name
        data.append(
            CertificateData(
                serial=format_serial(certificate.serial),
                url=verify_url(certificate),
                title_en=title_en,
                title_zh=title_zh,
                body_en=body_en.replace("{name}", name_en).replace("{event}", event.name_en),
                body_zh=body_zh.replace("{name}", name_zh).replace("{event}", event.name_zh),
                latin_name=person.latin_name,
                native_name=person.native_name,
                signatory=settings.signatory_name,
                signatory_title_en=settings.signatory_title_en,
                signatory_title_zh=settings.signatory_title_zh,
                signature=settings.signature_image,
                logo=settings.logo_image,
                place_date=f"{place}, {event.ends_on.isoformat()}",
            )
        )
    return data


def certificates_pdf(event: Event, certificates: list[Certificate]) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from eventhub.pdf import register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=CERTIFICATE_PAGE, pageCompression=1)
    data = certificate_data(event, certificates)
    if len(data) == 1:  # searchable by the real name (shaped text extracts badly)
        canvas.setTitle(f"{data[0].title_en} — {data[0].native_name or data[0].latin_name}")
    else:
        canvas.setTitle(f"{event.name_en} — certificates")
    for item in data:
        draw_certificate(canvas, item)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


SETTINGS_TEXTS = {
    "title_en": (_l("Title in English"), 120),
    "title_zh": (_l("Title in Chinese"), 120),
    "body_en": (_l("Text in English"), 600),
    "body_zh": (_l("Text in Chinese"), 600),
    "signatory_name": (_l("Signed by"), 120),
    "signatory_title_en": (_l("Signatory's title in English"), 200),
    "signatory_title_zh": (_l("Signatory's title in Chinese"), 200),
}


class SettingsInvalid(DomainError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(_l("Please correct the fields marked below."))
        self.errors = errors


def save_certificate_settings(
    event: Event,
    data: dict[str, str],
    *,
    signature: bytes | None = None,
    logo: bytes | None = None,
    remove: tuple[str, ...] = (),
    actor: User | None,
) -> dict:
    """Check and store what the certificates say; images are checked by their content."""
    from eventhub.pdf import MissingFont, check_printable
    from eventhub.registration.photos import prepare_artwork
    from eventhub.text import clean

    settings = certificate_settings(event)
    errors: dict[str, list[str]] = {}
    values = {}
    rule = data.get("rule") or "approved"
    if rule not in dict(rule_choices(event)):
        errors["rule"] = [str(_l("Choose one of the rules offered."))]
    for name, (label, limit) in SETTINGS_TEXTS.items():
        value = clean(data.get(name, ""))
        if name.startswith(("title", "body")) and not value:
            errors.setdefault(name, []).append(str(_l("%(field)s: required.", field=label)))
        if len(value) > limit:
            errors.setdefault(name, []).append(
                str(_l("%(field)s: at most %(n)d characters.", field=label, n=limit))
            )
        try:
            check_printable(value)
        except MissingFont as error:
            errors.setdefault(name, []).append(str(error))
        values[name] = value
    for name in ("body_en", "body_zh"):
        if values[name] and "{name}" not in values[name]:
            errors.setdefault(name, []).append(
                str(_l("Put {name} where the participant's name goes."))
            )
    images = {}
    for field_name, upload in (("signature_image", signature), ("logo_image", logo)):
        if upload:
            try:
                images[field_name] = prepare_artwork(upload, field_name)
            except DomainError as error:
                errors.setdefault(field_name, []).append(str(error))
    if errors:
        raise SettingsInvalid(errors)
    values["rule"] = rule
    changes = audit.diff(settings, values)
    for name, value in values.items():
        setattr(settings, name, value)
    for field_name in ("signature_image", "logo_image"):
        if field_name in images:
            setattr(settings, field_name, images[field_name])
            changes[field_name] = [None, "uploaded"]
        elif field_name in remove:
            setattr(settings, field_name, None)
            changes[field_name] = ["uploaded", None]
    if changes:
        audit.record("certificate.settings", event, actor=actor, event_id=event.id, changes=changes)
    db.session.flush()
    return changes


def certificates_query(event: Event, kind: CertificateKind, *, unsent: bool = False) -> sa.Select:
    """The valid (not revoked) certificates of a kind, by the participant's name."""
    query = (
        sa.select(Certificate)
        .join(Participant, Participant.id == Certificate.participant_id)
        .where(
            Certificate.event_id == event.id,
            Certificate.kind == kind,
            Certificate.revoked_at.is_(None),
        )
    )
    if unsent:
        query = query.where(Certificate.emailed_at.is_(None), Participant.email != "")
        # Emailing reads each holder and their event: in the same query.
        query = query.options(
            sa.orm.contains_eager(Certificate.participant).joinedload(Participant.event)
        )
    return query.order_by(Participant.family_name, Participant.given_name, Certificate.id)


def write_certificates(
    event: Event, certificates: list[Certificate], out, *, progress=None, part_size: int = 200
) -> None:
    """All the certificates in one PDF, drawn in parts so memory stays bounded."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="eventhub-certificates-") as folder:
        files = []
        for number, part in enumerate(_chunks(certificates, part_size)):
            path = os.path.join(folder, f"part-{number:05d}.pdf")
            with open(path, "wb") as part_file:
                part_file.write(certificates_pdf(event, part))
            files.append(path)
            db.session.commit()  # no transaction (no SQLite lock) held between parts
            if progress:
                progress(min(len(certificates), (number + 1) * part_size))
        _join(files, out, f"{event.name_en} — certificates")


def _join(files: list[str], out, title: str) -> None:
    """PDF parts joined into one file with qpdf (pikepdf), written straight to `out`."""
    import pikepdf

    with pikepdf.new() as joined:
        sources = [pikepdf.open(path) for path in files]
        for source in sources:
            joined.pages.extend(source.pages)
        joined.docinfo["/Title"] = title
        joined.docinfo["/Creator"] = "EventHub"
        joined.save(out)
        for source in sources:
            source.close()


def email_certificates(certificates: list[Certificate], *, progress=None) -> int:
    """Tell each holder their certificate is ready, with the link to their own page (where
    it is downloaded); in their language. Returns how many were sent."""
    from flask import render_template
    from flask_babel import force_locale, gettext

    from eventhub.i18n import localized
    from eventhub.mail import send_mail
    from eventhub.registration.services import access_key
    from eventhub.web import external_url

    sent = 0
    for number, certificate in enumerate(certificates, start=1):
        person = certificate.participant
        link = external_url("registration.own_page", slug=person.event.slug, key=access_key(person))
        with force_locale(person.locale or "en"):
            ok = send_mail(
                person.email,
                gettext("Your certificate: %(event)s", event=localized(person.event, "name")),
                render_template(
                    "email/certificate.txt",
                    participant=person,
                    link=link,
                    serial=format_serial(certificate.serial),
                ),
            )
        if ok:
            certificate.emailed_at = utcnow()
            sent += 1
        if progress and (number % 50 == 0 or number == len(certificates)):
            progress(number)
    db.session.flush()
    return sent


def save_styles(event: Event, rows: dict[Category, dict[str, str]], *, actor: User | None) -> dict:
    """The event's colour band, letter code, labels and zones per category, all at once;
    `rows` maps each category to its typed values. Refused whole, with reasons by field."""
    import re

    from eventhub.pdf import MissingFont, check_printable
    from eventhub.text import clean

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
    from eventhub.pdf import MissingFont, check_printable

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
