"""Large lists imported as jobs: every row or none, never inside a web request."""

from __future__ import annotations

from flask_babel import force_locale
from huey import crontab

from eventhub import jobs
from eventhub.auth.models import User
from eventhub.db import utcnow
from eventhub.errors import DomainError
from eventhub.events.models import Event
from eventhub.extensions import db
from eventhub.privacy.kinds import Purpose
from eventhub.registration import importer, importing
from eventhub.registration.models import ImportBatch, ImportState


def start(
    batch: ImportBatch, settings: importer.Settings, *, locale: str, attested: dict[Purpose, bool]
) -> None:
    """Queue the import of a checked upload; the worker takes it once the request commits.
    `attested`: the consents the organiser confirmed (importing.import_participants)."""
    batch.state, batch.mapping, batch.error = ImportState.QUEUED, settings.mapping, ""
    batch.settings = settings.stored() | {
        "consents": {purpose.value: bool(yes) for purpose, yes in attested.items()}
    }
    batch.heartbeat_at, batch.attempts, batch.locale = utcnow(), 0, locale
    db.session.flush()
    jobs.later(import_rows, batch.id)


@jobs.job(retries=0)
def import_rows(batch_id: int) -> None:
    if not jobs.claim_run(ImportBatch, batch_id):
        return
    db.session.commit()
    batch = db.session.get(ImportBatch, batch_id)
    event = db.session.get(Event, batch.event_id)
    settings = importer.Settings.from_stored(batch.mapping, batch.settings)
    try:
        with force_locale(batch.locale):  # the reason, if any, in the organiser's language
            preview = importer.preview(event, batch.content, settings)
            db.session.commit()  # no transaction (on SQLite, no lock) while only reading
            batch.heartbeat_at = utcnow()
            stored = (batch.settings or {}).get("consents") or {}
            importing.import_participants(
                event,
                batch,
                preview,
                actor=db.session.get(User, batch.user_id),
                attested={Purpose(name): bool(yes) for name, yes in stored.items()},
            )
    except Exception as error:  # the organiser sees why; nothing was imported
        db.session.rollback()
        batch.state, batch.finished_at = ImportState.FAILED, utcnow()
        batch.error = (
            str(error) if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
        )[:500]
        return
    batch.state, batch.finished_at = ImportState.DONE, utcnow()


@jobs.periodic(crontab(minute="*"))
def recover_imports() -> None:
    jobs.recover_stalled_runs(ImportBatch, import_rows)
