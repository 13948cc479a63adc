"""rmqueue()'s buddy path as each release has it (spec/page_alloc.py buddy_orders,
spec/highatomic.py act_rmqueue_buddy):

- from v6.0 (4b23a68f9536 "mm/page_alloc: protect PCP lists with a spinlock") an order-0
  request that rmqueue_pcplist() did not serve -- its pcp_spin_trylock() failed, or its empty
  list could not be refilled -- goes on to rmqueue_buddy() ("if (likely(page)) goto out;",
  before "goto out;" whatever the pcp list gave);
- from v6.3 (eb2e2b425c69) an OOM victim's allocation (ALLOC_OOM) whose __rmqueue() finds
  nothing takes a chunk from the MIGRATE_HIGHATOMIC lists: the era 6.3, the same as 6.1 on
  every configuration without HIGHATOMIC."""

from __future__ import annotations

import pytest
from conftest import state_after

from checker.interp.concrete import StepError
from spec import ERAS

M, U = "MOVABLE", "UNMOVABLE"
ORDER_0 = ("rmqueue_buddy", {"order": 0, "migratetype": M})


@pytest.mark.parametrize("era", [e for e in ERAS if "none" in ERAS[e].designs])
def test_an_order_0_page_comes_from_the_buddy_lists_from_6_0(era: str) -> None:
    """tiny after boot: the order-1 chunk at pfn 0 is split, pfn 0 handed out and pfn 1 left
    free -- straight from the buddy lists, no pcp list on the way -- from 6.0 only."""
    if not ERAS[era].pcp_trylock:
        with pytest.raises(StepError, match="not enabled"):
            state_after("none", era, "tiny", [ORDER_0])
        return
    got = state_after("none", era, "tiny", [ORDER_0])
    assert got["where"][:2] == ["ALLOC", "BUDDY"] and got["order"][:2] == ["0", "0"]
    assert "PCP" not in got["where"]


# highatomic after boot: block 0 MOVABLE (a free order-1 chunk), block 1 CMA.  Reserve block
# 0 with an atomic allocation and free the chunk back onto the HIGHATOMIC list, then take the
# CMA chunk: only the reserve is left
ATOMIC = ("rmqueue_buddy", {"order": 1, "migratetype": M, "alloc_flags": "highatomic"})
RESERVED = [ATOMIC, ("reserve_highatomic_pageblock", {}), ("__free_pages_ok", {"pfn": 0}),
            ("free_one_page", {"pfn": 0}), ("rmqueue_buddy", {"order": 1, "migratetype": M, "alloc_flags": "normal"})]
WITH_OOM = [e for e in ERAS if ERAS[e].highatomic_oom and not ERAS[e].highatomic_min_zone]


def oom(order: int, mt: str = U) -> tuple[str, dict[str, object]]:
    return ("rmqueue_buddy", {"order": order, "migratetype": mt, "alloc_flags": "oom"})


@pytest.mark.parametrize("era", WITH_OOM)
def test_an_oom_victim_takes_the_reserve_when_nothing_else_is_left(era: str) -> None:
    """With only the HIGHATOMIC chunk free, an UNMOVABLE allocation fails, and one with
    ALLOC_OOM takes the reserve: at order 1, and (from 6.0's order-0 buddy path) at order 0,
    splitting the reserved chunk on its own list; the reserve count stays."""
    left = state_after("none", era, "highatomic", RESERVED)
    assert left["where"][:3] == ["BUDDY", "TAIL", "ALLOC"] and left["list_mt"][0] == "HIGHATOMIC"
    with pytest.raises(StepError, match="not enabled"):
        state_after("none", era, "highatomic", [*RESERVED, ("rmqueue_buddy", {"order": 1, "migratetype": U,
                                                                           "alloc_flags": "normal"})])
    whole = state_after("none", era, "highatomic", [*RESERVED, oom(1)])
    assert whole["where"][0] == "ALLOC" and whole["nr_reserved_highatomic"] == ["2"]
    assert whole["highatomic_pending"] == ["none"]  # an OOM allocation reserves nothing
    half = state_after("none", era, "highatomic", [*RESERVED, oom(0)])
    assert half["where"][:2] == ["ALLOC", "BUDDY"] and half["list_mt"][1] == "HIGHATOMIC"


@pytest.mark.parametrize("era", WITH_OOM)
def test_an_oom_allocation_that_finds_a_normal_chunk_is_a_normal_one(era: str) -> None:
    """ALLOC_OOM only matters once __rmqueue() failed: with block 0's chunk free an OOM
    allocation is not a separate step (the normal one is that step)."""
    with pytest.raises(StepError, match="not enabled"):
        state_after("none", era, "highatomic", [oom(1, M)])


@pytest.mark.parametrize("era", [e for e in ERAS if not ERAS[e].highatomic_oom and not ERAS[e].migrate_reserve])
def test_before_6_3_there_is_no_oom_fallback(era: str) -> None:
    with pytest.raises(StepError, match="oom"):
        state_after("none", era, "highatomic", [*RESERVED, oom(1)])
