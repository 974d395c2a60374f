"""Print runs as jobs: drawn by a job worker, tried again if the worker is killed, failed
with the reason after the last try."""

from __future__ import annotations

from huey import crontab

from eventhub import jobs
from eventhub.badges import runs
from eventhub.badges.models import BadgeBatch
from eventhub.extensions import db


@jobs.job(retries=0)  # a failure inside the run is the organiser's to see, not to repeat
def draw_print_run(batch_id: int) -> None:
    if not jobs.claim_run(BadgeBatch, batch_id):
        return  # another worker has it, or it has ended
    db.session.commit()
    runs.run_batch(db.session.get(BadgeBatch, batch_id))


def start(batch: BadgeBatch) -> BadgeBatch:
    """Hand the run to the job worker once the request that queued it commits."""
    jobs.later(draw_print_run, batch.id)
    return batch


@jobs.periodic(crontab(minute="*"))
def recover_print_runs() -> None:
    jobs.recover_stalled_runs(BadgeBatch, draw_print_run)
