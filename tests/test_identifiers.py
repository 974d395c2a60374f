"""Identifiers that leave the database (badge codes, participant numbers in links and
letters, audit references) are never given to anyone else, even after their row is gone."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from eventhub import create_app
from eventhub import db as db_module
from eventhub.audit.models import AuditEntry
from eventhub.badges import checking, issuing
from eventhub.badges.models import Badge
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.registration.models import Participant
from tests.test_migrations import _insert_as_stored_then


def _with_badge(app, make, event, **values) -> tuple[int, int, str]:
    """A new approved participant with a printed badge: (their id, badge id, badge code)."""
    person = make.participant(event, **values)
    with app.app_context():
        badge = issuing.badges_for([db.session.get(Participant, person.id)])[person.id]
        db.session.commit()
        return person.id, badge.id, issuing.code_of(badge)


def test_a_merged_persons_number_and_badge_go_to_nobody_else(client, as_role, app, event, make):
    """A registers twice; the newer record (with its own badge) is merged into the older one.
    The next registrant must get neither A's number nor a badge that A's old code opens."""
    kept_id, _kept_badge, _kept_code = _with_badge(app, make, event, given_name="Kept")
    gone_id, gone_badge, gone_code = _with_badge(app, make, event, given_name="Twice")
    as_role("organiser")
    response = client.post(
        f"/events/{event.slug}/participants/duplicates/merge",
        data={"keep": kept_id, "remove": gone_id, "step": "confirm"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Participant, gone_id) is None
        assert db.session.get(Badge, gone_badge) is None  # the kept record's badge stays

    newcomer_id, newcomer_badge, newcomer_code = _with_badge(app, make, event, given_name="New")
    assert newcomer_id != gone_id and newcomer_badge != gone_badge
    assert newcomer_code != gone_code
    with app.app_context():
        # The removed registration's badge admits nobody at the gate.
        assert checking.check_code(event.id, gone_code).result == "invalid"
        assert checking.check_code(event.id, newcomer_code).holder.id == newcomer_id
    # Its page is gone, not someone else's.
    assert client.get(f"/events/{event.slug}/participants/{gone_id}").status_code == 404


def test_a_deleted_participants_number_is_not_given_again(app, make, event):
    """SQLite reuses the largest freed rowid of a table without AUTOINCREMENT."""
    gone = make.participant(event, given_name="Gone")
    with app.app_context():
        db.session.execute(sa.delete(Participant).where(Participant.id == gone.id))
        db.session.commit()
    assert make.participant(event, given_name="Next").id > gone.id


def test_every_table_keyed_by_its_own_number_never_reuses_one(app, connection):
    """After the migrations (the models' tables, and any a later migration adds), every
    table with its own integer key is AUTOINCREMENT on SQLite: a check that catches a
    table someone adds later."""
    if connection.dialect.name != "sqlite":
        pytest.skip("PostgreSQL sequences never go back")
    without = []
    for name, sql in connection.exec_driver_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ):
        columns = connection.exec_driver_sql(f'PRAGMA table_info("{name}")').fetchall()
        keys = [c for c in columns if c[5]]
        references = {
            r[3] for r in connection.exec_driver_sql(f'PRAGMA foreign_key_list("{name}")')
        }
        own_number = len(keys) == 1 and keys[0][2].upper() == "INTEGER"
        if own_number and keys[0][1] not in references and "AUTOINCREMENT" not in sql.upper():
            without.append(name)
    assert without == []


@pytest.mark.own_database  # its own file, committed for real: the migration reads it
def test_upgrade_stops_an_older_database_giving_ids_again(tmp_path, monkeypatch):
    """A database made before 0024_ids (tables without AUTOINCREMENT) keeps every row,
    reference, cascade and index through the upgrade; afterwards neither the newest id
    still present nor one the audit log names (a person merged away before) is reused."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        with monkeypatch.context() as patch:
            patch.setattr(db_module, "AUTOINCREMENT_ON_SQLITE", False)
            upgrade(revision="0023_zh_content")
        from eventhub.directory.services import seed_countries

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
        people = _insert_as_stored_then(
            *({"event_id": event_id, "given_name": name, "country_code": "LA"} for name in "ABC")
        )
        badges = _insert_as_stored_then(
            *({"participant_id": person} for person in people), model=Badge
        )
        # D, number 4, was merged away before the upgrade: only the audit log remembers it.
        _insert_as_stored_then(
            {
                "action": "participant.merge_removed",
                "object_type": "Participant",
                "object_id": str(people[-1] + 1),
                "actor": "cli",
            },
            model=AuditEntry,
        )
        connection = db.session.connection()
        indexes = _indexes(connection)
        assert "AUTOINCREMENT" not in _definition(connection, "participant")
        db.session.commit()

        # Up to this migration only: later ones may add indexes of their own.
        upgrade(revision="0024_ids")
        connection = db.session.connection()
        assert "AUTOINCREMENT" in _definition(connection, "participant")
        assert _indexes(connection) == indexes
        kept = db.session.execute(
            sa.select(Badge.id, Badge.participant_id).order_by(Badge.id)
        ).all()
        assert kept == list(zip(badges, people, strict=True))
        # References still cascade: C's removal takes C's badge with it.
        db.session.execute(sa.delete(Participant).where(Participant.id == people[-1]))
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Badge)) == 2
        db.session.execute(sa.delete(Badge).where(Badge.id == badges[1]))
        (newcomer,) = _insert_as_stored_then(
            {"event_id": event_id, "given_name": "E", "country_code": "LA"}
        )
        (new_badge,) = _insert_as_stored_then({"participant_id": newcomer}, model=Badge)
        db.session.commit()
        assert newcomer > people[-1] + 1  # above C and above D, merged away earlier
        assert new_badge > badges[-1]


def _definition(connection, table: str) -> str:
    found = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.exec_driver_sql(found, (table,)).scalar()


def _indexes(connection) -> set[tuple[str, str]]:
    """Every index by name and table, SQLite's own for UNIQUE constraints included."""
    found = "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"
    return set(connection.exec_driver_sql(found).fetchall())


def test_restoring_an_event_does_not_set_a_counter_back(app, make, event):
    """An event restored from an archive moves PostgreSQL's sequences past its rows'
    numbers; it must never move one back below a number already given and deleted."""
    from eventhub.events import archive

    gone = make.participant(event, given_name="Gone")
    with app.app_context():
        db.session.execute(sa.delete(Participant).where(Participant.id == gone.id))
        archive._advance_sequences([Participant.__table__])
        db.session.commit()
    assert make.participant(event, given_name="Next").id > gone.id


@pytest.mark.own_database  # its own file: the rebuild commits
def test_a_later_migration_rebuilding_a_table_keeps_its_rows_references_and_counter(tmp_path):
    """Alembic's batch mode rebuilds a SQLite table (copy, drop, rename) for most changes.
    Around migrations (migrations/env.py) the drop deletes no referring row, and the copy
    neither loses AUTOINCREMENT nor counts on from its largest remaining id."""
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from eventhub.db import sqlite_migrations

    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        from eventhub.directory.services import seed_countries

        seed_countries()
        event = Event(
            slug="w",
            name_en="W",
            name_zh="W",
            city_en="G",
            starts_on=date(2025, 7, 24),
            ends_on=date(2025, 7, 27),
        )
        db.session.add(event)
        db.session.flush()
        people = [Participant(event_id=event.id, given_name=n, country_code="LA") for n in "AB"]
        db.session.add_all(people)
        db.session.flush()
        db.session.add(Badge(participant_id=people[0].id))
        gone = people[1].id
        db.session.delete(people[1])
        db.session.commit()

        with (
            db.engine.connect() as connection,
            sqlite_migrations(connection),
            connection.begin(),
        ):
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("participant", recreate="always") as batch:
                batch.alter_column("hotel", server_default="")
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Badge)) == 1
        assert "AUTOINCREMENT" in _definition(db.session.connection(), "participant")
        db.session.rollback()
        newcomer = Participant(event_id=event.id, given_name="C", country_code="LA")
        db.session.add(newcomer)
        db.session.commit()
        assert newcomer.id > gone
        assert db.session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
