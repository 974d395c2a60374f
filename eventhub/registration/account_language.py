"""The language a person's registrations are written to in follows the one they choose."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from eventhub.auth.models import User
from eventhub.auth.signals import language_chosen
from eventhub.clock import today_in
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from eventhub.registration.own_link import participant_by_access_key

# A participant's own page: its secret link proves whose registration it is.
_OWN_PAGE = re.compile(r"^/events/(?P<slug>[^/?#]+)/me/(?P<key>[^/?#]+)")


@language_chosen.connect
def follow_the_reader(user: User | None, locale: str, page: str = "", **_extra) -> None:
    """The choice made with an account goes to its registrations in events ahead; made on
    a guest's own page (no account), to that registration."""
    if user is not None:
        follow_the_account(user, locale)
    found = _OWN_PAGE.match(page or "")
    if found:
        event = db.session.scalar(sa.select(Event).where(Event.slug == found["slug"]))
        person = participant_by_access_key(event, found["key"]) if event else None
        if person is not None and person.erased_at is None:
            person.locale = locale


def follow_the_account(user: User, locale: str) -> None:
    """A delegate who switches to Thai expects the next emails about the events still
    ahead of them (agenda, changes, certificates) in Thai, not in the language their
    registration happened to be typed in: those registrations take the new language.
    Events already over keep theirs (nothing more is sent about them but what was)."""
    events = db.session.execute(
        sa.select(Event.id, Event.ends_on, Event.timezone)
        .join(Participant, Participant.event_id == Event.id)
        .where(Participant.user_id == user.id)
        .distinct()
    ).all()
    ahead = [e.id for e in events if e.ends_on >= today_in(ZoneInfo(e.timezone))]
    if not ahead:
        return
    db.session.execute(
        sa.update(Participant)
        .where(
            Participant.user_id == user.id,
            Participant.event_id.in_(ahead),
            Participant.erased_at.is_(None),
        )
        .values(locale=locale)
        .execution_options(synchronize_session="fetch")
    )
