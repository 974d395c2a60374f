"""Nothing erased can be read back: after the erasure, the bytes of the database file and its
write-ahead log hold no passport ciphertext, dietary note, photo or imported list, and the
job queue's own SQLite file never held any of them (its jobs carry ids only)."""

from __future__ import annotations

import io
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from eventhub import create_app, crypto, jobs
from eventhub.directory.services import seed_countries
from eventhub.extensions import db
from eventhub.registration.models import ImportBatch, Participant, ParticipantPhoto

from .. import conftest
from ..factories import PASSWORD, Factory

SAMPLE = Path(__file__).parent.parent / "fixtures" / "delegation-sample.csv"
# The partner's sample with one more person, whose details are looked for in the files.
LIST = SAMPLE.read_bytes().rstrip(b"\r\n") + (
    b"\nXAYSOMBATH,Vilayvanh,,Ms.,Officer,National University of Laos,LA,delegate,"
    b"imported.marker@example.la,,2025-07-23,14:35,QV 917,,Lao\n"
)


def _bytes(folder: Path, name: str) -> bytes:
    """The database file and whatever SQLite keeps beside it (-wal, -shm, -journal)."""
    return b"".join(p.read_bytes() for p in sorted(folder.glob(f"{name}*")))


def _run_queued(app) -> None:
    """Take every job from the SQLite queue and run it, as a worker would."""
    with app.app_context():
        while (task := jobs.huey.dequeue()) is not None:
            jobs.huey.execute(task)


@pytest.fixture
def file_app(tmp_path):
    config = conftest.test_config(tmp_path, f"sqlite:///{tmp_path}/app.sqlite3")
    config["JOBS_URL"] = f"sqlite:///{tmp_path}/jobs.sqlite3"
    config["IMPORT_INLINE_ROWS"] = 0  # every list is imported by the job worker
    app = create_app(config)
    with app.app_context():
        upgrade()
        seed_countries()
        db.session.commit()
    with app.app_context():  # the factories' records stay readable after their commits
        db.session.configure(expire_on_commit=False)
    app.extensions["eventhub_outbox"] = []
    yield app
    jobs.huey.flush()
    with app.app_context():
        db.session.configure(expire_on_commit=True)
        db.engine.dispose()


@pytest.mark.own_database  # its own files, committed for real: their bytes are the point
def test_erased_personal_data_is_gone_from_the_files(file_app, tmp_path):
    app = file_app
    make = Factory(app)
    event = make.event(slug="bytes-week")
    organiser = make.user(roles={event: "organiser"})
    with app.app_context():
        ciphertext = crypto.encrypt("P9988776")
    note = "Severe allergy to durian and lychee (marker)"
    photo = os.urandom(40_000)
    person = make.participant(
        event,
        family_name="INTHAVONG",
        given_name="Bounthavy",
        passport_number_encrypted=ciphertext,
        passport_digest="e" * 64,
        dietary_notes=note,
    )
    with app.app_context():
        db.session.add(
            ParticipantPhoto(participant_id=person.id, content=photo, width=300, height=400)
        )
        db.session.commit()

    client = app.test_client()
    client.post("/auth/login", data={"email": organiser.email, "password": PASSWORD})
    upload = client.post(
        f"/events/{event.slug}/participants/import",
        data={"file": (io.BytesIO(LIST), "laos.csv")},
        content_type="multipart/form-data",
    )
    preview_url = upload.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    confirmed = client.post(preview_url, data={"action": "import", **_mapping(page)})
    assert confirmed.status_code == 302
    _run_queued(app)
    with app.app_context():
        batch = db.session.scalar(sa.select(ImportBatch).where(ImportBatch.event_id == event.id))
        assert batch.state is not None, page[page.find("<main") :][:3000]
        assert batch.imported_count == 15, (batch.state, batch.error)
        assert batch.content == b""  # dropped once imported
        assert db.session.scalar(
            sa.select(sa.func.count()).where(Participant.email == "imported.marker@example.la")
        )
    # The import's page still answers: the list of who came in.
    done = client.get(preview_url, follow_redirects=True)
    assert done.status_code == 200 and "15 participants imported from laos.csv." in done.get_data(
        as_text=True
    )
    before = _bytes(tmp_path, "app.sqlite3")
    assert ciphertext.encode() in before and note.encode() in before  # else the test proves nothing

    # Past every date (the whole person included), an organiser erases it now.
    app.config["CLOCK_SHIFT"] = timedelta(days=800)
    response = client.post(f"/events/{event.slug}/privacy/erase")
    assert response.status_code == 302
    _run_queued(app)
    page = client.get(f"/events/{event.slug}/privacy").get_data(as_text=True)
    assert "Nothing is past its date." in page

    stored = _bytes(tmp_path, "app.sqlite3")
    assert ciphertext.encode() not in stored
    assert note.encode() not in stored
    assert photo[1000:1064] not in stored
    assert b"imported.marker@example.la" not in stored
    assert b"XAYSOMBATH" not in stored
    queue = _bytes(tmp_path, "jobs.sqlite3")
    assert b"import_rows" in queue and b"erase_event" in queue  # the jobs went through it
    for secret in (b"imported.marker", b"XAYSOMBATH", note.encode(), ciphertext.encode()):
        assert secret not in queue


def _mapping(page: str) -> dict:
    selects = re.findall(r'<select[^>]*name="(map_\d+)"[^>]*>(.*?)</select>', page, re.S)
    found = {"attest_registration": "y"}  # the sender collected the consent to registration
    for name, options in selects:
        chosen = re.search(r'<option value="([^"]*)" selected>', options)
        found[name] = chosen.group(1) if chosen else ""
    return found


@pytest.mark.own_database
@pytest.mark.parametrize("how", ["erase page", "approved request"])
def test_one_person_erased_leaves_no_passport_in_the_files(file_app, tmp_path, how):
    """At once, not only after the next nightly job: the organiser erases her from her page,
    or approves the erasure her head of delegation asked for."""
    from eventhub.privacy import requests as data_requests
    from eventhub.privacy.models import RequestKind

    app = file_app
    make = Factory(app)
    event = make.event(slug="one-person-week")
    organiser = make.user(roles={event: "organiser"})
    with app.app_context():
        ciphertext = crypto.encrypt("P5544332")
    person = make.participant(
        event,
        family_name="SOUVANNAVONG",
        given_name="Bounmy",
        passport_number_encrypted=ciphertext,
        passport_digest="d" * 64,
    )
    assert ciphertext.encode() in _bytes(tmp_path, "app.sqlite3")  # else it proves nothing
    client = app.test_client()
    client.post("/auth/login", data={"email": organiser.email, "password": PASSWORD})
    if how == "erase page":
        url = f"/events/{event.slug}/participants/{person.id}/erase"
        response = client.post(url)
    else:
        with app.app_context():
            ev = db.session.merge(event)
            asked = data_requests.ask(
                ev, person.id, RequestKind.ERASURE, reason="She asked us", actor=None
            )
            db.session.commit()
            url = f"/events/{event.slug}/privacy/requests/{asked.id}/approve"
        response = client.post(url, data={"confirmed": "yes"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Participant, person.id).erased_at is not None
    stored = _bytes(tmp_path, "app.sqlite3")
    assert ciphertext.encode() not in stored
    assert b"d" * 64 not in stored
