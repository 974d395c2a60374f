"""Possible duplicates: found by email, passport or name at one organisation; merged or kept."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.audit.models import AuditEntry
from eventhub.extensions import db
from eventhub.registration.models import Participant


def test_pairs_are_found_for_each_reason_and_merged(client, as_role, make, event, app):
    university = make.organisation(name_en="National University of Laos", country_code="LA").id
    first = make.participant(
        event, email="somphone.k@example.la", organisation_id=university, phone=""
    )
    second = make.participant(
        event,
        email="Somphone.K@example.la",
        phone="+856 20 5555 0101",
        hotel="Guiyang Hotel",
        organisation_id=university,
    )
    make.participant(event, given_name="Other", email="other@example.la")
    make.participant(make.event(), email="somphone.k@example.la")  # another event
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/duplicates").get_data(as_text=True)
    assert page.count('name="decision" value="keep_both"') == 1
    assert "Same email address" in page and "Same name at the same organisation" in page

    response = client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": first.id, "second": second.id, "decision": "keep_first"},
    )
    assert f"keep={first.id}&remove={second.id}" in response.headers["Location"]
    response = _merge(client, event, first, second, {})
    assert "Merged into the registration of Somphone KEOMANY." in response.get_data(as_text=True)
    assert "No possible duplicates." in response.get_data(as_text=True)
    with app.app_context():
        kept = db.session.get(Participant, first.id)
        assert db.session.get(Participant, second.id) is None
        # Empty fields of the kept record take the other's value by default.
        assert (kept.phone, kept.hotel) == ("+856 20 5555 0101", "Guiyang Hotel")
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.action == "participant.merge")
        )
        assert "Somphone.K@example.la" in entry.changes["merged"][0]


def _merge(client, event, kept, removed, choices: dict, *, step: str = "confirm"):
    return client.post(
        f"/events/{event.slug}/participants/duplicates/merge",
        data={"keep": kept.id, "remove": removed.id, "step": step, **choices},
        follow_redirects=True,
    )


def test_different_people_can_be_kept_apart(client, as_role, make, event, app):
    first = make.participant(event, email="shared@example.la")
    second = make.participant(event, given_name="Bounmy", email="shared@example.la")
    as_role("organiser")
    client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": second.id, "second": first.id, "decision": "keep_both"},
    )
    page = client.get(f"/events/{event.slug}/participants/duplicates").get_data(as_text=True)
    assert "No possible duplicates." in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Participant)) == 2


def test_merging_across_events_is_refused(client, as_role, make, event, app):
    mine = make.participant(event)
    theirs = make.participant(make.event())
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/participants/duplicates",
        data={"first": mine.id, "second": theirs.id, "decision": "keep_first"},
        follow_redirects=True,
    )
    assert "not a pair in this event" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Participant, theirs.id) is not None


def test_same_passport_is_found(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        digest = crypto.blind_index("P1234567", "passport")
    make.participant(event, email="a@example.la", passport_digest=digest)
    make.participant(event, given_name="Different", email="b@example.la", passport_digest=digest)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/duplicates").get_data(as_text=True)
    assert "Same passport number" in page


def test_merging_keeps_the_approval_and_the_visa_request(client, as_role, make, event, app):
    from eventhub.registration.models import Status

    pending = make.participant(event, email="same@example.la", status=Status.PENDING)
    approved = make.participant(
        event, email="same@example.la", status=Status.APPROVED, visa_letter_requested=True
    )
    as_role("organiser")
    _merge(client, event, pending, approved, {})
    with app.app_context():
        kept = db.session.get(Participant, pending.id)
        assert kept.status == Status.APPROVED and kept.visa_letter_requested
        assert "keomany" in kept.search_text


def test_merging_into_a_single_name_keeps_it_whole(client, as_role, make, event, app):
    """The kept record 'Aung Hlaing' (one name, no family name) was once merged into
    'AUNG Aung Hlaing': an empty family name is a value, not a gap."""
    kept = make.participant(
        event,
        family_name="",
        given_name="Aung Hlaing",
        native_name="",
        email="ah@example.mm",
        country_code="MM",
    )
    other = make.participant(
        event,
        family_name="Aung",
        given_name="Hlaing",
        native_name="အောင်လှိုင်",
        email="ah@example.mm",
        country_code="MM",
        phone="+95 9 555 0101",
    )
    as_role("organiser")
    page = client.get(
        f"/events/{event.slug}/participants/duplicates/merge?keep={kept.id}&remove={other.id}"
    ).get_data(as_text=True)
    # Both versions side by side, the kept one chosen where it has a value.
    assert 'id="family_name-keep" checked' in page and 'id="phone-take" checked' in page
    assert "အောင်လှိုင်" in page and "+95 9 555 0101" in page

    review = _merge(
        client, event, kept, other, {"family_name": "keep", "native_name": "take"}, step="review"
    ).get_data(as_text=True)
    assert "Merge and remove #" in review  # nothing merged yet: a confirmation first
    with app.app_context():
        assert db.session.get(Participant, other.id) is not None

    _merge(client, event, kept, other, {"family_name": "keep", "native_name": "take"})
    with app.app_context():
        merged = db.session.get(Participant, kept.id)
        assert merged.latin_name == "Aung Hlaing"
        assert (merged.native_name, merged.phone) == ("အောင်လှိုင်", "+95 9 555 0101")


def test_the_organiser_chooses_each_field(client, as_role, make, event, app):
    kept = make.participant(event, email="old@example.la", position="Lecturer", phone="+856 1")
    other = make.participant(event, email="new@example.la", position="Dean", phone="+856 2")
    as_role("organiser")
    _merge(client, event, kept, other, {"email": "take", "position": "keep", "phone": "take"})
    with app.app_context():
        merged = db.session.get(Participant, kept.id)
        assert (merged.email, merged.position, merged.phone) == (
            "new@example.la",
            "Lecturer",
            "+856 2",
        )


def test_the_audit_log_keeps_both_versions_without_passport_numbers(
    client, as_role, make, event, app
):
    from eventhub import crypto

    with app.app_context():
        number = crypto.encrypt("MA1234567")
        digest = crypto.blind_index("MA1234567", "passport")
    kept = make.participant(event, email="a@example.la", position="Lecturer")
    other = make.participant(
        event,
        email="b@example.la",
        position="Dean",
        passport_number_encrypted=number,
        passport_digest=digest,
        hotel="Guiyang Hotel",
    )
    as_role("organiser")
    _merge(client, event, kept, other, {"position": "keep", "passport": "take"})
    with app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action.like("participant.merge%"))
        ).all()
        logged = " ".join(str(entry.changes) for entry in entries)
        removed = next(e for e in entries if e.action == "participant.merge_removed")
        assert removed.object_id == str(other.id)
        assert "Dean" in str(removed.changes) and "b@example.la" in str(removed.changes)
        assert "Guiyang Hotel" in logged
        assert "MA1234567" not in logged and number not in logged
        assert "67" in logged  # the masked number, its last two characters
        assert db.session.get(Participant, kept.id).passport_digest == digest
    page = client.get(f"/events/{event.slug}/audit").get_data(as_text=True)
    assert "MA1234567" not in page


def test_what_belonged_to_the_removed_registration_moves(client, as_role, make, event, app):
    from eventhub.badges.models import Badge
    from eventhub.registration.models import Delegation

    delegation = make.delegation(event)
    kept = make.participant(event, email="same@example.la", delegation_id=delegation.id)
    other = make.participant(event, email="same@example.la", delegation_id=delegation.id)
    with app.app_context():
        db.session.add(Badge(participant_id=other.id))
        db.session.get(Delegation, delegation.id).head_id = other.id
        db.session.commit()
    as_role("organiser")
    _merge(client, event, kept, other, {})
    with app.app_context():
        badge = db.session.scalar(sa.select(Badge))
        assert badge is not None and badge.participant_id == kept.id
        assert db.session.get(Delegation, delegation.id).head_id == kept.id


def test_where_both_hold_the_one_row_allowed_the_kept_ones_stays(client, as_role, make, event, app):
    from eventhub.badges.models import Badge

    kept = make.participant(event, email="same@example.la")
    other = make.participant(event, email="same@example.la")
    with app.app_context():
        db.session.add_all(
            [Badge(participant_id=kept.id, version=3), Badge(participant_id=other.id)]
        )
        db.session.commit()
    as_role("organiser")
    response = _merge(client, event, kept, other, {})
    assert "Merged into the registration of" in response.get_data(as_text=True)
    with app.app_context():
        (badge,) = db.session.scalars(sa.select(Badge)).all()
        assert (badge.participant_id, badge.version) == (kept.id, 3)


def test_two_passports_masked_alike_can_still_be_chosen(client, as_role, make, event, app):
    from eventhub import crypto

    with app.app_context():
        first = (crypto.encrypt("MA1234567"), crypto.blind_index("MA1234567", "passport"))
        second = (crypto.encrypt("MB7654567"), crypto.blind_index("MB7654567", "passport"))
    kept = make.participant(event, passport_number_encrypted=first[0], passport_digest=first[1])
    other = make.participant(event, passport_number_encrypted=second[0], passport_digest=second[1])
    as_role("organiser")
    page = client.get(
        f"/events/{event.slug}/participants/duplicates/merge?keep={kept.id}&remove={other.id}"
    ).get_data(as_text=True)
    assert 'id="passport-take"' in page  # both end in 67, yet they differ
    assert "MA1234567" not in page and "MB7654567" not in page
    _merge(client, event, kept, other, {"passport": "take"})
    with app.app_context():
        assert db.session.get(Participant, kept.id).passport_digest == second[1]
