"""Seating work done by the job worker: a plan's re-flow after a guest cancelled."""

from __future__ import annotations

from eventhub import jobs
from eventhub.seating import reflow


@jobs.job()
def reflow_plan(plan_id: int) -> int:
    return reflow.reflow(plan_id)
