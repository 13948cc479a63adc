"""The claims, named after what they claim (the README's "Claims (invariants)" table).

A claim is a state predicate, a set of read sites (``Check`` statements inside actions
that name the claim), or both.  Which claims a model carries depends on its design.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from spec.designs.v9 import V9
from spec.designs.v10 import V10
from spec.expr import And, Count, Expr, Forall, Implies, Lit, Name, Or
from spec.free_lists import (
    index,
    index_by,
    isolation,
    list_mt,
    nr_free,
    nr_free_cma,
    nr_free_pages,
    order_of,
    pb_mt,
    pcp_disabled_by,
    pos,
    reported,
    where,
)
from spec.ir import Invariant
from spec.kernel import (
    ALLOC,
    BUDDY,
    BY_PCP,
    BY_REPORTED_MT,
    BY_SLOT,
    BY_SLOT_PENDING,
    CMA,
    FREEING,
    I_TESTED,
    ISOLATE,
    MIGRATE_TYPES,
    PCP,
    REPORTING,
    SLOT_HEAD,
    SLOT_PAGE0,
    TAIL,
    W_IDLE,
)
from spec.page_isolation import Allocator
from spec.page_reporting import Boundaries, Reporting, active, boundary, reported_pages, worker

p, q, b = Name("p"), Name("q"), Name("b")


def pages_of_order_sum(m: Allocator, cond: Callable[[Expr], Expr]) -> Expr:
    total: Expr = Lit(0)
    for o in range(m.cfg.max_order):
        total = total + Count("p", "pfn", And(where[p] == BUDDY, order_of[p] == o, cond(p))) * (1 << o)
    return total


def zone_counts(m: Allocator) -> tuple[Expr, ...]:
    """nr_free[o], NR_FREE_PAGES and NR_FREE_CMA_PAGES of each zone equal its free chunks."""
    if not m.two_zones:
        return (*(nr_free[o] == Count("p", "pfn", And(where[p] == BUDDY, order_of[p] == o))
                  for o in range(m.cfg.max_order)),
                nr_free_pages == pages_of_order_sum(m, lambda x: list_mt[x] != ISOLATE),
                nr_free_cma == pages_of_order_sum(m, lambda x: list_mt[x] == CMA))
    out: list[Expr] = []
    for z in range(2):
        def free(x: Expr, z: int = z) -> Expr:
            return And(list_mt[x] != ISOLATE, m.zone_of(x) == z)

        def cma(x: Expr, z: int = z) -> Expr:
            return And(list_mt[x] == CMA, m.zone_of(x) == z)

        out += [m.nr_free_of(o, z) == Count("p", "pfn", And(where[p] == BUDDY, order_of[p] == o, m.zone_of(p) == z))
                for o in range(m.cfg.max_order)]
        out += [m.free_pages_of(z) == pages_of_order_sum(m, free), m.free_cma_of(z) == pages_of_order_sum(m, cma)]
    return tuple(out)


def zone_claims(m: Allocator) -> list[Invariant]:
    """With two zones: a free chunk never spans two zones."""
    if not m.two_zones:
        return []
    return [Invariant(
        "chunk_within_one_zone",
        "a chunk never spans two zones: every page of a chunk -- free on a free list or a pcp list, "
        "allocated, being freed or being reported -- lies in its head's zone",
        Forall("p", "pfn", Implies(Or(where[p] == BUDDY, where[p] == PCP, where[p] == ALLOC, where[p] == FREEING,
                                      where[p] == REPORTING),
                                   m.zone_of(p + (Lit(1) << order_of[p]) - 1) == m.zone_of(p))),
    )]


def invariants(m: Allocator) -> list[Invariant]:
    cfg = m.cfg
    is_head = Or(where[q] == BUDDY, where[q] == PCP, where[q] == ALLOC, where[q] == FREEING,
                 where[q] == REPORTING)
    covers = And(is_head, q <= p, p < q + (Lit(1) << order_of[q]))
    reporting = [
        Invariant(
            "reported_implies_buddy",
            "PG_reported is set only on the head of a free chunk on a buddy free list",
            Forall("p", "pfn", Implies(reported[p] == 1, where[p] == BUDDY)),
        ),
        Invariant(
            "reported_only_at_min_order",
            f"a Reported page has order >= page_reporting_order ({m.reporting_order})" if m.reporting_order_set
            else f"a Reported page has order >= PAGE_REPORTING_MIN_ORDER ({cfg.pageblock_order})",
            Forall("p", "pfn", Implies(reported[p] == 1, order_of[p] >= m.MIN)),
        ),
    ] if isinstance(m, Reporting) else []
    out = [
        Invariant(
            "index_trusted",
            "every read of page->index happens when its last write means what the reader "
            "assumes, and the value is what the page's state says it must be",
            None,
        ),
        *reporting,
        Invariant(
            "free_list_matches_pageblock",
            "a free chunk on free_list[o][t] lies in a pageblock whose migratetype is t",
            Forall("p", "pfn", Implies(where[p] == BUDDY, list_mt[p] == pb_mt[m.block_of(p)])),
        ),
        Invariant(
            "isolate_free_list_matches_isolated_blocks",
            "a free chunk in a MIGRATE_ISOLATE pageblock is on the ISOLATE free list, and a chunk on the "
            "ISOLATE list lies in an isolated pageblock",
            Forall("p", "pfn", Implies(where[p] == BUDDY,
                                       (list_mt[p] == ISOLATE) == (pb_mt[m.block_of(p)] == ISOLATE))),
        ),
        Invariant(
            "isolated_pages_stay_isolated",
            "once test_pages_isolated() has passed for a range (alloc_contig_range, memory "
            "offline), every page of it stays in a free chunk on an ISOLATE list and none is "
            "handed out, until undo_isolate_page_range() (__test_page_isolated_in_pageblock: "
            "\"If the page is on a free list, it has to be on the correct MIGRATE_ISOLATE freelist\")",
            Forall("p", "pfn", Implies(isolation[m.range_of(p)] == I_TESTED, And(
                Or(where[p] == BUDDY, where[p] == TAIL), Implies(where[p] == BUDDY, list_mt[p] == ISOLATE)))),
        ),
        Invariant(
            "free_counts",
            "nr_free[o], NR_FREE_PAGES and NR_FREE_CMA_PAGES (and reported_pages[o]) equal "
            "the sums they stand for",
            And(
                *zone_counts(m),
                *((reported_pages[o] == Count("p", "pfn", And(where[p] == BUDDY, order_of[p] == o,
                                                              reported[p] == 1))
                   for o in range(cfg.pageblock_order, cfg.max_order)) if isinstance(m, Boundaries) else ()),
            ),
        ),
        Invariant(
            "no_mixed_merge",
            "__free_one_page never merges a CMA, HIGHATOMIC or ISOLATE pageblock with a "
            "pageblock of another type",
            None,
        ),
        Invariant(
            "no_page_lost",
            "every page belongs to exactly one chunk, chunks are aligned to their order, and "
            "no page stays in the scatterlist once the reporting worker is idle",
            And(
                Forall("p", "pfn", Count("q", "pfn", covers) == 1),
                Forall("q", "pfn", Implies(is_head, (q & ((Lit(1) << order_of[q]) - 1)) == 0)),
                *((Implies(worker == W_IDLE, Count("p", "pfn", where[p] == REPORTING) == 0),)
                  if isinstance(m, Reporting) else ()),
            ),
        ),
        Invariant(
            "well_formed_lists",
            "the pages of each free or pcp list have the distinct positions 0..n-1",
            Forall("p", "pfn", Implies(Or(where[p] == BUDDY, where[p] == PCP), And(
                pos[p] < Count("q", "pfn", m.same_list(q, p)),
                Count("q", "pfn", And(m.same_list(q, p), pos[q] == pos[p])) == 1))),
        ),
    ]
    if m.era.zone_pcp_disable:
        out.append(Invariant(
            "pcp_lists_empty_while_disabled",
            "while memory offline holds zone_pcp_disable(), no page is on a pcp list of the zone",
            Implies(pcp_disabled_by != 0, Count("p", "pfn", And(where[p] == PCP, m.pcp_disabled(p))
                                                if m.two_zones else where[p] == PCP) == 0),
        ))
    if m.has_cma:
        out.append(Invariant(
            "cma_pages_stay_cma",
            "a CMA pageblock stays MIGRATE_CMA (MIGRATE_ISOLATE while cma_alloc() isolates it), and a free "
            "chunk in a CMA pageblock is on the CMA free list (the ISOLATE list while isolated)",
            And(Forall("b", "block", Implies(m.is_cma_block(b), Or(pb_mt[b] == CMA, pb_mt[b] == ISOLATE))),
                Forall("p", "pfn", Implies(And(where[p] == BUDDY, m.is_cma_block(m.block_of(p))),
                                           list_mt[p] == pb_mt[m.block_of(p)]))),
        ))
    if m.era.unisolate_putback:
        out.append(Invariant(
            "putback_at_tail",
            "a page put back by __putback_isolated_page() (page reporting's drain, "
            "un-isolation) that did not merge is the last entry of its free list",
            None,
        ))
    if m.era.pcp_cache:
        # What get_pcppage_migratetype() relies on, stated page by page: the lemmas that
        # make index_trusted provable by induction (a read-site claim alone is not).
        out.append(Invariant(
            "pcp_page_index_is_list_type",
            "a page on a pcp list has ->index written by set_pcppage_migratetype(): the "
            "list's migratetype (CMA and HIGHATOMIC pages ride on the MOVABLE list)",
            Forall("p", "pfn", Implies(where[p] == PCP, And(
                index_by[p] == BY_PCP, m.pcp_index_fits_list(p)))),
        ))
        out.append(Invariant(
            "freeing_page_index_is_set",
            "an order-0 page between free_unref_page_prepare() and _commit() has ->index "
            "written by set_pcppage_migratetype() with a migratetype",
            Forall("p", "pfn", Implies(And(where[p] == FREEING, order_of[p] == 0),
                                       And(index_by[p] == BY_PCP, index[p] < MIGRATE_TYPES))),
        ))
    if isinstance(m, Boundaries):
        out.append(Invariant(
            "boundary_valid",
            "while ACTIVE every reporting boundary slot is its list's head or a Reported page "
            "on that very list, and every boundary that is used is one of these",
            Implies(active == 1, And(*(
                Or(boundary[m.slot(o, mt)] == SLOT_HEAD,
                   And(boundary[m.slot(o, mt)] >= SLOT_PAGE0, _reported_on(m, boundary[m.slot(o, mt)] - SLOT_PAGE0, o, mt)))
                for o, mt in m.reporting_lists(True)))),
        ))
        out.append(Invariant(
            "boundary_lookup_sound",
            "a boundary lookup through page->index finds the slot that points at the page",
            None,
        ))
    if isinstance(m, V9):
        out.append(Invariant(
            "reported_index_trusted",
            "the author's claim: on a Reported free page, page->index holds the migratetype "
            "of the list the page is on",
            Forall("p", "pfn", Implies(And(reported[p] == 1, where[p] == BUDDY),
                                       And(index_by[p] == BY_REPORTED_MT, index[p] == list_mt[p]))),
        ))
        out.append(Invariant(
            "reported_run_at_tail",
            "while ACTIVE, the pages from a list's boundary to its tail are Reported and none "
            "in front of the boundary is",
            Implies(active == 1, And(*(
                Forall("p", "pfn", Implies(m.on_free_list(p, o, mt), (reported[p] == 1) == _behind(m, p, o, mt)))
                for o, mt in m.reporting_lists(True)))),
        ))
    if isinstance(m, V10):
        out.append(Invariant(
            "reported_index_trusted",
            "on a Reported free page, page->index is its boundary slot, or the placeholder 0 "
            "that add_page_to_reported_list() wrote",
            Forall("p", "pfn", Implies(And(reported[p] == 1, where[p] == BUDDY), Or(
                index_by[p] == BY_SLOT_PENDING,
                And(index_by[p] == BY_SLOT, index[p] == m.slot(order_of[p], list_mt[p]))))),
        ))
    out += zone_claims(m)
    return [replace(i, source=SOURCES.get(i.name, "")) for i in out]


# Where each claim comes from: the kernel comment, function or changelog that promises it
# (or, for the series' claims, the review and the author's answer).
SOURCES = {
    "chunk_within_one_zone": "page_is_buddy(): \"we can coalesce a page and its buddy if ... (d) a page and its buddy "
                             "are in the same zone\" (\"if (page_zone_id(page) != page_zone_id(buddy)) return false;\"), "
                             "mm/page_alloc.c",
    "index_trusted": "get_pcppage_migratetype(): \"A cached value of the page's pageblock's migratetype, used when "
                     "the page is put on a pcplist\" (mm/page_alloc.c <= 6.9); v9: the author's \"cannot be trusted "
                     "unless the Reported flag is set\"",
    "reported_implies_buddy": "page_reporting_drain(): \"if (PageBuddy(page) && buddy_order(page) == order) "
                              "__SetPageReported(page)\"; del_page_from_free_list() clears it (mm/page_reporting.c, "
                              "mm/page_alloc.c)",
    "reported_only_at_min_order": "page_reporting_notify_free(): \"if (order < page_reporting_order) return\"; "
                                  "PAGE_REPORTING_MIN_ORDER = pageblock_order (mm/page_reporting.h)",
    "free_list_matches_pageblock": "6.10 __del_page_from_free_list()/move_to_free_list(): VM_WARN_ONCE \"page type is "
                                   "%d, passed migratetype is %d\" (17edeb5d3f76: pages whose block is stolen \"end up "
                                   "on the right freelist\"); <= 6.9 the cache may be \"possibly becoming stale\"",
    "isolate_free_list_matches_isolated_blocks": "ad53f92eb416 \"mm/page_alloc: fix incorrect isolation behavior by "
                                                 "rechecking migratetype\" and \"mm/page_alloc: add freepage on isolate "
                                                 "pageblock to correct buddy list\" (v3.18): free_pcppages_bulk()/"
                                                 "free_one_page() re-read the type when the zone has isolated pageblocks; "
                                                 "set/unset_migratetype_isolate() move a block's free pages with its type",
    "isolated_pages_stay_isolated": "__test_page_isolated_in_pageblock(): \"If the page is on a free list, it has to be "
                                    "on the correct MIGRATE_ISOLATE freelist\" (mm/page_isolation.c)",
    "free_counts": "__mod_zone_freepage_state() / account_freepages(): NR_FREE_PAGES and NR_FREE_CMA_PAGES count the "
                   "free pages not isolated; area->nr_free the chunks of each order (mm/page_alloc.c, mm/internal.h)",
    "no_mixed_merge": "__free_one_page(): \"Our buddy is free ... merge\" only within the rules of 3c605096d315 (isolated "
                      "pageblocks) and 1dd214b8f21c \"avoid merging non-fallbackable pageblocks with others\"",
    "no_page_lost": "the buddy allocator: every page is in exactly one free or allocated chunk, aligned to its order "
                    "(__find_buddy_pfn: buddy = pfn ^ (1 << order)); page_reporting_drain() returns every isolated page",
    "well_formed_lists": "include/linux/list.h: each free_area[order].free_list[mt] and pcp list is a list",
    "pcp_lists_empty_while_disabled": "\"mm, page_alloc: disable pcplists during memory offline\" (v5.11): \"This "
                                      "guarantees no stray pages on pcplists in zones where isolation happens\"; "
                                      "start_isolate_page_range(): \"zone_pcp_disable/enable() might be used to flush and "
                                      "disable pcplist before isolation and enable after unisolation\" (mm/page_isolation.c)",
    "cma_pages_stay_cma": "include/linux/mmzone.h MIGRATE_CMA: \"page allocator never implicitly change migration "
                          "type of MIGRATE_CMA pageblock\"; v3.16 try_to_steal_freepages(): \"never change migration "
                          "type of MIGRATE_CMA pageblocks nor move CMA pages to different free lists\"; 7b086755fb8c: "
                          "\"In the case of CMA, the page can be lost from the CMA region permanently\"",
    "putback_at_tail": "__putback_isolated_page(): \"Return isolated page to tail of freelist.\" (mm/page_alloc.c, 5.7+; "
                       "made true for every order by 47b6a24a2382, 5.10)",
    "pcp_page_index_is_list_type": "set_pcppage_migratetype() in free_unref_page_prepare() and __rmqueue_smallest(); "
                                   "\"the migratetype set in the page does not necessarily match the pcplist index, "
                                   "e.g. page might have MIGRATE_CMA set but be on a pcplist with any other index\"",
    "freeing_page_index_is_set": "free_unref_page_prepare(): set_pcppage_migratetype(page, migratetype) before "
                                 "free_unref_page_commit() reads it",
    "boundary_valid": "[PATCH v9 6/8] get_unreported_tail() and page_reporting_populate_metadata() (boundary[] slots)",
    "boundary_lookup_sound": "[PATCH v9 6/8] page_reporting_del_from_boundary(); [PATCH v10 3/6] "
                             "page_reporting_pull_boundary(): reported_boundary[page->index]",
    "reported_index_trusted": "the author's answer in the v9 review: ->index \"cannot be trusted unless the Reported "
                              "flag is set\"",
    "reported_run_at_tail": "[PATCH v9 6/8]: Reported pages form one run at the tail of each free list, behind the "
                            "boundary (add_to_free_list_tail -> get_unreported_tail)",
}


def _reported_on(m: Boundaries, page: Expr, o: int, mt: int) -> Expr:
    return And(m.on_free_list(page, o, mt), reported[page] == 1)


def _behind(m: Boundaries, page: Expr, o: int, mt: int) -> Expr:
    """page is at or behind the boundary of list (o, mt)."""
    t = boundary[m.slot(o, mt)]
    return And(t >= SLOT_PAGE0, m.on_free_list(t - SLOT_PAGE0, o, mt), pos[page] >= pos[t - SLOT_PAGE0])
