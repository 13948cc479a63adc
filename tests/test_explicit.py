"""The explicit engine on tiny: pinned reachable-state counts, the verdict of every claim
of every design, the findings' shortest traces, coverage and vacuity."""

from __future__ import annotations

import pytest
from conftest import CACHED, UNCACHED, explore, steps_of

from checker.results.verdict import FailedRead, Undecided, UnknownReason, Vacuity
from spec import ModelKey, build_model

# design, era -> (reachable states, transitions) of config tiny: every design on every
# release it existed on (spec.eras.ERAS), as stored: the search leaves out what nothing
# reads (checker/interp/observed.py).  On 6.10 the migratetype is no longer cached in
# ->index, so index and index_by are only written (merged 552,812 states in full, none
# 86,005); none never reads reported (it stays 0: no count changes)
PINNED = {
    ('none', '3.16'): (58_563, 313_852),
    ('none', '5.3'): (52_063, 336_324),
    ('v9', '5.3'): (458_951, 3_153_230),
    ('v10', '5.3'): (110_725, 764_693),
    ('none', '5.7'): (50_800, 328_510),
    ('merged', '5.7'): (322_938, 2_338_716),
    ('none', '5.10'): (50_824, 328_626),
    ('merged', '5.10'): (323_076, 2_339_498),
    ('none', '5.11'): (64_224, 426_356),
    ('merged', '5.11'): (416_610, 3_077_720),
    ('none', '5.18'): (64_224, 426_356),
    ('none', '5.19'): (64_224, 426_356),
    ('merged', '5.18'): (416_610, 3_077_720),
    ('merged', '5.19'): (416_610, 3_077_720),
    ('none', '6.1'): (64_264, 564_276),
    ('none', '6.3'): (64_264, 564_276),
    ('merged', '6.1'): (416_850, 3_943_132),
    ('merged', '6.3'): (416_850, 3_943_132),
    ('none', '6.6'): (64_264, 564_276),
    ('none', '6.8'): (64_264, 564_276),
    ('merged', '6.6'): (416_850, 3_943_132),
    ('merged', '6.8'): (416_850, 3_943_132),
    ('none', '6.10'): (52_965, 458_964),
    ('merged', '6.10'): (347_580, 3_246_365),
}

# states without a successor, per row (none on any row since 3.16 has its MIGRATE_RESERVE
# block: the zone always has a chunk to hand out; the 3.16 page freed onto the ISOLATE list
# of a block no longer isolated is still lost, as free_list_matches_pageblock shows)
DEADLOCKS: dict[tuple[str, str], int] = {}

# design -> invariants refuted on tiny (pcp cache on); every other claim is proved
REFUTED = {
    "v9": {"index_trusted": 9, "free_list_matches_pageblock": 4,
           "boundary_valid": 4, "boundary_lookup_sound": 13, "reported_index_trusted": 6,
           "reported_run_at_tail": 7},
    "v10": {"index_trusted": 5, "free_list_matches_pageblock": 4,
            "boundary_valid": 5, "reported_index_trusted": 5},
    "merged": {"free_list_matches_pageblock": 4, "putback_at_tail": 2},
    "none": {"free_list_matches_pageblock": 4},
}


@pytest.mark.parametrize("design,era", sorted(PINNED))
def test_reachable_state_count_is_pinned(design: str, era: str) -> None:
    _, res = explore(design, era)
    assert res.complete
    assert (res.states, res.transitions) == PINNED[(design, era)]
    assert res.deadlocks == DEADLOCKS.get((design, era), 0)
    assert all(n > 0 for n in res.action_fired.values()), "an action never fired on tiny"


@pytest.mark.parametrize("design", sorted(REFUTED))
def test_verdict_of_every_claim_with_the_pcp_cache(design: str) -> None:
    verdicts, res = explore(design, CACHED)
    names = {i.name for i in build_model(ModelKey(design, None, CACHED)).invariants}
    assert set(verdicts) == names
    for name, v in verdicts.items():
        if name in REFUTED[design]:
            assert v.kind == "refuted", name
            assert v.trace is not None and len(v.trace.steps) == REFUTED[design][name], name
        else:
            assert v.kind == "proved", name
            assert v.scope.startswith(f"all {res.states:,} reachable states of config tiny")


def test_without_the_pcp_cache_free_lists_match_their_pageblocks() -> None:
    """v6.10 reads the pageblock type under the zone lock: the stale-migratetype race of the
    cached era (a page freed to a pcp list, its block stolen, the page drained back to
    the old type's list) disappears."""
    for design in ("none", "merged"):
        on, _ = explore(design, CACHED)
        off, _ = explore(design, UNCACHED)
        assert on["free_list_matches_pageblock"].kind == "refuted"
        assert off["free_list_matches_pageblock"].kind == "proved"
        assert off["index_trusted"].kind == on["index_trusted"].kind


U, M = "UNMOVABLE", "MOVABLE"


def test_v9_index_is_read_stale_after_the_isolation_deferral() -> None:
    """The author's "we can defer this until the page comes out of isolation": a Reported
    page moved to MIGRATE_ISOLATE while reporting is idle keeps its old migratetype in
    ->index; when the block is un-isolated while reporting is active, the boundary
    lookup reads it."""
    verdicts, _ = explore("v9")
    v = verdicts["index_trusted"]
    assert steps_of(v) == [
        ("rmqueue_bulk", {"cpu": "0", "migratetype": U}),
        ("rmqueue_bulk", {"cpu": "0", "migratetype": M}),
        ("free_pcppages_bulk", {"cpu": "0", "migratetype": M}),
        ("page_reporting_cycle", {}),
        ("page_reporting_drain", {}),
        ("free_pcppages_bulk", {"cpu": "0", "migratetype": U}),
        ("start_isolate_page_range", {"range": "1"}),
        ("page_reporting_cycle", {}),
        ("undo_isolate_page_range", {"range": "1"}),
    ]
    assert v.trace is not None
    last = v.trace.steps[-1]
    [read] = [f for f in last.failed_sites if f.claim == "index_trusted"]
    assert read.site.startswith("page_reporting_del_from_boundary")
    # the compiled model says which page's ->index was read, and that it was not the
    # migratetype of the list the page is on (the value the read site expects)
    assert read.page is not None and read.value_read is not None and read.value_expected is not None
    assert read.value_read != read.value_expected
    # ... and explains itself: the value by name, what the reader assumed, who wrote it when
    assert (read.page, read.value_read, read.read_as) == ("2", "MIGRATE_MOVABLE", "reported_mt")
    assert (read.value_expected, read.assumed_as, read.expected_from) == ("MIGRATE_ISOLATE", "reported_mt", "list_mt[2]")
    assert (read.written_at, read.written_by) == (5, "page_reporting_drain")
    assert (read.expected_set_at, read.expected_set_by) == (7, "start_isolate_page_range")
    assert read.explanation() == [
        ("pfn 2: ->index read MIGRATE_MOVABLE (written as reported_mt); the reader assumed "
        "MIGRATE_ISOLATE (list_mt[2]), written as reported_mt"),
        "->index was last written at step 5 by page_reporting_drain()",
        "list_mt[2] became MIGRATE_ISOLATE at step 7 by start_isolate_page_range()"]


def test_v9_moves_a_page_onto_the_never_initialised_isolate_boundary() -> None:
    """populate_metadata() skips MIGRATE_ISOLATE, so isolating a pageblock while
    reporting is active inserts the page at a NULL boundary."""
    verdicts, _ = explore("v9")
    v = verdicts["boundary_valid"]
    assert steps_of(v) == [
        ("rmqueue_bulk", {"cpu": "0", "migratetype": M}),
        ("free_pcppages_bulk", {"cpu": "0", "migratetype": M}),
        ("page_reporting_cycle", {}),
        ("start_isolate_page_range", {"range": "0"}),
    ]
    assert v.trace is not None
    # a boundary read reads no ->index: no page or value is claimed for it
    assert v.trace.steps[-1].failed_sites == (FailedRead("boundary_valid", "get_unreported_tail: boundary of the target list"),)


def test_v10_reads_the_placeholder_index_but_the_lookup_stays_sound() -> None:
    verdicts, _ = explore("v10")
    assert steps_of(verdicts["index_trusted"]) == [
        ("rmqueue_bulk", {"cpu": "0", "migratetype": U}),
        ("free_pcppages_bulk", {"cpu": "0", "migratetype": U}),
        ("page_reporting_cycle", {}),
        ("page_reporting_drain", {}),
        ("rmqueue_bulk", {"cpu": "0", "migratetype": U}),
    ]
    assert verdicts["boundary_lookup_sound"].kind == "proved"


def test_every_read_site_of_index_is_reached_on_tiny() -> None:
    for design in ("v9", "v10", "merged", "none"):
        _, res = explore(design, CACHED)
        unreached = [s for s, n in res.site_hits["index_trusted"].items() if n == 0]
        assert unreached == [], design


def test_a_proof_whose_read_sites_were_never_reached_is_marked_vacuous() -> None:
    verdicts, _ = explore("v9", CACHED, "tiny", None, ("no_mixed_merge",))
    v = verdicts["no_mixed_merge"]
    assert v.kind == "proved" and v.word == "proved (vacuous)"
    assert v.vacuity == Vacuity(("__free_one_page: merging buddies of two pageblocks",), total=True)


def test_a_claim_with_no_read_site_in_the_model_is_vacuous() -> None:
    """merged without the pcp cache never reads ->index: its index_trusted is proved of
    nothing, and the verdict says so."""
    verdicts, _ = explore("merged", UNCACHED, "tiny", None, ("index_trusted",))
    v = verdicts["index_trusted"]
    assert v.kind == "proved" and v.vacuity == Vacuity(no_read_site=True, total=True)
    assert v.word == "proved (vacuous)"
    assert v.vacuity.words == "vacuous: the model has no read site of this claim"


def test_state_graph_is_built_with_networkx_where_it_fits() -> None:
    _, res = explore("v10", CACHED, "tiny", None, ("reported_implies_buddy",))
    assert res.graph is not None and res.graph["nodes"] == res.states
    assert res.graph["sccs"] >= 1


def test_small_is_explored_up_to_a_state_limit_and_says_so() -> None:
    from checker.engines import explicit
    from checker.interp.concrete import Interpreter

    model = build_model(ModelKey("merged", None, CACHED, "small"))
    verdicts, res = explicit.check(Interpreter(model), ["reported_implies_buddy"], max_states=3000)
    assert not res.complete and res.states == 3000
    assert verdicts[0].kind == "unknown"
    assert "state limit" in verdicts[0].scope and "config small" in verdicts[0].scope
    # the same in values: the reason, every state within res.depth steps, the states seen
    assert verdicts[0].undecided == Undecided(UnknownReason.STATE_LIMIT, depth=res.depth, states=3000)
