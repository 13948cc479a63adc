"""The cone of influence of a model's claims (checker/interp/observed.py): which state
variables no guard, claim or read site depends on, and the explicit search that leaves
them out of the state it stores (both backends, the same counts)."""

from __future__ import annotations

import dataclasses

import pytest
from models import ladder, ring

from checker.engines import explicit, explicit_c
from checker.interp.concrete import Interpreter
from checker.interp.observed import unobserved
from checker.interp.watch import Projection, Seen, Watch
from spec import DESIGNS, ERAS, FAULTS, ModelKey, build_model, era_of_pcp_cache
from spec.expr import Get
from spec.ir import Assign, Domain, Model, StateVar


def test_merged_without_the_pcp_cache_observes_neither_index_nor_index_by() -> None:
    """6.10+: the migratetype is no longer cached in ->index, so nothing reads it."""
    assert unobserved(build_model(ModelKey("merged", None, era_of_pcp_cache(False)))) == ["index", "index_by"]


def expected_unobserved(key: ModelKey) -> list[str]:
    """``none`` has no reporting: nothing reads ``reported``; 6.10 caches no migratetype in
    ->index: nothing reads ``index`` or ``index_by``."""
    return (["reported"] if key.design == "none" else []) + (["index", "index_by"] if key.era == "6.10" else [])


@pytest.mark.parametrize("key", [ModelKey(d, None, e) for d in DESIGNS for e in ERAS if d in ERAS[e].designs]
                         + [ModelKey(f.design, f.name) for f in FAULTS.values()], ids=ModelKey.slug)
def test_every_design_observes_all_its_state_but_what_its_era_never_reads(key: ModelKey) -> None:
    assert unobserved(build_model(key)) == expected_unobserved(key)


def test_a_variable_only_written_from_the_state_is_unobserved_until_someone_reads_it() -> None:
    base = ladder()
    trail = StateVar("trail", (), Domain("acc", 16), "what acc was when last halved")
    halve = base.actions[1]
    halve = dataclasses.replace(halve, body=(*halve.body, Assign("trail", (), Get("acc", ()))))
    model = dataclasses.replace(base, state_vars=(*base.state_vars, trail), actions=(base.actions[0], halve))
    assert unobserved(model) == ["trail"]
    assert unobserved(model, extra=[Get("trail", ())]) == []
    assert unobserved(base) == []


# ------------------------------------------------- the search stores only what is read
def counted_ring() -> Model:
    """tests/models.py's ring with ``passes``: how many times the token was passed, mod 4,
    written from itself and read by nothing.  Each pass moves the token one bit, so the
    parity of ``passes`` is that of the holder's bits: 8 full states (4 pages x 2), 4 once
    ``passes`` is left out."""
    base = ring()
    passes = StateVar("passes", (), Domain("passes", 4), "passes so far, mod 4")
    step = base.actions[0]
    step = dataclasses.replace(step, body=(*step.body, Assign("passes", (), (Get("passes", ()) + 1) & 3)))
    return dataclasses.replace(base, state_vars=(*base.state_vars, passes), actions=(step,))


class Passes(explicit.Watcher):
    """An observer that reads ``passes`` (its moves, compiled or called per transition)."""

    def __init__(self) -> None:
        self.watch = Watch((Projection(("passes",)),))
        self.moves: set[tuple[bytes, bytes, int]] = set()
        self.at = 0

    def __call__(self, source: bytes, action: int, target: bytes) -> None:
        self.moves.add((source[self.at:self.at + 1], target[self.at:self.at + 1], action))

    def absorb(self, seen: Seen) -> None:
        self.moves |= seen.moves[0]


BACKENDS = ["python"] + ["c"] * (explicit_c.unavailable() is None)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_variable_nothing_reads_is_not_stored_and_the_traces_still_show_it(backend: str) -> None:
    model = counted_ring()
    names = [i.name for i in model.invariants]
    verdicts, res = explicit.check(Interpreter(model), names, backend=backend)
    assert res.backend == backend and res.left_out == ("passes",)
    assert (res.states, res.transitions, res.complete) == (4, 8, True)
    by = {v.invariant: v for v in verdicts}
    assert "with passes left out of the state" in by["one_token"].scope
    assert by["one_token"].kind == "proved" and by["token_never_at_3"].kind == "refuted"
    trace = by["token_never_at_3"].trace
    assert trace is not None and [s.state["passes"] for s in trace.steps] == [["1"], ["2"]]  # replayed in full
    full_verdicts, full = explicit.verdicts_of(explicit.Explorer(Interpreter(model), names, backend=backend,
                                                                 restricted=False))
    assert (full.states, full.transitions, full.left_out) == (8, 16, ())
    assert [(v.invariant, v.kind, v.trace) for v in full_verdicts] == [(v.invariant, v.kind, v.trace) for v in verdicts]
    assert "left out" not in full_verdicts[0].scope


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_variable_an_observer_reads_is_kept(backend: str) -> None:
    model = counted_ring()
    interp = Interpreter(model)
    w = Passes()
    w.at = interp.layout.offsets["passes"]
    res = explicit.Explorer(interp, [i.name for i in model.invariants], stop_when_refuted=False, observe=w,
                            backend=backend).run()
    assert res.backend == backend and res.left_out == () and res.states == 8
    assert w.moves == {(bytes([n]), bytes([(n + 1) & 3]), 0) for n in range(4)}


def test_an_observer_of_other_variables_gets_the_full_layout_on_the_python_backend() -> None:
    """The search stores 4 states of (token, holder); the observer is handed each in the
    full layout (``passes`` 0: it is not stored), so it reads ``holder`` where it is."""
    model = counted_ring()
    interp = Interpreter(model)
    at = interp.layout.offsets["holder"]
    seen: set[tuple[int, int]] = set()

    class Holder(explicit.Watcher):
        watch = Watch((Projection(("holder",)),))

        def __call__(self, source: bytes, action: int, target: bytes) -> None:
            assert len(source) == len(target) == interp.layout.length
            seen.add((source[at], target[at]))

        def absorb(self, s: Seen) -> None:
            raise AssertionError("the Python backend calls the observer")

    res = explicit.Explorer(interp, [], stop_when_refuted=False, observe=Holder(), backend="python").run()
    assert res.left_out == ("passes",) and res.states == 4
    assert seen == {(p, p ^ (1 << s)) for p in range(4) for s in (0, 1)}
