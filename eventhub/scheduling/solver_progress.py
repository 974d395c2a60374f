"""What the solver reports while it searches: each timetable it finds, with its score.

CP-SAT calls the callback from its own worker threads, with no app context: the `report`
given must open one if it writes (tasks.solve does). `report` raises StopSolving to end the
search at once (the organiser cancelled the run).
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model


class StopSolving(Exception):
    """Raised by a progress report: stop searching, keep what was found."""


class SolutionProgress(cp_model.CpSolverSolutionCallback):
    """Calls `report({"solutions", "seconds", "score"})` on every timetable found; `score`
    is None in a search without an objective (the first, any valid timetable)."""

    def __init__(self, report: Callable[[dict], None], *, scored: bool, offset: float = 0.0):
        super().__init__()
        self.report, self.scored, self.offset, self.found = report, scored, offset, 0

    def on_solution_callback(self) -> None:
        self.found += 1
        try:
            self.report(
                {
                    "solutions": self.found,
                    "seconds": self.offset + self.WallTime(),
                    "score": int(self.ObjectiveValue()) if self.scored else None,
                }
            )
        except StopSolving:
            self.StopSearch()


def solution_callback(
    report: Callable[[dict], None] | None, *, scored: bool, offset: float = 0.0
) -> SolutionProgress | None:
    return SolutionProgress(report, scored=scored, offset=offset) if report else None
