"""CPU symmetry (checker/interp/symmetry.py): the check on the IR, the reduced counts of a
2-CPU fixture pinned on both backends, counterexamples found under the reduction replayed
as concrete traces, and the fixtures and the allocator models the check refuses."""

from __future__ import annotations

import random

import pytest
from models import cpus, cpus_first_named, cpus_last_taker, cpus_with_owner

from checker.engines import explicit, explicit_c
from checker.interp.concrete import Interpreter
from checker.interp.symmetry import cpu_symmetry
from checker.results.verdict import Verdict
from spec import ModelKey, build_model
from spec.ir import Model

BACKENDS = ["python", pytest.param("c", marks=pytest.mark.skipif(explicit_c.unavailable() is not None,
                                                                 reason="no C compiler"))]
# (states, transitions, depth): with and without the reduction (tests/models.py cpus)
REDUCED, FULL = (6, 22, 3), (10, 36, 3)
REFUTED = {"never_all_on_one": [("take", {"c": "0"})] * 3,
           "move_leaves_one": [("take", {"c": "0"}), ("move", {"c": "0", "d": "1"})]}


def run(model: Model, backend: str, symmetry: bool | None = None
        ) -> tuple[dict[str, Verdict], explicit.Exploration]:
    interp = Interpreter(model, checked=True)
    ex = explicit.Explorer(interp, [i.name for i in model.invariants], backend=backend, stop_when_refuted=False,
                           symmetry=symmetry)
    verdicts, res = explicit.verdicts_of(ex)
    return {v.invariant: v for v in verdicts}, res


def steps(v: Verdict) -> list[tuple[str, dict[str, str]]]:
    assert v.trace is not None
    return [(s.action, s.args) for s in v.trace.steps]


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_reduced_search_stores_one_state_per_orbit_and_decides_the_same(backend: str) -> None:
    verdicts, res = run(cpus(), backend)
    assert res.symmetric and res.complete and "2 permutations of the 2 CPUs" in res.symmetry
    assert (res.states, res.transitions, res.depth, res.deadlocks) == (*REDUCED, 0)
    assert res.graph is None  # the quotient's graph is not the model's
    full_verdicts, full = run(cpus(), backend, symmetry=False)
    assert not full.symmetric and (full.states, full.transitions, full.depth) == FULL
    assert {n: v.kind for n, v in verdicts.items()} == {n: v.kind for n, v in full_verdicts.items()}
    assert verdicts["conserved"].kind == "proved"
    assert "up to a permutation of the CPUs" in verdicts["conserved"].scope
    for claim, expected in REFUTED.items():
        assert steps(full_verdicts[claim]) == expected
        assert verdicts[claim].kind == "refuted" and len(steps(verdicts[claim])) == len(expected), claim


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_counterexample_found_under_the_reduction_replays_concretely(backend: str) -> None:
    verdicts, _ = run(cpus(), backend)
    interp = Interpreter(cpus())
    for claim in REFUTED:
        trace = verdicts[claim].trace
        assert trace is not None
        s = interp.initial()
        for step in trace.steps[:-1]:
            s = interp.step(s, step.action, tuple(int(v) for v in step.args.values())).target
        last = trace.steps[-1]
        t = interp.step(s, last.action, tuple(int(v) for v in last.args.values()))
        assert interp.breaks(claim, t.target, t), claim


def test_both_backends_agree_under_the_reduction() -> None:
    if explicit_c.unavailable() is not None:
        pytest.skip("no C compiler")
    pv, pres = run(cpus(), "python")
    cv, cres = run(cpus(), "c")
    assert (pres.states, pres.transitions, pres.depth, pres.site_hits) == \
        (cres.states, cres.transitions, cres.depth, cres.site_hits)
    assert {n: steps(v) for n, v in pv.items() if v.trace} == {n: steps(v) for n, v in cv.items() if v.trace}


def test_the_c_canonical_form_is_the_python_one() -> None:
    if explicit_c.unavailable() is not None:
        pytest.skip("no C compiler")
    interp = Interpreter(cpus())
    found = cpu_symmetry(interp.model, interp.initial())
    assert found.symmetry is not None
    rng = random.Random(21)
    for _ in range(200):
        s = bytes([rng.randrange(4), rng.randrange(4), rng.randrange(4)])
        assert explicit_c.canonical(interp, found.symmetry, s) == found.symmetry.canon(s)


@pytest.mark.parametrize(("model", "why"), [
    (cpus_first_named, "claim cpu0_bounded: held indexed by a value that is not a cpu parameter or variable (0)"),
    (cpus_last_taker, "the initial state gives last a particular cpu"),
])
def test_the_check_refuses_a_model_that_names_a_cpu(model: object, why: str) -> None:
    _, res = run(model(), "python")  # type: ignore[operator]
    assert not res.symmetric and res.symmetry == f"not symmetric in the cpus: {why}"
    assert res.complete and res.states > REDUCED[0]


def test_the_allocator_models_are_refused_with_the_reason() -> None:
    """The pcp list's owner ``cpu[pfn]`` is reset to the constant 0 when a page leaves a
    list, so no permutation of the CPUs maps the model to itself."""
    m = build_model(ModelKey("merged", None, "6.10", "small"))
    ex = explicit.Explorer(Interpreter(m), [], backend="python")
    assert ex.symmetry is None
    assert ex.symmetry_words == "not symmetric in the cpus: rmqueue_pcplist: cpu[...] := 0, which is not a cpu"
    tiny = explicit.Explorer(Interpreter(build_model(ModelKey("merged"))), [], backend="python")
    assert tiny.symmetry is None and tiny.symmetry_words == ""  # one CPU: the pinned counts stand


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_cpu_or_none_value_is_permuted_in_its_cpus_only(backend: str) -> None:
    """``owner`` (cpu_or_none: the 2 CPUs, then none) takes part in the symmetry; none stays."""
    verdicts, res = run(cpus_with_owner(), backend)
    _, full = run(cpus_with_owner(), backend, symmetry=False)
    assert res.symmetric and (res.states, res.transitions, res.depth) == (13, 44, 4)
    assert (full.states, full.transitions, full.depth) == (24, 80, 4)
    assert {n: len(steps(v)) for n, v in verdicts.items() if v.trace} == {n: len(e) for n, e in REFUTED.items()}


@pytest.mark.parametrize("model", [cpus, cpus_with_owner])
def test_the_reduced_count_is_the_number_of_orbits_of_the_reachable_states(model: object) -> None:
    m = model()  # type: ignore[operator]
    interp = Interpreter(m)
    ex = explicit.Explorer(interp, [], backend="python", symmetry=False, stop_when_refuted=False)
    ex.run()
    found = cpu_symmetry(interp.model, interp.initial())
    assert found.symmetry is not None
    orbits = {found.symmetry.canon(s) for s in ex._states}
    _, reduced = run(m, "python")
    assert len(orbits) == reduced.states < len(ex._states)
    if explicit_c.unavailable() is None:
        rng = random.Random(7)
        for _ in range(100):
            s = bytes(rng.randrange(v.domain.size) for v in m.state_vars for _ in range(v.length))
            assert explicit_c.canonical(interp, found.symmetry, s) == found.symmetry.canon(s)


def test_a_local_bound_on_one_branch_only_is_a_cpu_only_if_it_is_one() -> None:
    import dataclasses

    from spec.expr import Get, Lit, Name
    from spec.ir import If, Let

    base = cpus()
    take = base.actions[0]

    def with_body(*extra: object) -> Model:
        t = dataclasses.replace(take, body=(*take.body, *extra))
        return dataclasses.replace(base, actions=(t, *base.actions[1:]))

    interp = Interpreter(with_body(If(Get("free", ()) > 1, (Let("spare", Lit(1)),))))
    assert cpu_symmetry(interp.model, interp.initial()).symmetry is not None  # a number on one branch: fine
    interp = Interpreter(with_body(If(Get("free", ()) > 1, (Let("who", Name("c")),))))
    assert cpu_symmetry(interp.model, interp.initial()).reason == \
        "not symmetric in the cpus: take: the local who is a cpu on one branch only"
