"""``proof`` never proves a trust claim the explicit engine refutes on tiny, in any design,
and proves ``reported_implies_buddy`` for every size in each (see conftest).

Each takes a minute or more: they are ``deep``.  The default run keeps merged's (nothing
refuted, ``reported_implies_buddy`` proved for every size and on the other orders) in
test_proof.py's headline, which asks it in the same proof as ``index_trusted``; the proof
never proving what a fault breaks in merged (test_proof_faults.py); and the same engine code
(not inductive, counterexample to induction, proved for every size) on the fixture model
ring (test_fixture_models.py)."""

from __future__ import annotations

import pytest
from conftest import proof_agrees_with_explicit

from checker.engines import proof
from spec import DESIGNS


@pytest.mark.deep
@pytest.mark.parametrize("design", DESIGNS)
def test_proof_agrees_with_explicit_on_the_designs(design: str) -> None:
    stats = proof_agrees_with_explicit(design, None, "tiny")
    if design == "v9":  # the headline refutation: shown as a step of a small zone
        cti = stats.claims["index_trusted"].counterexample_to_induction
        assert cti is not None and cti.sizes["npfn"] <= proof.SMALL_ZONE
        assert 0 < cti.sizes["pageblock_order"] < cti.sizes["max_order"]  # orders are symbols too
        # a read site that fails names no element (a claim's element is free there, and its
        # fields were of no page the site reads): the action, its arguments and the site
        assert cti.element is None and cti.before == cti.after == {} and cti.where
