"""``proof`` never proves a trust claim the explicit engine refutes on tiny, in any design,
and proves ``reported_implies_buddy`` for every size in each (see conftest).

Since the proof asks its steps cheapest first, none, v9 and v10 take 1-30 s each and are
in the default run (one worker each: merged's headline proof in test_proof.py runs in
two).  merged's row is deep: the headline asks its proof already (nothing refuted,
``reported_implies_buddy`` proved for every size and on the other orders).  The faults
are test_proof_faults.py's; the same engine code on the fixture model ring is
test_fixture_models.py's."""

from __future__ import annotations

import pytest
from conftest import proof_agrees_with_explicit

from checker.engines import proof
from spec import DESIGNS


@pytest.mark.parametrize("design", [pytest.param(d, marks=[pytest.mark.deep] if d == "merged" else [])
                                    for d in DESIGNS])
def test_proof_agrees_with_explicit_on_the_designs(design: str) -> None:
    stats = proof_agrees_with_explicit(design, None, "tiny")
    if design == "v9":  # the headline refutation: shown as a step of a small zone
        cti = stats.claims["index_trusted"].counterexample_to_induction
        assert cti is not None and cti.sizes["npfn"] <= proof.SMALL_ZONE
        assert 0 < cti.sizes["pageblock_order"] < cti.sizes["max_order"]  # orders are symbols too
        # a read site that fails names no element (a claim's element is free there, and its
        # fields were of no page the site reads): the action, its arguments and the site
        assert cti.element is None and cti.before == cti.after == {} and cti.where
