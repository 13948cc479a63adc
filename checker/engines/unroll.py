"""A path of symbolic states s0 -T-> s1 -T-> ... and the solver that holds it.

Bounded model checking and k-induction both ask questions about such a path; this
module builds it one transition at a time on an incremental Z3 solver, counts the
queries, enforces the time budget, and reads a path back from a Z3 model as action
names and arguments (which the engines then replay on the concrete interpreter).
"""

from __future__ import annotations

import time

import z3

from checker.engines.solver import OutOfTime, SolverStats, unknown_answer
from checker.interp.symbolic import State, StepTerms, SymbolicModel


class Path:
    """States ``states[0..n]`` joined by ``n`` symbolic transitions on one solver."""

    def __init__(self, sym: SymbolicModel, tag: str, deadline: float | None, stats: SolverStats) -> None:
        self.sym = sym
        self.tag = tag
        self.deadline = deadline
        self.stats = stats
        # Not one incremental solver: every query gets a fresh one over the stored
        # constraints that bit-blasts to SAT at once.  Measured on tiny, this is 4-8 times
        # faster than Z3's incremental solver or its default QF_BV strategy, whose
        # equation solving inlines each state into the next and multiplies the clauses.
        self.constraints: list[z3.BoolRef] = []
        self.states: list[State] = [sym.state(f"{tag}0")]
        self.steps: list[StepTerms] = []
        self.model: z3.ModelRef | None = None  # of the last sat query

    @property
    def length(self) -> int:
        return len(self.steps)

    def add(self, constraint: z3.BoolRef) -> None:
        self.constraints.append(constraint)

    def extend(self) -> StepTerms:
        """Add one transition from the last state to a fresh one."""
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            raise OutOfTime("time budget spent")
        t0 = time.perf_counter()
        n = len(self.steps)
        nxt = self.sym.state(f"{self.tag}{n + 1}")
        st = self.sym.step(self.states[-1], nxt, f"{self.tag}{n}")
        self.constraints.append(st.relation)
        self.states.append(nxt)
        self.steps.append(st)
        self.stats.build_seconds += time.perf_counter() - t0
        return st

    def bad(self, invariant: str, k: int) -> z3.BoolRef | None:
        """Invariant broken at state k or on the transition into it (None: it cannot be)."""
        parts: list[z3.BoolRef] = []
        inv = self.sym.state_invariant(invariant, self.states[k])
        if inv is not None:
            parts.append(z3.Not(inv))
        if k > 0 and invariant in self.steps[k - 1].violations:
            parts.append(self.steps[k - 1].violations[invariant])
        return z3.Or(parts) if parts else None

    def holds(self, invariant: str, k: int) -> z3.BoolRef:
        b = self.bad(invariant, k)
        return z3.BoolVal(True) if b is None else z3.Not(b)

    def check(self, *assumptions: z3.BoolRef) -> z3.CheckSatResult:
        """One query; raises OutOfTime when the budget is spent or the solver gave up for time."""
        solver = z3.Then("simplify", "bit-blast", "sat").solver()
        if self.deadline is not None:
            left = self.deadline - time.perf_counter()
            if left <= 0:
                raise OutOfTime("time budget spent")
            solver.set("timeout", max(1, int(left * 1000)))
        t0 = time.perf_counter()
        solver.add(*self.constraints, *assumptions)
        try:
            r = solver.check()
            if r == z3.unknown:
                raise unknown_answer(solver.reason_unknown(), f"Z3 gave up: {solver.reason_unknown()}")
            self.model = solver.model() if r == z3.sat else None
        finally:
            self.stats.queries += 1
            self.stats.solver_seconds += time.perf_counter() - t0
        return r

    def actions(self, m: z3.ModelRef, upto: int | None = None) -> list[tuple[str, tuple[int, ...]]]:
        """The path a model describes, as (action name, arguments)."""
        actions = self.sym.model.actions
        out = []
        for st in self.steps[:upto]:
            i = m.eval(st.choice, model_completion=True).as_long()
            a = actions[i]
            args = tuple(m.eval(c, model_completion=True).as_long() for c in st.params[a.name])
            out.append((a.name, args))
        return out
