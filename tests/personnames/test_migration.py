"""0039: names stored "FAMILY Given" with styles in the honorific move into the name model."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from eventhub import create_app
from eventhub.extensions import db
from tests.test_migrations import _insert_as_stored_then


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_moves_patronymics_styles_and_sets_the_customary_order(tmp_path):
    from eventhub.ceremonies.models import Agreement, AgreementParty
    from eventhub.directory.models import Organisation
    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event
    from eventhub.registration.models import Participant

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0038_signed_witness_org")
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
        old = [
            ("BINTI ABDULLAH", "Nurul Huda", "Dr.", "MY"),
            (
                "PEHIN ORANG KAYA HAJI MOHAMMAD",
                "Pengiran Anak Haji Muhammad Khairul Azmi bin",
                "Yang Berhormat",
                "BN",
            ),
            ("JAIDEE", "Somchai", "Tan Sri Dr.", "TH"),
            ("YANG", "Ming", "Prof.", "CN"),
            ("HENG", "Sreypov", "Lok Chumteav", "KH"),
            ("", "Budiono", "Mr.", "ID"),
            ("ANAK AGUNG", "Gde Agung", "Bapak", "ID"),  # a Balinese title, not a patronymic
            ("BIN LADEN", "Omar", "", "SA"),  # a family name
        ]
        ids = _insert_as_stored_then(
            *(
                {
                    "event_id": event_id,
                    "family_name": family,
                    "given_name": given,
                    "honorific": honorific,
                    "country_code": country,
                    "sort_name": "",
                    "search_text": "",
                }
                for family, given, honorific, country in old
            )
        )
        university, other = _insert_as_stored_then(
            {"country_code": "MY", "name_en": "Universiti Malaya"},
            {"country_code": "CN", "name_en": "Guizhou University"},
            model=Organisation,
        )
        (agreement,) = _insert_as_stored_then(
            {"event_id": event_id, "title_en": "Signed", "status": "signed"}, model=Agreement
        )
        _insert_as_stored_then(
            {
                "agreement_id": agreement,
                "organisation_id": university,
                "position": 1,
                "signatory_id": ids[0],
                "signed_name": "BINTI ABDULLAH Nurul Huda",  # as printed before
                "signed_honorific": "Dr.",
            },
            {
                "agreement_id": agreement,
                "organisation_id": other,
                "position": 2,
                "signatory_id": ids[3],
                "signed_name": "YANG Ming (as signed)",  # history: kept
                "signed_honorific": "Prof.",
            },
            model=AgreementParty,
        )
        db.session.commit()

        upgrade()
        people = {p.id: p for p in db.session.scalars(sa.select(Participant))}
        nurul, khairul, somchai, yang, sreypov, budiono, agung, omar = (people[i] for i in ids)
        assert nurul.titled_name == "Dr. Nurul Huda binti Abdullah"
        assert khairul.titled_name == (
            "Yang Berhormat Pengiran Anak Haji Muhammad Khairul Azmi "
            "bin Pehin Orang Kaya Haji Mohammad"
        )
        assert (somchai.style, somchai.honorific) == ("Tan Sri", "Dr.")
        assert somchai.titled_name == "Tan Sri Dr. Somchai JAIDEE"
        assert yang.titled_name == "Prof. YANG Ming"
        # The order is left to the country (a corrected country brings its custom).
        assert {p.name_order for p in people.values()} == {""}
        assert agung.titled_name == "Bapak Gde Agung ANAK AGUNG" and agung.patronymic == ""
        assert omar.titled_name == "Omar BIN LADEN"
        assert sreypov.titled_name == "Lok Chumteav HENG Sreypov"
        assert budiono.titled_name == "Mr. Budiono"
        # Sorted by the name people are known by: Malay names by the given name.
        ordered = db.session.scalars(
            sa.select(Participant.given_name).order_by(Participant.sort_name)
        ).all()
        assert ordered == [
            "Gde Agung",
            "Omar",
            "Budiono",
            "Sreypov",
            "Somchai",
            "Nurul Huda",
            "Pengiran Anak Haji Muhammad Khairul Azmi",
            "Ming",
        ]
        signed = db.session.execute(
            sa.text("SELECT signed_honorific, signed_name FROM agreement_party ORDER BY position")
        ).all()
        assert [tuple(r) for r in signed] == [
            ("Dr.", "Nurul Huda binti Abdullah"),
            ("Prof.", "YANG Ming (as signed)"),
        ]
        db.engine.dispose()


@pytest.mark.parametrize("name", ["0039_person_names.py", "0040_photo_crop.py"])
def test_the_migrations_keep_their_own_rules(name):
    """0039 and 0040 imported the app's name and crop rules: a later change of those rules
    would change what an upgrade writes into a database migrated later."""
    import ast
    from pathlib import Path

    source = Path(__file__).parents[2] / "migrations" / "versions" / name
    imported = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert "eventhub" not in imported
