"""An archive made before a person's erasure does not bring them back: restored, they are
erased again at once (tombstones outlive the event; the archive's manifest lists who was
erased before it was made)."""

from __future__ import annotations

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventhub import crypto
from eventhub.directory.services import seed_countries
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import persons
from eventhub.privacy.models import ErasedPerson, ErasureRun, ErasureTrigger
from eventhub.registration.models import Participant, Status

from .test_archive import _installation
from .test_archive_retention import urls  # noqa: F401 -- the databases fixture

pytestmark = pytest.mark.own_database

SLUG = "erased-week"
KEPT, ERASED = "P1234567", "E7654321"
STARTS = date.today() + timedelta(days=20)  # not over: the erased person is withdrawn


@pytest.fixture
def archives(tmp_path, urls):  # noqa: F811 -- the fixture imported above
    """The week's archive made before Vanh's erasure, one made after, the source, Vanh's id
    and the ciphertext of Vanh's passport number."""
    source = _installation(tmp_path, "source", urls("source"))
    with source.app_context():
        seed_countries()
        event = Event(
            slug=SLUG,
            name_en="Erased Week",
            name_zh="删除周",
            city_en="Guiyang",
            city_zh="贵阳",
            venue_address="Eco-Conference Center",
            starts_on=STARTS,
            ends_on=STARTS + timedelta(days=3),
            timezone="Asia/Shanghai",
        )
        db.session.add(event)
        db.session.flush()
        secret = crypto.encrypt(ERASED)
        kept, gone = (
            Participant(
                event_id=event.id,
                family_name="KEOMANY",
                given_name=given,
                country_code="LA",
                email=f"{given.lower()}@example.la",
                passport_number_encrypted=ciphertext,
                status=Status.APPROVED,
            )
            for given, ciphertext in (("Somphone", crypto.encrypt(KEPT)), ("Vanh", secret))
        )
        db.session.add_all([kept, gone])
        db.session.commit()
        gone_id = gone.id
    before = tmp_path / "before.eventhub.zip"
    result = source.test_cli_runner().invoke(args=["export-event", SLUG, "-o", str(before)])
    assert result.exit_code == 0, result.output
    with source.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        persons.erase_person(event, gone_id)
        db.session.commit()
    after = tmp_path / "after.eventhub.zip"
    result = source.test_cli_runner().invoke(args=["export-event", SLUG, "-o", str(after)])
    assert result.exit_code == 0, result.output
    return before, after, source, gone_id, secret


def _sharing_tombstones(tmp_path, urls, name, source):  # noqa: F811
    """A fresh installation that holds the source's tombstones (the same installation after
    the event was deleted, or a copy of its tombstones)."""
    target = _installation(tmp_path, name, urls(name), DATA_KEYS=source.config["DATA_KEYS"])
    with source.app_context():
        stones = [
            {
                "event_slug": s.event_slug,
                "participant_id": s.participant_id,
                "erased_at": s.erased_at,
            }
            for s in db.session.scalars(sa.select(ErasedPerson))
        ]
    with target.app_context():
        db.session.add_all(ErasedPerson(**stone) for stone in stones)
        db.session.commit()
    return target


def _person(app, participant_id) -> Participant:
    with app.app_context():
        person = db.session.get(Participant, participant_id)
        db.session.expunge(person)
        return person


def test_the_erasure_leaves_a_tombstone_and_the_later_archive_lists_it(archives):
    _before, after, source, gone_id, _secret = archives
    with source.app_context():
        stone = db.session.scalar(sa.select(ErasedPerson))
        assert (stone.event_slug, stone.participant_id) == (SLUG, gone_id)
    with zipfile.ZipFile(after) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert [entry["participant_id"] for entry in manifest["erased_people"]] == [gone_id]


def test_a_person_erased_after_the_archive_was_made_is_erased_again_on_restore(
    archives,
    tmp_path,
    urls,  # noqa: F811
):
    before, _after, source, gone_id, secret = archives
    target = _sharing_tombstones(tmp_path, urls, "target", source)
    result = target.test_cli_runner().invoke(args=["import-event", str(before)])
    assert result.exit_code == 0, result.output
    assert "1 person erased since this archive was made was erased again" in result.output
    assert "Event erased-week restored" in result.output

    gone = _person(target, gone_id)
    assert gone.erased_at is not None and gone.given_name != "Vanh"
    assert gone.passport_number_encrypted is None
    assert gone.status == Status.WITHDRAWN  # before the week: their place is given up
    with target.app_context():
        kept = db.session.scalar(sa.select(Participant).where(Participant.given_name == "Somphone"))
        assert crypto.decrypt(kept.passport_number_encrypted) == KEPT
        run = db.session.scalar(sa.select(ErasureRun).where(ErasureRun.participant_id == gone_id))
        assert run.trigger == ErasureTrigger.IMPORT
        stored = db.session.scalars(sa.select(Participant.passport_number_encrypted)).all()
        assert secret not in stored
        url = db.engine.url
    if url.get_backend_name() == "sqlite":  # no old copy left in the database's files
        files = [Path(url.database), Path(f"{url.database}-wal")]
        held = b"".join(f.read_bytes() for f in files if f.exists())
        assert held
        assert secret.encode() not in held and b"Vanh" not in held


def test_restored_under_another_address_the_archived_one_is_matched(
    archives,
    tmp_path,
    urls,  # noqa: F811
):
    before, _after, source, gone_id, _secret = archives
    target = _sharing_tombstones(tmp_path, urls, "moved", source)
    result = target.test_cli_runner().invoke(
        args=["import-event", str(before), "--slug", "erased-week-copy"]
    )
    assert result.exit_code == 0, result.output
    assert "erased again" in result.output
    assert _person(target, gone_id).erased_at is not None


def test_without_a_tombstone_the_archive_comes_back_whole(archives, tmp_path, urls):  # noqa: F811
    before, _after, source, gone_id, _secret = archives
    target = _installation(tmp_path, "fresh", urls("fresh"), DATA_KEYS=source.config["DATA_KEYS"])
    result = target.test_cli_runner().invoke(args=["import-event", str(before)])
    assert result.exit_code == 0, result.output
    assert "erased again" not in result.output
    assert _person(target, gone_id).given_name == "Vanh"


def test_the_later_archive_brings_its_tombstones_along(archives, tmp_path, urls):  # noqa: F811
    _before, after, source, gone_id, _secret = archives
    target = _installation(tmp_path, "later", urls("later"), DATA_KEYS=source.config["DATA_KEYS"])
    result = target.test_cli_runner().invoke(args=["import-event", str(after)])
    assert result.exit_code == 0, result.output
    assert "erased again" not in result.output  # erased in the archive already
    with target.app_context():
        stones = db.session.execute(
            sa.select(ErasedPerson.event_slug, ErasedPerson.participant_id)
        ).all()
    assert stones == [(SLUG, gone_id)]
