"""A guest's room and rooming preference on the organisers' participant page."""

from __future__ import annotations

from datetime import date

from eventhub.accommodation.models import RoomGuest, RoomingPreference
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.registration.models import Participant

from .test_hotels import audit_actions, book, hotel_with_type


def page_of(client, event, person) -> str:
    return client.get(f"/events/{event.slug}/participants/{person.id}").get_data(as_text=True)


def post(client, event, person, **data):
    values = {"share_with": "", "hotel": "", "room_class": "", "note": ""} | data
    return client.post(
        f"/events/{event.slug}/participants/{person.id}/rooming",
        data=values,
        follow_redirects=True,
    )


def test_panel_shows_the_room_nights_and_room_mates(app, client, make, event, as_role):
    guest = make.participant(event, given_name="Somphone", family_name="KEOMANY")
    mate = make.participant(event, given_name="Bounmy", family_name="SENGDARA")
    _, rt = hotel_with_type(app, event, hotel="Guiyang Grand", room="Deluxe twin", beds=2)
    room_id = book(app, event, rt, date(2025, 7, 23), date(2025, 7, 26))
    with app.app_context():
        db.session.add_all(
            [
                RoomGuest(participant_id=guest.id, room_id=room_id),
                RoomGuest(participant_id=mate.id, room_id=room_id),
            ]
        )
        db.session.commit()
    as_role("organiser")
    page = page_of(client, event, guest)
    assert "Guiyang Grand" in page
    assert "Deluxe twin" in page
    assert "SENGDARA" in page.split('id="rooming-heading"')[1]


def test_sharing_preference_is_saved_and_both_sides_see_it(app, client, make, event, as_role):
    delegation = make.delegation(event)
    guest = make.participant(event, delegation_id=delegation.id, family_name="KEOMANY")
    mate = make.participant(event, delegation_id=delegation.id, family_name="SENGDARA")
    make.participant(event, family_name="AARON")  # first by name, not of the delegation
    as_role("organiser")
    # The delegation's members come first among whom to share with.
    form = page_of(client, event, guest).split('id="share_with"')[1].split("</select>")[0]
    assert form.index("SENGDARA") < form.index("AARON")
    response = post(client, event, guest, share_with=str(mate.id))
    assert "Rooming preference saved." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RoomingPreference, guest.id).share_with_id == mate.id
    other_side = page_of(client, event, mate)
    assert "Asked to share a room with this guest:" in other_side
    assert "KEOMANY" in other_side.split("Asked to share a room with this guest:")[1]
    assert audit_actions(app, event)[-1] == "rooming.preference"


def test_saving_the_same_preference_again_changes_nothing(app, client, make, event, as_role):
    guest = make.participant(event)
    as_role("organiser")
    post(client, event, guest, accessible="y", note="ground floor")
    response = post(client, event, guest, accessible="y", note="ground floor")
    assert "Nothing was changed." in response.get_data(as_text=True)
    assert audit_actions(app, event).count("rooming.preference") == 1


def test_sharing_with_oneself_an_erased_person_or_another_events_is_refused(
    app, client, make, event, as_role
):
    guest = make.participant(event)
    erased = make.participant(event, erased_at=utcnow())
    stranger = make.participant(make.event())
    as_role("organiser")
    for other, message in (
        (guest, "cannot share a room with themselves"),
        (erased, "data has been erased: choose someone else"),
        (stranger, "not a participant of this event"),
    ):
        page = post(client, event, guest, share_with=str(other.id)).get_data(as_text=True)
        assert message in page
    with app.app_context():
        assert db.session.get(RoomingPreference, guest.id) is None


def test_accessible_room_is_ticked_in_advance_for_someone_with_accessibility_needs(
    client, make, event, as_role
):
    guest = make.participant(event, accessibility_needs="Wheelchair user")
    as_role("organiser")
    page = page_of(client, event, guest)
    field = (
        page.split('id="accessible"')[0].rsplit("<input", 1)[1]
        + page.split('id="accessible"')[1].split(">")[0]
    )
    assert "checked" in field
    assert "Accessibility needs given: Wheelchair user" in page


def test_a_hotel_wish_and_class_override_are_stored(app, client, make, event, as_role):
    guest = make.participant(event)
    hotel_id, _rt = hotel_with_type(app, event)
    as_role("organiser")
    post(client, event, guest, hotel=str(hotel_id), room_class="executive")
    with app.app_context():
        preference = db.session.get(RoomingPreference, guest.id)
        assert (preference.hotel_id, preference.room_class.value) == (hotel_id, "executive")


def test_the_panel_is_for_organisers_only(app, client, make, event, as_role):
    guest = make.participant(event)
    as_role("visa_officer")
    assert 'id="rooming-heading"' not in page_of(client, event, guest)
    response = client.get(f"/events/{event.slug}/participants/{guest.id}/rooming")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(Participant, guest.id) is not None


def test_deleting_a_wished_hotel_leaves_the_preference_without_it(
    app, client, make, event, as_role
):
    guest = make.participant(event)
    hotel_id, _rt = hotel_with_type(app, event)
    as_role("organiser")
    post(client, event, guest, hotel=str(hotel_id), accessible="y")
    client.post(f"/events/{event.slug}/hotels/{hotel_id}/delete")
    with app.app_context():
        preference = db.session.get(RoomingPreference, guest.id)
        assert (preference.hotel_id, preference.accessible) == (None, True)


def _delegation_with_head(app, make, event, as_role):
    delegation = make.delegation(event)
    head_user = as_role("head_of_delegation")
    head = make.participant(
        event, delegation_id=delegation.id, user_id=head_user.id, family_name="HEADMAN"
    )
    a = make.participant(event, delegation_id=delegation.id, family_name="KEOMANY")
    b = make.participant(event, delegation_id=delegation.id, family_name="SENGDARA")
    with app.app_context():
        from eventhub.registration.models import Delegation

        db.session.get(Delegation, delegation.id).head_id = head.id
        db.session.commit()
    return delegation, head, a, b


def test_head_of_delegation_pairs_members_as_room_mates(app, client, make, event, as_role):
    delegation, head, a, b = _delegation_with_head(app, make, event, as_role)
    url = f"/events/{event.slug}/delegations/{delegation.id}/"
    page = client.get(url).get_data(as_text=True)
    assert f'<label for="share-{a.id}">' in page
    response = client.post(
        f"/events/{event.slug}/delegations/{delegation.id}/rooming",
        data={f"share-{a.id}": str(b.id), f"share-{b.id}": str(a.id), f"share-{head.id}": ""},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Room-mates saved." in page
    assert f'<option value="{b.id}" selected>' in page
    with app.app_context():
        assert db.session.get(RoomingPreference, a.id).share_with_id == b.id
        assert db.session.get(RoomingPreference, b.id).share_with_id == a.id
        assert db.session.get(RoomingPreference, head.id) is None


def test_head_cannot_pair_a_member_with_someone_outside_the_delegation(
    app, client, make, event, as_role
):
    delegation, _head, a, _b = _delegation_with_head(app, make, event, as_role)
    outsider = make.participant(event)
    response = client.post(
        f"/events/{event.slug}/delegations/{delegation.id}/rooming",
        data={f"share-{a.id}": str(outsider.id)},
        follow_redirects=True,
    )
    assert "Choose a room-mate among the delegation" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(RoomingPreference, a.id) is None


def test_another_delegations_head_may_not_pair_members(app, client, make, event, as_role):
    other = make.delegation(event)
    member = make.participant(event, delegation_id=other.id)
    _delegation_with_head(app, make, event, as_role)
    response = client.post(
        f"/events/{event.slug}/delegations/{other.id}/rooming",
        data={f"share-{member.id}": ""},
    )
    assert response.status_code == 403
