"""Bounded model checking: every trace of up to K steps from the initial state.

For depth d = 0, 1, ..., K the engine asks Z3 whether

    Init(s0) and T(s0, s1) and ... and T(s_{d-1}, s_d) and Bad(s_d)

is satisfiable, where Bad is "the state invariant is false in s_d, or a read site of the
claim failed on the step into s_d".  Depths are tried in increasing order, so the first
satisfiable depth is the length of a shortest counterexample; the trace is read from the
Z3 model and replayed on the concrete interpreter before it is reported.  Once depth d is
decided, the claims still standing are asserted at s_d: true on every path already, they
prune the deeper queries.  Every depth is asked of one incremental solver that holds the
path built so far (checker/engines/unroll.py), the query of depth d under its own
assumption literal.  When every
depth up to K is unsatisfiable the verdict is ``proved`` for "every trace of at most K
steps" -- and says that longer traces are not covered.
"""

from __future__ import annotations

import dataclasses
import time

import z3

from checker.engines.solver import OutOfTime, SolverStats, deadline_of, reason_of
from checker.engines.unroll import Path
from checker.interp.concrete import Interpreter
from checker.interp.symbolic import SymbolicModel
from checker.results.stats import BmcStats
from checker.results.verdict import Undecided, Verdict, vacuity_in_model
from checker.trace.build import build_trace, reproduce_command

ENGINE = "bmc"
DEFAULT_DEPTH = 10


def check(interp: Interpreter, invariants: list[str], depth: int = DEFAULT_DEPTH,
          timeout: float | None = None, incremental: bool = True) -> tuple[list[Verdict], BmcStats]:
    t0 = time.perf_counter()
    stats = SolverStats()
    sym = SymbolicModel(interp.model)
    where = f"config {interp.model.config.name}"
    path = Path(sym, "s", deadline_of(timeout), stats, incremental=incremental)
    path.add(sym.init(path.states[0]))
    verdicts: dict[str, Verdict] = {}
    pending = list(invariants)
    seconds_per_depth: list[float] = []
    reached = -1  # every depth up to this one is decided for the pending claims
    try:
        for d in range(depth + 1):
            td = time.perf_counter()
            if d > 0:
                path.extend()
            # one query for every pending claim at this depth; a model names the claims it
            # breaks, each gets this path as its trace, and the rest are asked again
            while pending:
                bads = {inv: b for inv in pending if (b := path.bad(inv, d)) is not None}
                if not bads:
                    break
                answer = path.check(z3.Or(list(bads.values())))  # raises OutOfTime on unknown
                if answer == z3.unsat:
                    break
                m = path.model
                assert m is not None
                steps = path.actions(m)
                for inv, b in bads.items():
                    if z3.is_true(m.eval(b, model_completion=True)):
                        trace = build_trace(interp, steps, inv)
                        trace = dataclasses.replace(trace, command=reproduce_command(interp.model, [inv], ENGINE, ["--depth", str(d)]))
                        scope = (f"shortest counterexample: {len(trace.steps)} steps; no trace of fewer steps "
                                 f"from the initial state of {where} breaks the claim (Z3, depths 0..{d})")
                        verdicts[inv] = Verdict.refuted(ENGINE, inv, scope, trace)
                        pending.remove(inv)
            # every claim still pending holds at depth d on every path (the query was
            # unsat): saying so prunes the deeper queries and changes none of their answers
            for inv in pending:
                path.add(path.holds(inv, d))
            seconds_per_depth.append(round(time.perf_counter() - td, 3))
            reached = d
            if not pending:
                break
    except OutOfTime as e:
        for inv in pending:
            covered = (f"no violation in any trace of at most {reached} steps from the initial state of {where}"
                       if reached >= 0 else "nothing was decided")
            verdicts[inv] = Verdict.unknown(ENGINE, inv, f"{covered}; depth {reached + 1} not decided: {e}",
                                            Undecided(reason_of(e), depth=reached if reached >= 0 else None))
        pending = []
    for inv in pending:
        verdicts[inv] = Verdict.proved(
            ENGINE, inv, f"every trace of at most {depth} steps from the initial state of {where} "
            f"(bounded: longer traces are not covered)", bound=depth,
            vacuity=vacuity_in_model(interp.model, interp.checks, inv))
    out_stats = BmcStats(depth=reached, max_depth=depth, seconds_per_depth=seconds_per_depth, **stats.fields(t0))
    return [verdicts[i] for i in invariants], out_stats
