"""page_reporting_cycle()'s budget (merged, every release from 5.7): "budget =
DIV_ROUND_UP(area->nr_free, PAGE_REPORTING_CAPACITY * 16)" report() calls per list, and at
an unreported page with the budget spent "update our state to indicate that we are
requesting additional processing and exit this list" (d2932bdb681c, v5.7-rc1).

With a capacity of 1 and fewer than 17 free chunks of the list's order the budget is 1, so
the list is left at the third unreported chunk it would put in the scatterlist, after two
report() calls.  No named configuration has three free chunks of one list at once: tiny has
two order-1 chunks; the zone ``npfn=8`` (tiny with eight pages) has four."""

from __future__ import annotations

import pytest
from conftest import state_after

from spec import ERAS

MERGED_ERAS = [e for e in ERAS if "merged" in ERAS[e].designs]
M = "MOVABLE"
EIGHT = "npfn=8"

# ask for reporting (take the order-1 chunk at pfn 0 and free it), start the work, pass the
# empty UNMOVABLE list of order 1, then the MOVABLE one: chunk 0 is isolated and the
# scatterlist (capacity 1) is full at chunk 2, so report() is called
FIRST_REPORT = [("rmqueue_buddy", {"order": 1, "migratetype": M}), ("__free_pages_ok", {"pfn": 0}),
                ("free_one_page", {"pfn": 0}), ("page_reporting_process", {}),
                ("page_reporting_cycle", {}), ("page_reporting_cycle", {})]
DRAIN = ("page_reporting_drain", {})


def reported_chunks(state: dict[str, list[str]]) -> list[int]:
    return [p for p, r in enumerate(state["reported"]) if r == "true"]


@pytest.mark.parametrize("era", MERGED_ERAS)
def test_the_budget_ends_the_list_after_two_reports(era: str) -> None:
    """On eight pages: report() of chunk 0 (budget 1), then of chunk 2 (budget 0); back from
    the second, chunk 4 is unreported with the budget at -1, so the worker leaves the list,
    sets REQUESTED again and, this being the last list, ends idle with the work requested:
    chunks 4 and 6 wait for the next pass."""
    first = state_after("merged", era, EIGHT, FIRST_REPORT)
    assert first["worker"] == ["in_report"] and first["report_budget"] == ["1"]
    assert first["where"][0] == "REPORTING"
    second = state_after("merged", era, EIGHT, [*FIRST_REPORT, DRAIN])
    assert second["worker"] == ["in_report"] and second["report_budget"] == ["0"]
    assert reported_chunks(second) == [0] and second["where"][2] == "REPORTING"
    spent = state_after("merged", era, EIGHT, [*FIRST_REPORT, DRAIN, DRAIN])
    assert spent["worker"] == ["idle"] and spent["reporting_state"] == ["REQUESTED"]
    assert reported_chunks(spent) == [0, 2] and spent["report_budget"] == ["0"]
    assert [spent["where"][p] for p in (4, 6)] == ["BUDDY", "BUDDY"]
    # the next pass starts where this one stopped
    again = state_after("merged", era, EIGHT, [*FIRST_REPORT, DRAIN, DRAIN, ("page_reporting_process", {}),
                                               ("page_reporting_cycle", {}), ("page_reporting_cycle", {})])
    assert again["worker"] == ["in_report"] and again["report_budget"] == ["1"]
    assert [again["where"][p] for p in (4, 6)] == ["REPORTING", "BUDDY"]


@pytest.mark.parametrize("era", MERGED_ERAS)
def test_two_chunks_are_reported_within_the_budget(era: str) -> None:
    """tiny's two order-1 chunks: one report() in the list, the other chunk goes in the
    leftover scatterlist that page_reporting_process_zone() reports after the last list."""
    back = state_after("merged", era, "tiny", [*FIRST_REPORT, DRAIN])
    assert back["worker"] == ["leftover"] and back["report_budget"] == ["0"]
    done = state_after("merged", era, "tiny", [*FIRST_REPORT, DRAIN, DRAIN])
    assert done["worker"] == ["idle"] and done["reporting_state"] == ["IDLE"] and reported_chunks(done) == [0, 2]
