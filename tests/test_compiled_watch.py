"""Observers that run compiled into the C search (a Watch: a projection's distinct moves,
tallies at read sites) give what the same observers give on the Python backend, where
they are called on every transition: the lifecycle edges and every guard's SiteTally.

The fixture cases are worked out by hand (tests/models.py: ring); the allocator cases
compare the two backends, on tiny cut short by a state limit (fast) and on all of tiny
(slow: the Python backend runs 13-16k states/s).
"""

from __future__ import annotations

import dataclasses

import pytest
from models import ring

from checker.engines import explicit, explicit_c
from checker.engines.registry import RunOptions
from checker.interp.concrete import Interpreter
from checker.interp.watch import Projection, Seen, SiteWatch, Watch, cell
from checker.review import guards, lifecycle
from spec import FAULTS, ModelKey, build_model
from spec.expr import Get, Name

pytestmark = pytest.mark.skipif(explicit_c.unavailable() is not None, reason="no C compiler")


class Moves(explicit.Watcher):
    """A watcher of the moves of one projection: in Python on every transition, or compiled."""

    def __init__(self, interp: Interpreter, variables: tuple[str, ...], sites: tuple[SiteWatch, ...] = ()) -> None:
        lay = interp.layout.offsets
        self.slices = [slice(lay[v], lay[v] + interp.model.var(v).length) for v in variables]
        self.watch = Watch((Projection(variables),), sites)
        self.moves: set[tuple[bytes, bytes, int]] = set()
        self.seen: Seen | None = None

    def __call__(self, source: bytes, action: int, target: bytes) -> None:
        k0, k1 = (b"".join(s[x] for x in self.slices) for s in (source, target))
        if k0 != k1:
            self.moves.add((k0, k1, action))

    def absorb(self, seen: Seen) -> None:
        self.moves |= seen.moves[0]
        self.seen = seen


def run(interp: Interpreter, observe: explicit.Observer, backend: str | None = None) -> explicit.Exploration:
    names = [i.name for i in interp.model.invariants]
    return explicit.Explorer(interp, names, stop_when_refuted=False, observe=observe, backend=backend).run()


def test_the_ring_token_moves_and_its_read_site_tally_by_hand() -> None:
    """Four states (the token on each page), two passes from each: 8 moves of the holder,
    each p -> p ^ (1 << s); the read site (holder != 2, before the pass) is reached twice
    from each state, with the holder of the source."""
    interp = Interpreter(ring())
    holder = Get("holder", ())
    x = Name("x")
    site = SiteWatch(0, "x", holder, x < 2, x, 4)  # predicate: the holder is page 0 or 1
    w = Moves(interp, ("holder",), (site,))
    assert run(interp, w).backend == "c"
    assert w.moves == {(bytes([p]), bytes([p ^ (1 << s)]), 0) for p in range(4) for s in (0, 1)}
    assert w.seen is not None
    counts = w.seen.tallies[0]
    expected = [[0] * 4 for _ in range(4)]
    for p in range(4):
        expected[cell(p != 2, p < 2)][p] = 2
    assert counts == expected


def test_a_projection_gives_the_same_moves_on_both_backends() -> None:
    interp = Interpreter(ring())
    on_c, on_python = Moves(interp, ("token", "holder")), Moves(interp, ("token", "holder"))
    assert run(interp, on_c).backend == "c"
    assert run(interp, on_python, "python").backend == "python"
    assert on_c.moves == on_python.moves and len(on_c.moves) == 8


def test_a_plain_callable_observer_still_runs_the_python_backend() -> None:
    interp = Interpreter(ring())
    seen: list[int] = []
    assert run(interp, lambda s, a, t: seen.append(a)).backend == "python"
    assert len(seen) == 8


def test_a_watched_value_outside_its_declared_range_is_an_error() -> None:
    interp = Interpreter(ring())
    x = Name("x")
    w = Moves(interp, ("holder",), (SiteWatch(0, "x", Get("holder", ()), x < 2, x, 2),))  # the holder runs to 3
    with pytest.raises(explicit_c.CBackendError, match="watched value 2"):
        run(interp, w)


def observed(key: ModelKey, backend: str, max_states: int | None) -> tuple[object, ...]:
    interp = Interpreter(build_model(key), probe=True)
    tally = guards.ReadTally(interp)
    options = RunOptions(backend=backend, max_states=max_states)
    verdicts, stats, edges = lifecycle.explore(interp, [i.name for i in interp.model.invariants], options,
                                               also=tally)
    assert stats.backend == backend
    return (edges, {s: dataclasses.asdict(t) for s, t in tally.tally.items()}, verdicts,
            stats.states, stats.transitions, stats.complete)


KEYS = [ModelKey(d) for d in ("v9", "v10", "merged")] + [ModelKey(f.design, f.name) for f in FAULTS.values()]


@pytest.mark.parametrize("key", KEYS, ids=lambda k: k.fault or k.design)
def test_both_backends_observe_the_same_edges_and_reads_up_to_a_state_limit(key: ModelKey) -> None:
    py, c = (observed(key, b, 5_000) for b in ("python", "c"))
    assert c == py
    edges, tally = c[0], c[1]
    assert edges and isinstance(tally, dict)


# to the end on both backends: deep (20 s to a minute or more each on the Python backend);
# every design and fault runs to 5,000 states above, and v10 to the end without observers
# in test_compiled_search.py
@pytest.mark.deep
@pytest.mark.parametrize("key", [ModelKey("v10"), ModelKey("merged", "pcp-index-not-set"), ModelKey("merged"),
                                 ModelKey("v9", "v9-unguarded-index-read")],
    ids=lambda k: k.fault or k.design)
def test_both_backends_observe_the_same_edges_and_reads_on_all_of_tiny(key: ModelKey) -> None:
    py, c = (observed(key, b, None) for b in ("python", "c"))
    assert c == py and c[5]  # complete
    tally = c[1]
    assert isinstance(tally, dict) and sum(t["reads"] for t in tally.values()) > 0
