"""What every Z3 engine shares about asking the solver: the time budget and its statistics."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from checker.results.verdict import UnknownReason


class OutOfTime(Exception):
    """The solver did not decide a query: the time budget ran out, or Z3 answered
    ``unknown`` (:class:`SolverGaveUp`; the message gives its reason).  Engines turn it
    into ``unknown`` with the reason :func:`reason_of` gives."""


class SolverGaveUp(OutOfTime):
    """Z3 answered ``unknown`` before the budget ran out."""


def unknown_answer(reason_unknown: str, message: str) -> OutOfTime:
    """What a Z3 ``unknown`` answer means: its own time-out (the budget we set on the
    solver) is a time-out; any other reason is the solver giving up."""
    timed_out = reason_unknown in ("timeout", "canceled")
    return OutOfTime(message) if timed_out else SolverGaveUp(message)


def reason_of(e: OutOfTime) -> UnknownReason:
    return UnknownReason.SOLVER_UNKNOWN if isinstance(e, SolverGaveUp) else UnknownReason.TIME_OUT


@dataclass
class SolverStats:
    queries: int = 0
    solver_seconds: float = 0.0
    build_seconds: float = 0.0

    def fields(self, t0: float) -> dict[str, Any]:
        """The :class:`SolverRunStats` fields of a run that started at ``t0``."""
        return {"seconds": round(time.perf_counter() - t0, 3), "queries": self.queries,
                "solver_seconds": round(self.solver_seconds, 3), "build_seconds": round(self.build_seconds, 3)}


def deadline_of(timeout: float | None) -> float | None:
    return None if timeout is None else time.perf_counter() + timeout
