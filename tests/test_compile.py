"""The compiled successor function agrees with itself and never leaves the state's bounds."""

from __future__ import annotations

import itertools

import pytest

from checker.interp.concrete import Interpreter
from spec import DEFAULT_ERA, DESIGNS, ERAS, FAULTS, ModelKey, build_model


def bounded_walk(interp: Interpreter, limit: int) -> list[bytes]:
    seen = {interp.initial()}
    frontier = [interp.initial()]
    while frontier and len(seen) < limit:
        nxt = []
        for s in frontier:
            for t in interp.successors(s):
                if t.target not in seen:
                    seen.add(t.target)
                    nxt.append(t.target)
        frontier = nxt
    return list(seen)


CASES = [(d, None, e, cfg) for d in DESIGNS for e in ERAS if d in ERAS[e].designs for cfg in ("tiny", "tiny-span", "small")]
CASES += [(f.design, f.name, DEFAULT_ERA, "tiny") for f in FAULTS.values()]


@pytest.mark.parametrize("design,fault,era,config", CASES)
def test_checked_mode_finds_no_out_of_bounds_access(design: str, fault: str | None, era: str,
                                                    config: str) -> None:
    """Bounds-checked compilation: every index and every written value stays in its
    domain on the first few thousand states (a spec bug would read a neighbour)."""
    interp = Interpreter(build_model(ModelKey(design, fault, era, config)), checked=True)
    assert len(bounded_walk(interp, 4000)) >= 1000


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_step_reproduces_every_enumerated_transition(design: str) -> None:
    interp = Interpreter(build_model(ModelKey(design)))
    for s in itertools.islice(bounded_walk(interp, 500), 200):
        for t in interp.successors(s):
            again = interp.step(s, interp.model.actions[t.action].name, t.args)
            assert again.target == t.target and again.failed == t.failed


def test_decode_encode_round_trip() -> None:
    interp = Interpreter(build_model(ModelKey("v9")))
    for s in bounded_walk(interp, 300):
        assert interp.encode(interp.decode(s)) == s


def test_a_failed_read_names_only_what_its_condition_says() -> None:
    """The page, the value read and the value expected of a failed read site come from
    the condition itself: an ``index[page] == x`` conjunct gives x; a range or a choice of
    values gives no expected value; a condition that reads no ->index gives nothing."""
    from checker.interp.compile import read_site_parts
    from spec.expr import And, Get, Lit, Name, Or

    p = Name("p")
    index, list_mt = Get("index", (p,)), Get("list_mt", (p,))
    page, read, expected = read_site_parts(And(Get("reported", (p,)) == 1, And(index == list_mt)))
    assert (repr(page), repr(read), repr(expected)) == (repr(p), repr(index), repr(list_mt))
    page, read, expected = read_site_parts(And(index < 6, Or(index == 1, index == 4)))
    assert repr(page) == repr(p) and expected is None
    assert read_site_parts(Get("boundary", (Lit(0),)) == 1) == (None, None, None)
