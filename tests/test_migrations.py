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


@pytest.mark.own_database
def test_a_second_upgrade_of_an_up_to_date_database_succeeds(tmp_path):
    """`make run` migrates every time it starts: a venue restarting its server must not
    find the upgrade failing on the database it built the first time."""
    for _start in range(2):
        app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
        with app.app_context():
            upgrade()
            assert "scan" in sa.inspect(db.engine).get_table_names()
            db.engine.dispose()


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_fills_the_search_text_of_people_stored_without_it(tmp_path):
    """Demo weeks built before the demo set the search text: after the upgrade the name
    search finds their people, by name, native script, email and organisation."""
    from datetime import date

    from eventhub.directory.models import Organisation
    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event
    from eventhub.registration.lists import ParticipantFilters, participant_query

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0015_delegation_head_index")
        seed_countries()
        (event_id,) = _insert_as_stored_then(
            {
                "slug": "old-demo",
                "name_en": "Old demo",
                "name_zh": "旧演示",
                "city_en": "Guiyang",
                "starts_on": date(2025, 7, 24),
                "ends_on": date(2025, 7, 27),
            },
            model=Event,
        )
        (university_id,) = _insert_as_stored_then(
            {"country_code": "VN", "name_en": "Hanoi University"}, model=Organisation
        )
        _insert_as_stored_then(
            {
                "event_id": event_id,
                "family_name": "Nguyễn",
                "given_name": "Thị Lan",
                "native_name": "Nguyễn Thị Lan",
                "email": "lan@hanu.edu.vn",
                "country_code": "VN",
                "organisation_id": university_id,
                "search_text": "",
            },
            {
                "event_id": event_id,
                "given_name": "Somchai",
                "country_code": "TH",
                "search_text": "",
            },
        )
        db.session.commit()
        searchable = sa.text("SELECT count(*) FROM participant WHERE search_text != ''")
        assert db.session.scalar(searchable) == 0  # nobody found before the upgrade
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


def _insert_as_stored_then(*rows: dict, model=None) -> list[int]:
    """Rows (participants unless `model` says) inserted in the table as it is at the current
    revision (the model may have columns added later): the given values, the model's
    defaults for the rest. Returns their ids."""
    from eventhub.registration.models import Participant

    model = model or Participant
    table = sa.Table(model.__tablename__, sa.MetaData(), autoload_with=db.session.connection())
    columns = model.__table__.c
    ids = []
    for row in rows:
        values = dict(row)
        for column in table.c:
            default = columns[column.name].default
            if column.name in values or column.primary_key or default is None:
                continue
            value = default.arg(None) if default.is_callable else default.arg
            values[column.name] = getattr(value, "value", value)
        ids.append(db.session.execute(sa.insert(table).values(**values)).inserted_primary_key[0])
    return ids


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_sorts_people_stored_before_by_the_name_they_are_addressed_by(tmp_path):
    from datetime import date

    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event
    from eventhub.registration.lists import ParticipantFilters, participant_query

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0017_jobs")
        seed_countries()
        (event_id,) = _insert_as_stored_then(
            {
                "slug": "old-week",
                "name_en": "Old week",
                "name_zh": "旧周",
                "city_en": "Guiyang",
                "starts_on": date(2025, 7, 24),
                "ends_on": date(2025, 7, 27),
            },
            model=Event,
        )
        _insert_as_stored_then(
            {
                "event_id": event_id,
                "family_name": "CHEN",
                "given_name": "Wei",
                "country_code": "CN",
            },
            {"event_id": event_id, "given_name": "Budiono", "country_code": "ID"},
            {
                "event_id": event_id,
                "family_name": "ANDERSON",
                "given_name": "Kate",
                "country_code": "AU",
            },
            {"event_id": event_id, "given_name": "Aung Hlaing", "country_code": "MM"},
        )
        db.session.commit()

        upgrade()
        event = db.session.get(Event, event_id)
        query = participant_query(event, ParticipantFilters(sort="name"))
        assert [p.given_name for p in db.session.scalars(query).unique()] == [
            "Kate",
            "Aung Hlaing",
            "Budiono",
            "Wei",
        ]


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_crops_photos_stored_before_and_keeps_them_as_sent(tmp_path):
    """A landscape photo uploaded before crops printed as a strip: after the upgrade the
    badge gets the 3:4 default crop, and the photo as sent is kept for the crop tool."""
    import io
    import struct
    import zlib
    from datetime import date

    from PIL import Image

    from eventhub.directory.services import seed_countries
    from eventhub.events.models import Event
    from eventhub.registration.models import ParticipantPhoto

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0038_signed_witness_org")
        seed_countries()
        (event_id,) = _insert_as_stored_then(
            {
                "slug": "old-photos",
                "name_en": "Old photos",
                "name_zh": "旧照片",
                "city_en": "Guiyang",
                "starts_on": date(2025, 7, 24),
                "ends_on": date(2025, 7, 27),
            },
            model=Event,
        )
        person_id, bomb_id = _insert_as_stored_then(
            {"event_id": event_id, "given_name": "Somchai", "country_code": "TH"},
            {"event_id": event_id, "given_name": "Budiono", "country_code": "ID"},
        )
        landscape = io.BytesIO()
        Image.new("RGB", (600, 400), "teal").save(landscape, "JPEG")
        # A PNG whose header claims 20000 x 20000 pixels: Pillow refuses to open it (a
        # decompression bomb), which aborted the whole upgrade.
        header = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
        bomb = b"\x89PNG\r\n\x1a\n" + b"".join(
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
            for kind, data in ((b"IHDR", header), (b"IEND", b""))
        )
        for participant_id, content in ((person_id, landscape.getvalue()), (bomb_id, bomb)):
            db.session.execute(
                sa.text(
                    "INSERT INTO participant_photo (participant_id, content, content_type, width,"
                    " height, updated_at) VALUES (:id, :content, 'image/jpeg', 600, 400, :now)"
                ),
                {"id": participant_id, "content": content, "now": date(2025, 7, 1)},
            )
        db.session.commit()

        upgrade()
        kept = db.session.get(ParticipantPhoto, bomb_id)
        assert (kept.content, kept.original, kept.crop_width) == (bomb, None, None)
        photo = db.session.get(ParticipantPhoto, person_id)
        assert photo.original == landscape.getvalue()
        with Image.open(io.BytesIO(photo.content)) as shown:
            assert shown.size == (300, 400)
        assert (photo.crop_width, photo.crop_height) == (300, 400)
        assert not photo.cropped_by_organiser
