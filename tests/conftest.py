from __future__ import annotations

import functools

from checker.engines import explicit
from checker.interp.concrete import Interpreter
from checker.results.stats import ProofStats
from checker.results.verdict import Verdict
from spec import DEFAULT_ERA, ModelKey, build_model

CACHED, UNCACHED = "5.3-5.7", "6.10"  # the eras with and without the pcp migratetype cache


def explore(design: str, era: str = DEFAULT_ERA, config: str = "tiny", fault: str | None = None,
            invariants: tuple[str, ...] = ()) -> tuple[dict[str, Verdict], explicit.Exploration]:
    """Explicit-engine verdicts per invariant, cached across tests (explorations are the
    expensive part of the suite).  The cache is keyed on the model and the invariants,
    however the call spells them, so explore("v9") and explore("v9", CACHED) share one search."""
    return _explore(ModelKey(design, fault, era, config), tuple(invariants))


@functools.cache
def _explore(key: ModelKey, invariants: tuple[str, ...]) -> tuple[dict[str, Verdict], explicit.Exploration]:
    model = build_model(key)
    chosen = list(invariants) or [i.name for i in model.invariants]
    verdicts, res = explicit.check(Interpreter(model), chosen)
    return {v.invariant: v for v in verdicts}, res


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
    check_rib = prove_reported_implies_buddy and "reported_implies_buddy" not in refuted
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


def same_types_other_orders(config: str) -> list[str]:
    from spec.configs import CONFIGS

    c = CONFIGS[config]
    return [o.name for o in CONFIGS.values() if o.name != config and (o.migratetypes, o.capacity) ==
            (c.migratetypes, c.capacity) and (o.max_order, o.pageblock_order) != (c.max_order, c.pageblock_order)]
