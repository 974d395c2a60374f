"""Headsets: the inventory (added by range, lost, broken), and the desk's loans: a guest's
badge then a headset's number lends it; a headset that is out, scanned, comes back."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from eventhub.audit import services as audit
from eventhub.badges import codes
from eventhub.badges.checking import Holder, check_code
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.interpretation.models import Headset, HeadsetLoan, HeadsetState
from eventhub.registration.models import Participant, Status
from eventhub.scheduling.models import Activity, ActivityState, Room, Venue

MAX_AT_ONCE = 1000  # headsets added by one range
DOUBLE_READ = 2  # seconds after a return when the same headset scanned again is the same scan
NUMBER = re.compile(r"^([A-Z-]*)(\d{1,6})$")
STATE_LABELS = {
    HeadsetState.AVAILABLE: _l("Available"),
    HeadsetState.LOST: _l("Lost"),
    HeadsetState.BROKEN: _l("Broken"),
}


def clean_number(text: str | None) -> str:
    """A headset's number or a badge's code as a label or scanner gives it: no spaces,
    capitals."""
    return "".join((text or "").split()).upper()[:60]


def numbers_between(first: str, last: str) -> list[str]:
    """ "H001".."H250": the same prefix, the digits counted up, as wide as the first's."""
    a, b = NUMBER.match(clean_number(first)), NUMBER.match(clean_number(last))
    if a is None or b is None:
        raise DomainError(_("A headset number is letters then digits, such as H001."))
    if a[1] != b[1]:
        raise DomainError(_("The first and the last number must have the same letters."))
    start, end = int(a[2]), int(b[2])
    if end < start:
        raise DomainError(_("The last number comes before the first."))
    if end - start + 1 > MAX_AT_ONCE:
        raise DomainError(_("At most %(num)d headsets at once.", num=MAX_AT_ONCE))
    width = len(a[2])
    return _fitting([f"{a[1]}{n:0{width}d}" for n in range(start, end + 1)])


def _fitting(numbers: list[str]) -> list[str]:
    if any(len(n) > 20 for n in numbers):
        raise DomainError(_("A headset number has at most 20 letters and digits."))
    return numbers


def numbers_counted(prefix: str, count: int, start: int = 1) -> list[str]:
    """`count` numbers after `prefix`, three digits at least: H001, H002..."""
    prefix = clean_number(prefix)
    if not re.fullmatch(r"[A-Z-]*", prefix):
        raise DomainError(_("A prefix is letters only, such as H."))
    if not 0 < count <= MAX_AT_ONCE:
        raise DomainError(_("Between 1 and %(num)d headsets at once.", num=MAX_AT_ONCE))
    width = max(3, len(str(start + count - 1)))
    return _fitting([f"{prefix}{n:0{width}d}" for n in range(start, start + count)])


def numbers_in(event) -> set[str]:
    return set(db.session.scalars(sa.select(Headset.number).where(Headset.event_id == event.id)))


def add_headsets(event, numbers: list[str], *, actor) -> tuple[int, int]:
    """Add the headsets not yet in the event's inventory: (added, already there). A double
    click or a second organiser adding the same numbers at once is told, not an error."""
    have = numbers_in(event)
    new = [n for n in numbers if n not in have]
    try:
        with db.session.begin_nested():
            db.session.add_all(Headset(event_id=event.id, number=n) for n in new)
    except IntegrityError as error:
        raise DomainError(
            _("Some of these headsets were added meanwhile (a double click?): look and try again.")
        ) from error
    if new:
        audit.record(
            "headset.added",
            event,
            actor=actor,
            event_id=event.id,
            changes={"numbers": [None, f"{new[0]}–{new[-1]} ({len(new)})"]},
        )
    db.session.flush()
    return len(new), len(numbers) - len(new)


def find(event, number: str) -> Headset | None:
    return db.session.scalar(
        sa.select(Headset).where(Headset.event_id == event.id, Headset.number == number)
    )


def open_loan(headset: Headset) -> HeadsetLoan | None:
    return db.session.scalar(
        sa.select(HeadsetLoan).where(
            HeadsetLoan.headset_id == headset.id, HeadsetLoan.returned_at.is_(None)
        )
    )


def just_returned(headset: Headset) -> HeadsetLoan | None:
    """The loan of this headset closed at the desk in the last DOUBLE_READ seconds."""
    return db.session.scalar(
        sa.select(HeadsetLoan)
        .where(
            HeadsetLoan.headset_id == headset.id,
            HeadsetLoan.returned_by_id.is_not(None),
            HeadsetLoan.returned_at >= utcnow() - timedelta(seconds=DOUBLE_READ),
        )
        .order_by(HeadsetLoan.returned_at.desc())
        .limit(1)
    )


def held_by(event, participant_id: int) -> list[HeadsetLoan]:
    """What a guest holds now."""
    return list(
        db.session.scalars(
            sa.select(HeadsetLoan)
            .where(
                HeadsetLoan.event_id == event.id,
                HeadsetLoan.participant_id == participant_id,
                HeadsetLoan.returned_at.is_(None),
            )
            .order_by(HeadsetLoan.issued_at)
        )
    )


def open_loans(event) -> list[HeadsetLoan]:
    """Every headset out now, the longest out first: the end of day's "not returned". The
    headset, holder and delegation come in the same query (hundreds are out at a plenary)."""
    return list(
        db.session.scalars(
            sa.select(HeadsetLoan)
            .join(Headset, Headset.id == HeadsetLoan.headset_id)
            .where(HeadsetLoan.event_id == event.id, HeadsetLoan.returned_at.is_(None))
            .options(
                sa.orm.contains_eager(HeadsetLoan.headset),
                sa.orm.joinedload(HeadsetLoan.participant).joinedload(Participant.delegation),
            )
            .order_by(HeadsetLoan.issued_at, Headset.number)
        )
    )


def out_count(event) -> int:
    """How many headsets are out now (the desk's counter), counted by the database."""
    return db.session.scalar(
        sa.select(sa.func.count(HeadsetLoan.id)).where(
            HeadsetLoan.event_id == event.id, HeadsetLoan.returned_at.is_(None)
        )
    )


def inventory(event) -> list[tuple[Headset, HeadsetLoan | None]]:
    """Each headset with its open loan, by number."""
    out = {loan.headset_id: loan for loan in open_loans(event)}
    headsets = db.session.scalars(
        sa.select(Headset).where(Headset.event_id == event.id).order_by(Headset.number)
    )
    return [(h, out.get(h.id)) for h in headsets]


def history(headset: Headset) -> list[HeadsetLoan]:
    return list(
        db.session.scalars(
            sa.select(HeadsetLoan)
            .where(HeadsetLoan.headset_id == headset.id)
            .order_by(HeadsetLoan.issued_at.desc(), HeadsetLoan.id.desc())
        )
    )


def rooms_of(event) -> list[Room]:
    return list(
        db.session.scalars(
            sa.select(Room).join(Venue).where(Venue.event_id == event.id).order_by(Room.name_en)
        )
    )


def activities_of_day(event, start: datetime, end: datetime) -> list[Activity]:
    """The activities a desk may lend for: those of the day, not cancelled."""
    return list(
        db.session.scalars(
            sa.select(Activity)
            .where(
                Activity.event_id == event.id,
                Activity.state != ActivityState.CANCELLED,
                Activity.starts_at < end,
                sa.or_(Activity.ends_at.is_(None), Activity.ends_at > start),
            )
            .order_by(Activity.starts_at, Activity.id)
        )
    )


def running_in(event, room_id: int | None, now: datetime) -> Activity | None:
    """The activity under way in the desk's room now, if one is."""
    if room_id is None:
        return None
    return db.session.scalar(
        sa.select(Activity)
        .where(
            Activity.event_id == event.id,
            Activity.room_id == room_id,
            Activity.state != ActivityState.CANCELLED,
            Activity.starts_at <= now,
            Activity.ends_at > now,
        )
        .order_by(Activity.starts_at.desc())
        .limit(1)
    )


def set_state(headset: Headset, state: HeadsetState, *, actor) -> HeadsetLoan | None:
    """Mark a headset lost, broken or available again. One that was out is no longer
    expected back: its loan closes (returned by nobody), and its holder is in the log."""
    before = headset.state
    loan = open_loan(headset) if state != HeadsetState.AVAILABLE else None
    if loan is not None:
        loan.returned_at = utcnow()
    headset.state = state
    audit.record(
        "headset.state",
        headset,
        actor=actor,
        event_id=headset.event_id,
        changes={
            "state": [before.value, state.value],
            **({"holder": [loan.participant_id, None]} if loan else {}),
        },
    )
    db.session.flush()
    return loan


@dataclass
class Verdict:
    """What the desk shows for one scan, about the code that was scanned."""

    result: str  # guest, issued, returned, swapped, holds, refused, unknown, lost, none
    code: str
    holder: Participant | Holder | None = None
    headset: str = ""
    held: list[str] = field(default_factory=list)  # the numbers the guest holds now
    reason: str = ""
    guest_code: str = ""  # the badge the next headset goes to ("" clears it)

    @property
    def ok(self) -> bool:
        return self.result in ("guest", "issued", "returned", "swapped")


def looks_like_badge(text: str) -> bool:
    return clean_number(text).startswith(codes.PREFIX) and len(clean_number(text)) >= 20


def guest_of(event, code: str) -> tuple[Verdict | None, Holder | None]:
    """The badge's holder, or the verdict refusing the code (forged, revoked, another
    event's, or a guest no longer registered)."""
    check = check_code(event.id, code)
    if check.result == "revoked":
        return Verdict(
            "refused", code, check.holder, reason=_("This badge was replaced by a newer one.")
        ), None
    if check.result != "valid" or check.holder is None:
        return Verdict("refused", code, reason=_("Not a valid badge of this event.")), None
    return None, check.holder


def _not_approved(code: str, holder: Holder) -> Verdict:
    """A withdrawn, refused or not yet approved guest borrows nothing (what they hold they
    may still bring back)."""
    return Verdict(
        "refused", code, holder, reason=_("Not an approved participant: no headset to lend.")
    )


def _lend(event, headset, guest_id, *, activity_id, channel, actor) -> HeadsetLoan:
    loan = HeadsetLoan(
        event_id=event.id,
        headset_id=headset.id,
        participant_id=guest_id,
        activity_id=activity_id,
        channel=channel,
        issued_at=utcnow(),
        issued_by_id=getattr(actor, "id", None),
    )
    db.session.add(loan)
    audit.record(
        "headset.issued",
        headset,
        actor=actor,
        event_id=event.id,
        changes={"holder": [None, guest_id], "number": [None, headset.number]},
    )
    return loan


def _take_back(loan: HeadsetLoan, *, actor) -> None:
    loan.returned_at = utcnow()
    loan.returned_by_id = getattr(actor, "id", None)
    audit.record(
        "headset.returned",
        loan.headset,
        actor=actor,
        event_id=loan.event_id,
        changes={"holder": [loan.participant_id, None], "number": [None, loan.headset.number]},
    )


def scan(
    event,
    code: str,
    *,
    guest_code: str = "",
    activity_id: int | None = None,
    channel: str = "",
    swap: bool = False,
    actor,
) -> Verdict:
    """One scan at the desk. A badge chooses the guest; a headset that is out comes back;
    an available one goes to the chosen guest (or, with `swap`, replaces what they hold)."""
    code = clean_number(code)
    channel = clean_number(channel)[:8].lower()
    if not code:
        return Verdict("none", code, reason=_("Scan a badge or a headset."))
    if looks_like_badge(code):
        refused, holder = guest_of(event, code)
        if refused is not None:
            return refused
        held = [loan.headset.number for loan in held_by(event, holder.id)]
        if not held and holder.status != Status.APPROVED:
            return _not_approved(code, holder)
        return Verdict("holds" if held else "guest", code, holder, held=held, guest_code=code)
    headset = find(event, code) if len(code) <= 20 else None
    if headset is None:
        return Verdict(
            "unknown", code, guest_code=guest_code, reason=_("No headset has this number.")
        )
    loan = open_loan(headset)
    if loan is not None:
        # The guest chosen before is unchosen: the next headset scanned must not go to them
        # by mistake (they were waiting while someone else brought this one back).
        _take_back(loan, actor=actor)
        db.session.flush()
        reason = ""
        if guest_code:
            _refused, chosen = guest_of(event, guest_code)
            if chosen is None or chosen.id != loan.participant_id:
                # The desk had another guest chosen: say so, or the next scan lends to nobody
                # the desk expected.
                reason = _(
                    "This headset was still lent to the guest named here, not to the guest"
                    " scanned before. Scan the next guest's badge again to lend a headset."
                )
        return Verdict("returned", code, loan.participant, headset=code, reason=reason)
    back = just_returned(headset)
    if back is not None:
        # A scanner's double read of a headset coming back, sent before the first answer
        # unchose the guest: the same answer again, nothing lent.
        return Verdict("returned", code, back.participant, headset=code)
    if headset.state != HeadsetState.AVAILABLE:
        return Verdict(
            "lost",
            code,
            headset=code,
            guest_code=guest_code,
            reason=_(
                "This headset is marked %(state)s: put it aside.", state=STATE_LABELS[headset.state]
            ),
        )
    if not guest_code:
        return Verdict("none", code, headset=code, reason=_("Scan the guest's badge first."))
    refused, holder = guest_of(event, guest_code)
    if refused is not None:
        return refused
    if holder.status != Status.APPROVED:
        return _not_approved(code, holder)
    holding = held_by(event, holder.id)
    if holding and not swap:
        held = [loan.headset.number for loan in holding]
        return Verdict("holds", code, holder, headset=code, held=held, guest_code=guest_code)
    for old in holding:
        _take_back(old, actor=actor)
    db.session.flush()  # the old loans closed before the new one opens
    _lend(event, headset, holder.id, activity_id=activity_id, channel=channel, actor=actor)
    db.session.flush()
    return Verdict(
        "swapped" if holding else "issued",
        code,
        holder,
        headset=code,
        held=[loan.headset.number for loan in holding],
    )
