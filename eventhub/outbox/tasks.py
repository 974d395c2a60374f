"""The outbox's jobs: deliver after each commit that queued mail, and a sweep every minute
for retries that came due and messages a killed worker left half-way."""

from __future__ import annotations

from huey import crontab

from eventhub.jobs import immediate, job, periodic
from eventhub.outbox import services


@job(retries=0)
def deliver_outbox() -> None:
    report = services.deliver()
    wait = services.next_due()
    if report.retrying and wait is not None and not immediate():
        # The sweep would find them too; this brings a retry on time.
        deliver_outbox.schedule(delay=max(wait.total_seconds(), 1))


@periodic(crontab(minute="*"))
def sweep_outbox() -> None:
    services.deliver()
