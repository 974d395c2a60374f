"""An event archive says which retention applied to its personal data, holds nothing erased
before it was made, and comes back only knowingly with data already past its date."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import UTC, date, datetime, timedelta

import psycopg
import pytest
import sqlalchemy as sa

from eventhub import crypto
from eventhub.audit.models import AuditEntry
from eventhub.directory.services import seed_countries
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy.kinds import Kind, Purpose
from eventhub.privacy.models import (
    Consent,
    ConsentSource,
    DataRequest,
    ErasureRun,
    ErasureTrigger,
    Notice,
    RequestKind,
    RetentionRule,
)
from eventhub.registration.models import ImportBatch, Participant, ParticipantPhoto
from eventhub.registration.personal_fields import PASSPORT

from ..conftest import TEST_DATABASE_URL
from .test_archive import _installation

pytestmark = pytest.mark.own_database

ENDED = date.today() - timedelta(days=10)  # the week ended ten days ago (real time)
SLUG = "kept-week"
KEPT, ERASED = "P1234567", "E7654321"


@pytest.fixture
def urls(tmp_path):
    """Empty databases of the suite's kind, made on demand: urls(name)."""
    made = []
    server = (TEST_DATABASE_URL or "").replace("postgresql+psycopg://", "postgresql://")

    def make(name: str) -> str:
        if not server.startswith("postgresql"):
            return f"sqlite:///{tmp_path}/{name}.sqlite3"
        database = f"eh_retention_{name}_{uuid.uuid4().hex[:6]}"
        with psycopg.connect(f"{server.rsplit('/', 1)[0]}/postgres", autocommit=True) as c:
            c.execute(f'CREATE DATABASE "{database}"')
        made.append(database)
        return f"{TEST_DATABASE_URL.rsplit('/', 1)[0]}/{database}"

    yield make
    if made:
        with psycopg.connect(f"{server.rsplit('/', 1)[0]}/postgres", autocommit=True) as c:
            for database in made:
                c.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def exported(tmp_path, urls):
    """A week that ended ten days ago: one person with a passport, a photo and an upload,
    one whose passport data was erased (a run recorded), notices, consents, a request and
    the event's own rule for photos (20 days). Its archive, and the source installation."""
    source = _installation(tmp_path, "source", urls("source"))
    with source.app_context():
        seed_countries()
        event = Event(
            slug=SLUG,
            name_en="Kept Week",
            name_zh="保留周",
            city_en="Guiyang",
            city_zh="贵阳",
            venue_address="Eco-Conference Center",
            starts_on=ENDED - timedelta(days=3),
            ends_on=ENDED,
            timezone="Asia/Shanghai",
        )
        db.session.add(event)
        db.session.flush()
        erased_secret = crypto.encrypt(ERASED)
        kept, erased = (
            Participant(
                event_id=event.id,
                family_name="KEOMANY",
                given_name=given,
                country_code="LA",
                email=f"{given.lower()}@example.la",
                passport_number_encrypted=secret,
            )
            for given, secret in (("Somphone", crypto.encrypt(KEPT)), ("Vanh", erased_secret))
        )
        db.session.add_all([kept, erased])
        db.session.flush()
        db.session.add(RetentionRule(event_id=event.id, kind=Kind.PHOTOS, days=20))
        db.session.add(ParticipantPhoto(participant_id=kept.id, content=b"jpeg", width=3, height=4))
        db.session.add(ImportBatch(event_id=event.id, filename="laos.csv", content=b"a,b\n"))
        notice = Notice(
            event_id=event.id, purpose=Purpose.PHOTO, language="lo", version=2, text="…"
        )
        db.session.add(notice)
        db.session.flush()
        db.session.add(
            Consent(
                event_id=event.id,
                participant_id=kept.id,
                purpose=Purpose.PHOTO,
                given=True,
                notice_id=notice.id,
                notice_version=2,
                language="lo",
                source=ConsentSource.FORM,
            )
        )
        db.session.add(
            DataRequest(event_id=event.id, participant_id=kept.id, kind=RequestKind.EXPORT)
        )
        for column, value in PASSPORT.items():
            setattr(erased, column, value)
        moment = datetime.now(UTC)
        db.session.add(
            ErasureRun(
                event_id=event.id,
                trigger=ErasureTrigger.MANUAL,
                started_at=moment,
                finished_at=moment,
                counts={"passport": 1},
            )
        )
        db.session.commit()
    path = tmp_path / "kept.eventhub.zip"
    result = source.test_cli_runner().invoke(args=["export-event", SLUG, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return source, path, erased_secret


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_archive_says_which_retention_applied_and_holds_nothing_erased(exported):
    _source, path, erased_secret = exported
    parts = _parts(path)
    retention = json.loads(parts["manifest.json"])["retention"]
    passport, photos = retention["kinds"]["passport"], retention["kinds"]["photos"]
    assert (passport["days"], passport["set_by"]) == (30, "default")
    assert passport["due_from"] == (ENDED + timedelta(days=31)).isoformat()
    assert passport["due"] is False
    assert [(run["trigger"], run["records"]) for run in passport["erased"]] == [("manual", 1)]
    assert (photos["days"], photos["set_by"], photos["due"]) == (20, "event", False)
    assert retention["kinds"]["imports"]["counted_from"] == "upload"
    assert retention["made_at"][:10] == date.today().isoformat()
    # The erased passport number is nowhere in the archive; the kept one travels encrypted.
    everything = b"".join(parts.values())
    assert erased_secret.encode() not in everything and ERASED.encode() not in everything
    assert b"passport_number_encrypted" in everything and KEPT.encode() not in everything
    # The privacy records travel with the event.
    for table in ("privacy_notice", "privacy_consent", "retention_rule", "erasure_run"):
        assert json.loads(parts[f"tables/{table}.json"]), table
    assert json.loads(parts["tables/data_request.json"])


def test_the_week_restored_before_its_dates_comes_back_whole(exported, tmp_path, urls):
    source, path, _secret = exported
    target = _installation(tmp_path, "t", urls("t"), DATA_KEYS=source.config["DATA_KEYS"])
    restored = target.test_cli_runner().invoke(args=["import-event", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "past its retention date" not in restored.output
    with target.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        consent = db.session.scalar(sa.select(Consent).where(Consent.event_id == event.id))
        assert consent.notice_id is not None and consent.notice_version == 2
        assert db.session.scalar(
            sa.select(sa.func.count())
            .select_from(DataRequest)
            .where(DataRequest.event_id == event.id)
        )
        assert db.session.get(RetentionRule, (event.id, Kind.PHOTOS)).days == 20


def test_data_past_its_date_is_refused_unless_restored_knowingly(exported, tmp_path, urls):
    source, path, _secret = exported
    # Forty-five days on: passport data (30 days), photos (the event's 20) and the upload
    # (a day) are past their dates; travel (60) and names (730) are not.
    target = _installation(
        tmp_path,
        "later",
        urls("later"),
        DATA_KEYS=source.config["DATA_KEYS"],
        CLOCK_SHIFT=timedelta(days=45),
    )
    refused = target.test_cli_runner().invoke(args=["import-event", str(path)])
    assert refused.exit_code == 3, refused.output
    assert "Traceback" not in refused.output
    out = refused.output
    assert f"passport): 1 record, due since {(ENDED + timedelta(days=31)).isoformat()}" in out
    assert f"photos): 1 record, due since {(ENDED + timedelta(days=21)).isoformat()}" in out
    assert "imports): 1 record" in out
    assert "travel)" not in out and "identity)" not in out
    assert "Nothing was restored" in out and "--restore-expired" in out
    with target.app_context():
        assert db.session.scalar(sa.select(Event).where(Event.slug == SLUG)) is None

    restored = target.test_cli_runner().invoke(
        args=["import-event", str(path), "--restore-expired"]
    )
    assert restored.exit_code == 0, restored.output
    assert "Restored with personal data past its retention date" in restored.output
    assert "Event kept-week restored" in restored.output
    with target.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        entry = db.session.scalar(
            sa.select(AuditEntry).where(
                AuditEntry.event_id == event.id, AuditEntry.action == "event.import_expired"
            )
        )
        assert entry.changes["passport"] == [None, 1] and entry.changes["imports"] == [None, 1]
        assert entry.changes["past_due_data"] == [None, "kept"]
        person = db.session.scalar(
            sa.select(Participant).where(Participant.passport_number_encrypted.is_not(None))
        )
        assert crypto.decrypt(person.passport_number_encrypted) == KEPT


def test_erase_expired_restores_the_week_and_erases_what_is_past_its_date(exported, tmp_path, urls):
    source, path, _secret = exported
    target = _installation(
        tmp_path,
        "erase",
        urls("erase"),
        DATA_KEYS=source.config["DATA_KEYS"],
        CLOCK_SHIFT=timedelta(days=45),
    )
    # registration's own retention receiver empties the passport columns
    result = target.test_cli_runner().invoke(args=["import-event", str(path), "--erase-expired"])
    assert result.exit_code == 0, result.output
    assert "erased at once" in result.output and "erased: 1" in result.output
    with target.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        assert not db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Participant)
            .where(Participant.passport_number_encrypted.is_not(None))
        )
        run = db.session.scalar(
            sa.select(ErasureRun).where(
                ErasureRun.event_id == event.id, ErasureRun.trigger == ErasureTrigger.IMPORT
            )
        )
        assert run.counts["passport"] == 1
    both = target.test_cli_runner().invoke(
        args=["import-event", str(path), "--erase-expired", "--restore-expired"]
    )
    assert both.exit_code == 2 and "not both" in both.output


def test_an_archive_made_before_retention_was_recorded_uses_the_defaults(exported, tmp_path, urls):
    source, path, _secret = exported
    old = tmp_path / "old.eventhub.zip"
    parts = _parts(path)
    manifest = json.loads(parts["manifest.json"])
    del manifest["retention"]
    parts["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(old, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    target = _installation(
        tmp_path,
        "old",
        urls("old"),
        DATA_KEYS=source.config["DATA_KEYS"],
        CLOCK_SHIFT=timedelta(days=45),
    )
    refused = target.test_cli_runner().invoke(args=["import-event", str(old)])
    assert refused.exit_code == 3
    assert "does not say which retention applied" in refused.output
    # The event's own rule for photos is in the archive's tables: it still applies.
    assert f"photos): 1 record, due since {(ENDED + timedelta(days=21)).isoformat()}" in (
        refused.output
    )
    restored = target.test_cli_runner().invoke(args=["import-event", str(old), "--restore-expired"])
    assert restored.exit_code == 0, restored.output
    assert "does not say which retention applied" in restored.output


def test_a_refusal_for_a_corrupt_retention_section_is_not_a_traceback(exported, tmp_path, urls):
    """A manifest edited by hand (days as text) is read as far as it makes sense."""
    source, path, _secret = exported
    parts = _parts(path)
    manifest = json.loads(parts["manifest.json"])
    manifest["retention"]["kinds"]["passport"]["days"] = "thirty"
    parts["manifest.json"] = json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    odd = tmp_path / "odd.eventhub.zip"
    odd.write_bytes(buffer.getvalue())
    target = _installation(tmp_path, "odd", urls("odd"), DATA_KEYS=source.config["DATA_KEYS"])
    result = target.test_cli_runner().invoke(args=["import-event", str(odd)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not an EventHub event archive" in result.output or "retention" in result.output


def test_only_what_the_archive_still_holds_counts_as_past_its_date(tmp_path):
    """Two years on every kind is due; what counts is what the rows still hold: a person
    erased already, a scan without its person, an upload emptied, are not past their date."""
    from eventhub import create_app
    from eventhub.privacy import archives

    from ..conftest import test_config as app_config

    app = create_app(app_config(tmp_path, "sqlite://"))
    app.config["CLOCK_SHIFT"] = timedelta(days=800)
    event = {"ends_on": {"$date": ENDED.isoformat()}, "timezone": "Asia/Bangkok"}
    person = {"erased_at": None, "passport_number_encrypted": "gAAA", "dietary_notes": ""}
    gone = {
        "erased_at": {"$datetime": "2026-01-01T00:00:00+00:00"},
        "passport_number_encrypted": None,
        "dietary_notes": "",
    }
    uploaded = {"$datetime": datetime.now(UTC).isoformat()}
    tables = {
        "event": [event],
        "participant": [person, gone],
        "scan": [{"participant_id": 1}, {"participant_id": None}],
        "import_batch": [
            {"content": {"$bytes": "YSxi"}, "created_at": uploaded},
            {"content": {"$bytes": ""}, "created_at": uploaded},
        ],
    }
    with app.app_context():
        found, said = archives.expired({}, tables, PASSPORT_AND_HEALTH)
    assert not said
    assert {item.kind: item.records for item in found} == {
        Kind.PASSPORT: 1,
        Kind.IDENTITY: 1,
        Kind.SCANS: 1,
        Kind.IMPORTS: 1,
    }
    due = {item.kind: item.due_since for item in found}
    assert due[Kind.IDENTITY] == ENDED + timedelta(days=731)
    # A day after the upload, on the event's calendar (Bangkok may already be tomorrow).
    assert due[Kind.IMPORTS] - date.today() in (timedelta(days=1), timedelta(days=2))


PASSPORT_AND_HEALTH = {Kind.PASSPORT: PASSPORT, Kind.HEALTH: {"dietary_notes": ""}}
