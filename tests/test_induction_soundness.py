"""k-induction never proves what the explicit engine refutes.

For every design and every fault (pcp cache on, on the configuration where the explicit
engine refutes the fault), each trust claim -- the claims about ->index and Reported --
that the explicit engine refutes is given to 1-induction: the answer must be ``refuted``
or ``unknown``, never ``proved``.  This checks that the Z3 encoding, the Houdini supports
and the base case together stay sound.  (The allocator's own races are left out to keep
the suite's time; tests/test_symbolic.py covers one of them.)
"""

from __future__ import annotations

import pytest
from conftest import CACHED, explore
from models import latch

from checker.engines import induction
from checker.interp.concrete import Interpreter
from spec import DESIGNS, FAULTS, ModelKey, build_model

TRUST = ("index_trusted", "boundary_lookup_sound", "reported_index_trusted", "reported_implies_buddy",
         "reported_only_at_min_order")
# half a minute to several minutes each (Z3 on the isolation callers' state): deep; the
# default run keeps merged (nothing refuted: nothing to ask) and the fixture models'
# induction semantics, and test_symbolic.py asks v10's index_trusted alone, with its
# counterexample to induction
SLOW_FAULTS = set(FAULTS)
SLOW_DESIGNS = {"v9", "v10"}
CASES = [pytest.param(d, None, "tiny", marks=[pytest.mark.deep] if d in SLOW_DESIGNS else [])
         for d in DESIGNS if d != "none"] + [  # none: no reporting, no trust claims
    pytest.param(f.design, f.name, "tiny-span" if f.name == "merge-keeps-reported" else "tiny",
                 marks=[pytest.mark.deep] if f.name in SLOW_FAULTS else [])
    for f in FAULTS.values()]


@pytest.mark.parametrize("design,fault,config", CASES)
def test_induction_does_not_prove_a_refuted_trust_claim(design: str, fault: str | None, config: str) -> None:
    model = build_model(ModelKey(design, fault, CACHED, config))
    claims = tuple(i.name for i in model.invariants if i.name in TRUST)
    explicit, _ = explore(design, CACHED, config, fault, claims)
    refuted = [name for name in claims if explicit[name].kind == "refuted"]
    if design == "merged" and fault is None:
        assert refuted == []  # merged keeps ->index trusted: nothing to give induction
        return
    assert refuted
    verdicts, _ = induction.check(Interpreter(model), refuted, k_max=1)
    assert [v.invariant for v in verdicts] == refuted
    assert all(v.kind in ("refuted", "unknown") for v in verdicts), [(v.invariant, v.kind) for v in verdicts]


def test_two_induction_proves_what_one_induction_cannot() -> None:
    """latch (tests/models.py): stage 2 is unreachable, holds on itself and escapes to 3.
    1-induction gives its counterexample to induction; 2-induction proves the claim because
    its step query asks for paths without a repeated state (without that constraint the
    path 2 -hold-> 2 -escape-> 3 is a counterexample to every k)."""
    model = latch()
    (one,), stats = induction.check(Interpreter(model), ["never_escapes"], k_max=1)
    assert one.kind == "unknown"
    cti = stats.claims["never_escapes"].counterexample_to_induction
    assert cti is not None and cti.action == "escape"
    (two,), stats = induction.check(Interpreter(model), ["never_escapes"], k_max=2)
    assert two.kind == "proved", two.scope
    assert stats.claims["never_escapes"].k == 2
    assert "2-induction over paths without a repeated state" in two.scope
