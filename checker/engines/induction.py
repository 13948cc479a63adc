"""k-induction for one configuration, strengthened with the design's other claims.

A claim P is proved for every reachable state of the configuration when, for some k,

- base:  no trace of fewer than k steps from the initial state breaks P or a support
         (bounded model checking), and
- step:  in_domain(s0..sk) and T(s0,s1) ... T(s_{k-1},s_k) and Good(s0) ... Good(s_{k-1})
         and s_i != s_j for all i < j < k (the simple-path constraint)
         and not Good(s_k) is unsatisfiable,

where Good is the conjunction of P and the supporting claims S, each with its read sites
on the incoming transition.  The supports are found Houdini-style: start from every
state claim of the design, drop each one that the base case or a step query shows
false, repeat until the step query is unsatisfiable or only P is left.  The supports
that remain are proved together with P (the conjunction is what is k-inductive), and
the verdict lists them.

The simple-path constraint keeps this sound and makes it complete for a finite
configuration.  Sound: if some reachable state breaks Good (or a transition into it breaks
a read site), take such an event at the least position n of any path from the initial
state; then s0 .. s_{n-1} has no repeated state (cutting the loop between two equal
states would give an earlier one), so either n < k and the base case finds it, or the
last k states before it satisfy the step query.  Complete: with k above the number of
states, no path has k distinct states, so the step query is unsat.  Without it no k
proves a claim that a looping unreachable state can break (tests/models.py: latch).

When the step query stays satisfiable up to the largest k, the answer is either a real
counterexample (found by the base case, replayed like any trace) or a counterexample to
induction: a pair of states, the first satisfying every remaining claim, which one
transition takes to a state that breaks P.  The latter is not a refutation -- the first
state may be unreachable -- so the verdict is ``unknown`` and shows the pair.
"""

from __future__ import annotations

import time

import z3

from checker.engines.solver import OutOfTime, Query, SolverStats, deadline_of, houdini, reason_of
from checker.engines.unroll import Path, Transition
from checker.interp.concrete import Interpreter, StepError
from checker.interp.symbolic import State, SymbolicModel
from checker.results.stats import ClaimOutcome, InductionStats
from checker.results.verdict import CounterexampleToInduction, Undecided, UnknownReason, Verdict, vacuity_in_model
from checker.trace.build import ReplayMismatch, build_trace

ENGINE = "induction"
DEFAULT_K = 1


def _good(path: Path, claims: list[str], k: int) -> z3.BoolRef:
    return z3.And([path.holds(c, k) for c in claims])


def _loop_free(states: list[State]) -> list[z3.BoolRef]:
    """No state occurs twice among ``states``: one disequality per pair."""
    return [z3.Or([a != b for a, b in zip(x, y)]) for i, x in enumerate(states) for y in states[i + 1:]]


def _consecution(step: Path, inv: str, k: int) -> Query[str]:
    """The step query as Houdini asks it: None when ``inv`` and the supports kept are
    k-inductive, else the supports the counterexample breaks at s_k."""
    def query(supports: list[str]) -> list[str] | None:
        claims = [inv, *supports]
        hyps = [_good(step, claims, j) for j in range(k)]
        if step.check(*hyps, z3.Not(_good(step, claims, k))) == z3.unsat:
            return None
        m = step.model
        assert m is not None
        return [c for c in supports if z3.is_false(m.eval(step.holds(c, k), model_completion=True))]
    return query


def check(interp: Interpreter, invariants: list[str], k_max: int = DEFAULT_K,
          timeout: float | None = None) -> tuple[list[Verdict], InductionStats]:
    t0 = time.perf_counter()
    stats = SolverStats()
    sym = SymbolicModel(interp.model)
    deadline = deadline_of(timeout)
    transition = Transition(sym)  # T translated once, instantiated on every path of every claim
    where = f"config {interp.model.config.name}"
    state_claims = [i.name for i in interp.model.invariants if i.expr is not None]
    verdicts: dict[str, Verdict] = {}
    detail: dict[str, ClaimOutcome] = {}
    for inv in invariants:
        try:
            verdicts[inv], detail[inv] = _prove(interp, sym, transition, inv, state_claims, k_max, deadline, stats,
                                                       where)
        except OutOfTime as e:
            verdicts[inv] = Verdict.unknown(ENGINE, inv, f"k-induction on {where} did not finish: {e}",
                                            Undecided(reason_of(e)))
            detail[inv] = ClaimOutcome(outcome="timeout")
    out = InductionStats(k_max=k_max, claims=detail, **stats.fields(t0))
    return [verdicts[i] for i in invariants], out


def _prove(interp: Interpreter, sym: SymbolicModel, transition: Transition, inv: str, state_claims: list[str], k_max: int,
           deadline: float | None, stats: SolverStats, where: str) -> tuple[Verdict, ClaimOutcome]:
    supports = [c for c in state_claims if c != inv]
    vacuous = vacuity_in_model(interp.model, interp.checks, inv)  # a proof of nothing is marked so
    base = Path(sym, "b", deadline, stats, transition)
    base.add(sym.init(base.states[0]))
    cti: CounterexampleToInduction | None = None
    for k in range(1, k_max + 1):
        # base case: depths 0 .. k-1 (the ones not yet covered)
        while base.length < k:
            d = base.length
            for claim in [inv, *supports]:
                bad = base.bad(claim, d)
                if bad is None or base.check(bad) != z3.sat:
                    continue
                assert base.model is not None
                if claim == inv:
                    trace = build_trace(interp, base.actions(base.model), inv)
                    return Verdict.refuted(ENGINE, inv, f"counterexample of {len(trace.steps)} steps from the "
                                           f"initial state of {where} (base case of k-induction)", trace), (
                        ClaimOutcome(outcome="refuted", k=k))
                supports.remove(claim)
            base.extend()
        # inductive step with Houdini over the supports
        step = Path(sym, f"k{k}_", deadline, stats, transition)
        for _ in range(k):
            step.extend()
        for s in step.states:
            step.add(sym.in_domain(s))
        for differ in _loop_free(step.states[:k]):
            step.add(differ)
        alone = [_good(step, [inv], j) for j in range(k)]
        if step.check(*alone, z3.Not(_good(step, [inv], k))) == z3.unsat:
            return Verdict.proved(ENGINE, inv, f"every reachable state of {where}: {_kind(k)} (Z3 unsat), "
                                  f"no supporting claims needed", vacuity=vacuous), ClaimOutcome(outcome="proved", k=k, supports=[])
        supports, inductive = houdini(supports, [_consecution(step, inv, k)])
        if inductive:
            scope = (f"every reachable state of {where}: {_kind(k)} (Z3 unsat), "
                     + (f"strengthened with {', '.join(supports)}, proved with it" if supports
                        else "no supporting claims needed"))
            return Verdict.proved(ENGINE, inv, scope, vacuity=vacuous), ClaimOutcome(outcome="proved", k=k,
                                                                                     supports=supports)
        assert step.model is not None  # of the query whose counterexample breaks only the claim
        cti = _decode_cti(interp, sym, step, step.model, inv)
    assert cti is not None
    candidates = (f"the candidate supports {', '.join(supports)} (not known to hold)" if supports
                  else "no supporting claims")
    how = (f"in Z3, and in the concrete interpreter it {cti.undefined} (no reachable state does that)"
           if cti.undefined else "(the state may be unreachable)")
    scope = (f"not {k_max}-inductive on {where}, even strengthened with {candidates}; "
             f"no counterexample in any trace of fewer than {k_max} steps. Counterexample to induction: "
             f"{cti.call()} from a state that satisfies "
             f"the claim and those candidates breaks {inv} {how}")
    # the base case covered every trace of fewer than k_max steps
    why = Undecided(UnknownReason.NOT_INDUCTIVE, depth=k_max - 1, cti=cti)
    return Verdict.unknown(ENGINE, inv, scope, why), ClaimOutcome(
        outcome="not inductive", k=k_max, candidate_supports=supports, counterexample_to_induction=cti)


def _kind(k: int) -> str:
    return f"{k}-induction" + (" over paths without a repeated state" if k > 1 else "")


def _decode_cti(interp: Interpreter, sym: SymbolicModel, step: Path, m: z3.ModelRef,
                inv: str) -> CounterexampleToInduction:
    """The last transition of the step query's model, as a decoded pair of states,
    replayed on the concrete interpreter: the action must be enabled in the first state,
    lead to the second, and break ``inv`` there -- or, from a state no reachable state
    looks like, index outside an array (shown by the bounds-checked interpreter)."""
    before = sym.values(m, step.states[-2])
    after = sym.values(m, step.states[-1])
    name, args = step.actions(m)[-1]
    action = interp.model.action(name)
    try:
        t = interp.step(before, name, args)
    except StepError as e:
        raise ReplayMismatch(f"counterexample to induction for {inv} does not replay: {e}") from None
    undefined = None
    if t.target != after or not interp.breaks(inv, t.target, t):
        try:
            Interpreter(interp.model, checked=True).step(before, name, args)
        except (IndexError, ValueError) as e:  # the bounds-checked code names the access
            undefined = str(e)
        if undefined is None:
            raise ReplayMismatch(f"counterexample to induction for {inv} does not replay on the concrete interpreter")
    return CounterexampleToInduction(name, interp.args_dict(action, args), interp.decode(before),
                                     interp.decode(after), undefined=undefined)
