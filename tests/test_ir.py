from __future__ import annotations

import pytest

from spec import DEFAULT_ERA, DESIGNS, ERAS, ModelKey, build_model
from spec.configs import CONFIGS
from spec.expr import And, Lit, Name, Op
from spec.ir import Domain
from spec.walk import free_names


def test_expressions_refuse_python_truth_values() -> None:
    with pytest.raises(TypeError, match="use And/Or/Not/Ite"):
        bool(Name("x") == 1)


def test_operator_arity_is_checked_when_the_spec_is_built() -> None:
    with pytest.raises(ValueError, match="takes 2 arguments"):
        Op("eq", (Lit(1),))
    with pytest.raises(ValueError, match="unknown operator"):
        Op("frobnicate", ())


def test_free_names_skip_bound_variables() -> None:
    from spec.expr import Count

    e = And(Name("pfn") == 1, Count("q", "pfn", Name("q") == Name("order")) > 0)
    assert free_names(e) == {"pfn", "order"}


def test_domain_labels_round_trip_and_reject_unknown_values() -> None:
    d = Domain("mt", 3, ("A", "B", "C"))
    assert d.value_of(d.label(2)) == 2
    assert d.value_of("1") == 1
    with pytest.raises(ValueError, match="choose from A, B, C"):
        d.value_of("D")


def test_digest_is_stable_and_tells_designs_and_switches_apart() -> None:
    assert build_model(ModelKey("v9")).digest == build_model(ModelKey("v9")).digest
    # every design on every release it had, but 6.3 and 6.8, whose only changes (ALLOC_OOM's fallback
    # to the highatomic reserve, the reserve's minimum zone size) tiny does not have: their models
    # are 6.1's and 6.6's there, and so are their digests
    keys = [ModelKey(d, None, e) for d in DESIGNS for e in ERAS if d in ERAS[e].designs and e not in ("6.3", "6.8")]
    assert len({build_model(k).digest for k in keys}) == len(keys)
    for d in ("none", "merged"):
        assert build_model(ModelKey(d, None, "6.8")).digest == build_model(ModelKey(d, None, "6.6")).digest
        assert build_model(ModelKey(d, None, "6.3")).digest == build_model(ModelKey(d, None, "6.1")).digest
        assert build_model(ModelKey(d, None, "6.3", "highatomic")).digest != \
            build_model(ModelKey(d, None, "6.1", "highatomic")).digest
        assert build_model(ModelKey(d, None, "6.8", "highatomic")).digest != \
            build_model(ModelKey(d, None, "6.6", "highatomic")).digest


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_constants_agree_with_the_definitions_a_proof_reads(config: str) -> None:
    """The concrete engines read ``constants``, the proof for every size reads the
    parameters as symbols and the other constants through ``definitions``: with the
    parameters set to a configuration's values, both readings give the same numbers,
    and the configuration satisfies the model's assumptions."""
    import z3

    from checker.interp.universal import WIDTH, Universal, as_bool, as_int
    from spec.catalog import fits

    for design in DESIGNS:
        if not fits(ModelKey(design, None, DEFAULT_ERA, config)):
            continue  # a configuration of a later release than the design's first (tiny-report0)
        if CONFIGS[config].zone_boundary:
            continue  # two zones: the proof for every size refuses their per-zone arrays (tests/test_zones.py)
        model = build_model(ModelKey(design, None, DEFAULT_ERA, config))
        u = Universal(model)
        values = [(sym, z3.BitVecVal(model.constants[name], WIDTH)) for name, sym in u.parameters.items()]
        for name in model.definitions:
            got = z3.simplify(z3.substitute(as_int(u.constant(name)), *values))
            assert got.as_long() == model.constants[name], (design, name)
        for claim in u.size_constraints():
            assert z3.is_true(z3.simplify(z3.substitute(as_bool(claim), *values))), (design, claim)
