"""Meeting requests: one organisation asks another for a meeting on some topics. Asking
oneself or asking twice is refused; when both have asked, the pair is "mutual" (the solver
gives such pairs their meetings first)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from eventhub.audit import services as audit
from eventhub.errors import DomainError
from eventhub.extensions import db
from eventhub.matchmaking.models import MatchProfile, MeetingRequest
from eventhub.matchmaking.topics import TOPICS, joined, keys_of


def shared_topics(first: MatchProfile, second: MatchProfile) -> list[str]:
    """The topic keys both profiles named, in TOPICS order."""
    theirs = set(keys_of(second.topics))
    return [key for key in keys_of(first.topics) if key in theirs]


def existing(from_profile: MatchProfile, to_profile: MatchProfile) -> MeetingRequest | None:
    return db.session.scalar(
        sa.select(MeetingRequest).where(
            MeetingRequest.from_profile_id == from_profile.id,
            MeetingRequest.to_profile_id == to_profile.id,
        )
    )


def ask(
    event, from_profile: MatchProfile, to_profile: MatchProfile, topics, note: str, *, actor
) -> MeetingRequest:
    """`from_profile` asks `to_profile` for a meeting on `topics` (keys)."""
    if from_profile.id == to_profile.id:
        raise DomainError(_l("An organisation cannot ask itself for a meeting."))
    if existing(from_profile, to_profile) is not None:
        raise DomainError(
            _(
                "%(from)s has already asked %(to)s for a meeting.",
                **{
                    "from": from_profile.organisation.name_en,
                    "to": to_profile.organisation.name_en,
                },
            )
        )
    keys = [key for key in topics or [] if key in TOPICS]
    if not keys:
        raise DomainError(_l("Tick at least one topic to meet on."), field="topics")
    asked = MeetingRequest(
        event_id=event.id,
        from_profile_id=from_profile.id,
        to_profile_id=to_profile.id,
        topics=joined(keys),
        note=(note or "").strip()[:1000],
    )
    db.session.add(asked)
    db.session.flush()
    audit.record(
        "meeting_request.create",
        asked,
        actor=actor,
        event_id=event.id,
        changes={"to": [None, to_profile.organisation.name_en]},
    )
    return asked


def ask_back(event, asked: MeetingRequest, *, actor) -> MeetingRequest:
    """The organisation asked answers with its own request, on the same topics: mutual."""
    return ask(
        event,
        asked.to_profile,
        asked.from_profile,
        keys_of(asked.topics),
        "",
        actor=actor,
    )


def withdraw(event, asked: MeetingRequest, *, actor) -> None:
    audit.record(
        "meeting_request.withdraw",
        asked,
        actor=actor,
        event_id=event.id,
        changes={"to": [asked.to_profile.organisation.name_en, None]},
    )
    db.session.delete(asked)
    db.session.flush()


def mutual_pairs(event) -> set[tuple[int, int]]:
    """(from, to) profile ids of every request whose reverse exists too."""
    pairs = set(
        db.session.execute(
            sa.select(MeetingRequest.from_profile_id, MeetingRequest.to_profile_id).where(
                MeetingRequest.event_id == event.id
            )
        ).all()
    )
    return {(a, b) for a, b in pairs if (b, a) in pairs}


def requests_of(profile_ids, *, incoming: bool) -> list[MeetingRequest]:
    """Requests made to (incoming) or by these profiles, newest first."""
    ids = list(profile_ids)
    if not ids:
        return []
    column = MeetingRequest.to_profile_id if incoming else MeetingRequest.from_profile_id
    return list(
        db.session.scalars(
            sa.select(MeetingRequest)
            .where(column.in_(ids))
            .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())
        )
    )
