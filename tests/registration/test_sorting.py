"""Sorting by name: by the name people are addressed by (the family name, or the only name of
someone who has one), the same on SQLite and PostgreSQL (run with .ci/test-pg too)."""

from __future__ import annotations

import re

from eventhub.extensions import db
from eventhub.registration import delegations, exports, lists
from eventhub.registration.models import Delegation, Participant, Status

# (family name, given name), in the order a reader expects them.
EXPECTED = [
    ("ANDERSON", "Kate"),
    ("", "Aung Hlaing"),
    ("", "Budiono"),
    ("CHEN", "Wei"),
    ("Đỗ", "Minh"),  # folded: "do"
    ("LE", "Van"),  # before LEE: a language collation that skips spaces would put it after
    ("LEE", "Min"),
    ("", "Zaw"),
    ("ZHANG", "Li"),
]

NAMES = "(" + "|".join(f"{f.upper()} {g}" if f else g for f, g in EXPECTED) + ")"


def _names(people) -> list[tuple[str, str]]:
    return [(p.family_name, p.given_name) for p in people]


def _add_everyone(make, event, **extra) -> None:
    # Stored in an order that is neither the expected one nor its reverse.
    for index in (3, 1, 6, 8, 0, 5, 2, 7, 4):
        family, given = EXPECTED[index]
        # Written family name first, as the names shown here are.
        make.participant(event, family_name=family, given_name=given, name_order="family", **extra)


def test_participant_list_sorts_single_names_among_family_names(client, as_role, make, event):
    _add_everyone(make, event)
    as_role("organiser")
    page = client.get(f"/events/{event.slug}/participants/?sort=name").get_data(as_text=True)
    shown = list(re.findall(NAMES, page))
    assert list(dict.fromkeys(shown)) == [f"{f.upper()} {g}" if f else g for f, g in EXPECTED]
    page = client.get(f"/events/{event.slug}/participants/?sort=name&dir=desc").get_data(
        as_text=True
    )
    shown = re.findall(NAMES, page)
    assert list(dict.fromkeys(shown))[0] == "ZHANG Li"
    assert list(dict.fromkeys(shown))[-1] == "ANDERSON Kate"


def test_service_lists_and_exports_use_the_addressed_name(app, make, event):
    delegation = make.delegation(event)
    _add_everyone(make, event, delegation_id=delegation.id)
    with app.app_context():
        query = lists.participant_query(event, lists.ParticipantFilters(sort="name"))
        assert _names(db.session.scalars(query).unique()) == EXPECTED
        members = delegations.delegation_members(db.session.get(Delegation, delegation.id))
        assert _names(members) == EXPECTED
        people = exports._people(event, [Status.APPROVED])
        assert _names(people) == EXPECTED


def test_renaming_moves_the_person_in_the_order(app, make, event):
    _add_everyone(make, event)
    with app.app_context():
        budiono = db.session.scalars(
            db.select(Participant).where(Participant.given_name == "Budiono")
        ).one()
        budiono.family_name = "ZULKARNAEN"  # he now gives a family name
        db.session.commit()
        query = lists.participant_query(event, lists.ParticipantFilters(sort="name"))
        assert _names(db.session.scalars(query).unique())[-1] == ("ZULKARNAEN", "Budiono")
