"""Migrations: one head, and a database they build matches the models exactly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from eventhub import ROOT, create_app
from eventhub.extensions import db


def test_single_head():
    script = ScriptDirectory(str(ROOT / "migrations"))
    assert len(script.get_heads()) == 1


def test_migrated_schema_matches_the_models(app, connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    assert compare_metadata(context, db.metadata) == []


def test_upgrade_and_downgrade_an_empty_sqlite_database(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"event", "user", "participant", "delegation", "country"} <= tables
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) == {"alembic_version"}


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_fills_the_search_text_of_people_stored_without_it(tmp_path):
    """Demo weeks built before the demo set the search text: after the upgrade the name
    search finds their people, by name, native script, email and organisation."""
    from datetime import date

    from eventhub.directory.models import Organisation
    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event
    from eventhub.registration.lists import ParticipantFilters, participant_query
    from eventhub.registration.models import Participant

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0015_delegation_head_index")
        seed_countries()
        event = Event(
            slug="old-demo",
            name_en="Old demo",
            name_zh="旧演示",
            city_en="Guiyang",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
        )
        university = Organisation(country_code="VN", name_en="Hanoi University")
        db.session.add_all([event, university])
        db.session.flush()
        # Rows as that schema held them: the columns named, not the model's later ones.
        db.session.execute(
            sa.insert(Participant.__table__),
            [
                {
                    "event_id": event.id,
                    "family_name": "Nguyễn",
                    "given_name": "Thị Lan",
                    "native_name": "Nguyễn Thị Lan",
                    "email": "lan@hanu.edu.vn",
                    "country_code": "VN",
                    "organisation_id": university.id,
                    "search_text": "",
                },
            ],
        )
        db.session.execute(
            sa.insert(Participant.__table__),
            [{"event_id": event.id, "given_name": "Somchai", "country_code": "TH"}],
        )
        db.session.commit()
        event_id = event.id
        texts = db.session.scalars(sa.select(Participant.__table__.c.search_text)).all()
        assert texts == ["", ""]  # nothing for the name search to find
        db.session.rollback()  # end the read, or SQLite keeps showing it the old rows

        upgrade()
        event = db.session.get(Event, event_id)

        def found(query: str) -> list[str]:
            filters = ParticipantFilters(q=query)
            query = participant_query(event, filters)
            return [p.given_name for p in db.session.scalars(query).unique()]

        assert found("nguyen lan") == ["Thị Lan"]
        assert found("hanu.edu") == ["Thị Lan"]
        assert found("hanoi university") == ["Thị Lan"]
        assert found("somchai") == ["Somchai"]
