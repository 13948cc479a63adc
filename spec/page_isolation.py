"""Pageblock isolation (mm/page_isolation.c) as its callers use it -- alloc_contig_range()
and memory offline: start_isolate_page_range(), drain_all_pages(), test_pages_isolated(),
undo_isolate_page_range() -- and the allocator model every design shares."""

from __future__ import annotations

from collections.abc import Callable

from spec.expr import (
    And,
    Count,
    Expr,
    ExprLike,
    Forall,
    Implies,
    Ite,
    Lit,
    Name,
    Or,
    lift,
)
from spec.free_lists import (
    PAGE_ALLOC,
    PAGE_ISOLATION,
    Block,
    assign,
    isolation,
    list_mt,
    local_mt,
    order_of,
    pb_mt,
    pcp_disabled_by,
    where,
)
from spec.highatomic import Highatomic
from spec.ir import Action, Domain, For, If, Let, Param, StateVar
from spec.kernel import (
    BUDDY,
    CMA,
    FREEING,
    I_DRAINED,
    I_ISOLATED,
    I_NONE,
    I_TESTED,
    ISOLATE,
    ISOLATION,
    MOVABLE,
    PCP,
)


class Allocator(Highatomic):
    """The model shared by all designs: allocator plus isolation; a design subclass adds
    reporting."""

    # whether the builder is written for two zones (Config.zone_boundary): the allocator
    # alone and merged reporting are; v9/v10's zone flags and boundary array are one zone's
    zones_modelled = True

    def actions(self) -> list[Action]:
        return [
            self.act_rmqueue_pcplist(), self.act_rmqueue_bulk(), self.act_rmqueue_buddy(),
            self.act_free_unref_page_prepare(), self.act_free_unref_page_commit(),
            self.act_free_pcppages_bulk(), self.act_free_pages_ok(), self.act_free_one_page(),
            self.act_start_isolate_page_range(), self.act_drain_all_pages(), self.act_test_pages_isolated(),
            self.act_undo_isolate_page_range(), *self.highatomic_actions(),
        ]

    def state_vars(self) -> list[StateVar]:
        out = super().state_vars() + [
            StateVar("isolation", (self.range_domain(),), Domain("isolation", len(ISOLATION), ISOLATION),
                     "where the isolation caller (alloc_contig_range, memory offline) is with the range"),
        ]
        if self.era.zone_pcp_disable:
            n = self.cfg.npfn >> (self.cfg.max_order - 1)
            out.append(StateVar(
                "pcp_disabled_by", (), Domain("pcp_disabled_by", n + 1, ("none",) + tuple(f"range {r}" for r in range(n)),
                                              size_name="nranges", size_offset=1),
                "the range whose memory offline holds zone_pcp_disable() (pcp_batch_high_lock): none, or range r"))
        return out

    def range_of(self, page: ExprLike) -> Expr:
        """The MAX_ORDER-aligned isolation range that holds ``page``."""
        return lift(page) >> (self.max_order - 1)


    def range_in_one_zone(self, r: Expr) -> tuple[Expr, ...]:
        """With two zones, the callers isolate a range of one zone: offline_pages() refuses
        one that is not ("if (WARN_ON_ONCE(page_zone(pfn_to_page(start_pfn)) != zone ||
        page_zone(pfn_to_page(end_pfn - 1)) != zone)) return -EINVAL;", "multizone range"; before
        David Hildenbrand's 2022 rework test_pages_in_a_zone() returned NULL) and mm/cma.c keeps a
        CMA area in one zone ("All pages in the reserved area must come from the same zone."); the model's
        ranges are MAX_ORDER-aligned, so a range the boundary cuts is never isolated (the
        pageblock-granular ranges of alloc_contig_range() from 5.19 are not modelled)."""
        if not self.two_zones:
            return ()
        first = r << (self.max_order - 1)
        return (self.zone_of(first) == self.zone_of(first + (Lit(1) << (self.max_order - 1)) - 1),)

    def isolatable(self, b: ExprLike) -> Expr:
        """Callers isolate MOVABLE blocks (memory offline) and CMA blocks (cma_alloc)."""
        return Or(pb_mt[b] == MOVABLE, pb_mt[b] == CMA)

    def isolation_range(self) -> Param:
        """alloc_contig_range() and memory offlining isolate whole MAX_ORDER-aligned
        ranges, block by block in ascending order (the model takes a range in one step)."""
        return Param("range", self.range_domain())

    def range_domain(self) -> Domain:
        return Domain("isolation_range", self.cfg.npfn >> (self.cfg.max_order - 1), size_name="nranges")

    def in_range(self, b: Expr, r: Expr) -> Expr:
        """Pageblock ``b`` lies in isolation range ``r``."""
        first = r * self.blocks_per_range
        return And(first <= b, b < first + self.blocks_per_range)

    def for_each_block_of_range(self, r: Expr, body: Callable[[Expr], Block]) -> For:
        return self.for_each_block_of_chunk(r << (self.max_order - 1), self.blocks_per_range, body)

    def set_migratetype_isolate(self, b: Expr) -> Block:
        """set_migratetype_isolate(): retype the block, move its free chunks to the
        ISOLATE lists and take them out of the free counts (v6.10: with
        move_freepages_block_isolate())."""
        old, moved = self.fresh("mt"), self.fresh("nr_pages")
        return [Let(old, pb_mt[b]), assign(pb_mt[b], ISOLATE),
                *self.move_freepages_block_isolate(b, ISOLATE, moved),
                *self.explicit_accounting(-Name(moved), Name(old), self.zone_of(b << self.pageblock_order))]

    def move_freepages_block_isolate(self, b: Expr, mt: ExprLike, moved: str) -> Block:
        """Move block ``b``'s free chunks to ``mt``'s lists (``moved``: the pages moved), the
        caller having retyped it.  v6.10 (``Era.split_in_move``): unless a free chunk can be no
        larger than a pageblock ("No splits needed if buddies can't span multiple blocks"), a
        free chunk the block lies inside (find_large_buddy(): "We're a tail block in a larger
        buddy") or starts ("We're the starting block of a larger buddy") is taken off its list
        -- del_page_from_free_list(buddy, zone, order, get_pfnblock_migratetype(buddy, pfn)) --
        the block retyped, and split_large_buddy() frees it again pageblock by pageblock:
        "__free_one_page(page, pfn, zone, pageblock_order, mt, FPI_NONE)" with each piece's own
        block type, so the pieces merge again where their blocks allow.  Nothing is counted as
        moved: the free counts move with the lists in v6.10."""
        pb, top = self.pageblock_order, self.max_order - 1
        move = self.move_freepages_block(b, mt, moved)
        if not self.era.split_in_move:
            return move
        # the orders above pageblock_order: none when it is the top order, the kernel's
        # "No splits needed if buddies can't span multiple blocks"
        start = lift(b) << pb
        head, o, i = self.fresh("buddy"), self.fresh("order"), self.fresh("i")
        H, O = Name(head), Name(o)
        k = pb + 1 + Name(i)
        h = (start >> k) << k  # the head of a chunk of order k that holds the block
        find: Block = [Let(head, start), Let(o, Lit(0)),  # order 0: no chunk to split
                       For(i, Lit(0), top - pb, (If(And(h < start, where[h] == BUDDY, order_of[h] == k),
                                                    (Let(head, h), Let(o, k))),)),
                       If(And(O == 0, where[start] == BUDDY, order_of[start] > pb), (Let(o, order_of[start]),))]

        def free_piece(block: Expr) -> Block:
            piece = block << pb
            return self._free_one_page(piece, pb, self.pfn_mt(piece), reported_page=False, notify=True)[0]

        split: Block = [*self.del_page_from_free_list(H, O), assign(pb_mt[b], mt),
                        self.for_each_block_of_chunk(H, Lit(1) << (O - pb), free_piece), Let(moved, Lit(0))]
        return [*find, If(O != 0, tuple(split), tuple(move))]

    def unset_migratetype_isolate(self, b: Expr) -> Block:
        """unset_migratetype_isolate(): a free chunk of a pageblock or more whose buddy
        is not isolated is taken off the list and freed again (so that it can merge);
        otherwise the block's free chunks move back.  Then the type is restored.

        v3.16: only the move back (the isolate-and-free came with 3c605096d315, v3.18).
        v3.18 .. v5.6: the chunk is freed with __free_pages() after the unlock (the next
        step, free_one_page, frees it).  v5.7+: set_pageblock_migratetype() then
        __putback_isolated_page() under the same zone->lock ([PATCH v17 3/9]), at the
        tail from v5.10 (FPI_TO_TAIL, 47b6a24a2382).  The buddy: v5.x any valid pfn
        (pfn_valid_within until v5.14); v5.19+ find_buddy_page_pfn(), a free buddy of the same order;
        v5.11+ only below the top order (``order < MAX_ORDER - 1``, respelled ``order <
        MAX_ORDER`` in v6.4 when MAX_ORDER became inclusive)."""
        mt, moved, saved = self.fresh("migratetype"), self.fresh("nr_pages"), self.fresh("order")
        head = b << self.pageblock_order
        buddy = head ^ (Lit(1) << order_of[head])

        def move_back() -> Block:
            return [*self.move_freepages_block_isolate(b, Name(mt), moved),
                    *self.explicit_accounting(Name(moved), Name(mt), self.zone_of(head))]

        if not self.era.unisolate_frees_chunk:
            return [Let(mt, self.restore_mt(b)), *move_back(), assign(pb_mt[b], Name(mt))]
        # a top-order chunk's buddy lies outside the zone: pfn_valid_within() / no struct page
        in_range: Expr = And(buddy < self.npfn, self.page_is_buddy(buddy, order_of[head], head)) \
            if self.era.unisolate_free_buddy else buddy < self.npfn
        if self.era.unisolate_below_max:
            in_range = And(order_of[head] < self.max_order - 1, in_range)
        big = And(where[head] == BUDDY, order_of[head] >= self.pageblock_order, in_range,
                  pb_mt[self.block_of(buddy)] != ISOLATE)
        if self.era.unisolate_putback:
            putback = self.putback_isolated_page(head, Name(saved), Name(mt))
            return [Let(mt, self.restore_mt(b)),
                    If(big, (Let(saved, order_of[head]), *self._isolate_free_page(head, Name(saved)),
                             assign(pb_mt[b], Name(mt)), *putback),
                       (*move_back(), assign(pb_mt[b], Name(mt))))]
        isolate_and_free = [  # __free_pages() after the unlock: the next step frees it
            Let(saved, order_of[head]),
            *self._isolate_free_page(head, Name(saved)),
            assign(where[head], FREEING), assign(order_of[head], Name(saved)),
            assign(local_mt[head], Name(mt)),
        ]
        return [Let(mt, self.restore_mt(b)),
                If(big, tuple(isolate_and_free), tuple(move_back())),
                assign(pb_mt[b], Name(mt))]

    def act_start_isolate_page_range(self) -> Action:
        """start_isolate_page_range().  From v5.11 the caller is one of two: alloc_contig_range()
        (drain_all_pages() next), or offline_pages(), which first calls zone_pcp_disable()
        ("Disable pcplists so that page isolation cannot race with freeing in a way that
        pages from isolated pageblock are left on pcplists"): pcp->high = 0 under
        pcp_batch_high_lock (one offline at a time) and __drain_all_pages(zone, true), which
        returns once no page is on a pcp list of the zone -- the step's guard; from then on a
        freed page passes through its pcp list to the buddy lists in one step, so no drain
        follows (offline_pages() goes on to test_pages_isolated())."""
        r = self.isolation_range()
        R, b = Name(r.name), Name("b")
        enabled = Lit(int(ISOLATE in self.d.config_mts))
        params: tuple[Param, ...] = (r,)
        guard: tuple[Expr, ...] = (enabled, isolation[R] == I_NONE,
                                   Forall("b", "block", Implies(self.in_range(b, R), self.isolatable(b))),
                                   *self.range_in_one_zone(R))
        body: Block = [self.for_each_block_of_range(R, self.set_migratetype_isolate)]
        if not self.era.zone_pcp_disable:
            body.append(assign(isolation[R], I_ISOLATED))
        else:
            caller = Name("caller")
            q = Name("q")
            params += (Param("caller", Domain("isolation_caller", 2, ("alloc_contig_range", "offline_pages"))),)
            guard += (Implies(caller == 1, And(pcp_disabled_by == 0, Count("q", "pfn", And(
                where[q] == PCP, *self.same_zone(q, R << (self.max_order - 1)))) == 0)),)
            body = [If(caller == 1, (assign(pcp_disabled_by, R + 1),)), *body,
                    assign(isolation[R], Ite(caller == 1, I_DRAINED, I_ISOLATED))]
        return Action(
            "start_isolate_page_range", "start_isolate_page_range", PAGE_ISOLATION,
            "Isolate a MAX_ORDER-aligned range of pageblocks, set_migratetype_isolate() on each "
            "(alloc_contig_range, memory offlining"
            + (", which first disables the zone's pcp lists with zone_pcp_disable())." if self.era.zone_pcp_disable
               else ")."),
            params, guard, tuple(body),
        )

    def act_drain_all_pages(self) -> Action:
        """drain_all_pages(zone): up to v5.10 at the end of set_migratetype_isolate(), after the
        unlock; from v5.11 ("mm, page_alloc: move draining pcplists to page isolation
        users") alloc_contig_range() calls it after start_isolate_page_range() (memory
        offline disables the pcp lists with zone_pcp_disable() instead: start_isolate_page_range's
        caller offline_pages).  The
        pages are freed by free_pcppages_bulk (that action's steps); this step is the drain
        returning, once no page of the range is on a pcp list.  A free that read the type
        before the isolation may still put a page on a pcp list afterwards ("we might have
        raced with another thread that was adding pages to pcp list"): test_pages_isolated()
        then fails."""
        r = self.isolation_range()
        R, q = Name(r.name), Name("q")
        return Action(
            "drain_all_pages", "drain_all_pages", PAGE_ALLOC,
            "The isolation caller's drain of every CPU's pcp lists has returned: no page of the range is on one.",
            (r,), (isolation[R] == I_ISOLATED, Count("q", "pfn", And(where[q] == PCP, self.range_of(q) == R)) == 0),
            (assign(isolation[R], I_DRAINED),),
        )

    def act_test_pages_isolated(self) -> Action:
        """test_pages_isolated(): under zone->lock, every page of the range must be in a free
        buddy chunk (PageBuddy, skipped by its order); success: the caller owns the range
        until undo_isolate_page_range(); failure: -EBUSY, the caller drains and tests again
        (memory offline) or undoes the isolation (alloc_contig_range).  v3.7 .. v4.2
        (435b405c06; removed by "mm, page_isolation: remove bogus tests for isolated pages")
        also moved a free chunk whose freepage migratetype is not ISOLATE to the ISOLATE
        list, without adjusting the free counts; the model reads the list the chunk is on
        for that migratetype."""
        r = self.isolation_range()
        R = Name(r.name)
        first = R << (self.max_order - 1)
        ok, skip, i, o = self.fresh("ok"), self.fresh("skip"), self.fresh("i"), self.fresh("order")
        P, O = first + Name(i), Name(o)
        fixup: Block = []
        if not self.era.isolate_recheck:  # v3.16: move_freepages(zone, page, end_page, MIGRATE_ISOLATE)
            fixup = [If(list_mt[P] != ISOLATE, tuple(self.move_to_free_list(P, O, ISOLATE)))]
        visit = If(Name(ok) == 1, (
            If(Name(skip) > 0, (Let(skip, Name(skip) - 1),),
               (If(where[P] == BUDDY, (Let(o, order_of[P]), *fixup, Let(skip, (Lit(1) << O) - 1)),
                   (Let(ok, Lit(0)),)),)),))
        return Action(
            "test_pages_isolated", "test_pages_isolated", PAGE_ISOLATION,
            "The isolation caller checks that every page of the range is free in the buddy allocator.",
            (r,), (isolation[R] == I_DRAINED,),
            (Let(ok, Lit(1)), Let(skip, Lit(0)),
             For(i, Lit(0), Lit(1) << (self.max_order - 1), (visit,)),
             assign(isolation[R], Ite(Name(ok) == 1, I_TESTED, I_ISOLATED))),
        )

    def act_undo_isolate_page_range(self) -> Action:
        r = self.isolation_range()
        R, b = Name(r.name), Name("b")
        enable: Block = []
        if self.era.zone_pcp_disable:  # offline_pages(): undo (or offline), then zone_pcp_enable(zone)
            enable = [If(pcp_disabled_by == R + 1, (assign(pcp_disabled_by, 0),))]
        return Action(
            "undo_isolate_page_range", "undo_isolate_page_range", PAGE_ISOLATION,
            "Undo the isolation of a range: unset_migratetype_isolate() on each block"
            + ("; memory offline then re-enables the pcp lists (zone_pcp_enable())." if enable else "."),
            (r,), (isolation[R] != I_NONE, Forall("b", "block", Implies(self.in_range(b, R), pb_mt[b] == ISOLATE))),
            (self.for_each_block_of_range(R, self.unset_migratetype_isolate), assign(isolation[R], I_NONE), *enable),
        )

