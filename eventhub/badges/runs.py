"""Print runs from the web: queued, done by a job according to their kind, progress recorded."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _n

from eventhub import jobs
from eventhub.audit import services as audit
from eventhub.auth.models import User
from eventhub.badges import retention as run_files
from eventhub.badges.models import BadgeBatch, BatchState
from eventhub.badges.preview import SHOWN, Finding, preview
from eventhub.badges.printing import (
    BatchFilters,
    batch_query,
    count_batch,
    mark_printed,
    write_badges,
)
from eventhub.badges.render import LAYOUTS
from eventhub.badges.retention import record_people
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy import retention as privacy_retention


class NeedsConfirmation(DomainError):
    """A run refused for badges that would not print whole; the preview's findings with it,
    so that the page shows them without measuring every badge again."""

    def __init__(self, findings: list[Finding], message) -> None:
        super().__init__(message)
        self.findings = findings


def queue_batch(
    event: Event,
    filters: BatchFilters,
    layout: str,
    *,
    actor: User | None,
    base_url: str = "",
    back: bool = False,
    confirmed: bool = False,
) -> BadgeBatch:
    """A run of badges for a separate process. `base_url` is where links in its documents
    point (PUBLIC_URL wins). Every badge is measured first: when any would not print whole
    (cut at the band, shrunk below its floor, squeezed), the run is refused unless
    `confirmed`, and the run keeps the list for its page."""
    if layout not in LAYOUTS:
        raise DomainError(_l("Choose a layout: CR80 card, A6 or A4 sheets."))
    total = count_batch(event, filters)
    if total == 0:
        raise DomainError(_l("No approved participant matches: there is nothing to print."))
    _total, findings = preview(event, filters, layout)
    if findings and not confirmed:
        raise NeedsConfirmation(
            findings,
            _n(
                "%(num)d badge would not print whole: look at the preview, then confirm to "
                "print it as it is.",
                "%(num)d badges would not print whole: look at the preview, then confirm to "
                "print them as they are.",
                len(findings),
            ),
        )
    batch = BadgeBatch(
        event_id=event.id,
        user_id=actor.id if actor else None,
        filters=filters.as_dict()
        | {
            "back": back,
            "base_url": base_url,
            "layout_problems": len(findings),
            "layout_findings": [finding.as_dict() for finding in findings[:SHOWN]],
        },
        layout=layout,
        kind="badges",
        total=total,
    )
    db.session.add(batch)
    audit.record(
        "badge.batch",
        event,
        actor=actor,
        event_id=event.id,
        changes={"run": [None, batch.kind], "count": [None, total]},
    )
    db.session.flush()
    return batch


# How each kind of print run is done, by BadgeBatch.kind. Certificates (a module above
# badges, which do not import it) register their kinds with @does_runs.
_RUNS: dict[str, Callable[[BadgeBatch], None]] = {}


def does_runs(*kinds: str):
    """Make the decorated function the one that does the print runs of these kinds."""

    def register(run: Callable[[BadgeBatch], None]) -> Callable[[BadgeBatch], None]:
        for kind in kinds:
            _RUNS[kind] = run
        return run

    return register


def run_batch(batch: BadgeBatch) -> None:
    """Do a queued run (a job: badges.tasks; by hand: `flask badges-run`) of any kind."""
    _RUNS[batch.kind](batch)


@does_runs("badges")
def run_badge_batch(batch: BadgeBatch) -> None:
    """Draw a queued run of badges."""

    def draw(event: Event, out: BinaryIO, progress: Callable[[int], None]) -> bool:
        participants = list(
            db.session.scalars(batch_query(event, BatchFilters.from_dict(batch.filters)))
        )
        batch.total = len(participants)
        if not participants:
            return False
        record_people(batch, [person.id for person in participants])
        started, drawn = utcnow(), []
        write_badges(
            event,
            participants,
            out,
            layout=batch.layout,
            progress=progress,
            release=db.session.commit,
            back=bool(batch.filters.get("back")),
            drawn=drawn,
        )
        mark_printed(drawn, started)
        return True

    execute_batch(batch, draw)


def execute_batch(
    batch: BadgeBatch, work: Callable[[Event, BinaryIO, Callable[[int], None]], bool]
) -> None:
    """The frame of every kind of run (badges; certificates, whose module brings its
    `work`): progress committed as it goes, so that the organiser's page can show it and the
    sweep sees the run live. `work(event, out, progress)` writes the PDF, if the run makes
    one, into `out`, and returns False when no one matches the run any more; links it makes
    point to the run's base URL."""
    event = db.session.get(Event, batch.event_id)
    batch.state, batch.done = BatchState.RUNNING, 0
    db.session.commit()
    run_id, attempts = batch.id, batch.attempts

    def progress(done: int) -> None:
        jobs.beat(BadgeBatch, run_id, attempts, done=done)

    base_url = current_app.config.get("PUBLIC_URL") or batch.filters.get("base_url") or ""
    try:
        with current_app.test_request_context(base_url=base_url or None):
            buffer = io.BytesIO()
            if not work(event, buffer, progress):
                return _nothing_left(batch)
        batch.content = buffer.getvalue() or None
        batch.state, batch.finished_at = BatchState.DONE, utcnow()
        db.session.commit()
        # Someone it drew was erased while it drew (their erasure saw no finished file).
        if run_files.drop_if_erased(batch):
            db.session.commit()
            privacy_retention.reclaim()
    except jobs.RunTakenOver:
        db.session.rollback()  # the worker that has it now finishes it
    except Exception as error:  # the organiser sees that it failed, and why
        db.session.rollback()
        batch.state, batch.finished_at = BatchState.FAILED, utcnow()
        batch.error = str(error)[:500]
        db.session.commit()
        raise


def _nothing_left(batch: BadgeBatch) -> None:
    """A queued run whose people no longer match (withdrawn, already sent) ends as failed,
    saying so, rather than done with an empty PDF."""
    batch.state, batch.finished_at = BatchState.FAILED, utcnow()
    batch.error = str(_l("Nothing left to do: no one matches this run any more."))
    db.session.commit()
