"""Meetings the solver proposed: each side accepts or declines; both accepted is confirmed;
a decline is mailed to the other side; organisers cancel (mailed to both sides); a confirmed
meeting can become a draft agreement between the two organisations (organisers only: an
agreement starts the ceremonies' workflow, which is theirs)."""

from __future__ import annotations

from datetime import UTC

import sqlalchemy as sa
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.ceremonies.operations import create_agreement
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.i18n import localized, zoned_datetime
from eventhub.mail import send_mail
from eventhub.matchmaking.models import MatchProfile, Meeting, MeetingRequest, MeetingState
from eventhub.matchmaking.topics import TOPICS, keys_of
from eventhub.registration.models import Status
from eventhub.scheduling.agenda import language_of

FIRST, SECOND = "first", "second"


def sides_acted_for(meeting: Meeting, acting) -> list[str]:
    """Which sides of the meeting the visitor may answer for."""
    return [
        side
        for side, profile in ((FIRST, meeting.first_profile), (SECOND, meeting.second_profile))
        if acting.for_profile(profile)
    ]


def accepted(meeting: Meeting, side: str) -> bool:
    return (meeting.first_accepted_at if side == FIRST else meeting.second_accepted_at) is not None


def accept(event, meeting: Meeting, side: str, *, actor) -> None:
    """One side accepts; with both, the meeting is confirmed."""
    if meeting.state != MeetingState.PROPOSED:
        raise DomainError(_l("This meeting is no longer waiting for an answer."))
    now = utcnow()
    if side == FIRST:
        meeting.first_accepted_at = meeting.first_accepted_at or now
    else:
        meeting.second_accepted_at = meeting.second_accepted_at or now
    if meeting.first_accepted_at and meeting.second_accepted_at:
        meeting.state = MeetingState.CONFIRMED
    db.session.flush()
    audit.record(
        "meeting.accept",
        meeting,
        actor=actor,
        event_id=event.id,
        changes={"side": [None, side], "state": [None, meeting.state.value]},
    )


def _call_off(event, meeting: Meeting, state: MeetingState, action: str, actor, **said) -> None:
    """A meeting still on is off (declined or cancelled), with an audit entry."""
    if meeting.state not in (MeetingState.PROPOSED, MeetingState.CONFIRMED):
        raise DomainError(_l("This meeting is no longer on."))
    before = meeting.state.value
    meeting.state = state
    db.session.flush()
    changes = {name: [None, value] for name, value in said.items()}
    changes["state"] = [before, state.value]
    audit.record(action, meeting, actor=actor, event_id=event.id, changes=changes)


def decline(event, meeting: Meeting, side: str, *, actor) -> bool:
    """One side declines: the meeting is off and the other side's representative is told.
    True when a message was queued."""
    _call_off(event, meeting, MeetingState.DECLINED, "meeting.decline", actor, side=side)
    by, other = (
        (meeting.first_profile, meeting.second_profile)
        if side == FIRST
        else (meeting.second_profile, meeting.first_profile)
    )
    return tell_declined(event, meeting, by, other)


def cancel(event, meeting: Meeting, *, actor) -> int:
    """The organisers call a meeting off; each side's representative is told, in their
    language. The number of messages queued."""
    _call_off(event, meeting, MeetingState.CANCELLED, "meeting.cancel", actor)
    return sum(
        tell_cancelled(event, meeting, own, other)
        for own, other in (
            (meeting.first_profile, meeting.second_profile),
            (meeting.second_profile, meeting.first_profile),
        )
    )


def _when(event, moment) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return zoned_datetime(moment, event.timezone)


def _reachable(profile: MatchProfile):
    """The profile's representative when a message may go to them, else None."""
    person = profile.representative
    if (
        person is None
        or not person.email
        or person.erased_at is not None
        or person.status != Status.APPROVED
    ):
        return None
    return person


def _letter(event, person, subject: str, news: str) -> bool:
    """The mail of a meeting's news to `person`, in the language already forced."""
    lines = [
        gettext("Dear %(name)s,", name=person.salutation_name),
        "",
        news,
        gettext("The organisers may propose another meeting."),
        "",
        localized(event, "name"),
    ]
    return send_mail(person.email, subject, "\n".join(lines), event_id=event.id)


def tell_declined(event, meeting: Meeting, by: MatchProfile, other: MatchProfile) -> bool:
    """Mail `other`'s representative, in their language, that `by` declined the meeting."""
    person = _reachable(other)
    if person is None:
        return False
    with force_locale(language_of(person)):
        return _letter(
            event,
            person,
            gettext("Meeting declined: %(event)s", event=localized(event, "name")),
            gettext(
                "%(organisation)s has declined the meeting of %(time)s, table %(table)d.",
                organisation=localized(by.organisation, "name"),
                time=_when(event, meeting.starts_at),
                table=meeting.table,
            ),
        )


def tell_cancelled(event, meeting: Meeting, own: MatchProfile, other: MatchProfile) -> bool:
    """Mail `own`'s representative, in their language, that the organisers cancelled the
    meeting with `other`."""
    person = _reachable(own)
    if person is None:
        return False
    with force_locale(language_of(person)):
        return _letter(
            event,
            person,
            gettext("Meeting cancelled: %(event)s", event=localized(event, "name")),
            gettext(
                "The organisers have cancelled the meeting with %(organisation)s of %(time)s,"
                " table %(table)d.",
                organisation=localized(other.organisation, "name"),
                time=_when(event, meeting.starts_at),
                table=meeting.table,
            ),
        )


def requester(meeting: Meeting) -> MatchProfile:
    """The side that asked first for this pair (the first side when nobody asked)."""
    first_asked = db.session.scalar(
        sa.select(MeetingRequest)
        .where(
            sa.or_(
                sa.and_(
                    MeetingRequest.from_profile_id == meeting.first_profile_id,
                    MeetingRequest.to_profile_id == meeting.second_profile_id,
                ),
                sa.and_(
                    MeetingRequest.from_profile_id == meeting.second_profile_id,
                    MeetingRequest.to_profile_id == meeting.first_profile_id,
                ),
            )
        )
        .order_by(MeetingRequest.created_at, MeetingRequest.id)
        .limit(1)
    )
    if first_asked is not None and first_asked.from_profile_id == meeting.second_profile_id:
        return meeting.second_profile
    return meeting.first_profile


def host_first(meeting: Meeting) -> list[MatchProfile]:
    """The two sides, the host in position 1: the Chinese organisation if one is, else the
    one that asked."""
    sides = [meeting.first_profile, meeting.second_profile]
    chinese = [p for p in sides if p.organisation.country_code == "CN"]
    host = chinese[0] if len(chinese) == 1 else requester(meeting)
    return [host, *(p for p in sides if p is not host)]


def draft_agreement(event, meeting: Meeting, *, actor):
    """A proposed agreement between the meeting's two organisations, once per meeting."""
    if meeting.state != MeetingState.CONFIRMED:
        raise DomainError(_l("Only a confirmed meeting can become an agreement."))
    if meeting.agreement_id is not None:
        raise DomainError(_l("This meeting already has its draft agreement."))
    sides = host_first(meeting)
    keys = keys_of(meeting.topics) or keys_of(sides[0].topics)
    with force_locale("en"):
        topics = ", ".join(str(TOPICS[key]) for key in keys)
        field = str(TOPICS[keys[0]]) if keys else ""
    names = " and ".join(p.organisation.name_en for p in sides)
    title = f"Cooperation in {topics}: {names}" if topics else f"Cooperation: {names}"
    agreement = create_agreement(
        event,
        {"title_en": title[:400], "field": field[:100]},
        [p.organisation_id for p in sides],
        actor=actor,
    )
    # Never twice: only the request that finds the meeting without one links it.
    linked = db.session.execute(
        sa.update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.agreement_id.is_(None))
        .values(agreement_id=agreement.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if linked != 1:
        raise DomainError(_l("This meeting already has its draft agreement."))
    db.session.refresh(meeting)
    audit.record(
        "meeting.agreement",
        meeting,
        actor=actor,
        event_id=event.id,
        changes={"agreement_id": [None, agreement.id]},
    )
    return agreement


def meetings_query(event, *, profile_ids=None, state: str = "") -> sa.Select:
    """The event's meetings in time order, those of `profile_ids` only when given."""
    query = (
        sa.select(Meeting)
        .where(Meeting.event_id == event.id)
        .order_by(Meeting.starts_at, Meeting.table)
    )
    if profile_ids is not None:
        ids = list(profile_ids) or [-1]
        query = query.where(
            sa.or_(Meeting.first_profile_id.in_(ids), Meeting.second_profile_id.in_(ids))
        )
    if state in {s.value for s in MeetingState}:
        query = query.where(Meeting.state == MeetingState(state))
    return query


def confirmed_of(participant) -> list[Meeting]:
    """The confirmed meetings this participant represents an organisation at."""
    mine = sa.select(MatchProfile.id).where(MatchProfile.representative_id == participant.id)
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .where(
                Meeting.state == MeetingState.CONFIRMED,
                sa.or_(Meeting.first_profile_id.in_(mine), Meeting.second_profile_id.in_(mine)),
            )
            .order_by(Meeting.starts_at)
        )
    )
