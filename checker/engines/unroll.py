"""A path of symbolic states s0 -T-> s1 -T-> ... and the solver that holds it.

Bounded model checking and k-induction both ask questions about such a path; this
module builds it one transition at a time on one incremental Z3 solver, counts the
queries, enforces the time budget, and reads a path back from a Z3 model as action
names and arguments (which the engines then replay on the concrete interpreter).

The transition relation T(s, t) is translated from the IR once per model
(:class:`Transition`) over two template states, and each step of a path is an instance
of it: the template states, the action choice and the parameters are replaced by the
step's own constants (``z3.substitute``, in Z3's C++ code) instead of running the
symbolic execution again.  The invariants are translated once in the same way.

The solver is one ``SolverFor("QF_BV")`` per path, kept for every query: the steps are
asserted once (a step is true of every deeper path as well), and each query's own
constraints are asserted under a fresh literal that the query assumes and that is
retired (asserted false) afterwards, so that they constrain that query alone.  Z3's
QF_BV solver with assumptions is its incremental SAT solver: a step is bit-blasted once,
and what the SAT solver learnt at depth d is kept for depth d+1.  (An earlier version
translated T again at every depth and asked every query on a fresh bit-blasting solver;
bench/bench_symbolic.py measures both, and the solve time still roughly doubles per depth.)
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import z3

from checker.engines.solver import SolverStats, solve, time_left
from checker.interp.symbolic import State, StepTerms, SymbolicModel


class Transition:
    """T(s, t) and the invariants of one model, translated once over template states."""

    def __init__(self, sym: SymbolicModel) -> None:
        self.sym = sym
        self.pre = sym.state("pre")
        self.post = sym.state("post")
        self._template: StepTerms | None = None
        self._invariants: dict[str, z3.BoolRef | None] = {}

    @property
    def template(self) -> StepTerms:
        """T over the template states, translated on first use (a query at depth 0 needs none)."""
        if self._template is None:
            self._template = self.sym.step(self.pre, self.post, "T")
        return self._template

    def instance(self, s: State, t: State, tag: str) -> StepTerms:
        """T(s, t) with the action choice and parameters named ``...@tag``."""
        tp = self.template
        choice = z3.BitVec(f"action@{tag}", tp.choice.size())
        pairs: list[tuple[z3.ExprRef, z3.ExprRef]] = [(tp.choice, choice)]
        params: dict[str, tuple[z3.BitVecRef, ...]] = {}
        for a in self.sym.model.actions:
            consts = tp.params[a.name]
            fresh = tuple(z3.BitVec(f"{a.name}.{p.name}@{tag}", c.size()) for p, c in zip(a.params, consts))
            params[a.name] = fresh
            pairs += zip(consts, fresh)
        pairs += zip(self.pre, s)
        pairs += zip(self.post, t)
        return StepTerms(choice, params, _substitute(tp.relation, pairs),
                         {k: _substitute(v, pairs) for k, v in tp.violations.items()})

    def state_invariant(self, name: str, s: State) -> z3.BoolRef | None:
        """The invariant's state predicate over ``s`` (None: it has only read sites)."""
        if name not in self._invariants:
            self._invariants[name] = self.sym.state_invariant(name, self.pre)
        inv = self._invariants[name]
        return None if inv is None else _substitute(inv, list(zip(self.pre, s)))


def _substitute(t: z3.BoolRef, pairs: Sequence[tuple[z3.ExprRef, z3.ExprRef]]) -> z3.BoolRef:
    out = z3.substitute(t, *pairs)
    assert isinstance(out, z3.BoolRef)
    return out


class Path:
    """States ``states[0..n]`` joined by ``n`` symbolic transitions on one solver."""

    def __init__(self, sym: SymbolicModel, tag: str, deadline: float | None, stats: SolverStats,
                 transition: Transition | None = None, incremental: bool = True) -> None:
        """``incremental=False``: every query on a fresh bit-blasting solver over the
        stored constraints instead (the earlier strategy, kept to measure against: on v9's
        index_trusted its deepest queries took less CPU than the incremental solver's)."""
        self.sym = sym
        self.tag = tag
        self.deadline = deadline
        self.stats = stats
        self.transition = transition if transition is not None else Transition(sym)
        self.incremental = incremental
        self.solver = z3.SolverFor("QF_BV")
        self.constraints: list[z3.BoolRef] = []  # not incremental: what every query is given
        self.states: list[State] = [sym.state(f"{tag}0")]
        self.steps: list[StepTerms] = []
        self.model: z3.ModelRef | None = None  # of the last sat query
        self._queries = 0

    @property
    def length(self) -> int:
        return len(self.steps)

    def add(self, constraint: z3.BoolRef) -> None:
        """A constraint of every later query on this path."""
        if self.incremental:
            self.solver.add(constraint)
        else:
            self.constraints.append(constraint)

    def extend(self) -> StepTerms:
        """Add one transition from the last state to a fresh one."""
        time_left(self.deadline)
        t0 = time.perf_counter()
        n = len(self.steps)
        nxt = self.sym.state(f"{self.tag}{n + 1}")
        st = self.transition.instance(self.states[-1], nxt, f"{self.tag}{n}")
        self.add(st.relation)
        self.states.append(nxt)
        self.steps.append(st)
        self.stats.build_seconds += time.perf_counter() - t0
        return st

    def bad(self, invariant: str, k: int) -> z3.BoolRef | None:
        """Invariant broken at state k or on the transition into it (None: it cannot be)."""
        parts: list[z3.BoolRef] = []
        inv = self.transition.state_invariant(invariant, self.states[k])
        if inv is not None:
            parts.append(z3.Not(inv))
        if k > 0 and invariant in self.steps[k - 1].violations:
            parts.append(self.steps[k - 1].violations[invariant])
        return z3.Or(parts) if parts else None

    def holds(self, invariant: str, k: int) -> z3.BoolRef:
        b = self.bad(invariant, k)
        return z3.BoolVal(True) if b is None else z3.Not(b)

    def check(self, *assumptions: z3.BoolRef) -> z3.CheckSatResult:
        """One query: the path's constraints and ``assumptions``.  Raises OutOfTime when
        the budget is spent or the solver gave up for time.

        The assumptions are asserted under a fresh literal, assumed by this query only
        and asserted false after it: a later query sees none of them."""
        time_left(self.deadline)
        if not self.incremental:
            fresh = z3.Then("simplify", "bit-blast", "sat").solver()
            fresh.add(*self.constraints, *assumptions)
            r = solve(fresh, self.deadline, self.stats)
            self.model = fresh.model() if r == z3.sat else None
            return r
        lit = z3.Bool(f"query {self._queries}@{self.tag}")
        self._queries += 1
        self.solver.add(z3.Implies(lit, z3.And(*assumptions)))
        try:
            r = solve(self.solver, self.deadline, self.stats, [lit])
            self.model = self.solver.model() if r == z3.sat else None
        finally:
            self.solver.add(z3.Not(lit))
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
