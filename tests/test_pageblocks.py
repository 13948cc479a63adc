"""Pageblocks of several pages (pageblock_order >= 2), and chunks of several pageblocks:
the configurations pageblock4 and pageblock4-span (spec/configs.py).  A pageblock of two
pages is always claimed by a steal; a pageblock of four may not be, depending on how
many of its pages are free and how many of the others are movable (v4.12+
steal_suitable_fallback(), v6.10 its claim-and-move form)."""

from __future__ import annotations

import pytest
from conftest import explore, state_after

from checker.interp.concrete import Interpreter
from spec import ERAS, ModelKey, build_model

U, M = "UNMOVABLE", "MOVABLE"


def run(era: str, config: str, steps: list[tuple[str, dict[str, object]]]) -> dict[str, list[str]]:
    """The state after taking ``steps`` from none's zone after boot (each must be enabled)."""
    return state_after("none", era, config, steps)


def three_of_block_0_allocated(unmovable: dict[str, object]) -> list[tuple[str, dict[str, object]]]:
    """Block 0 (pfns 0-3): an order-1 chunk and one page allocated MOVABLE, pfn 3 free;
    then an UNMOVABLE page is asked for, which only block 0's pfn 3 can give."""
    first = [("rmqueue_buddy", {"order": 1, "migratetype": M, "movable_pages": 0}),  # pfns 0-1; 2 and 3 split off
             ("rmqueue_bulk", {"cpu": 0, "migratetype": M, "movable_pages": 0}),  # pfn 2 to the pcp list
             ("rmqueue_pcplist", {"cpu": 0, "migratetype": M})]  # ... and allocated
    return first + [("rmqueue_bulk", {"cpu": 0, "migratetype": U, **unmovable})]


STEAL_ERAS = [e for e in ERAS if not ERAS[e].try_to_steal_freepages]


@pytest.mark.parametrize("era", STEAL_ERAS)
def test_an_unmovable_steal_claims_a_block_of_four_unless_three_pages_are_movable(era: str) -> None:
    """UNMOVABLE falling back to a MOVABLE block: alike_pages = pageblock_nr_pages -
    (free_pages + movable_pages); with one free page, the block is claimed when at most
    two of the three allocated pages are movable ("free_pages + alike_pages >= 1 <<
    (pageblock_order-1)")."""
    claimed = run(era, "pageblock4", three_of_block_0_allocated({"movable_pages": 2}))
    assert claimed["pb_mt"] == [U]
    kept = run(era, "pageblock4", three_of_block_0_allocated({"movable_pages": 3}))
    assert kept["pb_mt"] == [M]
    # the page went to the UNMOVABLE request either way: pfn 3 is on the pcp list
    assert claimed["where"][3] == kept["where"][3] == "PCP"


def test_movable_pages_are_capped_by_the_allocated_pages_of_the_block() -> None:
    """The count is of the block's pages that are not free and PageLRU/__PageMovable: a
    page on a pcp list never counts, so with pfn 2 still on the pcp list only the order-1
    chunk (two pages) can be movable, and the block is claimed whatever is chosen."""
    steps = three_of_block_0_allocated({"movable_pages": 3})
    del steps[2]  # pfn 2 stays on the pcp list ... and the UNMOVABLE list is refilled from pfn 3
    assert run("5.10", "pageblock4", steps)["pb_mt"] == [U]


def test_a_pageblock_of_two_is_always_claimed_so_tiny_asks_nothing() -> None:
    """With two pages a block, one of them free, the decision does not depend on the
    count: the allocations of tiny take no movable_pages."""
    for config in ("tiny", "tiny-span", "small"):
        model = build_model(ModelKey("none", None, "5.10", config))
        assert all(p.name != "movable_pages" for a in model.actions for p in a.params)


# design, era -> (reachable states, transitions) of config pageblock4, and the claims it
# refutes with the steps of the shortest counterexample (every other claim proved)
PINNED_PAGEBLOCK4 = {
    ('none', '3.16'): (875, 3_800),
    ('none', '5.3'): (14_546, 97_045),
    ('v9', '5.3'): (58_211, 417_347),
    ('v10', '5.3'): (29_100, 208_631),
    ('none', '5.7'): (14_546, 97_045),
    ('merged', '5.7'): (87_299, 655_040),
    ('none', '5.10'): (14_546, 97_045),
    ('merged', '5.10'): (87_299, 655_040),
    ('none', '5.11'): (16_155, 106_079),
    ('merged', '5.11'): (96_973, 717_348),
    ('none', '5.18'): (16_155, 106_079),
    ('none', '5.19'): (16_155, 106_079),
    ('merged', '5.18'): (96_973, 717_348),
    ('merged', '5.19'): (96_973, 717_348),
    ('none', '6.1'): (16_238, 173_945),
    ('none', '6.3'): (16_238, 173_945),
    ('merged', '6.1'): (97_471, 1_124_951),
    ('merged', '6.3'): (97_471, 1_124_951),
    ('none', '6.6'): (16_238, 173_945),
    ('none', '6.8'): (16_238, 173_945),
    ('merged', '6.6'): (97_471, 1_124_951),
    ('merged', '6.8'): (97_471, 1_124_951),
    ('none', '6.10'): (12_579, 116_794),
    ('merged', '6.10'): (75_520, 763_851),
}
# the stale-migratetype race of the cached era (tiny's, in 3 steps instead of 4: the block's
# own steals retype it); v9/v10 as on tiny but for the reads of ->index below
STALE = {'free_list_matches_pageblock': 3}
FINDINGS_PAGEBLOCK4 = {
    key: ({} if key[1] in ("3.16", "6.10") else
          {**STALE, 'boundary_valid': 5, 'reported_index_trusted': 5} if key[0] in ("v9", "v10") else STALE)
    for key in PINNED_PAGEBLOCK4
}


def unreached_on_pageblock4(design: str, era: str) -> tuple[set[str], set[str]]:
    """The actions that never fire and the read sites never reached on pageblock4, each for
    a reason of the zone's shape: one pageblock, so nothing merges across pageblocks and no
    chunk of a pageblock or more has a buddy to be put back with (only the top-order
    chunk is that big); v9/v10 report only that chunk, so no Reported page's ->index is read
    for its boundary; in 3.16 the zone's one pageblock is its MIGRATE_RESERVE block, which
    no caller isolates."""
    sites = {"__free_one_page: merging buddies of two pageblocks"}
    actions: set[str] = set()
    if design == "none" and era not in ("3.16", "5.3"):
        sites.add('__putback_isolated_page: "Return isolated page to tail of freelist."')
    if design == "v9":
        sites.add("page_reporting_del_from_boundary: mt = get_pcppage_migratetype(page)")
    if design == "v10":
        sites.add("page_reporting_pull_boundary: reported_boundary[page->index]")
    if era == "3.16":
        actions = {"start_isolate_page_range", "drain_all_pages", "test_pages_isolated", "undo_isolate_page_range"}
    return actions, sites


# the default run keeps one row of each kind of finding (none of 3.16's bugs shows on one
# pageblock; v9/v10's boundary findings; the cached era's race; 6.10 clean); the rest is deep
DEFAULT_PAGEBLOCK4 = [("none", "3.16"), ("v9", "5.3"), ("v10", "5.3"), ("merged", "5.7"), ("merged", "6.10")]


@pytest.mark.slow
@pytest.mark.parametrize("design,era", [pytest.param(*k, marks=() if k in DEFAULT_PAGEBLOCK4 else pytest.mark.deep)
                                        for k in sorted(PINNED_PAGEBLOCK4)])
def test_pageblock4_is_explored_in_full_on_every_release(design: str, era: str) -> None:
    verdicts, res = explore(design, era, "pageblock4")
    assert res.complete
    assert (res.states, res.transitions) == PINNED_PAGEBLOCK4[(design, era)]
    refuted = {name: len(v.trace.steps) for name, v in verdicts.items() if v.kind == "refuted" and v.trace}
    assert refuted == FINDINGS_PAGEBLOCK4[(design, era)]
    assert all(v.kind in ("refuted", "proved") for v in verdicts.values())
    actions, sites = unreached_on_pageblock4(design, era)
    assert {a for a, n in res.action_fired.items() if n == 0} == actions
    assert {s for hits in res.site_hits.values() for s, n in hits.items() if n == 0} == sites


# design, era -> (transitions, depth) of the first 100,000 states of pageblock4-span in
# breadth-first order (it is too large to explore in full: the claims are 'unknown' there)
SPAN_STATES = 100_000
PINNED_SPAN = {
    ('none', '3.16'): (519_670, 12),
    ('none', '5.3'): (993_967, 10),
    ('v9', '5.3'): (761_916, 9),
    ('v10', '5.3'): (735_213, 9),
    ('none', '5.7'): (977_607, 10),
    ('merged', '5.7'): (903_617, 9),
    ('none', '5.10'): (977_623, 10),
    ('merged', '5.10'): (902_565, 9),
    ('none', '5.11'): (1_022_123, 10),
    ('merged', '5.11'): (939_419, 9),
    ('none', '5.18'): (1_022_123, 10),
    ('none', '5.19'): (1_022_123, 10),
    ('merged', '5.18'): (939_419, 9),
    ('merged', '5.19'): (939_419, 9),
    ('none', '6.1'): (1_047_593, 7),
    ('none', '6.3'): (1_047_593, 7),
    ('merged', '6.1'): (1_296_176, 7),
    ('merged', '6.3'): (1_296_176, 7),
    ('none', '6.6'): (1_047_593, 7),
    ('none', '6.8'): (1_047_593, 7),
    ('merged', '6.6'): (1_296_176, 7),
    ('merged', '6.8'): (1_296_176, 7),
    ('none', '6.10'): (875_219, 7),
    ('merged', '6.10'): (1_100_320, 7),
}
# refuted within those states: 3.16's known bugs (the first: setup_zone_migrate_reserve()
# moves the max-order chunk that spans the RESERVE block and a MOVABLE one to the RESERVE
# list, and expand() splits it there), the cached era's stale-type race
FINDINGS_SPAN = {
    key: ({'free_list_matches_pageblock': 1, 'isolate_free_list_matches_isolated_blocks': 10, 'free_counts': 10,
           'no_mixed_merge': 2} if key[1] == "3.16" else {} if key[1] == "6.10" else
          {'free_list_matches_pageblock': 4, 'boundary_valid': 5, 'reported_index_trusted': 5}
          if key[0] in ("v9", "v10") else {'free_list_matches_pageblock': 4})
    for key in PINNED_SPAN
}
DEFAULT_SPAN = [("none", "5.10"), ("merged", "6.10")]


@pytest.mark.parametrize("design,era", [pytest.param(*k, marks=() if k in DEFAULT_SPAN else pytest.mark.deep)
                                        for k in sorted(PINNED_SPAN)])
def test_pageblock4_span_reaches_every_action_and_the_cross_pageblock_merge(design: str, era: str) -> None:
    from checker.engines import explicit

    model = build_model(ModelKey(design, None, era, "pageblock4-span"))
    verdicts, res = explicit.check(Interpreter(model), [i.name for i in model.invariants], max_states=SPAN_STATES)
    assert res.hit_state_limit and res.states == SPAN_STATES
    assert (res.transitions, res.depth) == PINNED_SPAN[(design, era)]
    refuted = {v.invariant: len(v.trace.steps) for v in verdicts if v.kind == "refuted" and v.trace}
    assert refuted == FINDINGS_SPAN[(design, era)]
    assert all(n > 0 for n in res.action_fired.values())
    assert res.site_hits["no_mixed_merge"]["__free_one_page: merging buddies of two pageblocks"] > 0


def test_6_10_splits_a_free_chunk_of_two_pageblocks_as_it_isolates_them() -> None:
    """pageblock4-span's free chunk of eight pages spans both pageblocks.  Up to 6.9
    move_freepages_block() moves it whole with the block that holds its head, and the second
    block moves nothing; 6.10's move_freepages_block_isolate() takes it off its list and
    frees it again pageblock by pageblock (split_large_buddy()), each piece by its own
    block's type: two order-2 chunks on the ISOLATE list.  Un-isolation merges them back."""
    isolate = ("start_isolate_page_range", {"range": 0, "caller": 0})
    before = state_after("none", "6.8", "pageblock4-span", [isolate])
    assert (before["where"][0], before["order"][0], before["list_mt"][0]) == ("BUDDY", "3", "ISOLATE")
    assert before["where"][4] == "TAIL"
    split = state_after("none", "6.10", "pageblock4-span", [isolate])
    assert [(split["where"][p], split["order"][p], split["list_mt"][p]) for p in (0, 4)] == [
        ("BUDDY", "2", "ISOLATE"), ("BUDDY", "2", "ISOLATE")]
    assert split["nr_free_pages"] == before["nr_free_pages"] == ["0"]  # isolated pages are not counted
    undone = state_after("none", "6.10", "pageblock4-span", [isolate, ("undo_isolate_page_range", {"range": 0})])
    assert (undone["where"][0], undone["order"][0], undone["list_mt"][0], undone["where"][4]) == (
        "BUDDY", "3", "MOVABLE", "TAIL")
