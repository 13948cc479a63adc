"""The watermark checks of free page reporting (config tiny-wmark: min = low = 0 pages):
__isolate_free_page() refuses a chunk unless NR_FREE_PAGES exceeds min + the chunk, and
page_reporting_process_zone() skips the zone unless it exceeds low + (capacity <<
page_reporting_min_order).  On tiny (no watermarks) both always pass."""

from __future__ import annotations

import pytest
from conftest import state_after

from spec import ERAS, ModelKey, build_model
from spec.configs import CONFIGS, ConfigError, validate

MERGED_ERAS = [e for e in ERAS if "merged" in ERAS[e].designs]
M = "MOVABLE"


def run(era: str, config: str, steps: list[tuple[str, dict[str, object]]]) -> dict[str, list[str]]:
    """The state after taking ``steps`` from merged's zone after boot (each must be enabled)."""
    return state_after("merged", era, config, steps)


# the zone after boot: two free order-1 chunks (pfns 0 and 2), NR_FREE_PAGES 4
TAKE_ONE = ("rmqueue_buddy", {"order": 1, "migratetype": M})


@pytest.mark.parametrize("era", MERGED_ERAS)
def test_a_chunk_the_min_watermark_refuses_ends_the_pass(era: str) -> None:
    """Free the chunk at pfn 0 (reporting is requested), start the work with 4 pages free,
    then another user takes one of the two chunks: 2 pages free, not above min + 2, so
    __isolate_free_page() refuses the other and the work ends with nothing reported."""
    steps = [TAKE_ONE, ("__free_pages_ok", {"pfn": 0}), ("free_one_page", {"pfn": 0}),
             ("page_reporting_process", {})]
    taken = run(era, "tiny-wmark", steps)
    assert taken["where"][0] == taken["where"][2] == "BUDDY" and taken["worker"] == ["scanning"]
    # one pass over the UNMOVABLE list (empty), one over the MOVABLE list
    last = [TAKE_ONE, ("page_reporting_cycle", {}), ("page_reporting_cycle", {})]
    refused = run(era, "tiny-wmark", steps + last)
    assert "REPORTING" not in refused["where"] and refused["worker"] == ["idle"]
    assert refused["reporting_state"] == ["IDLE"]
    # without watermarks the same steps put the free chunk in the scatterlist
    assert "REPORTING" in run(era, "tiny", steps + last)["where"]


@pytest.mark.parametrize("era", MERGED_ERAS)
def test_the_low_watermark_skips_the_zone(era: str) -> None:
    """Reporting requested with 2 pages free: not above low + (1 << 1), so
    page_reporting_process_zone() returns at once and the work goes idle."""
    steps = [TAKE_ONE, ("__free_pages_ok", {"pfn": 0}), ("free_one_page", {"pfn": 0}), TAKE_ONE,
             ("page_reporting_process", {})]
    skipped = run(era, "tiny-wmark", steps)
    assert skipped["worker"] == ["idle"] and skipped["reporting_state"] == ["IDLE"]
    assert run(era, "tiny", steps)["worker"] == ["scanning"]


@pytest.mark.parametrize("fields,key", [({"wmark_min": 0}, "wmark_low"), ({"wmark_min": 2, "wmark_low": 1}, "wmark_low"),
                                        ({"wmark_min": 9, "wmark_low": 9}, "wmark_min")])
def test_a_bad_watermark_names_the_key(fields: dict[str, int], key: str) -> None:
    import dataclasses

    with pytest.raises(ConfigError, match=key):
        validate(dataclasses.replace(CONFIGS["tiny"], **fields))  # type: ignore[arg-type]


# era -> (reachable states, transitions) of merged on tiny-wmark, and the claims refuted
# there: tiny's findings, no more (tiny: 322,938 .. 552,812 states, see test_explicit.PINNED)
PINNED_WMARK = {
    '5.7': (325_024, 2_354_320), '5.10': (325_162, 2_355_102), '5.11': (418_274, 3_092_806),
    '5.18': (418_274, 3_092_806), '5.19': (418_274, 3_092_806), '6.1': (418_514, 3_964_306), '6.3': (418_514, 3_964_306),
    '6.6': (418_514, 3_964_306), '6.8': (418_514, 3_964_306), '6.10': (347_644, 3_249_865),
}
FINDINGS_WMARK = {era: ({} if era == "6.10" else {"free_list_matches_pageblock": 4, **(
    {"putback_at_tail": 2} if era == "5.7" else {})}) for era in PINNED_WMARK}


@pytest.mark.slow
@pytest.mark.parametrize("era", [pytest.param(e, marks=() if e in ("5.7", "6.10") else pytest.mark.deep)
                                 for e in PINNED_WMARK])
def test_merged_with_watermarks_is_explored_in_full(era: str) -> None:
    from conftest import explore

    verdicts, res = explore("merged", era, "tiny-wmark")
    assert res.complete and (res.states, res.transitions) == PINNED_WMARK[era]
    refuted = {name: len(v.trace.steps) for name, v in verdicts.items() if v.kind == "refuted" and v.trace}
    assert refuted == FINDINGS_WMARK[era]
    assert all(n > 0 for n in res.action_fired.values())


def test_only_merged_reporting_reads_the_watermarks() -> None:
    """none has no reporting; v9 and v10 keep no watermark check in the model: their models
    on tiny-wmark are tiny's."""
    for design, era in (("none", "5.10"), ("none", "6.10"), ("v9", "5.3"), ("v10", "5.3")):
        assert repr(build_model(ModelKey(design, None, era, "tiny-wmark")).actions) == \
            repr(build_model(ModelKey(design, None, era, "tiny")).actions)
    assert repr(build_model(ModelKey("merged", None, "5.10", "tiny-wmark")).actions) != \
        repr(build_model(ModelKey("merged", None, "5.10", "tiny")).actions)
