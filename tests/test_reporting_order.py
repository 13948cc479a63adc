"""page_reporting_order as its own configuration key (v5.14+, modelled from 5.18: the 5.11
era straddles 5.14): config tiny-report0 reports from order 0 where tiny reports from
pageblock_order 1.  The default (-1) keeps every model as it was."""

from __future__ import annotations

import pytest
from conftest import explore, state_after

from checker.cli.main import main
from spec import ERAS, ModelKey, build_model
from spec.validate import SpecError

CONFIG = "tiny-report0"
ORDER_ERAS = [e for e in ERAS if ERAS[e].reporting_order]


def run(era: str, config: str, steps: list[tuple[str, dict[str, object]]]) -> dict[str, list[str]]:
    """The state after taking ``steps`` from merged's zone after boot (each must be enabled)."""
    return state_after("merged", era, config, steps)


@pytest.mark.parametrize("era", ORDER_ERAS)
def test_an_order_0_free_asks_for_reporting_only_below_pageblock_order_when_set(era: str) -> None:
    """page_reporting_notify_free(0): "if (order < page_reporting_order) return;" -- take both
    pages of the order-1 chunk at pfn 0 through the pcp list (pfn 0 allocated, pfn 1 on the
    list) and drain pfn 1 to the buddy lists: with page_reporting_order 0 that free asks for
    reporting, with tiny's pageblock_order 1 it does not."""
    steps = [("rmqueue_bulk", {"cpu": 0, "migratetype": "MOVABLE"}),
             ("rmqueue_pcplist", {"cpu": 0, "migratetype": "MOVABLE"}),
             ("rmqueue_bulk", {"cpu": 0, "migratetype": "MOVABLE"}),
             ("free_pcppages_bulk", {"cpu": 0, "migratetype": "MOVABLE"})]
    asked = run(era, CONFIG, steps)
    assert asked["where"][1] == "BUDDY" and asked["order"][1] == "0" and asked["reporting_state"] == ["REQUESTED"]
    assert run(era, "tiny", steps)["reporting_state"] == ["IDLE"]
    # the work starts at order 0
    assert run(era, CONFIG, [*steps, ("page_reporting_process", {})])["worker_order"] == ["0"]


@pytest.mark.parametrize("era", [e for e in ERAS if "merged" in ERAS[e].designs and not ERAS[e].reporting_order])
def test_reporting_before_5_18_refuses_a_page_reporting_order(era: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SpecError, match="page_reporting_order is v5.14"):
        build_model(ModelKey("merged", None, era, CONFIG))
    assert main(["check", "--design", "merged", "--kernel", era, "--config", "page_reporting_order=0"]) == 2
    err = capsys.readouterr().err
    assert "page_reporting_order" in err and "--kernel 5.18" in err and err.count("\n") == 1


def test_v9_and_v10_refuse_it_naming_their_release(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--design", "v10", "--config", "page_reporting_order=0"]) == 2
    assert "posted on 5.3" in capsys.readouterr().err


def test_the_allocator_alone_ignores_it_and_the_default_changes_nothing() -> None:
    for era in ("5.3", "5.10", "6.10"):
        assert repr(build_model(ModelKey("none", None, era, CONFIG)).actions) == \
            repr(build_model(ModelKey("none", None, era, "tiny")).actions)
    merged = build_model(ModelKey("merged", None, "6.10", "page_reporting_order=1"))
    assert repr(merged.actions) != repr(build_model(ModelKey("merged", None, "6.10", "tiny")).actions)


def test_a_proof_for_every_size_assumes_max_order_above_it() -> None:
    from spec.expr import Cfg, Lit

    model = build_model(ModelKey("merged", None, "6.10", CONFIG))
    assert repr(Lit(0) < Cfg("max_order")) in {repr(a) for a in model.assumptions}


# era -> (reachable states, transitions) of merged on tiny-report0, and the claims refuted
PINNED_REPORT0: dict[str, tuple[int, int]] = {
    '5.18': (1_539_444, 11_104_116),
    '5.19': (1_539_444, 11_104_116),
    '6.1': (1_540_040, 14_129_528),
    '6.3': (1_540_040, 14_129_528),
    '6.6': (1_540_040, 14_129_528),
    '6.8': (1_540_040, 14_129_528),
    '6.10': (1_331_216, 12_126_065),
}
# (tiny's findings: the cached era's stale-type race, none on 6.10)
FINDINGS_REPORT0: dict[str, dict[str, int]] = {
    '5.18': {'free_list_matches_pageblock': 4},
    '5.19': {'free_list_matches_pageblock': 4},
    '6.1': {'free_list_matches_pageblock': 4},
    '6.3': {'free_list_matches_pageblock': 4},
    '6.6': {'free_list_matches_pageblock': 4},
    '6.8': {'free_list_matches_pageblock': 4},
    '6.10': {},
}


@pytest.mark.slow
@pytest.mark.deep  # 1.3-1.5 million states a row; the concrete tests above reach each new path
@pytest.mark.parametrize("era", list(PINNED_REPORT0))
def test_merged_reporting_from_order_0_is_explored_in_full(era: str) -> None:
    verdicts, res = explore("merged", era, CONFIG)
    assert res.complete and (res.states, res.transitions) == PINNED_REPORT0[era]
    refuted = {name: len(v.trace.steps) for name, v in verdicts.items() if v.kind == "refuted" and v.trace}
    assert refuted == FINDINGS_REPORT0[era]
    assert all(n > 0 for n in res.action_fired.values())
    # tiny's two pageblocks never merge (max_order 2), whatever the reporting order
    assert {s for hits in res.site_hits.values() for s, n in hits.items() if n == 0} == \
        {"__free_one_page: merging buddies of two pageblocks"}
