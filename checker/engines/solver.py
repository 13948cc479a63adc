"""What every Z3 engine shares about asking the solver: the time budget and its statistics."""

from __future__ import annotations

import time
from dataclasses import dataclass


class OutOfTime(Exception):
    """The solver did not decide a query: the time budget ran out, or Z3 answered
    ``unknown`` (the message gives its reason).  Engines turn it into ``unknown``."""


@dataclass
class SolverStats:
    queries: int = 0
    solver_seconds: float = 0.0
    build_seconds: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {"queries": self.queries, "solver_seconds": round(self.solver_seconds, 3),
                "build_seconds": round(self.build_seconds, 3)}


def deadline_of(timeout: float | None) -> float | None:
    return None if timeout is None else time.perf_counter() + timeout
