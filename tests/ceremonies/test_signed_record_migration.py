"""Agreements signed before the record was frozen get their signatories' and witnesses'
names copied by the upgrade, so a later merge cannot rename them either."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from eventhub import create_app
from eventhub.extensions import db
from tests.test_migrations import _insert_as_stored_then


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_copies_who_signed_agreements_already_signed(tmp_path):
    from eventhub.ceremonies.models import Agreement, AgreementParty, AgreementWitness
    from eventhub.directory.models import Organisation
    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0033_solver_progress")
        seed_countries()
        (event_id,) = _insert_as_stored_then(
            {
                "slug": "week",
                "name_en": "Week",
                "name_zh": "周",
                "city_en": "Guiyang",
                "starts_on": date(2025, 7, 24),
                "ends_on": date(2025, 7, 27),
            },
            model=Event,
        )
        host, guest = _insert_as_stored_then(
            {"country_code": "CN", "name_en": "Guizhou University"},
            {"country_code": "LA", "name_en": "National University of Laos"},
            model=Organisation,
        )
        rector, president = _insert_as_stored_then(
            {
                "event_id": event_id,
                "family_name": "Wang",
                "given_name": "Jianhua",
                "honorific": "Prof.",
                "country_code": "CN",
                "organisation_id": host,
            },
            {
                "event_id": event_id,
                "family_name": "Phommaxay",
                "given_name": "Bounheng",
                "position": "President",
                "country_code": "LA",
                "organisation_id": guest,
            },
        )
        signed, proposed = _insert_as_stored_then(
            {"event_id": event_id, "title_en": "Signed", "status": "signed"},
            {"event_id": event_id, "title_en": "Proposed", "status": "proposed"},
            model=Agreement,
        )
        for agreement in (signed, proposed):
            _insert_as_stored_then(
                {
                    "agreement_id": agreement,
                    "organisation_id": host,
                    "position": 1,
                    "signatory_id": rector,
                },
                {
                    "agreement_id": agreement,
                    "organisation_id": guest,
                    "position": 2,
                    "signatory_id": president,
                },
                model=AgreementParty,
            )
            _insert_as_stored_then(
                {"agreement_id": agreement, "participant_id": president}, model=AgreementWitness
            )
        db.session.commit()

        upgrade(revision="0038_signed_witness_org")  # as 0034 copied them (0039: names)
        rows = db.session.execute(
            sa.text(
                "SELECT agreement_id, signed_honorific, signed_name, signed_position "
                "FROM agreement_party ORDER BY agreement_id, position"
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            (signed, "Prof.", "WANG Jianhua", ""),
            (signed, "", "PHOMMAXAY Bounheng", "President"),
            (proposed, "", "", ""),
            (proposed, "", "", ""),
        ]
        witnesses = db.session.execute(
            sa.text("SELECT agreement_id, signed_name FROM agreement_witness ORDER BY id")
        ).all()
        assert [tuple(r) for r in witnesses] == [(signed, "PHOMMAXAY Bounheng"), (proposed, "")]
        # 0038: whom the witness stood for, as signed.
        stood_for = db.session.execute(
            sa.text(
                "SELECT signed_organisation_en, signed_country_code FROM agreement_witness "
                "ORDER BY id"
            )
        ).all()
        assert [tuple(r) for r in stood_for] == [("National University of Laos", "LA"), ("", "")]
        db.engine.dispose()
