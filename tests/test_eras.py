"""Kernel releases as an axis (spec/eras.py): every design on every release it existed on
is explored on tiny, each era differs from its neighbour only in the actions its source
changes, isolation is checked as its callers do it, and a design on a release it did not
exist on is bad input."""

from __future__ import annotations

import re

import pytest
from conftest import explore, state_after

from checker.cli.main import main
from spec import DESIGNS, ERAS, ModelKey, build_model
from spec.ir import Action

VALID = [(d, e) for e in ERAS for d in DESIGNS if d in ERAS[e].designs]

# design, era -> the claims refuted on tiny and the steps of the shortest counterexample
# (every other claim is proved on all reachable states); the README's findings table
FINDINGS: dict[tuple[str, str], dict[str, int]] = {
    ('none', '3.16'): {'free_list_matches_pageblock': 3, 'isolate_free_list_matches_isolated_blocks': 3, 'free_counts': 3},
    ('none', '5.3'): {'free_list_matches_pageblock': 4},
    ('v9', '5.3'): {'index_trusted': 9, 'free_list_matches_pageblock': 4, 'boundary_valid': 4, 'boundary_lookup_sound': 13, 'reported_index_trusted': 6, 'reported_run_at_tail': 7},
    ('v10', '5.3'): {'index_trusted': 5, 'free_list_matches_pageblock': 4, 'boundary_valid': 5, 'reported_index_trusted': 5},
    ('none', '5.7'): {'free_list_matches_pageblock': 4, 'putback_at_tail': 2},
    ('merged', '5.7'): {'free_list_matches_pageblock': 4, 'putback_at_tail': 2},
    ('none', '5.10'): {'free_list_matches_pageblock': 4},
    ('merged', '5.10'): {'free_list_matches_pageblock': 4},
    ('none', '5.11'): {'free_list_matches_pageblock': 4},
    ('merged', '5.11'): {'free_list_matches_pageblock': 4},
    ('none', '5.18'): {'free_list_matches_pageblock': 4},
    ('merged', '5.18'): {'free_list_matches_pageblock': 4},
    ('none', '5.19'): {'free_list_matches_pageblock': 4},
    ('merged', '5.19'): {'free_list_matches_pageblock': 4},
    ('none', '6.1'): {'free_list_matches_pageblock': 4},
    ('merged', '6.1'): {'free_list_matches_pageblock': 4},
    ('none', '6.3'): {'free_list_matches_pageblock': 4},
    ('merged', '6.3'): {'free_list_matches_pageblock': 4},
    ('none', '6.6'): {'free_list_matches_pageblock': 4},
    ('none', '6.8'): {'free_list_matches_pageblock': 4},
    ('merged', '6.6'): {'free_list_matches_pageblock': 4},
    ('merged', '6.8'): {'free_list_matches_pageblock': 4},
    ('none', '6.10'): {},
    ('merged', '6.10'): {},
}


@pytest.mark.parametrize("design,era", VALID)
def test_every_claim_of_every_era_has_its_verdict_on_tiny(design: str, era: str) -> None:
    verdicts, res = explore(design, era)
    assert res.complete
    refuted = {n: len(v.trace.steps) for n, v in verdicts.items() if v.trace is not None}
    assert refuted == FINDINGS[(design, era)]
    assert all(v.kind == "proved" for n, v in verdicts.items() if n not in refuted)


def test_isolation_as_its_callers_do_it_is_a_promise_kept_from_3_16_on() -> None:
    """After start_isolate_page_range(), the drain and a passing test_pages_isolated(), no
    page of the range is handed out and every free one is on an ISOLATE list: on every
    release (3.16 thanks to the fix-up in __test_page_isolated_in_pageblock)."""
    assert all("isolated_pages_stay_isolated" not in FINDINGS[k] for k in VALID)


def test_6_10_merged_refutes_nothing_on_tiny() -> None:
    assert FINDINGS[("merged", "6.10")] == {} and FINDINGS[("none", "6.10")] == {}


def test_3_16_loses_free_counts_the_bug_fixed_in_3_18() -> None:
    """A page on a pcp list when its block is isolated is freed with its cached type (no
    re-check before ad53f92eb416, v3.18) onto a MOVABLE list, and free_pcppages_bulk does
    not count it because the block is ISOLATE now."""
    verdicts, _ = explore("none", "3.16")
    v = verdicts["free_counts"]
    assert v.trace is not None
    assert [s.action for s in v.trace.steps] == ["rmqueue_bulk", "start_isolate_page_range", "free_pcppages_bulk"]
    # the same three steps leave the page on a MOVABLE list of the ISOLATE block: what the
    # 3.18 series' "add freepage on isolate pageblock to correct buddy list" fixed; proved
    # from 5.3 on in every design
    w = verdicts["isolate_free_list_matches_isolated_blocks"]
    assert w.trace is not None and [s.action for s in w.trace.steps] == [s.action for s in v.trace.steps]
    assert all(explore(d, e)[0]["isolate_free_list_matches_isolated_blocks"].kind == "proved" for d, e in VALID
               if e != "3.16")


def test_3_16_falls_back_with_try_to_steal_freepages_and_keeps_a_reserve_block() -> None:
    """setup_zone_migrate_reserve() made the zone's first MOVABLE block MIGRATE_RESERVE, so a
    MOVABLE request falls back to the UNMOVABLE pieces that an UNMOVABLE request's
    try_to_steal_freepages() claimed, and claims that block back; the UNMOVABLE page on its
    pcp list then drains to the UNMOVABLE list of a MOVABLE block (the cached type)."""
    verdicts, _ = explore("none", "3.16")
    v = verdicts["free_list_matches_pageblock"]
    assert v.trace is not None
    assert v.trace.initial["pb_mt"] == ["RESERVE", "MOVABLE"] and v.trace.initial["list_mt"][0] == "RESERVE"
    assert [(s.action, s.args.get("migratetype")) for s in v.trace.steps] == [
        ("rmqueue_bulk", "UNMOVABLE"), ("rmqueue_bulk", "MOVABLE"), ("free_pcppages_bulk", "UNMOVABLE")]


def test_kernel_release_names_map_to_the_era_whose_code_they_run() -> None:
    from spec.eras import era_of_release

    assert {r: era_of_release(r) for r in ("3.17", "5.10", "5.11", "5.17", "5.18", "5.19", "6.0", "6.2", "6.3", "6.4", "6.5", "6.6", "6.9")} == {
        "3.17": "3.16", "5.10": "5.10", "5.11": "5.11", "5.17": "5.11", "5.18": "5.18", "5.19": "5.19", "6.0": "6.1", "6.2": "6.1", "6.3": "6.3",
        "6.4": "6.3", "6.5": "6.3", "6.6": "6.6", "6.9": "6.8"}
    # the flags follow the commits: the trylock path from 6.0 (4b23a68f9536), its fix from 6.6 (7b086755fb8c)
    assert [e for e in ERAS if ERAS[e].pcp_trylock] == ["6.1", "6.3", "6.6", "6.8", "6.10"]
    assert [e for e in ERAS if ERAS[e].pcp_trylock and not ERAS[e].trylock_real_type] == ["6.1", "6.3"]
    # ALLOC_OOM's fallback to the HIGHATOMIC reserve from 6.3 (eb2e2b425c69)
    assert [e for e in ERAS if ERAS[e].highatomic_oom] == ["6.3", "6.6", "6.8", "6.10"]
    assert [e for e in ERAS if ERAS[e].try_to_steal_freepages or ERAS[e].migrate_reserve] == ["3.16"]
    # memory offline's zone_pcp_disable() from 5.11
    assert [e for e in ERAS if ERAS[e].zone_pcp_disable] == ["5.11", "5.18", "5.19", "6.1", "6.3", "6.6", "6.8", "6.10"]
    # un-isolation: the top order left in place from 5.11 ("do not isolate the max order page"),
    # the buddy found by find_buddy_page_pfn() from 5.19 (8170ac4700d2)
    assert [e for e in ERAS if ERAS[e].unisolate_below_max] == ["5.11", "5.18", "5.19", "6.1", "6.3", "6.6", "6.8", "6.10"]
    assert [e for e in ERAS if ERAS[e].unisolate_free_buddy] == ["5.19", "6.1", "6.3", "6.6", "6.8", "6.10"]


def test_kernel_6_5_is_checked_as_the_6_3_era(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["check", "--design", "none", "--kernel", "6.5", "--invariant", "free_counts", "--format", "json",
                 "--max-states", "100"]) in (0, 3)
    assert json.loads(capsys.readouterr().out)["era"] == "6.3"


def _cma_claim(capsys: pytest.CaptureFixture[str], era: str, max_states: int) -> dict[str, object]:
    import json

    assert main(["check", "--design", "none", "--kernel", era, "--config", "small", "--invariant",
                 "cma_pages_stay_cma", "--max-states", str(max_states), "--format", "json", "--no-cache"]) in (1, 3)
    [result] = json.loads(capsys.readouterr().out)["results"]
    return dict(result)


@pytest.mark.slow
def test_6_1_frees_a_cma_page_as_movable_when_the_pcp_trylock_fails_the_bug_fixed_in_6_6(
        capsys: pytest.CaptureFixture[str]) -> None:
    """4b23a68f9536 (6.0) bypasses the pcp list when pcp_spin_trylock() fails, after the CMA
    page's type was overridden to MOVABLE for the pcp list: free_one_page() puts it on the
    MOVABLE list of its CMA block ("the page can be lost from the CMA region permanently").
    Found on small (tiny has no CMA) in 4 steps in 6.1 and 6.3 (5 before the order-0 buddy path of
    the same commit was modelled: the CMA page is now taken straight from the buddy lists); 7b086755fb8c (6.6, 6.1.57)
    frees with the page's own type and nothing breaks the claim in as many states."""
    for era in ("6.1", "6.3"):
        r = _cma_claim(capsys, era, 400_000)
        assert r["verdict"] == "refuted"
        trace = r["trace"]
        assert isinstance(trace, dict)
        last = trace["steps"][-1]
        assert len(trace["steps"]) == 4 and last["action"] == "free_unref_page_commit"
        assert last["args"]["pcp_trylock"] == "failed"
    # the fix: not refuted within as many states (5.18 and 6.10 too: deep, below)
    assert _cma_claim(capsys, "6.6", 400_000)["verdict"] == "unknown"


@pytest.mark.deep
@pytest.mark.parametrize("era", ["5.18", "6.10"])
def test_before_6_0_and_from_6_10_a_cma_page_stays_cma_as_far_as_searched(capsys: pytest.CaptureFixture[str],
                                                                          era: str) -> None:
    assert _cma_claim(capsys, era, 400_000)["verdict"] == "unknown"  # not refuted within the limit


def _bodies(design: str, era: str) -> dict[str, str]:
    def norm(a: Action) -> str:  # the locals' numbers are not the kernel's code
        return re.sub(r"_\d+", "", repr((a.params, a.guard, a.body)))
    return {a.name: norm(a) for a in build_model(ModelKey(design, None, era)).actions}


# (design, era): the actions whose code differs from the design's previous era, each from
# the commits spec/eras.py names
DIFFERS = {
    ("none", "5.3"): {"free_one_page", "free_pcppages_bulk", "free_unref_page_commit", "rmqueue_buddy", "rmqueue_bulk",
                      "test_pages_isolated", "undo_isolate_page_range"},
    # 3.18: isolation re-check, merge limit, un-isolation free; 4.0-4.1: steal_suitable_fallback()
    # for try_to_steal_freepages(); 4.4: no MIGRATE_RESERVE; 4.3: no fix-up in test_pages_isolated
    ("none", "5.7"): {"undo_isolate_page_range"},  # __putback_isolated_page under the lock
    ("none", "5.10"): {"rmqueue_buddy", "rmqueue_bulk", "start_isolate_page_range",
                       "undo_isolate_page_range"},  # move_to_free_list and put-back at the tail
    ("none", "5.11"): {"free_unref_page_commit", "rmqueue_bulk", "start_isolate_page_range",
                       "undo_isolate_page_range"},  # memory offline: zone_pcp_disable() .. zone_pcp_enable()
    # migratetype_is_mergeable() in __free_one_page(), which the put-back of un-isolation calls too
    ("none", "5.18"): {"free_one_page", "free_pcppages_bulk", "free_unref_page_commit", "undo_isolate_page_range"},
    ("none", "5.19"): {"undo_isolate_page_range"},  # find_buddy_page_pfn
    # 6.0 4b23a68f9536: pcp_spin_trylock, bypass as MOVABLE; an order-0 request the pcp list did not
    # serve goes on to rmqueue_buddy()
    ("none", "6.1"): {"free_unref_page_commit", "rmqueue_buddy"},
    # 6.3: ALLOC_OOM's fallback to the HIGHATOMIC reserve, which tiny does not have: the same IR
    # as 6.1 there (tests/test_highatomic.py tells them apart)
    ("none", "6.3"): set(),
    ("none", "6.6"): {"free_unref_page_commit"},  # 7b086755fb8c: the bypass frees with the page's own type
    # 6.8: the highatomic reserve's minimum zone size, which tiny (no HIGHATOMIC) does not have:
    # the same IR as 6.6 there (tests/test_highatomic.py tells them apart)
    ("none", "6.8"): set(),
    ("none", "6.10"): {"__free_pages_ok", "free_one_page", "free_pcppages_bulk", "free_unref_page_commit",
                       "free_unref_page_prepare", "rmqueue_buddy", "rmqueue_bulk", "start_isolate_page_range",
                       "undo_isolate_page_range"},  # the freelist migratetype hygiene series
    ("merged", "5.10"): {"page_reporting_drain", "rmqueue_buddy", "rmqueue_bulk", "start_isolate_page_range",
                         "undo_isolate_page_range"},
    ("merged", "5.11"): {"free_unref_page_commit", "rmqueue_bulk", "start_isolate_page_range",
                         "undo_isolate_page_range"},
    ("merged", "5.18"): {"free_one_page", "free_pcppages_bulk", "free_unref_page_commit", "page_reporting_cycle",
                         "page_reporting_drain", "undo_isolate_page_range"},
    ("merged", "5.19"): {"undo_isolate_page_range"},
    ("merged", "6.1"): {"free_unref_page_commit", "rmqueue_buddy"},
    ("merged", "6.3"): set(),
    ("merged", "6.6"): {"free_unref_page_commit"},
    ("merged", "6.8"): set(),
    ("merged", "6.10"): {"__free_pages_ok", "free_one_page", "free_pcppages_bulk", "free_unref_page_commit",
                         "free_unref_page_prepare", "page_reporting_cycle", "page_reporting_drain", "rmqueue_buddy",
                         "rmqueue_bulk", "start_isolate_page_range", "undo_isolate_page_range"},
}


@pytest.mark.parametrize("design,era", sorted(DIFFERS))
def test_each_era_differs_from_its_neighbour_only_in_the_actions_its_source_changes(design: str, era: str) -> None:
    eras = [e for e in ERAS if design in ERAS[e].designs]
    before, now = _bodies(design, eras[eras.index(era) - 1]), _bodies(design, era)
    assert set(before) == set(now)
    assert {n for n in now if now[n] != before[n]} == DIFFERS[(design, era)]


def test_every_era_but_the_first_of_a_design_is_pinned() -> None:
    firsts = {(d, next(e for e in ERAS if d in ERAS[e].designs)) for d in ("none", "merged")}
    assert set(DIFFERS) == {k for k in VALID if k[0] in ("none", "merged")} - firsts


def test_every_action_says_the_releases_it_stands_for() -> None:
    for design, era in VALID:
        for a in build_model(ModelKey(design, None, era)).actions:
            assert a.releases == ERAS[era].releases and a.kernel_name and a.kernel_file.startswith("mm/")


@pytest.mark.parametrize("argv,message", [
    (["--design", "v9", "--kernel", "6.10"], "design v9 did not exist in kernel 6.10; choose --kernel 5.3 for v9"),
    (["--design", "v10", "--pcp-cache", "off"], "design v10 did not exist in kernel 6.10"),
    (["--design", "merged", "--kernel", "5.3"], "design merged did not exist in kernel 5.3; choose --kernel 5.7 or"),
    (["--design", "merged", "--kernel", "5.4"], "design merged did not exist in kernel 5.3"),
    (["--design", "v9", "--kernel", "3.16"], "or a design of 3.16: none"),
    (["--kernel", "4.19"], "unknown kernel release '4.19'; choose from: 3.16 (3.16-3.17), 5.3 (5.3-5.6)"),
    (["--kernel", ""], "--kernel must not be empty"),
    (["--design", "none", "--fault", "pcp-index-not-set"], "fault 'pcp-index-not-set' belongs to design 'merged'"),
])
def test_a_combination_that_did_not_exist_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str],
                                                                 message: str) -> None:
    assert main(["check", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("reportcheck: error: ") and message in err


def test_every_claim_names_the_kernel_comment_or_function_it_comes_from(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    for design, era in VALID:
        assert all(i.source for i in build_model(ModelKey(design, None, era)).invariants), (design, era)
    assert main(["list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    claims = {i["name"]: i for i in data["invariants"]}
    assert "Return isolated page to tail of freelist." in claims["putback_at_tail"]["source"]
    assert claims["putback_at_tail"]["eras"] == ["5.7", "5.10", "5.11", "5.18", "5.19", "6.1", "6.3", "6.6", "6.8", "6.10"]
    assert {e["name"]: e["designs"] for e in data["eras"]}["5.3"] == ["none", "v9", "v10"]
    assert next(a for a in data["actions"] if a["name"] == "drain_all_pages")["releases"][:2] == ["3.16", "3.17"]


def test_5_19_moves_back_a_reported_chunk_whose_buddy_is_not_free_where_5_18_takes_it_off_its_list() -> None:
    """un-isolation in 5.18 takes a free chunk of pageblock_order or more off its list and puts it
    back (__isolate_free_page() clears PG_reported) whenever its buddy's block is not isolated;
    from 5.19 (8170ac4700d2, find_buddy_page_pfn()) only when the buddy is a free chunk of the
    same order, else move_freepages_block() moves it back reported.  Here pfn 6's reported
    order-1 chunk has its buddy pfn 4 on a pcp list.  A zone of eight pages with MAX_ORDER 3
    has such a chunk below the top order: no named configuration but pageblock4-span does."""
    steps: list[tuple[str, dict[str, object]]] = [
        ("rmqueue_bulk", {"cpu": 0, "migratetype": "UNMOVABLE"}), ("rmqueue_bulk", {"cpu": 0, "migratetype": "MOVABLE"}),
        ("free_pcppages_bulk", {"cpu": 0, "migratetype": "UNMOVABLE"}), ("page_reporting_process", {}),
        ("page_reporting_cycle", {}), ("page_reporting_cycle", {}), ("start_isolate_page_range", {"range": 1, "caller": 0}),
        ("page_reporting_cycle", {}), ("page_reporting_drain", {})]
    config = "npfn=8,max_order=3"
    before = state_after("merged", "5.18", config, steps)
    assert before["where"][4:] == ["PCP", "BUDDY", "BUDDY", "TAIL"] and before["reported"][6] == "true"
    undo = ("undo_isolate_page_range", {"range": 1})
    assert state_after("merged", "5.18", config, [*steps, undo])["reported"][6] == "false"
    assert state_after("merged", "5.19", config, [*steps, undo])["reported"][6] == "true"
