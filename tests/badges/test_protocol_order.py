"""A print run hands each delegation's badges out in protocol order, delegations in the
event's order: the protocol desk gives them out as they come off the printer."""

from __future__ import annotations

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from eventhub.badges import printing
from eventhub.extensions import db
from eventhub.registration.models import Delegation

# (family name, protocol rank, head): the alphabet and the order of precedence disagree.
CAMBODIA = [("AARON", 3, False), ("ZUNG", None, True), ("MEAS", 1, False), ("BORA", None, False)]
THAILAND = [("ARUN", 2, False), ("WICHAI", 1, True)]
EXPECTED = ["ZUNG", "MEAS", "AARON", "BORA", "WICHAI", "ARUN", "NODELEGATION"]


def _delegation(make, app, event, name, order, members, country):
    delegation = make.delegation(event, name_en=name, protocol_order=order, country_code=country)
    for family, rank, head in members:
        person = make.participant(
            event,
            family_name=family,
            given_name="Test",
            country_code=country,
            delegation_id=delegation.id,
            protocol_rank=rank,
        )
        if head:
            with app.app_context():
                db.session.get(Delegation, delegation.id).head_id = person.id
                db.session.commit()


def _world(make, app, event):
    make.participant(event, family_name="NODELEGATION", given_name="Test")  # printed last
    # Thailand is entered first, but Cambodia comes first in the event's order.
    _delegation(make, app, event, "Thailand", 2, THAILAND, "TH")
    _delegation(make, app, event, "Cambodia", 1, CAMBODIA, "KH")


def test_a_run_lists_the_head_first_then_by_rank_and_delegations_in_the_events_order(
    app, make, event
):
    _world(make, app, event)
    with app.app_context():
        stored = db.session.merge(event)
        people = list(db.session.scalars(printing.batch_query(stored, printing.BatchFilters())))
        assert [p.family_name for p in people] == EXPECTED
        # The same order for one delegation's run, and the count unchanged by the order.
        cambodia = db.session.scalar(
            sa.select(Delegation.id).where(Delegation.name_en == "Cambodia")
        )
        one = printing.BatchFilters(delegation=cambodia)
        assert [p.family_name for p in db.session.scalars(printing.batch_query(stored, one))] == [
            "ZUNG",
            "MEAS",
            "AARON",
            "BORA",
        ]
        assert printing.count_batch(stored, printing.BatchFilters()) == len(EXPECTED)


def test_the_printed_pdf_has_the_badges_in_protocol_order(app, make, event):
    _world(make, app, event)
    with app.app_context():
        stored = db.session.merge(event)
        people = list(db.session.scalars(printing.batch_query(stored, printing.BatchFilters())))
        out = io.BytesIO()
        printing.write_badges(stored, people, out, layout="cr80", workers=1)
    pages = PdfReader(io.BytesIO(out.getvalue())).pages
    printed = []
    for page in pages:
        text = page.extract_text()
        printed += [name for name in EXPECTED if re.search(rf"\b{name}\b", text)]
    assert printed == EXPECTED


def test_an_unranked_official_comes_before_the_unranked_delegates_and_staff(app, make, event):
    """Without a protocol rank, a VIP (official) is handed out before the delegates, and the
    delegation's interpreter and staff after them, whatever the alphabet says."""
    from eventhub.registration.models import Category

    delegation = make.delegation(event, name_en="Lao PDR", country_code="LA")
    for family, category in (
        ("AKHAM", Category.STAFF),
        ("BOUNMY", Category.DELEGATE),
        ("PHOMMACHANH", Category.OFFICIAL),
        ("CHANTHA", Category.INTERPRETER),
    ):
        make.participant(event, family_name=family, delegation_id=delegation.id, category=category)
    with app.app_context():
        stored = db.session.merge(event)
        people = db.session.scalars(printing.batch_query(stored, printing.BatchFilters()))
        assert [p.family_name for p in people] == ["PHOMMACHANH", "BOUNMY", "CHANTHA", "AKHAM"]
