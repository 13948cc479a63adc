"""Every engine's semantics of ``For``, ``ForEach``, ``Find``, ``Count``, shifts, read sites and
deadlocks, on the fixture models of tests/models.py (milliseconds to a few seconds each).
The numbers pinned here are worked out by hand in that module's docstring."""

from __future__ import annotations

import dataclasses

import pytest
import z3
from models import ladder, ring

from checker.engines import bmc, explicit, induction, proof, stateful
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter
from checker.interp.symbolic import SymbolicModel
from checker.results.verdict import Verdict
from checker.trace.build import replay_labels
from spec.ir import Check, Model

Steps = list[tuple[str, dict[str, str]]]
CLIMB, HALVE = ("climb", {}), ("halve", {})


def passes(*shifts: int) -> Steps:
    return [("pass_token", {"s": str(s)}) for s in shifts]


# model -> (states, transitions, depth, deadlocks), the shortest counterexample of each
# refuted claim, the claims that hold
PINNED: dict[str, tuple[tuple[int, int, int, int], dict[str, Steps], set[str]]] = {
    "ring": ((4, 8, 2, 0), {"token_never_at_3": passes(0, 1), "never_passes_from_2": passes(1, 0)},
             {"one_token", "token_at_holder"}),
    "ladder": ((6, 5, 5, 1), {"acc_below_8": [CLIMB] * 3, "halve_exact": [CLIMB] * 3 + [HALVE]}, {"acc_fits"}),
}
MODELS = {"ring": ring, "ladder": ladder}


def names(model: Model) -> list[str]:
    return [i.name for i in model.invariants]


def steps_of(v: Verdict) -> Steps:
    assert v.trace is not None
    return [(s.action, s.args) for s in v.trace.steps]


def explored(name: str) -> tuple[dict[str, Verdict], explicit.Exploration]:
    model = MODELS[name]()
    verdicts, res = explicit.check(Interpreter(model, checked=True), names(model))
    return {v.invariant: v for v in verdicts}, res


@pytest.mark.parametrize("name", sorted(PINNED))
def test_explicit_counts_states_and_finds_the_shortest_counterexamples(name: str) -> None:
    (states, transitions, depth, deadlocks), refuted, holds = PINNED[name]
    verdicts, res = explored(name)
    assert res.complete and (res.states, res.transitions, res.depth, res.deadlocks) == (states, transitions, depth,
                                                                                          deadlocks)
    assert {n for n, v in verdicts.items() if v.kind == "proved"} == holds
    for claim, steps in refuted.items():
        assert verdicts[claim].kind == "refuted" and steps_of(verdicts[claim]) == steps, claim
    assert all(n > 0 for n in res.action_fired.values())


def test_explicit_reports_the_deadlock_and_the_path_to_it() -> None:
    _, res = explored("ladder")
    assert res.deadlock_example == [("climb", ())] * 3 + [("halve", ())] * 2
    assert explored("ring")[1].deadlock_example is None


def test_a_failed_read_site_is_named_on_the_step_that_reached_it() -> None:
    verdicts, res = explored("ring")
    v = verdicts["never_passes_from_2"]
    assert v.trace is not None
    assert [f.text() for f in v.trace.steps[-1].failed_sites] == ["never_passes_from_2 at pass_token: holder"]
    assert v.trace.steps[0].failed_sites == ()
    assert res.site_hits == {"never_passes_from_2": {"pass_token: holder": 8}}  # every transition reads it
    assert explored("ladder")[1].site_hits == {"halve_exact": {"halve: acc": 2}}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_symbolic_step_equals_concrete_step_on_every_transition(name: str) -> None:
    """For/ForEach/Find/Count/shifts as Z3 terms: with the state and arguments substituted,
    every reachable transition simplifies to the concrete successor and the same read
    sites, and a disabled action's guard to false."""
    model = MODELS[name]()
    interp, sym = Interpreter(model), SymbolicModel(model)
    s = sym.state("x")
    terms = {a.name: sym.action(a, s, "x") for a in model.actions}
    seen, todo, checked = {interp.initial()}, [interp.initial()], 0
    while todo:
        before = todo.pop()
        enabled = {(model.actions[t.action].name, t.args): t for t in interp.successors(before)}
        for a in model.actions:
            consts, guard, env = terms[a.name]
            for args in ([()] if not a.params else [(k,) for k in range(a.params[0].domain.size)]):
                subst = ([(v, z3.BitVecVal(x, v.size())) for v, x in zip(s, before)]
                         + [(c, sym.b.bv(x)) for c, x in zip(consts, args)])
                t = enabled.get((a.name, args))
                assert z3.is_true(z3.simplify(z3.substitute(guard, *subst))) == (t is not None), (a.name, args)
                if t is None:
                    continue
                after = bytes(z3.simplify(z3.substitute(sym.b.as_int(e), *subst)).as_long() & 0xFF
                              for e in env.elems)
                assert after == t.target, (a.name, args, interp.changes(t.target, after))
                sym_failed = {inv for inv, bad in env.violations.items()
                              if z3.is_true(z3.simplify(z3.substitute(z3.Or(bad), *subst)))}
                assert sym_failed == {interp.checks[c][0] for c in t.failed}, (a.name, args)
                checked += 1
                if t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
    assert checked == PINNED[name][0][1]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_bmc_finds_the_explicit_shortest_lengths_and_bounds_the_rest(name: str) -> None:
    model = MODELS[name]()
    _, refuted, holds = PINNED[name]
    depth = max(len(s) for s in refuted.values()) + 1
    verdicts, stats = bmc.check(Interpreter(model), names(model), depth=depth)
    for v in verdicts:
        if v.invariant in refuted:
            assert v.kind == "refuted" and len(steps_of(v)) == len(refuted[v.invariant]), v.invariant
        else:
            assert v.invariant in holds
            assert v.kind == "proved" and v.scope.startswith(f"every trace of at most {depth} steps"), v.scope
            # what it is, in the word shown: bounded, not proved (the exit code stays 0)
            assert v.bound == depth and v.word == f"no counterexample up to depth {depth}"
    assert stats.depth == depth


def test_bmc_gives_the_breadth_first_trace_where_it_is_the_only_one() -> None:
    (v,), _ = bmc.check(Interpreter(ladder()), ["halve_exact"], depth=4)
    assert steps_of(v) == [CLIMB] * 3 + [HALVE]


def test_induction_proves_the_inductive_claims_and_refutes_in_its_base_case() -> None:
    model = ring()
    one, _ = induction.check(Interpreter(model), names(model), k_max=1)
    kinds = {v.invariant: v.kind for v in one}
    assert kinds == {"one_token": "proved", "token_at_holder": "proved",  # 1-inductive: Find is exact
                     "token_never_at_3": "unknown", "never_passes_from_2": "unknown"}
    three, _ = induction.check(Interpreter(model), ["token_never_at_3", "never_passes_from_2"], k_max=3)
    # the base case of 3-induction covers the traces of up to 2 steps
    assert [(v.kind, len(steps_of(v))) for v in three] == [("refuted", 2), ("refuted", 2)]


def test_induction_does_not_prove_a_bound_that_is_not_inductive() -> None:
    """acc < 12 holds, but a state off the ladder (level 2, acc 11) climbs past it."""
    verdicts, stats = induction.check(Interpreter(ladder()), ["acc_fits", "acc_below_8"], k_max=2)
    assert [v.kind for v in verdicts] == ["unknown", "unknown"]
    cti = stats.claims["acc_fits"].counterexample_to_induction
    assert cti is not None and cti.action == "climb"


@pytest.mark.parametrize("workers", [1, 2])
def test_proof_proves_the_per_page_claim_for_every_size(workers: int) -> None:
    """The same verdicts with the steps asked here and in two forked processes (ring has
    two steps, init and pass_token: one each)."""
    model = ring()
    verdicts, stats = proof.check(Interpreter(model), names(model), workers=workers)
    assert stats.workers == workers
    assert stats.queries > 0  # the workers' queries are counted
    kinds = {v.invariant: v.kind for v in verdicts}
    assert kinds == {"one_token": "unknown", "token_at_holder": "proved",
                     "token_never_at_3": "unknown", "never_passes_from_2": "unknown"}
    detail = stats.claims
    assert isinstance(detail, dict)
    assert detail["one_token"].outcome == "unsupported"  # a Count: not a claim about every page
    assert detail["token_never_at_3"].outcome == detail["never_passes_from_2"].outcome == "not inductive"
    cti = detail["never_passes_from_2"].counterexample_to_induction
    assert cti is not None and cti.where == "pass_token: holder"
    # a read site that fails is about no element of a claim: none is named, no field shown
    assert cti.element is None and cti.before == cti.after == {}
    assert proof.cti_text(cti).endswith("breaks it at pass_token: holder")
    page = detail["token_never_at_3"].counterexample_to_induction  # a claim about every page
    assert page is not None and page.element is not None and page.element.startswith("pfn ")
    assert 0 <= int(page.element.split()[1]) < page.sizes["npfn"] and "token" in page.after
    assert "nquads" not in stats.scope


def test_proof_checks_the_read_sites_of_a_per_page_claim() -> None:
    """token_at_holder is proved; made the claim of the read site that fails on a pass
    from page 2 too, it must stop being proved (the real-model case, v9's
    pcp_page_index_is_list_type, is deep: tests/test_hostile_input.py)."""
    base = ring()
    [kept], _ = proof.check(Interpreter(base), ["token_at_holder"])
    assert kept.kind == "proved", kept.scope
    [action] = base.actions
    body = tuple(dataclasses.replace(st, invariant="token_at_holder") if isinstance(st, Check) else st
                 for st in action.body)
    model = dataclasses.replace(base, actions=(dataclasses.replace(action, body=body),))
    interp = Interpreter(model)
    assert [inv for inv, _ in interp.checks] == ["token_at_holder"]
    [v], stats = proof.check(interp, ["token_at_holder"])
    assert v.kind == "unknown", v.scope
    detail = stats.claims["token_at_holder"]
    assert detail.outcome == "not inductive" and "token_at_holder" not in (detail.inductive_claims or [])


def test_proof_of_scalar_claims_is_unknown_and_a_read_site_not_inductive() -> None:
    model = ladder()
    verdicts, stats = proof.check(Interpreter(model), names(model))
    assert [v.kind for v in verdicts] == ["unknown"] * 3
    detail = stats.claims
    assert isinstance(detail, dict)
    assert [detail[n].outcome for n in names(model)] == ["unsupported", "unsupported", "not inductive"]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_hypothesis_refutes_what_breaks_and_runs_through_a_deadlock(name: str) -> None:
    model = MODELS[name]()
    interp = Interpreter(model)
    _, refuted, holds = PINNED[name]
    verdicts, stats = stateful.check(interp, names(model), examples=20, steps=8, seed=0)
    for v in verdicts:
        if v.invariant in holds:
            assert v.kind == "unknown", v.invariant
        else:
            assert v.kind == "refuted" and len(steps_of(v)) >= len(refuted[v.invariant]), v.invariant
            steps = [(a, interp.parse_args(a, dict[str, object](args))) for a, args in steps_of(v)]
            assert replay_labels(interp, steps, v.invariant).violated_at == len(steps)
    assert stats.actions_never_fired == []


OPTIONS = RunOptions(depth=6, k=2, timeout=60, examples=20, steps=8, seed=0)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("name", sorted(PINNED))
def test_no_engine_contradicts_the_explicit_engine(engine: str, name: str) -> None:
    """Every registered engine, through the registry: what the explicit engine refutes is
    never proved, what it proves is never refuted, and a counterexample ends in the claim
    breaking on the concrete interpreter."""
    model = MODELS[name]()
    _, refuted, holds = PINNED[name]
    interp = Interpreter(model)
    verdicts, _ = ENGINES[engine].run(interp, names(model), OPTIONS)
    assert [v.invariant for v in verdicts] == names(model)
    for v in verdicts:
        assert v.kind != ("proved" if v.invariant in refuted else "refuted"), (v.invariant, v.kind, v.scope)
        if v.kind == "refuted":
            steps = [(a, interp.parse_args(a, dict[str, object](args))) for a, args in steps_of(v)]
            assert replay_labels(interp, steps, v.invariant).violated_at == len(steps)
    assert {v.invariant for v in verdicts} == set(refuted) | holds
