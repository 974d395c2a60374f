"""Check-in rules: judging a scanned code at a checkpoint, once, whatever the network did.

A scan is judged in this order: a code that is not ours ("invalid"), a revoked badge, a
registration not approved, the checkpoint closed or outside its hours, the wrong category,
zone or no enrolment ("denied"), then admission: once a day at a checkpoint without re-entry
("already_admitted" the second time, saying when and where).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.auth.models import User
from eventhub.badges import codes
from eventhub.badges import services as badge_services
from eventhub.checkin.models import Admission, Checkpoint, CheckpointStaff, Scan, ScanResult
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant, Status
from eventhub.registration.services import CATEGORY_LABELS

REASONS = {
    "unknown": _l("Unknown code: not a badge of this event."),
    "revoked": _l("Badge revoked: it was reprinted. Ask for the new badge."),
    "not_approved": _l("Registration not approved."),
    "inactive": _l("This checkpoint is closed."),
    "too_early": _l("Outside the time window: opens at %(time)s."),
    "too_late": _l("Outside the time window: closed at %(time)s."),
    "category": _l("Not allowed here: %(category)s."),
    "zone": _l("Wrong zone: zone %(zone)s needed."),
    "not_enrolled": _l("Not enrolled in this activity."),
    "already": _l("Already checked in at %(time)s at %(where)s."),
    "admitted": _l("Welcome."),
}
FUTURE_TOLERANCE = timedelta(minutes=5)  # device clocks drift


def checkpoint_by_ref(event: Event, ref: str | int) -> Checkpoint | None:
    """A checkpoint by id or slug."""
    text = str(ref).strip()
    query = sa.select(Checkpoint).where(Checkpoint.event_id == event.id)
    if text.isascii() and text.isdigit():
        return db.session.scalar(query.where(Checkpoint.id == int(text)))
    return db.session.scalar(query.where(Checkpoint.slug == text[:64]))


def may_scan_at(user: User, roles: set, checkpoint: Checkpoint) -> bool:
    """Organisers scan anywhere; staff where they are assigned."""
    from eventhub.auth.models import Role

    if Role.ORGANISER in roles:
        return True
    return (
        Role.STAFF in roles
        and db.session.get(CheckpointStaff, (checkpoint.id, user.id)) is not None
    )


@dataclass
class Answer:
    result: ScanResult
    reason: str  # key of REASONS
    detail: dict = field(default_factory=dict)
    participant: Participant | None = None
    scan_id: int | None = None
    duplicate: bool = False

    @property
    def text(self) -> str:
        """The reason in the reader's language, its details filled in."""
        text = str(REASONS[self.reason])
        return text % self.detail if self.detail else text


def _local(event: Event, moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(event.timezone))


def _judge(event: Event, checkpoint: Checkpoint, code: str, when: datetime) -> Answer:
    check = badge_services.check_code(event, code)
    if check.result == "invalid":
        return Answer(ScanResult.INVALID, "unknown")
    person = check.participant
    if check.result == "revoked":
        return Answer(ScanResult.DENIED, "revoked", participant=person)
    if person.status != Status.APPROVED:
        return Answer(ScanResult.DENIED, "not_approved", participant=person)
    if not checkpoint.active:
        return Answer(ScanResult.DENIED, "inactive", participant=person)
    if checkpoint.opens_at and when < checkpoint.opens_at:
        time = _local(event, checkpoint.opens_at).strftime("%H:%M")
        return Answer(ScanResult.DENIED, "too_early", {"time": time}, person)
    if checkpoint.closes_at and when > checkpoint.closes_at:
        time = _local(event, checkpoint.closes_at).strftime("%H:%M")
        return Answer(ScanResult.DENIED, "too_late", {"time": time}, person)
    allowed = [c for c in checkpoint.categories.split(",") if c]
    if allowed and person.category.value not in allowed:
        label = str(CATEGORY_LABELS[person.category])
        return Answer(ScanResult.DENIED, "category", {"category": label}, person)
    if checkpoint.zone:
        zones = badge_services.styles_of(event)[person.category].zones.split()
        if checkpoint.zone not in zones and "ALL" not in zones:
            return Answer(ScanResult.DENIED, "zone", {"zone": checkpoint.zone}, person)
    if checkpoint.enrolment_required and checkpoint.activity_id:
        from eventhub.scheduling.models import Enrolment, EnrolmentStatus

        enrolled = db.session.scalar(
            sa.select(Enrolment.id).where(
                Enrolment.activity_id == checkpoint.activity_id,
                Enrolment.participant_id == person.id,
                Enrolment.status == EnrolmentStatus.CONFIRMED,
            )
        )
        if enrolled is None:
            return Answer(ScanResult.DENIED, "not_enrolled", participant=person)
    return Answer(ScanResult.ADMITTED, "admitted", participant=person)


def _answer_of(scan: Scan) -> Answer:
    detail = {}
    if scan.detail:
        time, _sep, where = scan.detail.partition("|")
        detail = {"time": time, "where": where} if scan.reason == "already" else {}
        if scan.reason in ("too_early", "too_late"):
            detail = {"time": scan.detail}
        elif scan.reason == "category":
            detail = {"category": scan.detail}
        elif scan.reason == "zone":
            detail = {"zone": scan.detail}
    return Answer(
        scan.result, scan.reason, detail, scan.participant, scan.id, duplicate=scan.duplicate
    )


def _stored(event: Event, client_scan_id: str) -> Scan | None:
    return db.session.scalar(
        sa.select(Scan).where(Scan.event_id == event.id, Scan.client_scan_id == client_scan_id)
    )


def record_scan(
    event: Event,
    checkpoint: Checkpoint,
    code: str,
    client_scan_id: str,
    *,
    scanned_at: datetime | None = None,
    user: User | None = None,
    device: str = "",
    offline_result: str = "",
) -> Answer:
    """Judge and record one scan. The same client_scan_id again returns the first answer
    and records nothing; two gates admitting one badge at once admit it once (the unique
    admission row decides, in the database, not in this process)."""
    client_scan_id = client_scan_id.strip()[:64]
    if not client_scan_id:
        raise DomainError(_l("client_scan_id is required."), field="client_scan_id")
    now = utcnow()
    when = scanned_at or now
    if when > now + FUTURE_TOLERANCE:
        raise DomainError(_l("scanned_at is in the future."), field="scanned_at")
    stored = _stored(event, client_scan_id)
    if stored is not None:
        return _answer_of(stored)
    answer = _judge(event, checkpoint, code, when)
    for _attempt in range(2):
        try:
            with db.session.begin_nested():
                scan = _scan_row(
                    event, checkpoint, code, client_scan_id, when, user, device, answer
                )
                # Admitted by a device offline, already admitted here: one check-in, and
                # this scan kept as a flagged duplicate.
                answer.duplicate = (
                    offline_result == "admitted" and answer.result == ScanResult.ALREADY_ADMITTED
                )
                scan.duplicate = answer.duplicate
                db.session.add(scan)
                db.session.flush()
                if answer.result == ScanResult.ADMITTED and not checkpoint.reentry:
                    db.session.add(
                        Admission(
                            checkpoint_id=checkpoint.id,
                            participant_id=answer.participant.id,
                            day=_local(event, when).date(),
                            scan_id=scan.id,
                        )
                    )
                    db.session.flush()
            answer.scan_id = scan.id
            return answer
        except IntegrityError:
            stored = _stored(event, client_scan_id)
            if stored is not None:  # the same scan sent twice at once
                return _answer_of(stored)
            first = _admission(checkpoint, answer.participant, _local(event, when).date())
            if first is None:
                raise
            # Another gate admitted this badge first: say when and where.
            answer = Answer(
                ScanResult.ALREADY_ADMITTED,
                "already",
                _where(event, first.scan),
                answer.participant,
                duplicate=offline_result == "admitted",
            )
    raise RuntimeError("unreachable")  # pragma: no cover


def _admission(checkpoint: Checkpoint, person: Participant | None, day) -> Admission | None:
    if person is None:
        return None
    return db.session.scalar(
        sa.select(Admission).where(
            Admission.checkpoint_id == checkpoint.id,
            Admission.participant_id == person.id,
            Admission.day == day,
        )
    )


def _where(event: Event, scan: Scan) -> dict:
    place = scan.checkpoint.name_en + (f" ({scan.device})" if scan.device else "")
    return {"time": _local(event, scan.scanned_at).strftime("%H:%M"), "where": place}


def _scan_row(event, checkpoint, code, client_scan_id, when, user, device, answer) -> Scan:
    if answer.result == ScanResult.ADMITTED and not checkpoint.reentry:
        first = _admission(checkpoint, answer.participant, _local(event, when).date())
        if first is not None:  # the common case, without a failed insert
            answer.result, answer.reason = ScanResult.ALREADY_ADMITTED, "already"
            answer.detail = _where(event, first.scan)
    detail = ""
    if answer.reason == "already":
        detail = f"{answer.detail['time']}|{answer.detail['where']}"
    elif answer.detail:
        detail = next(iter(answer.detail.values()))
    return Scan(
        event_id=event.id,
        checkpoint_id=checkpoint.id,
        client_scan_id=client_scan_id,
        code=code.strip()[:64],
        participant_id=answer.participant.id if answer.participant else None,
        result=answer.result,
        reason=answer.reason,
        detail=detail[:200],
        scanned_at=when,
        user_id=user.id if user else None,
        device=device[:100],
        duplicate=answer.duplicate,
    )


def undo_scan(scan: Scan, *, user: User | None) -> None:
    """A mistaken scan (the wrong badge held up): it no longer counts as an arrival."""
    if scan.undone_at is not None:
        raise DomainError(_l("This scan was already undone."))
    scan.undone_at = utcnow()
    db.session.execute(sa.delete(Admission).where(Admission.scan_id == scan.id))
    db.session.flush()


def recent_scans(checkpoint: Checkpoint, limit: int = 15) -> list[Scan]:
    return list(
        db.session.scalars(
            sa.select(Scan)
            .where(Scan.checkpoint_id == checkpoint.id)
            .options(sa.orm.joinedload(Scan.participant))
            .order_by(Scan.received_at.desc(), Scan.id.desc())
            .limit(limit)
        )
    )


def code_digest(code: str) -> str:
    """How a roster names a code: its hash, so that a stolen roster prints no badge."""
    return hashlib.sha256(code.encode()).hexdigest()[:24]


def roster(event: Event, checkpoint: Checkpoint) -> list[dict]:
    """What a device needs to judge codes offline at this checkpoint: for each badge, the
    digests of its current and revoked codes, and the verdict of the rules (no passport
    data, no contact details)."""
    from eventhub.badges.models import Badge

    key = badge_services._key()  # noqa: SLF001 (the same key signs the badges)
    people = list(
        db.session.execute(
            sa.select(Participant, Badge)
            .join(Badge, Badge.participant_id == Participant.id)
            .where(Participant.event_id == event.id)
        )
    )
    entries = []
    now = utcnow()
    for person, badge in people:
        current = codes.make_code(key, badge.id, badge.version)
        verdict = _judge(event, checkpoint, current, now)
        entries.append(
            {
                "code": code_digest(current),
                "revoked": [
                    code_digest(codes.make_code(key, badge.id, v)) for v in range(1, badge.version)
                ],
                "participant": summary(person),
                "result": verdict.result.value,
                "reason": verdict.text if verdict.result != ScanResult.ADMITTED else "",
            }
        )
    return entries


def summary(person: Participant | None) -> dict | None:
    """What a gate shows about a person: enough to recognise them, nothing more."""
    if person is None:
        return None
    return {
        "id": person.id,
        "name": person.latin_name,
        "native_name": person.native_name,
        "category": person.category.value,
        "category_label": str(CATEGORY_LABELS[person.category]),
        "country": person.country_code,
        "delegation": person.delegation.name_en if person.delegation else "",
    }
