"""Backup and restore: an event exported to one archive and imported into an empty
installation is the same event, with working logins, badges, links and certificates."""

from __future__ import annotations

import uuid

import psycopg
import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from eventhub import create_app
from eventhub.events import archive
from eventhub.extensions import db

from ..conftest import TEST_DATABASE_URL
from ..conftest import test_config as app_config
from ..factories import Factory
from ..test_authorization import _world

pytestmark = pytest.mark.own_database


@pytest.fixture
def databases(tmp_path):
    """Two empty databases of the suite's kind: the installation that exports, and the
    empty one that restores."""
    if not (TEST_DATABASE_URL or "").startswith("postgresql"):
        yield [f"sqlite:///{tmp_path}/{name}.sqlite3" for name in ("source", "target")]
        return
    names = [f"eh_archive_{name}_{uuid.uuid4().hex[:6]}" for name in ("source", "target")]
    server = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)
    with psycopg.connect(f"{server[0]}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'CREATE DATABASE "{name}"')
    yield [f"{TEST_DATABASE_URL.rsplit('/', 1)[0]}/{name}" for name in names]
    with psycopg.connect(f"{server[0]}/postgres", autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _installation(tmp_path, name: str, url: str, **config):
    app = create_app({**app_config(tmp_path / name, url), **config})
    with app.app_context():
        upgrade()
    return app


def _comparable(app, slug: str) -> dict[str, list]:
    """The event's rows with accounts and organisations named by email and name (their
    numbers are the installation's own); the audit log apart (it records the move)."""
    from eventhub.events.models import Event

    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        tables = archive.rows_of(event.id)
    users = {row["id"]: row["email"] for row in tables.pop("user")}
    organisations = {row["id"]: row["name_en"] for row in tables.pop("organisation")}
    named = {"user": users, "organisation": organisations}
    for table in archive.event_tables():
        for row in tables[table.name]:
            for fk in table.foreign_keys:
                names = named.get(fk.column.table.name)
                if names is not None and row.get(fk.parent.name) is not None:
                    row[fk.parent.name] = names[row[fk.parent.name]]
    return tables


def test_an_exported_event_restored_elsewhere_is_the_same_event(tmp_path, databases):
    source = _installation(tmp_path, "source", databases[0])
    world = _world(source, Factory(source))  # the demo week, plus scans, certificates...
    path = tmp_path / "caecw.eventhub.zip"
    exported = source.test_cli_runner().invoke(args=["export-event", "caecw-2025", "-o", path])
    assert exported.exit_code == 0, exported.output
    assert "participants" in exported.output and path.stat().st_size > 10_000

    # An empty installation with the same secret key and data keys (kept with the backup).
    target = _installation(tmp_path, "target", databases[1], DATA_KEYS=source.config["DATA_KEYS"])
    # The demo week ended in July 2025: its passport data is past its date, restored knowingly.
    refused = target.test_cli_runner().invoke(args=["import-event", str(path)])
    assert refused.exit_code == 3 and "(passport)" in refused.output
    restored = target.test_cli_runner().invoke(
        args=["import-event", str(path), "--restore-expired"]
    )
    assert restored.exit_code == 0, restored.output
    assert "Event caecw-2025 restored" in restored.output

    before, after = _comparable(source, "caecw-2025"), _comparable(target, "caecw-2025")
    audit_before, audit_after = before.pop("audit_entry"), after.pop("audit_entry")
    assert before == after
    assert sum(len(rows) for rows in after.values()) > 13_000
    assert [e["action"] for e in audit_after][-2:] == ["event.imported", "event.import_expired"]
    assert audit_before[:-1] == audit_after[: len(audit_before) - 1]  # the export's own aside

    client = target.test_client()
    # The organiser logs in with the same password and finds the week.
    login = {"email": "organiser@caecw.example", "password": "demo-organiser-2025"}
    assert client.post("/auth/login", data=login).status_code == 302
    with target.app_context():
        from eventhub.registration.models import Participant

        person = db.session.get(Participant, world["participant_id"])
        family, given = person.family_name, person.given_name
    listing = client.get("/events/caecw-2025/participants/", query_string={"q": family})
    assert given in listing.get_data(as_text=True)
    # A participant's secret link, a certificate's serial and a printed badge still work.
    slug = world["slug"]
    assert client.get(f"/events/{slug}/me/{world['key']}").status_code == 200
    verified = client.get(f"/verify/{world['serial']}").get_data(as_text=True)
    assert "valid" in verified.lower() and "revoked" not in verified.lower()
    token = target.test_cli_runner().invoke(
        args=[
            "create-token",
            "--role",
            "staff",
            "--event",
            slug,
            "--label",
            "Gate C",
            "--all-checkpoints",
        ]
    )
    with target.app_context():
        from eventhub.badges.issuing import badges_for, code_of
        from eventhub.registration.models import Participant

        person = db.session.get(Participant, world["participant_id"])
        code = code_of(badges_for([person])[person.id])
    scan = client.post(
        "/api/v1/scans",
        json={"code": code, "checkpoint": "main-entrance", "client_scan_id": "after-restore"},
        headers={"Authorization": f"Bearer {token.stdout.strip()}"},
    ).get_json()
    assert scan["result"] == "already_admitted"  # admitted before the backup, at gate matrix
    # New rows get new numbers (PostgreSQL's sequences moved past the restored ones).
    with target.app_context():
        from eventhub.events.models import Event

        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        newcomer = Participant(event_id=event.id, given_name="After Restore", country_code="LA")
        db.session.add(newcomer)
        db.session.commit()
        assert newcomer.id > world["participant_id"]


def test_an_archive_that_cannot_be_the_same_event_here_is_refused(tmp_path, databases):
    source = _installation(tmp_path, "source", databases[0])
    Factory(source).event(slug="small-week")
    path = tmp_path / "small.eventhub.zip"
    assert (
        source.test_cli_runner().invoke(args=["export-event", "small-week", "-o", path]).exit_code
        == 0
    )
    # Other data keys: the personal data could not be read there.
    elsewhere = _installation(tmp_path, "elsewhere", databases[1])
    refused = elsewhere.test_cli_runner().invoke(args=["import-event", str(path)])
    assert refused.exit_code != 0 and "EVENTHUB_DATA_KEYS" in refused.output
    # Into the installation that holds it: the address and the numbers are taken.
    again = source.test_cli_runner().invoke(args=["import-event", str(path)])
    assert "Another event already uses this address." in again.output
    badly = source.test_cli_runner().invoke(args=["import-event", str(path), "--slug", "Bad!"])
    assert "lower-case letters, digits and hyphens" in badly.output
    renamed = source.test_cli_runner().invoke(args=["import-event", str(path), "--slug", "x-1"])
    assert "empty installation" in renamed.output
    (tmp_path / "not.zip").write_bytes(b"PK not really")
    garbage = source.test_cli_runner().invoke(args=["import-event", str(tmp_path / "not.zip")])
    assert "not an EventHub event archive" in garbage.output
    # A zip bomb (a few KB expanding to 64 MB, or to gigabytes) is refused before it is inflated.
    import zipfile

    with zipfile.ZipFile(tmp_path / "bomb.zip", "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("manifest.json", '{"format": "eventhub-event-archive/1", "rows": {}}')
        with bomb.open("tables/participant.json", "w", force_zip64=True) as part:
            for _ in range(64):
                part.write(b" " * 1024 * 1024)
    refused = source.test_cli_runner().invoke(args=["import-event", str(tmp_path / "bomb.zip")])
    assert "compressed more than any EventHub archive" in refused.output


def test_an_archive_from_before_the_name_model_keeps_names_that_only_look_like_patronymics():
    """Restoring an old archive turned "ANAK AGUNG Gde Agung" (Bali) into "Gde Agung anak
    Agung" and froze each person's order at their country's custom."""
    from eventhub.events.archive import _name_model

    agung = {"family_name": "ANAK AGUNG", "given_name": "Gde Agung", "country_code": "ID"}
    nurul = {"family_name": "BINTI ABDULLAH", "given_name": "Nurul Huda", "country_code": "MY"}
    _name_model(agung)
    _name_model(nurul)
    assert (agung["family_name"], agung["patronymic"], agung["name_order"]) == (
        "ANAK AGUNG",
        "",
        "",
    )
    assert (nurul["family_name"], nurul["patronymic"]) == ("", "binti Abdullah")
