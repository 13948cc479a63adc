"""What every Z3 engine shares about asking the solver: the time budget and its
statistics, the one query under that budget (:func:`solve`), and the one Houdini loop
(:func:`houdini`) that finds the inductive part of a set of candidate claims."""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import z3

from checker.errors import ReportcheckError
from checker.results.verdict import UnknownReason

C = TypeVar("C")


class OutOfTime(ReportcheckError):
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
    reused_cores: int = 0  # proof: queries answered by an earlier unsat core instead of the solver

    def add(self, other: SolverStats) -> None:
        """Count ``other``'s queries and seconds in these (a worker process's, at its end)."""
        self.queries += other.queries
        self.solver_seconds += other.solver_seconds
        self.build_seconds += other.build_seconds
        self.reused_cores += other.reused_cores

    def fields(self, t0: float) -> dict[str, Any]:
        """The :class:`SolverRunStats` fields of a run that started at ``t0``."""
        return {"seconds": round(time.perf_counter() - t0, 3), "queries": self.queries,
                "solver_seconds": round(self.solver_seconds, 3), "build_seconds": round(self.build_seconds, 3)}


def deadline_of(timeout: float | None) -> float | None:
    return None if timeout is None else time.perf_counter() + timeout


def time_left(deadline: float | None) -> float | None:
    """Seconds until ``deadline`` (None: no budget); raises OutOfTime once it has passed."""
    if deadline is None:
        return None
    left = deadline - time.perf_counter()
    if left <= 0:
        raise OutOfTime("the time budget ran out")
    return left


def solve(solver: z3.Solver, deadline: float | None, stats: SolverStats,
          assumptions: Sequence[z3.BoolRef] = ()) -> z3.CheckSatResult:
    """One query on ``solver`` within the budget, counted in ``stats``: sat or unsat.
    Raises OutOfTime when the budget is spent or Z3 answers ``unknown`` -- never an
    answer that could be read as a proof."""
    left = time_left(deadline)
    if left is not None:
        solver.set("timeout", max(1, int(left * 1000)))
    t0 = time.perf_counter()
    try:
        r = solver.check(*assumptions)
    finally:
        stats.queries += 1
        stats.solver_seconds += time.perf_counter() - t0
    if r == z3.unknown:
        raise unknown_answer(solver.reason_unknown(), f"Z3 answered unknown ({solver.reason_unknown()})")
    return r


Query = Callable[[list[C]], Collection[C] | None]


def houdini(candidates: Sequence[C], queries: Sequence[Query[C]]) -> tuple[list[C], bool]:
    """The largest subset of ``candidates`` that every query accepts (Houdini).

    A query is asked of the current set and answers None when it holds (the solver said
    unsat), else the candidates its counterexample breaks; those are dropped and the
    query asked again.  Passes over the queries repeat until one drops nothing (with a
    single query, the pass that ends with it holding is the last).  Returns the kept
    candidates and True -- or, when a counterexample breaks no candidate (only the claim
    being proved, which is not one), the candidates at that point and False: the set
    is then *not* known to be inductive."""
    current = list(candidates)
    changed = True
    while changed:
        changed = False
        for query in queries:
            while (failing := query(current)) is not None:
                if not failing:
                    return current, False
                current = [c for c in current if c not in failing]
                changed = True
        changed = changed and len(queries) > 1
    return current, True
