"""The cone of influence of a model's claims (checker/interp/observed.py): which state
variables no guard, claim or read site depends on."""

from __future__ import annotations

import dataclasses

import pytest
from models import ladder

from checker.interp.observed import unobserved
from spec import DESIGNS, ERAS, FAULTS, ModelKey, build_model, era_of_pcp_cache
from spec.expr import Get
from spec.ir import Assign, Domain, StateVar


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
