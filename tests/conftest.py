from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.engines import explicit
from checker.interp.concrete import Interpreter
from checker.results.stats import ProofStats
from checker.results.verdict import Verdict
from spec import DEFAULT_ERA, ModelKey, build_model

# the eras with and without the pcp migratetype cache: "5.3-5.7" is the legacy name of the
# cached era, the design's first (5.3 for v9 and v10, 5.7 for merged, 5.3 for none)
CACHED, UNCACHED = "5.3-5.7", "6.10"

Explored = tuple[dict[str, Verdict], explicit.Exploration]

# Under pytest-xdist the workers of one run share their explorations through files in the
# run's temporary directory (each exploration is made once per run, by the first worker
# that needs it, while the others wait for it); without xdist the in-process cache is the
# only one.  Nothing is kept from one run to the next.
_SHARED: Path | None = None


@pytest.fixture(scope="session", autouse=True)
def _shared_explorations(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    global _SHARED
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _SHARED = tmp_path_factory.getbasetemp().parent / "explorations"  # the run's, shared by its workers
        _SHARED.mkdir(exist_ok=True)
    yield
    _SHARED = None


@pytest.fixture(autouse=True)
def _own_verdict_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own (empty) verdict cache: no test reads an answer another test or an
    earlier run stored (checker/engines/cache.py)."""
    monkeypatch.setenv("REPORTCHECK_VERDICTS", str(tmp_path_factory.mktemp("verdicts")))


def explore(design: str, era: str = DEFAULT_ERA, config: str = "tiny", fault: str | None = None,
            invariants: tuple[str, ...] = ()) -> Explored:
    """Explicit-engine verdicts per invariant, cached across the tests of a run
    (explorations are the expensive part of the suite).  The cache is keyed on the model
    and the invariants, however the call spells them, so explore("v9") and
    explore("v9", CACHED) share one search.  A few claims are answered from the exploration
    of every claim when that one is at hand and one of them holds: the search for them is
    then complete, so it is the very same search (the same states, transitions, read-site
    hits and traces)."""
    key = ModelKey(design, fault, era, config)
    chosen = tuple(invariants)
    if chosen:
        full = _cached_full(key)
        if full is not None and any(full[0][name].kind == "proved" for name in chosen):
            return {name: full[0][name] for name in chosen}, full[1]
    return _explore(key, chosen)


def _cached_full(key: ModelKey) -> Explored | None:
    if (key, ()) in _MEMO:
        return _MEMO[(key, ())]
    path = _shared_path(key, ())
    if path is not None and path.exists():
        return _explore(key, ())  # loads it
    return None


_MEMO: dict[tuple[ModelKey, tuple[str, ...]], Explored] = {}


def _shared_path(key: ModelKey, invariants: tuple[str, ...]) -> Path | None:
    if _SHARED is None:
        return None
    name = hashlib.sha256(repr((key, invariants)).encode()).hexdigest()[:24]
    return _SHARED / f"{name}.pickle"


def _explore(key: ModelKey, invariants: tuple[str, ...]) -> Explored:
    memo = (key, invariants)
    if memo in _MEMO:
        return _MEMO[memo]
    path = _shared_path(key, invariants)
    if path is None:
        _MEMO[memo] = _search(key, invariants)
        return _MEMO[memo]
    import fcntl

    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be making it: wait for it
        if path.exists():
            with open(path, "rb") as f:
                _MEMO[memo] = pickle.load(f)  # written by this run's own workers
        else:
            _MEMO[memo] = _search(key, invariants)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(_MEMO[memo]))
            tmp.replace(path)
    return _MEMO[memo]


def _search(key: ModelKey, invariants: tuple[str, ...]) -> Explored:
    model = build_model(key)
    chosen = list(invariants) or [i.name for i in model.invariants]
    verdicts, res = explicit.check(Interpreter(model), chosen)
    return {v.invariant: v for v in verdicts}, res


def state_after(design: str, era: str, config: str,
                steps: list[tuple[str, dict[str, object]]]) -> dict[str, list[str]]:
    """The state, decoded, after taking ``steps`` (action, arguments by name) from the
    model's initial state (each must be enabled)."""
    interp = Interpreter(build_model(ModelKey(design, None, era, config)))
    s = interp.initial()
    for name, args in steps:
        s = interp.step(s, name, interp.parse_args(name, args)).target
    return interp.decode(s)


def steps_of(v: Verdict) -> list[tuple[str, dict[str, str]]]:
    assert v.trace is not None
    return [(s.action, s.args) for s in v.trace.steps]


PROOF_TRUST = ("index_trusted", "boundary_lookup_sound", "reported_index_trusted", "reported_implies_buddy",
               "reported_only_at_min_order", "pcp_page_index_is_list_type", "freeing_page_index_is_set")


def proof_agrees_with_explicit(design: str, fault: str | None, config: str,
                               prove_reported_implies_buddy: bool = True) -> ProofStats:
    """The trust claims the explicit engine refutes on ``config`` (pcp cache on) are given to
    the proof engine, with ``reported_implies_buddy`` where it holds (if asked): the refuted
    ones must come back ``unknown`` -- never ``proved`` -- each with its reason, and
    ``reported_implies_buddy`` must be proved for every size.  Whatever is proved must hold
    on the configurations that differ only in their orders too (explicit engine, every
    reachable state).  Returns the proof's stats."""
    from checker.engines import proof

    model = build_model(ModelKey(design, fault, CACHED, config))
    claims = tuple(i.name for i in model.invariants if i.name in PROOF_TRUST)
    verdicts, _ = explore(design, CACHED, config, fault, claims)
    refuted = [name for name in claims if verdicts[name].kind == "refuted"]
    if fault is not None:
        assert refuted, "a fault the explicit engine does not refute says nothing here"
    # the allocator alone (design none) has no reporting, so no reported_implies_buddy
    check_rib = (prove_reported_implies_buddy and "reported_implies_buddy" not in refuted
                 and any(i.name == "reported_implies_buddy" for i in model.invariants))
    asked = refuted + (["reported_implies_buddy"] if check_rib else [])
    got, stats = proof.check(Interpreter(model), asked)
    kinds = {v.invariant: v.kind for v in got}
    assert all(kinds[name] == "unknown" for name in refuted), kinds
    detail = stats.claims
    for name in refuted:  # each one says why: a counterexample to induction, or not per-page
        assert detail[name].outcome in ("not inductive", "unsupported"), detail[name]
    if check_rib:
        assert kinds["reported_implies_buddy"] == "proved", detail["reported_implies_buddy"]
    # a proof covers every MAX_ORDER and pageblock_order: what it proves holds on every
    # configuration with these migratetypes and this capacity, whatever its orders
    proved = tuple(name for name, kind in kinds.items() if kind == "proved")
    for other in same_types_other_orders(config):
        there, res = explore(design, CACHED, other, fault, proved)
        assert res.complete
        assert all(there[name].kind == "proved" for name in proved), (other, {n: there[n].kind for n in proved})
    return stats


# configurations too large to explore in full (tests/test_pageblocks.py explores them to a limit)
NOT_EXHAUSTIBLE = ("pageblock4-span",)


def same_types_other_orders(config: str) -> list[str]:
    """The named configurations that differ from ``config`` in their orders (and so in
    their size) and in nothing else: not in their watermarks, page_reporting_order or
    zones (tiny-report0 is tiny on 5.14+ only; the proof's scope fixes those too)."""
    import dataclasses

    from spec.configs import CONFIGS

    def rest(c: object) -> dict[str, object]:
        return {f.name: getattr(c, f.name) for f in dataclasses.fields(c)  # type: ignore[arg-type]
                if f.name not in ("name", "doc", "npfn", "max_order", "pageblock_order")}

    c = CONFIGS[config]
    return [o.name for o in CONFIGS.values() if o.name != config and rest(o) == rest(c)
            and (o.max_order, o.pageblock_order) != (c.max_order, c.pageblock_order)
            and o.name not in NOT_EXHAUSTIBLE]
