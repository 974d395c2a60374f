"""A print run's PDF holds names and photos: it goes when a person in it is erased, and when
the event's photos pass their date. Its page then says the file was removed, never a broken
download."""

from __future__ import annotations

import sqlalchemy as sa

from eventhub.badges.models import BadgeBatch, BatchState
from eventhub.db import utcnow
from eventhub.extensions import db
from eventhub.privacy import retention
from eventhub.privacy.kinds import Kind
from eventhub.privacy.models import ErasureTrigger
from tests.conftest import run_held


def _print_run(client, app, event, held_jobs) -> str:
    run_url = client.post(f"/events/{event.slug}/badges/", data={"layout": "a4"}).headers[
        "Location"
    ]
    run_held(app, held_jobs)
    assert client.get(f"{run_url}.pdf").status_code == 200
    return run_url


def _content(app, run_url: str) -> bytes | None:
    with app.app_context():
        batch = db.session.get(BadgeBatch, int(run_url.rsplit("/", 1)[1]))
        return batch.content


def test_erasing_a_person_removes_the_print_runs_that_hold_them(
    client, as_role, app, event, make, held_jobs
):
    person = make.participant(event, given_name="Chanthy")
    make.participant(event, given_name="Somphone")
    as_role("organiser")
    run_url = _print_run(client, app, event, held_jobs)

    client.post(f"/events/{event.slug}/participants/{person.id}/erase")

    download = client.get(f"{run_url}.pdf")
    assert download.status_code == 410
    said = download.get_data(as_text=True)
    assert "personal data in it was erased" in said and "Bad request" not in said
    assert not _content(app, run_url)
    page = client.get(run_url).get_data(as_text=True)
    assert "File removed (personal data erased)" in page
    assert f"#{person.id}" in page and "print again" in page
    assert "Download the PDF" not in page
    assert client.get(f"{run_url}.json").get_json()["download"] is None
    listing = client.get(f"/events/{event.slug}/badges/").get_data(as_text=True)
    assert "File removed (personal data erased)" in listing


def test_a_run_without_the_erased_person_keeps_its_file(
    client, as_role, app, event, make, held_jobs
):
    make.participant(event, given_name="Somphone")
    as_role("organiser")
    run_url = _print_run(client, app, event, held_jobs)
    later = make.participant(event, given_name="Chanthy")  # registered after the run

    client.post(f"/events/{event.slug}/participants/{later.id}/erase")

    assert client.get(f"{run_url}.pdf").status_code == 200
    assert _content(app, run_url)


def test_a_run_that_did_not_record_whom_it_holds_goes_with_anyone_erased(
    client, as_role, app, event, make
):
    person = make.participant(event)
    with app.app_context():  # a run printed before runs recorded their people
        batch = BadgeBatch(
            event_id=event.id,
            filters={"delegation": None},
            state=BatchState.DONE,
            total=3,
            done=3,
            content=b"%PDF-1.4 names and photos",
            finished_at=utcnow(),
        )
        db.session.add(batch)
        db.session.commit()
        run_url = f"/events/{event.slug}/badges/runs/{batch.id}"
    as_role("organiser")

    client.post(f"/events/{event.slug}/participants/{person.id}/erase")

    assert client.get(f"{run_url}.pdf").status_code == 410
    assert not _content(app, run_url)
    page = client.get(run_url).get_data(as_text=True)
    assert f"#{person.id}" in page and "print again" in page


def test_photos_past_their_date_take_every_finished_run_with_them(
    client, as_role, app, event, make, held_jobs
):
    make.participant(event)  # the event ended in July 2025: its photos are past their date
    as_role("organiser")
    run_url = _print_run(client, app, event, held_jobs)
    with app.app_context():
        due = {row.kind: row.due for row in retention.report(db.session.merge(event))}
        assert due[Kind.PHOTOS] == 1  # the run (the person has no photo)
        run = retention.erase_due(db.session.merge(event), trigger=ErasureTrigger.MANUAL)
        db.session.commit()
        assert run.counts[Kind.PHOTOS.value] == 1
        due = {row.kind: row.due for row in retention.report(db.session.merge(event))}
        assert due[Kind.PHOTOS] == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(sa.func.length(BadgeBatch.content) > 0)
            )
            == 0
        )

    assert client.get(f"{run_url}.pdf").status_code == 410
    page = client.get(run_url).get_data(as_text=True)
    assert "File removed (personal data erased)" in page


def test_a_person_erased_while_the_run_draws_does_not_stay_in_its_file(
    client, as_role, app, event, make, held_jobs, monkeypatch
):
    """The erasure empties finished runs only: a run still drawing when the person is erased
    checks, once done, that nobody it drew has gone meanwhile."""
    from eventhub.badges import runs
    from eventhub.privacy import persons

    person = make.participant(event, given_name="Chanthy")
    make.participant(event, given_name="Somphone")
    drawing = runs.write_badges

    def erased_meanwhile(event_, *args, **kwargs):
        drawing(event_, *args, **kwargs)
        persons.erase_person(event_, person.id)  # an organiser, while the worker draws

    monkeypatch.setattr(runs, "write_badges", erased_meanwhile)
    as_role("organiser")
    run_url = client.post(f"/events/{event.slug}/badges/", data={"layout": "a4"}).headers[
        "Location"
    ]
    run_held(app, held_jobs)
    assert not _content(app, run_url)
    assert client.get(f"{run_url}.pdf").status_code == 410


def test_an_erased_persons_badge_is_refused_for_that_reason(client, as_role, app, event, make):
    person = make.participant(event, given_name="Chanthy")
    as_role("organiser")
    assert client.get(f"/events/{event.slug}/participants/{person.id}/badge.pdf").status_code == 200
    client.post(f"/events/{event.slug}/participants/{person.id}/erase")
    refused = client.get(f"/events/{event.slug}/participants/{person.id}/badge.pdf")
    assert refused.status_code == 409
    assert "erased" in refused.get_data(as_text=True)
