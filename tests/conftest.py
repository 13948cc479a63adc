from __future__ import annotations

import functools

from checker import explicit
from checker.concrete import Interpreter
from checker.verdict import Verdict
from spec import build_model


def explore(design: str, pcp_cache: bool = True, config: str = "tiny", fault: str | None = None,
            invariants: tuple[str, ...] = ()) -> tuple[dict[str, Verdict], explicit.Exploration]:
    """Explicit-engine verdicts per invariant, cached across tests (explorations are the
    expensive part of the suite).  The cache is keyed on all five values, however the
    call spells them, so explore("v9") and explore("v9", True) share one search."""
    return _explore(design, pcp_cache, config, fault, tuple(invariants))


@functools.cache
def _explore(design: str, pcp_cache: bool, config: str, fault: str | None,
             invariants: tuple[str, ...]) -> tuple[dict[str, Verdict], explicit.Exploration]:
    model = build_model(design, fault, pcp_cache, config)
    chosen = list(invariants) or [i.name for i in model.invariants]
    verdicts, res = explicit.check(Interpreter(model), chosen)
    return {v.invariant: v for v in verdicts}, res


def steps_of(v: Verdict) -> list[tuple[str, dict[str, str]]]:
    assert v.trace is not None
    return [(s.action, s.args) for s in v.trace.steps]
