"""Two zones with the boundary anywhere (issue 17): ``zone_boundary=K`` makes zone 0 the pfns
[0, K) and zone 1 [K, npfn), each with its own free lists, nr_free, NR_FREE_PAGES and pcp
lists (spec/free_lists.py); merges stop at the boundary (page_is_buddy()'s zone check) and a
pageblock that straddles it is walked from the pivot page (before 6.10) or not moved at all
(6.10 prep_move_freepages_block()).  The configuration tiny-zones is tiny with its boundary at
pfn 1, inside pageblock 0."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import explore, state_after

from checker.ci import config as ci_config
from checker.cli.main import main
from checker.errors import UsageError
from spec import CONFIGS, ERAS, ModelKey, SpecError, build_model
from spec.config_text import canonical, config_of
from spec.configs import ConfigError

ZONE_ERAS = list(ERAS)
HIGHATOMIC_ERAS = [e for e in ERAS if not ERAS[e].migrate_reserve]  # v4.4+
U, M = "UNMOVABLE", "MOVABLE"


def test_zone_boundary_is_a_key_and_0_is_one_zone() -> None:
    assert canonical("zone_boundary=0") == "tiny"
    assert canonical("zone_boundary=1,npfn=4") == "tiny-zones"  # a named zone is its name
    assert canonical("zone_boundary=3") == "zone_boundary=3"
    assert config_of("npfn=8,max_order=3,zone_boundary=5").zone_boundary == 5
    # one zone builds the model it built before the key existed
    assert build_model(ModelKey("none", config="zone_boundary=0")).digest == build_model(ModelKey("none")).digest
    assert all(c.zone_boundary == 0 for c in CONFIGS.values() if c.name != "tiny-zones")


@pytest.mark.parametrize(("design", "era", "text", "expected"), [
    ("none", "5.10", "zone_boundary=4", "zone_boundary = 4; the boundary between zone 0 [0, K) and zone 1"),
    ("none", "5.10", "zone_boundary=-1", "must be 0 < K < npfn = 4 (or 0: one zone)"),
    ("none", "5.10", "base=small,ncpu=1,zone_boundary=7", "puts the CMA area (the last MAX_ORDER range, pfns 4..7)"),
    ("v9", "5.3", "zone_boundary=1", "zone_boundary (two zones) is modelled for designs none and merged"),
    ("v10", "5.3", "zone_boundary=1", "design v10 keeps one zone's reporting flags and boundaries"),
])
def test_a_bad_zone_boundary_is_one_error_naming_the_key(design: str, era: str, text: str, expected: str,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises((ConfigError, SpecError)) as e:
        build_model(ModelKey(design, None, era, text))
    assert expected in str(e.value) and "zone_boundary" in str(e.value)
    assert main(["check", "--design", design, "--kernel", era, "--config", text]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_bad_zone_boundary_in_a_project_table_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[tool.reportcheck.configs.two]\nzone_boundary = 9\n\n'
                    '[[tool.reportcheck.designs]]\ndesign = "none"\nrefuted = []\n')
    with pytest.raises(UsageError) as e:
        ci_config.load(path)
    assert "config two: zone_boundary = 9" in str(e.value)
    assert main(["list", "--pyproject", str(path)]) == 2
    err = capsys.readouterr().err
    assert "zone_boundary = 9" in err and err.count("\n") == 1


def test_each_zone_has_its_own_free_lists_and_counters() -> None:
    """tiny-zones after boot: zone 0 is pfn 0 (an order-0 chunk: its buddy pfn 1 is in zone 1),
    zone 1 pfns 1-3 (pfn 1 alone, 2-3 an order-1 chunk); each zone counts its own."""
    model = build_model(ModelKey("none", None, "5.10", "tiny-zones"))
    assert [d.name for d in model.var("nr_free").dims] == ["zone", "order"]
    s = state_after("none", "5.10", "tiny-zones", [])
    assert s["where"] == ["BUDDY", "BUDDY", "BUDDY", "TAIL"] and s["order"] == ["0", "0", "1", "0"]
    assert s["nr_free"] == ["1", "0", "1", "1"] and s["nr_free_pages"] == ["1", "3"]
    # both order-0 pages head their own zone's MOVABLE list
    assert s["pos"][:2] == ["0", "0"]


@pytest.mark.parametrize("era", ZONE_ERAS)
def test_a_merge_stops_at_the_zone_boundary(era: str) -> None:
    """pfn 1 (zone 1) is freed next to its free buddy pfn 0 (zone 0): page_is_buddy() refuses
    ("page_zone_id(page) != page_zone_id(buddy)"), so it stays an order-0 chunk of zone 1."""
    steps: list[tuple[str, dict[str, object]]] = [
        ("rmqueue_bulk", {"cpu": 0, "migratetype": M, "zone": "zone 1"}),  # pfn 1 to zone 1's pcp list
        ("rmqueue_pcplist", {"cpu": 0, "migratetype": M, "zone": "zone 1"}),
        ("free_unref_page_prepare", {"pfn": 1}),
        ("free_unref_page_commit", {"pfn": 1, "cpu": 0, **({"pcp_trylock": "failed"} if ERAS[era].pcp_trylock
                                                           else {})}),
    ]
    if not ERAS[era].pcp_trylock:
        steps.append(("free_pcppages_bulk", {"cpu": 0, "migratetype": M, "zone": "zone 1"}))
    s = state_after("none", era, "tiny-zones", steps)
    assert s["where"][:2] == ["BUDDY", "BUDDY"] and s["order"][:2] == ["0", "0"]
    assert s["nr_free"] == ["1", "0", "1", "1"]


@pytest.mark.parametrize("era", ZONE_ERAS)
def test_a_steal_of_a_straddling_pageblock(era: str) -> None:
    """An UNMOVABLE request in zone 0 steals pfn 0 from MOVABLE pageblock 0 (pfns 0-1, pfn 1 in
    zone 1).  Before 6.10 move_freepages_block() returns 0 ("if (!zone_spans_pfn(zone,
    end_pfn)) return 0;") and steal_suitable_fallback() takes the one page ("moving whole block
    can fail due to zone boundary conditions: if (!free_pages) goto single_page"), the block
    stays MOVABLE; 6.10's prep_move_freepages_block() refuses the block and single_page takes
    the page off the block's own list.  Either way the block keeps its type."""
    boot = state_after("none", era, "tiny-zones", [])["pb_mt"]  # 3.16: both RESERVE (setup_zone_migrate_reserve)
    s = state_after("none", era, "tiny-zones", [("rmqueue_bulk", {"cpu": 0, "migratetype": U, "zone": "zone 0"})])
    assert s["pb_mt"] == boot
    assert s["where"][0] == "PCP" and s["list_mt"][0] == "UNMOVABLE"
    # the same request in zone 1 pivots at pfn 1, the zone's first page: before 6.10 the walk
    # starts there ("start_page = page") and claims the block, pfn 0's block, for zone 1
    s = state_after("none", era, "tiny-zones", [
        ("rmqueue_buddy", {"order": 1, "migratetype": M, "zone": "zone 1"}),  # pfns 2-3: only pfn 1 is left
        ("rmqueue_bulk", {"cpu": 0, "migratetype": U, "zone": "zone 1"})])
    assert s["where"][1] == "PCP"
    assert s["pb_mt"][0] == (boot[0] if ERAS[era].straddle_refused else "UNMOVABLE")


# (design, era) -> (reachable states, transitions) on tiny-zones, and the claims it refutes
# with the steps of the shortest counterexample (every other claim proved)
PINNED_TINY_ZONES = {
    ('none', '3.16'): (4_468, 23_996),
    ('none', '5.3'): (12_866, 79_193),
    ('none', '5.7'): (12_698, 78_229),
    ('merged', '5.7'): (128_716, 906_790),
    ('none', '5.10'): (12_698, 78_229),
    ('merged', '5.10'): (128_716, 906_790),
    ('none', '5.11'): (15_008, 94_487),
    ('merged', '5.11'): (152_908, 1_096_566),
    ('none', '5.18'): (15_008, 94_487),
    ('none', '5.19'): (15_008, 94_487),
    ('merged', '5.18'): (152_908, 1_096_566),
    ('merged', '5.19'): (152_908, 1_096_566),
    ('none', '6.1'): (15_022, 134_062),
    ('none', '6.3'): (15_022, 134_062),
    ('merged', '6.1'): (153_048, 1_497_344),
    ('merged', '6.3'): (153_048, 1_497_344),
    ('none', '6.6'): (15_022, 134_062),
    ('merged', '6.6'): (153_048, 1_497_344),
    ('none', '6.8'): (15_022, 134_062),
    ('merged', '6.8'): (153_048, 1_497_344),
    ('none', '6.10'): (5_835, 50_092),
    ('merged', '6.10'): (59_590, 562_783),
}
# Before 6.10 an UNMOVABLE steal of pfn 0 from zone 0 cannot move straddling block 0
# ("return 0") and takes the page alone onto the UNMOVABLE list of a MOVABLE block: its next
# free (free_pcppages_bulk) puts it back there.  6.10 takes the single page off its own list
# (expand onto the block's type) and frees by the block's type read under the lock.
# 3.16's boot already breaks it (0 steps): setup_zone_migrate_reserve() makes zone 0's first
# block, straddling block 0, MIGRATE_RESERVE, and its move_freepages_block() returns 0 (the
# block's end is in zone 1), so pfns 0 and 1 stay on the MOVABLE lists of a RESERVE block.
# Merged reporting adds nothing: its claims hold on every release.
FINDINGS_TINY_ZONES = {key: ({} if ERAS[key[1]].claim_moves else
                             {"free_list_matches_pageblock": 0 if ERAS[key[1]].migrate_reserve else 2})
                       for key in PINNED_TINY_ZONES}


def unreached_tiny_zones(design: str, era: str) -> set[str]:
    """The read sites tiny-zones cannot reach, each for a reason of its shape: a merge of two
    pageblocks would make an order-2 chunk, above its MAX_ORDER-1 of 1 (as on tiny); and
    without reporting, from 5.11 un-isolation puts nothing back -- the isolated range 1's only
    chunk is order 1, the top order, which it leaves in place (as on tiny; from 5.19 its buddy
    pfn 0 is no free order-1 chunk of the zone either: find_buddy_page_pfn())."""
    sites = {"__free_one_page: merging buddies of two pageblocks"}
    if design == "none" and ERAS[era].unisolate_below_max:
        sites.add('__putback_isolated_page: "Return isolated page to tail of freelist."')
    return sites


# the default run explores allocator-only every release (a second or less each) and merged
# on its first release, the trylock era and 6.10; merged's other releases (2 s each) are deep
DEFAULT_MERGED = {"5.7", "6.1", "6.10"}


@pytest.mark.slow
@pytest.mark.parametrize("design,era", [
    pytest.param(*k, marks=() if k[0] == "none" or k[1] in DEFAULT_MERGED else pytest.mark.deep)
    for k in sorted(PINNED_TINY_ZONES)])
def test_tiny_zones_is_explored_in_full_on_every_release(design: str, era: str) -> None:
    verdicts, res = explore(design, era, "tiny-zones")
    assert res.complete
    assert (res.states, res.transitions) == PINNED_TINY_ZONES[(design, era)]
    refuted = {name: len(v.trace.steps) for name, v in verdicts.items() if v.kind == "refuted" and v.trace}
    assert refuted == FINDINGS_TINY_ZONES[(design, era)]
    assert verdicts["chunk_within_one_zone"].kind == "proved"
    # 3.16: both pageblocks are MIGRATE_RESERVE after boot, and only MOVABLE and CMA blocks are isolated
    isolation = {"start_isolate_page_range", "drain_all_pages", "test_pages_isolated", "undo_isolate_page_range"}
    assert {a for a, n in res.action_fired.items() if n == 0} == (isolation if ERAS[era].migrate_reserve else set())
    assert {s for hits in res.site_hits.values() for s, n in hits.items() if n == 0} == unreached_tiny_zones(design, era)


def test_tiny_zones_builds_for_designs_none_and_merged_only() -> None:
    for era in ERAS:
        for design in ("none", "merged", "v9", "v10"):
            if design not in ERAS[era].designs:
                continue
            key = ModelKey(design, None, era, "tiny-zones")
            if (design, era) in PINNED_TINY_ZONES:
                assert build_model(key).config.zone_boundary == 1
            else:
                with pytest.raises(SpecError, match="zone_boundary"):
                    build_model(key)


@pytest.mark.parametrize(("design", "era", "claim"), [("none", "5.10", "chunk_within_one_zone"),
                                                      ("merged", "5.7", "index_trusted")])
def test_the_proof_for_every_size_says_it_cannot_take_two_zones(design: str, era: str, claim: str) -> None:
    """Two zones boot from the configuration's own list of free chunks (spec/zones.py
    boot_chunks), so no proof for every zone size covers them: unknown (never proved),
    why, and which engine to use, before any query.  (The reason used to be that the
    per-zone counters are arrays of two dimensions; but those are sliced out of the
    proof, and with that check relaxed merged's trust claims were "proved for every zone
    size" from a 4-page boot state.)"""
    from checker.engines.registry import ENGINES, RunOptions
    from checker.interp.concrete import Interpreter
    from checker.results.verdict import UnknownReason

    model = build_model(ModelKey(design, None, era, "tiny-zones"))
    (v,), stats = ENGINES["proof"].run(Interpreter(model), [claim], RunOptions())
    assert v.kind == "unknown" and v.reason is UnknownReason.NOT_TRANSLATABLE
    assert "two zones" in v.scope and "--engine explicit" in v.scope
    assert stats.queries == 0


@pytest.mark.parametrize("era", ZONE_ERAS)
def test_the_pivot_walk_leaves_the_zone_start_behind_until_6_10(era: str) -> None:
    """pageblock4 split at pfn 1: zone 1 is pfns 1-3 of the one pageblock 0-3.  An UNMOVABLE
    request in zone 1 steals the order-1 chunk 2-3.  Before 6.10 move_freepages_block() walks
    from the pivot pfn 2 ("if (!zone_spans_pfn(zone, start_pfn)) start_page = page;"), claims the
    block and leaves pfn 1 -- zone 1's own page -- on the MOVABLE list ("the function cuts the
    range to the pivot page instead of the zone start"); 6.10 refuses the straddling block and
    takes the chunk alone, the block stays MOVABLE."""
    movable = {} if ERAS[era].try_to_steal_freepages else {"movable_pages": 0}  # 3.16 counts free pages only
    s = state_after("none", era, "base=pageblock4,zone_boundary=1",
                    [("rmqueue_bulk", {"cpu": 0, "migratetype": U, "zone": "zone 1", **movable})])
    assert s["where"][:3] == ["BUDDY", "BUDDY", "PCP"] and s["list_mt"][1] == "MOVABLE"
    if ERAS[era].straddle_refused:
        assert s["pb_mt"] == ["MOVABLE"] and s["list_mt"][3] == "MOVABLE"
    else:
        assert s["pb_mt"] == ["UNMOVABLE"] and s["list_mt"][3] == "UNMOVABLE"


HIGHATOMIC_ZONES = "base=highatomic,zone_boundary=2"  # zone 0: MOVABLE block 0; zone 1: the CMA block


@pytest.mark.parametrize("era", HIGHATOMIC_ERAS)
def test_each_zone_keeps_its_own_highatomic_reserve(era: str) -> None:
    """zone->nr_reserved_highatomic is per zone: a high-order atomic allocation from zone 0
    reserves zone 0's block and counts it there (from 6.8 a zone under 100 pageblocks reserves
    nothing), and unreserve_highatomic_pageblock() walks one zone of the zonelist."""
    steps: list[tuple[str, dict[str, object]]] = [
        ("rmqueue_buddy", {"order": 1, "migratetype": M, "zone": "zone 0", "alloc_flags": "highatomic"}),
        ("reserve_highatomic_pageblock", {})]
    s = state_after("none", era, HIGHATOMIC_ZONES, steps)
    if ERAS[era].highatomic_min_zone:
        assert s["nr_reserved_highatomic"] == ["0", "0"] and s["pb_mt"][0] == "MOVABLE"
        return
    assert s["nr_reserved_highatomic"] == ["2", "0"] and s["pb_mt"] == ["HIGHATOMIC", "CMA"]
    freed = state_after("none", era, HIGHATOMIC_ZONES, [
        *steps, ("__free_pages_ok", {"pfn": 0}), ("free_one_page", {"pfn": 0}),
        ("unreserve_highatomic_pageblock", {"migratetype": U, "force": "true", "zone": "zone 0"})])
    assert freed["nr_reserved_highatomic"] == ["0", "0"] and freed["pb_mt"] == ["UNMOVABLE", "CMA"]
    assert freed["list_mt"][0] == "UNMOVABLE"


@pytest.mark.slow
@pytest.mark.parametrize("era", ["3.16", "5.10", "6.10"])
def test_both_explicit_backends_agree_on_two_zones(era: str) -> None:
    """The per-zone arrays (two dimensions) and the boot's literal writes compile to C as the
    Python interpreter runs them: the same states, transitions, firings, read-site hits and
    traces (tests/test_compiled_search.py's check)."""
    from test_compiled_search import both

    py, _ = both(ModelKey("none", None, era, "tiny-zones"))
    assert (py.states, py.transitions) == PINNED_TINY_ZONES[("none", era)]


MERGED_ERAS = [e for e in ERAS if "merged" in ERAS[e].designs]


@pytest.mark.parametrize("era", MERGED_ERAS)
def test_merged_reporting_walks_zone_after_zone(era: str) -> None:
    """page_reporting_process(): "for_each_zone(zone) { err = page_reporting_process_zone(prdev,
    sgl, zone); ..}" -- zone 0's lists, then zone 1's, each zone's leftover drained before the
    next: the order-1 chunk 2-3 freed in zone 1 is reported once zone 0 (no order-1 chunk) is
    done."""
    free = [("rmqueue_buddy", {"order": 1, "migratetype": M, "zone": "zone 1"}),
            ("__free_pages_ok", {"pfn": 2}), ("free_one_page", {"pfn": 2}),  # notify: order 1 >= MIN
            ("page_reporting_process", {}),
            ("page_reporting_cycle", {}), ("page_reporting_cycle", {})]  # zone 0: (1, UNMOVABLE), (1, MOVABLE)
    s = state_after("merged", era, "tiny-zones", free)
    assert s["worker_zone"] == ["zone 1"] and s["worker"] == ["scanning"]
    done = state_after("merged", era, "tiny-zones", [
        *free, ("page_reporting_cycle", {}), ("page_reporting_cycle", {}),  # zone 1: pfn 2 isolated
        ("page_reporting_drain", {})])  # the leftover back, Reported; zone 1 was the last zone
    assert done["reported"][2] == "true" and done["worker"] == ["idle"] and done["worker_zone"] == ["zone 0"]


@pytest.mark.slow
def test_bmc_finds_the_straddling_steal_at_the_explicit_engines_length() -> None:
    """The symbolic step takes the per-zone arrays too: BMC's shortest refutation of
    free_list_matches_pageblock on tiny-zones is the explicit engine's 2 steps, replayed."""
    from checker.engines.registry import ENGINES, RunOptions
    from checker.interp.concrete import Interpreter

    model = build_model(ModelKey("none", None, "5.10", "tiny-zones"))
    (v,), _ = ENGINES["bmc"].run(Interpreter(model), ["free_list_matches_pageblock"], RunOptions(depth=3))
    assert v.kind == "refuted" and v.trace is not None and len(v.trace.steps) == 2


@pytest.mark.parametrize("era", ["5.10", "6.10"])
def test_a_range_the_boundary_cuts_is_never_isolated(era: str) -> None:
    """offline_pages(): "multizone range" -> -EINVAL: on tiny-zones range 0 (pfns 0-1, cut at
    pfn 1) is never isolated, range 1 (pfns 2-3, all zone 1) is."""
    from checker.interp.concrete import Interpreter

    model = build_model(ModelKey("none", None, era, "tiny-zones"))
    interp = Interpreter(model)
    isolated = {interp.args_dict(model.actions[t.action], t.args)["range"]
                for t in interp.successors(interp.initial())
                if model.actions[t.action].name == "start_isolate_page_range"}
    assert isolated == {"1"}

