"""MIGRATE_HIGHATOMIC (config highatomic: tiny with a CMA pageblock and the HIGHATOMIC type):
rmqueue()'s high-order atomic path, reserve_highatomic_pageblock() and
unreserve_highatomic_pageblock() as each release has them (spec/highatomic.py)."""

from __future__ import annotations

import pytest
from conftest import explore, state_after

from checker.interp.concrete import Interpreter
from spec import ERAS, ModelKey, build_model
from spec.validate import SpecError

CONFIG = "highatomic"
M, U = "MOVABLE", "UNMOVABLE"


def run(era: str, steps: list[tuple[str, dict[str, object]]], design: str = "none") -> dict[str, list[str]]:
    return state_after(design, era, CONFIG, steps)


ATOMIC = ("rmqueue_buddy", {"order": 1, "migratetype": M, "alloc_flags": "highatomic"})
RESERVE = ("reserve_highatomic_pageblock", {})
FREE = [("__free_pages_ok", {"pfn": 0}), ("free_one_page", {"pfn": 0})]
WITH_RESERVE = [e for e in ERAS if not ERAS[e].migrate_reserve and not ERAS[e].highatomic_min_zone]


@pytest.mark.parametrize("era", WITH_RESERVE)
def test_an_atomic_allocation_reserves_its_block_and_an_unreserve_gives_it_back(era: str) -> None:
    """The zone after boot: block 0 MOVABLE (a free order-1 chunk), block 1 CMA.  A
    high-order atomic allocation takes block 0's chunk; the reserve retypes the block
    (nr_reserved_highatomic: one pageblock of 2 pages); the freed chunk goes to the
    HIGHATOMIC list; a forced unreserve for an UNMOVABLE allocation converts the block."""
    reserved = run(era, [ATOMIC, RESERVE])
    assert reserved["pb_mt"][0] == "HIGHATOMIC" and reserved["nr_reserved_highatomic"] == ["2"]
    freed = run(era, [ATOMIC, RESERVE, *FREE])
    assert freed["where"][0] == "BUDDY" and freed["list_mt"][0] == "HIGHATOMIC"
    # the next atomic allocation takes the reserve first, a normal one does not
    again = run(era, [ATOMIC, RESERVE, *FREE, ATOMIC])
    assert again["where"][0] == "ALLOC"
    normal = run(era, [ATOMIC, RESERVE, *FREE, ("rmqueue_buddy", {"order": 1, "migratetype": M,
                                                                   "alloc_flags": "normal"})])
    assert normal["where"][0] == "BUDDY" and normal["where"][2] == "ALLOC"  # __rmqueue_cma_fallback
    back = run(era, [ATOMIC, RESERVE, *FREE, ("unreserve_highatomic_pageblock", {"migratetype": U, "force": "true"})])
    assert back["pb_mt"][0] == "UNMOVABLE" and back["list_mt"][0] == "UNMOVABLE"
    assert back["nr_reserved_highatomic"] == ["0"]


def test_a_cma_block_is_never_reserved() -> None:
    """With block 0 taken, the atomic MOVABLE allocation gets the CMA chunk
    (__rmqueue_cma_fallback); reserve_highatomic_pageblock() leaves a CMA block alone."""
    taken = [("rmqueue_buddy", {"order": 1, "migratetype": U, "alloc_flags": "normal"}), ATOMIC, RESERVE]
    got = run("5.10", taken)
    assert got["where"][2] == "ALLOC" and got["pb_mt"] == ["UNMOVABLE", "CMA"]
    assert got["nr_reserved_highatomic"] == ["0"]


@pytest.mark.parametrize("era", ["6.8", "6.10"])
def test_a_zone_under_100_pageblocks_reserves_nothing_from_6_8(era: str) -> None:
    """6.8+: "if ((zone_managed_pages(zone) / 100) < pageblock_nr_pages) return;"; 6.6 and 6.7
    reserve (test above), the only difference of the 6.8 era."""
    got = run(era, [ATOMIC, RESERVE])
    assert got["pb_mt"][0] == "MOVABLE" and got["nr_reserved_highatomic"] == ["0"]
    assert got["highatomic_pending"] == ["none"]


def test_the_pending_allocation_is_not_freed_before_its_reserve() -> None:
    interp = Interpreter(build_model(ModelKey("none", None, "5.10", CONFIG)))
    s = interp.step(interp.initial(), ATOMIC[0], interp.parse_args(*ATOMIC)).target
    assert "__free_pages_ok" not in {t.action for t in interp.successors(s)}


def test_highatomic_did_not_exist_in_3_16() -> None:
    with pytest.raises(SpecError, match="HIGHATOMIC did not exist in kernel 3.16"):
        build_model(ModelKey("none", None, "3.16", CONFIG))


def test_configurations_without_highatomic_have_no_reserve() -> None:
    for era in ("5.10", "6.10"):
        model = build_model(ModelKey("none", None, era, "small"))
        names = {a.name for a in model.actions}
        assert "reserve_highatomic_pageblock" not in names and "unreserve_highatomic_pageblock" not in names
        assert all(p.name != "alloc_flags" for p in model.action("rmqueue_buddy").params)


# design, era -> (reachable states, transitions) of config highatomic, explored in full
PINNED_HIGHATOMIC: dict[tuple[str, str], tuple[int, int]] = {
    ('none', '5.3'): (23_198, 152_494),
    ('v9', '5.3'): (223_981, 1_548_171),
    ('v10', '5.3'): (53_686, 374_214),
    ('none', '5.7'): (22_265, 146_763),
    ('merged', '5.7'): (241_018, 1_788_826),
    ('none', '5.10'): (22_265, 146_763),
    ('merged', '5.10'): (241_018, 1_788_826),
    ('none', '5.11'): (31_253, 210_330),
    ('merged', '5.11'): (345_072, 2_598_382),
    ('none', '5.18'): (31_253, 210_330),
    ('none', '5.19'): (31_253, 210_330),
    ('merged', '5.18'): (345_072, 2_598_382),
    ('merged', '5.19'): (345_072, 2_598_382),
    ('none', '6.1'): (684_368, 5_984_693),
    ('none', '6.3'): (2_923_539, 25_443_035),
    ('merged', '6.1'): (7_374_615, 70_277_201),
    ('merged', '6.3'): (30_459_232, 289_971_372),
    ('none', '6.6'): (47_641, 405_931),
    ('merged', '6.6'): (516_018, 4_797_638),
    ('none', '6.8'): (30_730, 263_876),
    ('merged', '6.8'): (335_701, 3_125_556),
    ('none', '6.10'): (27_057, 230_439),
    ('merged', '6.10'): (297_954, 2_754_971),
}
# the claims refuted, with the steps of the shortest counterexample
FINDINGS_HIGHATOMIC: dict[tuple[str, str], dict[str, int]] = {
    ('none', '5.3'): {'free_list_matches_pageblock': 3},
    ('v9', '5.3'): {'index_trusted': 9, 'free_list_matches_pageblock': 3, 'boundary_valid': 4, 'boundary_lookup_sound': 14, 'reported_index_trusted': 6, 'reported_run_at_tail': 7},
    ('v10', '5.3'): {'index_trusted': 6, 'free_list_matches_pageblock': 3, 'boundary_valid': 5, 'reported_index_trusted': 5},
    ('none', '5.7'): {'free_list_matches_pageblock': 3},
    ('merged', '5.7'): {'free_list_matches_pageblock': 3, 'putback_at_tail': 10},
    ('none', '5.10'): {'free_list_matches_pageblock': 3},
    ('merged', '5.10'): {'free_list_matches_pageblock': 3},
    ('none', '5.11'): {'free_list_matches_pageblock': 3},
    ('merged', '5.11'): {'free_list_matches_pageblock': 3},
    ('none', '5.18'): {'free_list_matches_pageblock': 3},
    ('none', '5.19'): {'free_list_matches_pageblock': 3},
    ('merged', '5.18'): {'free_list_matches_pageblock': 3},
    ('merged', '5.19'): {'free_list_matches_pageblock': 3},
    ('none', '6.1'): {'free_list_matches_pageblock': 3, 'free_counts': 4, 'cma_pages_stay_cma': 4},
    ('merged', '6.1'): {'free_list_matches_pageblock': 3, 'free_counts': 4, 'cma_pages_stay_cma': 4},
    ('none', '6.3'): {'free_list_matches_pageblock': 3, 'free_counts': 4, 'cma_pages_stay_cma': 4},
    ('merged', '6.3'): {'free_list_matches_pageblock': 3, 'free_counts': 4, 'cma_pages_stay_cma': 4},
    ('none', '6.6'): {'free_list_matches_pageblock': 3},
    ('merged', '6.6'): {'free_list_matches_pageblock': 3},
    ('none', '6.8'): {'free_list_matches_pageblock': 3},
    ('merged', '6.8'): {'free_list_matches_pageblock': 3},
    ('none', '6.10'): {},
    ('merged', '6.10'): {},
}
DEFAULT = [("none", "5.10"), ("none", "6.1"), ("none", "6.10")]  # 6.8's reserving nothing: a concrete test above


def unreached(design: str, era: str) -> tuple[set[str], set[str]]:
    """What the configuration cannot reach, each for a reason of its shape: its two
    pageblocks are a MOVABLE one and a CMA one, which never merge; from 6.8 nothing is ever
    reserved, so no HIGHATOMIC block or free page exists and unreserve never fires."""
    sites = {"__free_one_page: merging buddies of two pageblocks"}
    if design == "none" and ERAS[era].unisolate_below_max:
        # from 5.11 un-isolation leaves a top-order chunk in place, and the zone's chunks of a
        # pageblock or more are top-order: nothing is put back without reporting
        sites.add('__putback_isolated_page: "Return isolated page to tail of freelist."')
    actions = {"unreserve_highatomic_pageblock"} if ERAS[era].highatomic_min_zone else set()
    return actions, sites


@pytest.mark.slow
@pytest.mark.parametrize("design,era", [pytest.param(*k, marks=() if k in DEFAULT else pytest.mark.deep)
                                        for k in sorted(PINNED_HIGHATOMIC)])
def test_highatomic_is_explored_in_full_on_every_release(design: str, era: str) -> None:
    verdicts, res = explore(design, era, CONFIG)
    assert res.complete
    assert (res.states, res.transitions) == PINNED_HIGHATOMIC[(design, era)]
    refuted = {name: len(v.trace.steps) for name, v in verdicts.items() if v.kind == "refuted" and v.trace}
    assert refuted == FINDINGS_HIGHATOMIC[(design, era)]
    actions, sites = unreached(design, era)
    assert {a for a, n in res.action_fired.items() if n == 0} == actions
    assert {s for hits in res.site_hits.values() for s, n in hits.items() if n == 0} == sites
