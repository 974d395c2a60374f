"""What the accommodation adds to the organisers' page of a participant: their room and
room-mates, and their rooming preference with the form to change it."""

from __future__ import annotations

from wtforms import SelectChoice

from eventhub.accommodation import preferences
from eventhub.accommodation.capacity import booked_per_night
from eventhub.accommodation.forms import CLASS_LABELS, PreferenceForm
from eventhub.accommodation.hotels import hotels
from eventhub.auth.models import Role
from eventhub.events.signals import event_home_panels
from eventhub.registration.signals import delegation_panels, participant_panels
from eventhub.web import Panel


def preference_form(participant) -> PreferenceForm:
    """The form showing the stored preference; an accessible room is ticked in advance for
    a guest who wrote accessibility needs and has no preference yet."""
    stored = preferences.preference_of(participant)
    values = {
        "share_with": str(stored.share_with_id or "") if stored else "",
        "accessible": stored.accessible if stored else bool(participant.accessibility_needs),
        "hotel": str(stored.hotel_id or "") if stored else "",
        "room_class": stored.room_class.value if stored and stored.room_class else "",
        "note": stored.note if stored else "",
    }
    form = PreferenceForm(data=values)
    members, others = preferences.candidates(participant)
    # The guest's delegation first (whom they most often share with), then everyone else.
    form.share_with.choices = [
        SelectChoice("", "—"),
        *(SelectChoice(str(p.id), p.latin_name) for p in members),
        *(SelectChoice(str(p.id), _with_delegation(p)) for p in others),
    ]
    form.hotel.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(h.id), h.name_en) for h in preferences.event_hotels(participant.event_id)
    ]
    return form


def _with_delegation(person) -> str:
    delegation = person.delegation
    return f"{person.latin_name} ({delegation.name_en})" if delegation else person.latin_name


@participant_panels.connect
def rooming_panel(participant, *, event, roles, **kwargs) -> Panel | None:
    """The guest's room and rooming preference, for the organisers."""
    if Role.ORGANISER not in set(roles) or participant.erased_at is not None:
        return None
    return Panel.rendered(
        "accommodation/_panel_person.html",
        order=20,
        event=event,
        participant=participant,
        room=preferences.room_of(participant),
        preference=preferences.preference_of(participant),
        wished_by=preferences.wished_by(participant),
        form=preference_form(participant),
        class_labels=CLASS_LABELS,
    )


@event_home_panels.connect
def hotels_link(event, *, roles, **kwargs) -> Panel | None:
    """For the organisers, the way to the hotels with the rooms booked and contracted."""
    if Role.ORGANISER not in set(roles):
        return None
    found = hotels(event)
    contracted = sum(b.rooms for h in found for rt in h.room_types for b in rt.blocks)
    return Panel.rendered(
        "accommodation/_panel_home.html",
        order=60,
        event=event,
        hotel_count=len(found),
        contracted=contracted,
        booked=sum(booked_per_night(event).values()),
    )


# Members a delegation's room-mates form lists: each row offers every other member.
PAIRING_UP_TO = 60


@delegation_panels.connect
def delegation_rooming(delegation, *, event, members, roles, **kwargs) -> Panel | None:
    """Who shares a room with whom, set by the head of the delegation or the organisers
    (the delegation page lets in only them)."""
    present = [m for m in members if m.erased_at is None]
    if not 2 <= len(present) <= PAIRING_UP_TO:
        return None  # a large delegation pairs on each member's page (a list per member)
    if not {Role.ORGANISER, Role.HEAD_OF_DELEGATION} & set(roles):
        return None
    return Panel.rendered(
        "accommodation/_panel_delegation.html",
        order=90,
        event=event,
        delegation=delegation,
        members=present,
        shares=preferences.shares_of(present),
    )
