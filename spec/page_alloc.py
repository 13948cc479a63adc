"""Allocating and freeing pages (mm/page_alloc.c): __free_one_page and its callers, the
pcp lists, __rmqueue and its fallbacks, __isolate_free_page; the zone after boot.
References are to v5.3 unless a method says otherwise; where releases differ the method
reads a flag of ``self.era`` (spec/eras.py says which commit each flag stands for)."""

from __future__ import annotations

from spec.expr import (
    FALSE,
    NONE,
    And,
    Cfg,
    Count,
    Expr,
    ExprLike,
    Find,
    Ite,
    Lit,
    Min,
    Name,
    Not,
    Or,
    lift,
)
from spec.free_lists import (
    PAGE_ALLOC,
    Block,
    assign,
    index,
    index_by,
    isolation,
    list_mt,
    local_mt,
    nr_free,
    order_of,
    pb_mt,
    pcp_disabled_by,
    pos,
    where,
)
from spec.ir import Action, Assign, Check, Domain, For, ForEach, If, Let, Param, Stmt
from spec.kernel import (
    ALLOC,
    BUDDY,
    BY_OWNER,
    BY_PCP,
    BY_STALE,
    CMA,
    FALLBACKS,
    FALLBACKS_3_16,
    FREEING,
    HIGHATOMIC,
    I_TESTED,
    ISOLATE,
    MIGRATE_PCPTYPES,
    MIGRATE_TYPES,
    MOVABLE,
    PCP,
    RECLAIMABLE,
    RESERVE,
    TAIL,
    UNMOVABLE,
)
from spec.zones import Zones


class PageAlloc(Zones):
    """The buddy allocator and the per-cpu lists."""

    # ----------------------------------------------------------- freeing pages
    def merge_allowed(self, mt: ExprLike, buddy_mt: ExprLike, page: ExprLike) -> Expr:
        """Merging across pageblocks (order >= pageblock_order); ``page`` is the one being
        freed (has_isolate_pageblock(zone) is its zone's)."""
        if self.era.merge_rule == "any":  # v3.16: page_is_buddy() only, no type check
            return Lit(1)
        if self.era.merge_rule == "isolate":  # v3.18 .. v5.17: only isolation stops a merge
            return Not(And(self.has_isolate_pageblock(self.zone_of(page)), lift(mt) != buddy_mt,
                           Or(lift(mt) == ISOLATE, lift(buddy_mt) == ISOLATE)))
        # v5.18+: migratetype_is_mergeable() on both sides
        return self.mergeable(mt, buddy_mt)

    def match_buddy_type(self, buddy: Expr, o: Expr, mt: Expr) -> Block:
        """v6.10 __free_one_page(): "Match buddy type. This ensures that an expand() down
        the line puts the sub-blocks on the right freelists." (not before v6.10)"""
        if not self.era.match_buddy_type:
            return []
        return [If(And(o >= self.pageblock_order, self.pfn_mt(buddy) != mt),
                   (assign(pb_mt[self.block_of(buddy)], mt),))]

    @staticmethod
    def mergeable(a: ExprLike, b: ExprLike) -> Expr:
        """Two pageblock types that may share a free chunk: equal, or both ordinary."""
        return Or(lift(a) == b, And(lift(a) < MIGRATE_PCPTYPES, lift(b) < MIGRATE_PCPTYPES))

    def _free_one_page(self, page: ExprLike, o: ExprLike, mt: ExprLike, reported_page: bool,
                        notify: bool, to_tail: bool = False, account: bool = True) -> tuple[Block, Expr, Expr]:
        """Merge with free buddies, then link the chunk to a free list.  Returns the
        statements and the head pfn and order of the resulting chunk.  ``account``: the
        free counts by the caller's type at entry (v3.18+; in v3.16 free_pcppages_bulk
        counts after the merge itself)."""
        pb, top = self.pageblock_order, self.max_order - 1
        p, o_, m, mt_, b = (self.fresh(s) for s in ("pfn", "order", "merging", "mt", "buddy"))
        P, O, M, MT, B = Name(p), Name(o_), Name(m), Name(mt_), Name(b)
        body: Block = [Let(p, lift(page)), Let(o_, lift(o)), Let(m, Lit(1)), Let(mt_, lift(mt)),
                       *self.leave_list(P, TAIL),  # until linked below, the page heads nothing
                       *self.retire(P),
                       *([If(MT != ISOLATE, tuple(self.explicit_accounting(1 << O, MT, self.zone_of(P))))]
                         if account else [])]
        step: Block = [
            Let(b, P ^ (1 << O)),
            If(And(O >= pb, Not(self.merge_allowed(MT, self.pfn_mt(B), P))),
               (Let(m, Lit(0)),)),
            If(And(M == 1, self.page_is_buddy(B, O, P)),
               (If(O >= pb, (Check(
                   "no_mixed_merge", "__free_one_page: merging buddies of two pageblocks",
                   self.mergeable(self.pfn_mt(P), self.pfn_mt(B))),)),
                *self.match_buddy_type(B, O, MT),
                *self.del_page_from_free_list(B, O, why="merge"),
                Let(p, P & B), Let(o_, O + 1)),
               (Let(m, Lit(0)),)),
        ]
        # while (order < MAX_ORDER - 1)
        body.append(For(self.fresh("i"), Lit(0), top, (If(And(M == 1, O < top), tuple(step)),)))
        # done_merging: set_page_order; tail if a higher-order merge is likely
        # (buddy_merge_likely, v5.2+), or if the caller forces it
        cp = self.fresh("combined")
        hb = self.fresh("higher_buddy")
        likely = And(O < top - 1, self.page_is_buddy(Name(hb), O + 1, Name(cp)))
        tail_cond: Expr = Lit(1) if (reported_page or to_tail) else likely
        body += [
            Let(cp, (P ^ (1 << O)) & P),
            Let(hb, Ite(O < top, Name(cp) ^ (1 << (O + 1)), Lit(0))),
            If(tail_cond, tuple(self.add_to_free_list_tail(P, O, MT)),
               tuple(self.add_to_free_list(P, O, MT))),
        ]
        if notify:
            body += self.page_reporting_notify_free(O)
        return body, P, O

    def page_reporting_notify_free(self, o: ExprLike) -> Block:
        return []

    def putback_isolated_page(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """__putback_isolated_page() (v5.7+, zone->lock held): "Return isolated page to tail
        of freelist." -- __free_one_page() with FPI_SKIP_REPORT_NOTIFY, and from v5.10
        FPI_TO_TAIL (47b6a24a2382); in v5.7 .. v5.9 buddy_merge_likely() decides, which is
        what putback_at_tail checks: a page that did not merge is the last of its list."""
        stmts, _, _ = self._free_one_page(page, o, mt, reported_page=False, notify=False, to_tail=self.era.to_tail)
        o_ = self.fresh("order")
        return [Let(o_, lift(o)), *stmts, If(And(where[page] == BUDDY, order_of[page] == Name(o_)), (
            Check("putback_at_tail", "__putback_isolated_page: \"Return isolated page to tail of freelist.\"",
                  pos[page] == self.free_list_len(Name(o_), list_mt[page], self.zone_of(page)) - 1),))]

    def free_one_page(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """free_one_page(): re-read the block's type under the lock when isolation is
        about (v3.18 .. v6.9: has_isolate_pageblock || is_migrate_isolate); v3.16 frees with
        the caller's type; v6.10 reads the type under the lock (no migratetype argument)."""
        m = self.fresh("mt")
        if self.era.free_type_under_lock:
            body: Block = [Let(m, self.pfn_mt(page))]
        elif not self.era.isolate_recheck:
            body = [Let(m, lift(mt))]
        else:
            body = [Let(m, lift(mt)),
                    If(Or(self.has_isolate_pageblock(self.zone_of(page)), Name(m) == ISOLATE),
                       (Let(m, self.pfn_mt(page)),))]
        stmts, _, _ = self._free_one_page(page, o, Name(m), reported_page=False, notify=True)
        return body + stmts

    # ------------------------------------------------------- allocating pages
    def expand(self, page: ExprLike, low: ExprLike, high: ExprLike, mt: ExprLike) -> Block:
        """expand(): hand the upper halves back to the head of the free lists
        (the halves of orders low .. high - 1, each on its own list)."""
        return [self.for_each_order(low, high, lambda h: self.add_to_free_list(lift(page) + (Lit(1) << h), h, mt))]

    def set_pcppage_migratetype(self, page: ExprLike, mt: ExprLike) -> Block:
        return [assign(index[page], mt), assign(index_by[page], BY_PCP)]

    def _rmqueue_smallest(self, o: ExprLike, mt: ExprLike, result: str) -> Block:
        """First page of the smallest non-empty free_list[>= order][mt]; sets ``result``
        to the page or NONE."""
        cur, cand = self.fresh("current_order"), self.fresh("candidate")
        search: Block = [Let(result, NONE), Let(cur, Lit(0)), self.for_each_order(o, self.max_order, lambda c: [
            If(Name(result) == NONE, (
                Let(cand, self.first_on_free_list(c, mt)),
                If(Name(cand) != NONE, (Let(result, Name(cand)), Let(cur, c)))))])]
        R = Name(result)
        take: Block = [*self.del_page_from_free_list(R, Name(cur), why="alloc"),
                       *self.expand(R, o, Name(cur), mt)]
        if self.era.pcp_cache:
            take += self.set_pcppage_migratetype(R, mt)
        return search + [If(R != NONE, tuple(take))]

    def can_steal_fallback(self, o: Expr, start_mt: int) -> Expr:
        """can_steal_fallback(): may the whole pageblock be stolen?"""
        if start_mt in (RECLAIMABLE, UNMOVABLE):
            return Lit(1)
        pb = self.pageblock_order
        return Or(o >= pb, o >= pb >> 1)

    def fallbacks(self, start_mt: int) -> tuple[int, ...]:
        """fallbacks[start_mt] up to MIGRATE_RESERVE / MIGRATE_TYPES; the v3.16 table has
        CMA first for MOVABLE (CONFIG_CMA: the configuration has CMA blocks)."""
        if not self.era.try_to_steal_freepages:
            return FALLBACKS.get(start_mt, ())
        return tuple(m for m in FALLBACKS_3_16.get(start_mt, ()) if m != CMA or self.has_cma)

    def find_suitable_fallback(self, o: Expr, start_mt: int) -> Expr:
        """The first fallback type whose free_list[o] is not empty, or NONE."""
        result: Expr = NONE
        for fb in reversed(self.fallbacks(start_mt)):
            result = Ite(self.free_list_len(o, fb) > 0, Lit(fb), result)
        return result

    def _rmqueue_fallback_3_16(self, o: ExprLike, start_mt: int, result: str) -> Block:
        """v3.16 __rmqueue_fallback(): "Find the largest possible block of pages in the
        other list": for current_order = MAX_ORDER-1 down to order, the first fallback
        type (MIGRATE_RESERVE ends the row) whose free_list[current_order] is not empty;
        its first page; new_type = try_to_steal_freepages(); list_del; expand(..,
        new_type); set_freepage_migratetype(page, new_type) ("The freepage_migratetype
        may differ from pageblock's migratetype depending on the decisions in
        try_to_steal_freepages").  Sets ``result`` to the page (NONE if every list is
        empty)."""
        fmt, forder, new = self.fresh("migratetype"), self.fresh("current_order"), self.fresh("new_type")
        search = self.for_each_order(o, self.max_order, lambda c: [
            If(And(Name(fmt) == NONE, self.find_suitable_fallback(c, start_mt) != NONE),
               (Let(fmt, self.find_suitable_fallback(c, start_mt)), Let(forder, c)))], descending=True)
        R, F, C = Name(result), Name(fmt), Name(forder)
        take: Block = [Let(result, self.first_on_free_list(C, F)),
                       *self.try_to_steal_freepages(R, C, start_mt, F, new),
                       *self.del_page_from_free_list(R, C),
                       *self.expand(R, o, C, Name(new)),
                       *self.set_pcppage_migratetype(R, Name(new))]
        return [Let(fmt, NONE), Let(forder, Lit(0)), search, Let(result, NONE), If(F != NONE, tuple(take))]

    def try_to_steal_freepages(self, page: Expr, cur: Expr, start_mt: int, fallback: Expr, new: str) -> Block:
        """v3.16 try_to_steal_freepages(zone, page, start_type, fallback_type), the type the
        split pieces go to: a CMA fallback stays CMA ("we need to release the excess buddy
        pages to CMA itself"); "Take ownership for orders >= pageblock_order"
        (change_pageblock_range); if current_order >= pageblock_order / 2 or the request is
        RECLAIMABLE, move_freepages_block() (the block's free pages move first) and "Claim
        the whole block if over half of it is free"; otherwise the fallback type
        (page_group_by_mobility_disabled is false: the model groups by mobility)."""
        pb = self.pageblock_order
        moved = self.fresh("pages")
        blocks_of_chunk = self.for_each_block_of_chunk(
            page, Lit(1) << (cur - pb), lambda b: [assign(pb_mt[b], start_mt)])
        steal: Block = [*self.move_freepages_block(self.block_of(page), start_mt, moved, page=page),
                        If(Name(moved) >= (Lit(1) << (pb - 1)),
                           (assign(pb_mt[self.block_of(page)], start_mt), Let(new, Lit(start_mt))))]
        may_steal = Or(cur >= (pb >> 1), Lit(int(start_mt == RECLAIMABLE)))
        return [Let(new, fallback),
                If(fallback != CMA, (
                    If(cur >= pb, (blocks_of_chunk, Let(new, Lit(start_mt))),
                       (If(may_steal, tuple(steal)),)),))]

    def _rmqueue_fallback(self, o: ExprLike, start_mt: int, result: str) -> Block:
        """v5.3 __rmqueue_fallback() without ALLOC_NOFRAGMENT: steal from the largest
        fallback chunk; a MOVABLE request that may not steal the whole block takes the
        smallest one instead (find_smallest); then steal_suitable_fallback() (up to v6.9
        the caller then retries __rmqueue_smallest; v6.10 returns the page it took in
        ``result``)."""
        fmt, forder, steal = self.fresh("fallback_mt"), self.fresh("fallback_order"), self.fresh("can_steal")

        def search(descending: bool) -> For:
            return self.for_each_order(o, self.max_order, lambda c: [
                If(And(Name(fmt) == NONE, self.find_suitable_fallback(c, start_mt) != NONE),
                   (Let(fmt, self.find_suitable_fallback(c, start_mt)), Let(forder, c),
                    Let(steal, self.can_steal_fallback(c, start_mt))))], descending)

        # for (current_order = MAX_ORDER - 1; current_order >= order; --current_order)
        out: Block = [Let(fmt, NONE), Let(forder, Lit(0)), Let(steal, Lit(0)), search(descending=True)]
        if start_mt == MOVABLE:  # find_smallest: for (current_order = order; .. < MAX_ORDER; ..++)
            out.append(If(And(Name(fmt) != NONE, Name(steal) == 0, Name(forder) > o),
                          (Let(fmt, NONE), search(descending=False))))
        page = self.fresh("steal_page")
        out += [Let(page, Ite(Name(fmt) != NONE, self.first_on_free_list(Name(forder), Name(fmt)), NONE))]
        if self.era.claim_moves:
            return [*out, If(Name(page) != NONE, tuple(self.steal_suitable_fallback_6_10(
                Name(page), Name(forder), o, start_mt, Name(steal), result)))]
        return [*out, If(Name(page) != NONE,
                         tuple(self.steal_suitable_fallback(Name(page), Name(forder), start_mt, Name(steal))))]

    def steal_suitable_fallback_6_10(self, page: Expr, cur: Expr, o: ExprLike, start_mt: int,
                                     whole_block: Expr, result: str) -> Block:
        """v6.10 steal_suitable_fallback() ("take off list, maybe claim block, expand
        remainder"): a chunk of a pageblock or more is claimed whole; otherwise the block's
        free pages are only counted (prep_move_freepages_block), and moved with the
        block's new type in one step (__move_freepages_block) if enough of it is alike --
        then __rmqueue_smallest(start_type); else only this page is taken
        (single_page: del_page_from_free_list + expand onto the block's own lists)."""
        pb = self.pageblock_order
        bt, free = self.fresh("block_type"), self.fresh("free_pages")
        BT = Name(bt)
        blocks_of_chunk = self.for_each_block_of_chunk(
            page, Lit(1) << (cur - pb), lambda b: [assign(pb_mt[b], start_mt)])
        single_page: Block = [*self.del_page_from_free_list(page, cur), *self.expand(page, o, cur, BT),
                              Let(result, page)]
        claim: Block = [*self.move_freepages_block(self.block_of(page), start_mt, free, old_mt=BT, page=page),
                        assign(pb_mt[self.block_of(page)], start_mt),
                        *self._rmqueue_smallest(o, start_mt, result)]
        movable = self.fresh("movable_pages") if self.movable_pages_read() else None
        count: Block = [*self.prep_move_freepages_block(self.block_of(page), free, movable),
                        If(self.claim_block(start_mt, BT, Name(free), movable), tuple(claim), tuple(single_page))]
        if self.two_zones:
            # "moving whole block can fail due to zone boundary conditions: if
            # (!prep_move_freepages_block(zone, page, ..)) goto single_page;"
            count = [If(self.block_spans_zone(self.block_of(page), page), tuple(count), tuple(single_page))]
        return [
            Let(bt, self.pfn_mt(page)),
            If(BT == HIGHATOMIC, tuple(single_page), (
                If(cur >= pb,
                   (*self.del_page_from_free_list(page, cur), blocks_of_chunk,
                    *self.expand(page, o, cur, start_mt), Let(result, page)),
                   (If(whole_block == 1, tuple(count), tuple(single_page)),)),)),
        ]

    def prep_move_freepages_block(self, block: ExprLike, counted: str, movable: str | None = None) -> Block:
        """v6.10 prep_move_freepages_block(): count the free pages of the block (and, with
        ``movable``, its movable pages: :meth:`count_movable`), move nothing."""
        pb = self.pageblock_order
        i, p = self.fresh("i"), self.fresh("pfn")
        P = Name(p)
        alloc = self.fresh("allocated") if movable else ""  # no fresh name unless counted
        loop = For(i, Lit(0), Lit(1) << pb, (
            Let(p, (lift(block) << pb) + Name(i)),
            If(where[P] == BUDDY, (Let(counted, Name(counted) + (Lit(1) << order_of[P])),),
               self.count_allocated(P, alloc) if movable else ()),
        ))
        if movable is None:
            return [Let(counted, Lit(0)), loop]
        return [Let(counted, Lit(0)), Let(alloc, Lit(0)), loop, *self.count_movable(alloc, movable)]

    # ------------------------------------- the movable pages of a stolen block
    def exact_only_at(self) -> tuple[Expr, ...]:
        """What a proof for every size must assume so that this model is the kernel's: from
        v4.12 the steal decision reads the block's movable pages, which the model has as a
        parameter only when pageblock_order >= 2 (:meth:`movable_pages_param`, a domain of
        ``1 << pageblock_order`` values fixed by the configuration); a model built for one
        pageblock_order is the kernel's at that pageblock_order only.  With pageblock_order
        symbolic, "claim iff the block was MOVABLE or half of it is free" would leave out the
        kernel's refusals (an UNMOVABLE steal from a MOVABLE block with more than half of
        it movable) and claims (a MOVABLE steal from a block with enough movable pages).
        v3.16's try_to_steal_freepages() counts free pages only: its decision is written
        for every pageblock_order."""
        zones: tuple[Expr, ...] = ()
        if self.two_zones:  # the boundary and the boot's chunks are literals of this zone size
            zones = (Cfg("npfn") == Lit(self.cfg.npfn), Cfg("max_order") == Lit(self.cfg.max_order),
                     Cfg("pageblock_order") == Lit(self.cfg.pageblock_order))
        if self.era.try_to_steal_freepages:
            return zones
        return (*zones, Cfg("pageblock_order") == Lit(self.cfg.pageblock_order))

    def movable_pages_read(self) -> bool:
        """Whether the steal decision depends on the block's movable pages: from v4.12
        (02aa0cdd7248 "mm, page_alloc: count movable pages when stealing from pageblock")
        move_freepages() / v6.10 prep_move_freepages_block() count the pages of the block
        that are not free and are "PageLRU(page) || __PageMovable(page)", and
        steal_suitable_fallback() claims the block if "free_pages + alike_pages >= (1 <<
        (pageblock_order-1))".  With a pageblock of two pages the answer is yes whatever
        the count (at least one page of the block is free: the one being stolen), so only
        configurations with pageblock_order >= 2 read it; v3.16's try_to_steal_freepages()
        counts free pages only."""
        return self.cfg.pageblock_order >= 2 and not self.era.try_to_steal_freepages

    def movable_pages_param(self) -> tuple[Param, ...]:
        """Whether an allocated page is on the LRU (or has movable_ops) is up to its user
        and changes while it lives (isolation for migration or reclaim takes it off the
        LRU), so the model lets each allocation that may steal choose how many of the
        block's allocated pages count as movable at that moment: ``movable_pages``,
        capped by the allocated pages of the block (:meth:`count_movable`).  Pages on a
        pcp list, being freed or held by the reporting worker are not PageLRU and never
        count."""
        if not self.movable_pages_read():
            return ()
        n = 1 << self.cfg.pageblock_order
        return (Param("movable_pages", Domain("movable_pages", n, tuple(str(i) for i in range(n)))),)

    def count_allocated(self, P: Expr, alloc: str) -> tuple[If, ...]:
        """A page of the walk that is not PageBuddy: an allocated chunk's head adds its
        pages (the walk goes pfn by pfn; PageLRU of a compound page's tail is its head's)."""
        return (If(where[P] == ALLOC, (Let(alloc, Name(alloc) + (Lit(1) << order_of[P])),)),)

    def count_movable(self, alloc: str, movable: str) -> Block:
        return [Let(movable, Min(Name("movable_pages"), Name(alloc)))]

    def claim_block(self, start_mt: int, old: Expr, free: Expr, movable: str | None) -> Expr:
        """steal_suitable_fallback()'s claim: "If a sufficient number of pages in the block
        are either free or of comparable migratability as our allocation, claim the whole
        block": alike_pages = movable_pages for a MOVABLE request; for UNMOVABLE or
        RECLAIMABLE, pageblock_nr_pages - (free_pages + movable_pages) from a MOVABLE
        block, else 0.  Without ``movable`` (pageblock_order 1: :meth:`movable_pages_read`)
        this is the same decision written without the count."""
        pb = self.pageblock_order
        half = Lit(1) << (pb - 1)
        if movable is None:
            return Or(old == MOVABLE, free >= half)
        mov = Name(movable)
        if start_mt == MOVABLE:
            alike: Expr = mov
        else:
            alike = Ite(old == MOVABLE, (Lit(1) << pb) - (free + mov), Lit(0))
        return free + alike >= half

    def steal_suitable_fallback(self, page: Expr, o: Expr, start_mt: int, whole_block: Expr) -> Block:
        pb = self.pageblock_order
        old, free = self.fresh("old_block_type"), self.fresh("free_pages")
        # change_pageblock_range(): the 1 << (order - pageblock_order) pageblocks of the chunk
        blocks_of_chunk = If(o >= pb, (self.for_each_block_of_chunk(
            page, Lit(1) << (o - pb), lambda b: [assign(pb_mt[b], start_mt)]),))
        movable = self.fresh("movable_pages") if self.movable_pages_read() else None
        claim: Stmt = If(self.claim_block(start_mt, Name(old), Name(free), movable),
                         (assign(pb_mt[self.block_of(page)], start_mt),))
        if self.two_zones:
            # "moving whole block can fail due to zone boundary conditions: if (!free_pages)
            # goto single_page;" (with one zone the stolen page itself is always moved)
            claim = If(Name(free) == 0, tuple(self.move_to_free_list(page, o, start_mt)), (claim,))
        steal_block = [
            *self.move_freepages_block(self.block_of(page), start_mt, free, movable=movable, page=page),
            claim,
        ]
        return [
            Let(old, self.pfn_mt(page)),
            If(Or(Name(old) == HIGHATOMIC, o >= pb),
               (blocks_of_chunk, *self.move_to_free_list(page, o, start_mt)),
               (If(whole_block == 1, tuple(steal_block), tuple(self.move_to_free_list(page, o, start_mt))),)),
        ]

    def move_freepages_block(self, block: ExprLike, mt: ExprLike, moved: str, old_mt: ExprLike | None = None,
                             movable: str | None = None, page: ExprLike | None = None) -> Block:
        """Move every free chunk whose head lies in the block to free_list[.][mt];
        ``moved`` counts the pages, and ``movable`` (v4.12+ num_movable) the movable
        pages among the others (:meth:`count_movable`).  (v6.10
        __move_freepages_block(zone, start_pfn, old_mt, new_mt) names the old type for its
        accounting: the model moves by the list each chunk is on, which the free counts
        follow, so ``old_mt`` is for the reader.)  ``page``: the page the caller passes (the
        block's first page if None), whose zone is the caller's: with two zones the walk
        keeps to it (``Era.straddle_refused``)."""
        del old_mt
        pb = self.pageblock_order
        i, p, o = self.fresh("i"), self.fresh("pfn"), self.fresh("order")
        P, O = Name(p), Name(o)
        alloc = self.fresh("allocated") if movable else ""  # no fresh name unless counted
        buddy: Expr = where[P] == BUDDY
        counted: tuple[Stmt, ...] = self.count_allocated(P, alloc) if movable else ()
        if self.two_zones:
            pivot = lift(block) << pb if page is None else lift(page)
            zone = self.zone_of(pivot)
            # v6.10 refuses a straddling block outright; before, "if (!zone_spans_pfn(zone,
            # start_pfn)) start_page = page;" -- the walk starts at the pivot page -- and
            # "if (!zone_spans_pfn(zone, end_pfn)) return 0;"
            visit = self.block_spans_zone(block, pivot) if self.era.straddle_refused else And(
                self.zone_spans_pfn(zone, self.block_end(block)),
                Or(self.zone_spans_pfn(zone, lift(block) << pb), P >= pivot))
            buddy = And(buddy, visit)
            counted = (If(visit, counted),) if counted else ()
        loop = For(i, Lit(0), Lit(1) << pb, (
            Let(p, (lift(block) << pb) + Name(i)),
            If(buddy, (
                Let(o, order_of[P]),
                *self.move_to_free_list(P, O, mt),
                Let(moved, Name(moved) + (Lit(1) << O))),
               counted),
        ))
        if movable is None:
            return [Let(moved, Lit(0)), loop]
        return [Let(moved, Lit(0)), Let(alloc, Lit(0)), loop, *self.count_movable(alloc, movable)]

    def _rmqueue(self, o: ExprLike, mt: int, result: str) -> Block:
        """__rmqueue(): smallest, then CMA for MOVABLE, then steal and retry.  v3.16:
        smallest, then __rmqueue_fallback() (CMA among the fallbacks), then "Use
        MIGRATE_RESERVE rather than fail an allocation" (retry_reserve:
        __rmqueue_smallest(MIGRATE_RESERVE), which writes RESERVE to ->index)."""
        out = self._rmqueue_smallest(o, mt, result)
        if self.era.try_to_steal_freepages:
            fallback = self._rmqueue_fallback_3_16(o, mt, result)
            if self.era.migrate_reserve:
                fallback.append(If(Name(result) == NONE, tuple(self._rmqueue_smallest(o, RESERVE, result))))
            return out + [If(Name(result) == NONE, tuple(fallback))]
        retry: Block = []
        if mt == MOVABLE and CMA in self.d.config_mts:
            retry += self._rmqueue_smallest(o, CMA, result)
        if self.era.claim_moves:  # v6.10: __rmqueue_fallback() returns the page
            fallback = self._rmqueue_fallback(o, mt, result)
        else:  # if (!page && __rmqueue_fallback(..)) goto retry;
            fallback = [*self._rmqueue_fallback(o, mt, result), *self._rmqueue_smallest(o, mt, result)]
        if mt in FALLBACKS:
            retry.append(If(Name(result) == NONE, tuple(fallback)))
        return out + [If(Name(result) == NONE, tuple(retry))]

    def rmqueue_possible(self, o: ExprLike, mt: int) -> Expr:
        """__rmqueue(order, mt) would find a page (the guard of an allocation)."""
        q = Name("q")
        lists = [mt, *self.fallbacks(mt)] + ([CMA] if mt == MOVABLE else []) + (
            [RESERVE] if self.era.migrate_reserve else [])
        return Count("q", "pfn", And(where[q] == BUDDY, order_of[q] >= o,
                                     Or(*(list_mt[q] == m for m in lists)), *self.in_zone(q, None))) > 0

    def owner_takes(self, page: ExprLike, o: ExprLike) -> Block:
        """prep_new_page(): the page belongs to its user, who may write ->index."""
        return [Check("isolated_pages_stay_isolated", "prep_new_page: page of a range test_pages_isolated() passed",
                      isolation[lift(page) >> (self.max_order - 1)] != I_TESTED),
                *self.leave_list(page, ALLOC, o),
                assign(index[page], Cfg("owner_index")), assign(index_by[page], BY_OWNER)]

    def get_pcppage_migratetype(self, page: ExprLike) -> Expr:
        """page->index as a migratetype.  After a failed read the value may be anything
        (the owner's data); the kernel would then index past free_list[], which the
        model cannot represent, so it takes MIGRATE_MOVABLE instead and stays total.
        The failed read itself is what index_trusted reports."""
        return Ite(index[page] < MIGRATE_TYPES, index[page], Lit(MOVABLE))

    def pcp_read_site(self, page: ExprLike, site: str, on_pcp_list: bool = False) -> Check:
        """get_pcppage_migratetype(page): the last write of ->index was
        set_pcppage_migratetype on the page's current trip through the pcp/alloc path;
        on a pcp list the value is the list's type (CMA/HIGHATOMIC ride on MOVABLE)."""
        cond = And(index_by[page] == BY_PCP, index[page] < MIGRATE_TYPES)
        if on_pcp_list:
            cond = And(cond, self.pcp_index_fits_list(page))
        return Check("index_trusted", site, cond)

    def pcp_index_fits_list(self, page: ExprLike) -> Expr:
        """What ->index may hold on a page of a pcp list: the list's type, or CMA /
        HIGHATOMIC on the MOVABLE list.  v3.16: any type but ISOLATE -- __rmqueue_fallback()
        writes the type try_to_steal_freepages() chose ("The freepage_migratetype may differ
        from pageblock's migratetype") and retry_reserve writes RESERVE, whichever list
        rmqueue_bulk() puts the page on; free_pcppages_bulk() frees to that type ("MIGRATE_MOVABLE
        list may include MIGRATE_RESERVEs")."""
        if self.era.try_to_steal_freepages:
            return And(index[page] < MIGRATE_TYPES, index[page] != ISOLATE)
        return Or(index[page] == list_mt[page], And(
            list_mt[page] == MOVABLE, Or(index[page] == CMA, index[page] == HIGHATOMIC)))


    def init(self) -> list[Stmt]:
        """The zone after boot: every pageblock MOVABLE (CMA blocks CMA; v3.16 the first
        RESERVE, see below), all memory free
        in max-order chunks; a chunk that holds a CMA block is freed pageblock by
        pageblock, as init_cma_reserved_pageblock() does.  Written for a zone of any size:
        chunk heads are the aligned pages, ranked by address on their list.  Two zones:
        :meth:`init_two_zones`."""
        if self.two_zones:
            return self.init_two_zones()
        top, pb = self.max_order - 1, self.pageblock_order
        p, b = Name("p"), Name("b")
        cma = self.is_cma_block(self.block_of(p))
        head = Ite(cma, (p & ((Lit(1) << pb) - 1)) == 0, (p & ((Lit(1) << top) - 1)) == 0)
        first_cma = self.nblocks - self.blocks_per_range
        cma_blocks = self.blocks_per_range if self.has_cma else Lit(0)
        # v3.16 setup_zone_migrate_reserve(): the zone's first MOVABLE pageblock becomes
        # MIGRATE_RESERVE and move_freepages_block() moves its free chunk (the one headed at
        # pfn 0) to the RESERVE list; the MOVABLE list's ranks shift by one
        reserve = self.era.migrate_reserve
        movable_mt: Expr = Ite(p == 0, RESERVE, MOVABLE) if reserve else Lit(MOVABLE)
        movable_pos: Expr = Ite(p == 0, 0, (p >> top) - 1) if reserve else p >> top
        out: list[Stmt] = [
            ForEach("b", "block", (Assign("pb_mt", (b,), Ite(And(b == 0, Not(self.is_cma_block(b))), RESERVE,
                                                             self.restore_mt(b)) if reserve else self.restore_mt(b)),)),
            ForEach("p", "pfn", (
                Assign("where", (p,), Ite(head, BUDDY, TAIL)),
                Assign("order", (p,), Ite(head, Ite(cma, pb, top), 0)),
                Assign("list_mt", (p,), Ite(head, Ite(cma, CMA, movable_mt), 0)),
                Assign("pos", (p,), Ite(head, Ite(cma, self.block_of(p) - first_cma, movable_pos), 0)),
                Assign("index_by", (p,), Lit(BY_STALE)),
            )),
            self.counter_add(nr_free[top], (self.npfn >> top) - int(self.has_cma)),
            *self.mod_zone_freepage_state(self.npfn - (cma_blocks << pb), MOVABLE),
        ]
        if self.has_cma:
            out += [self.counter_add(nr_free[pb], cma_blocks),
                    *self.mod_zone_freepage_state(cma_blocks << pb, CMA)]
        return out


    # ------------------------------------------------------------------ actions
    def act_rmqueue_pcplist(self) -> Action:
        cpu, mt = Name("cpu"), Name("migratetype")
        page = self.fresh("page")
        first = Find("q", "pfn", And(self.on_pcp_list(Name("q"), cpu, mt), pos[Name("q")] == 0))
        return Action(
            "rmqueue_pcplist", "rmqueue_pcplist", PAGE_ALLOC,
            "A user allocates an order-0 page: the first page of this CPU's pcp list"
            + (" of the zone." if self.two_zones else "."),
            (Param("cpu", self.d.cpu), Param("migratetype", self.d.alloc_mt), *self.zone_param()),
            (self.alloc_mt_ok(mt), first != NONE),
            (Let(page, first), *self.list_del(Name(page)), *self.owner_takes(Name(page), 0)),
            environment=True,
        )

    def alloc_mt_ok(self, mt: Expr) -> Expr:
        return Or(*(mt == m for m in self.d.alloc_mts))

    def act_rmqueue_bulk(self) -> Action:
        """rmqueue_bulk(): the pcp list is empty, refill it with one page (batch 1)."""
        cpu, mt = Name("cpu"), Name("migratetype")
        page = self.fresh("page")
        per_mt: list[Stmt] = []
        for m in self.d.alloc_mts:
            body = self._rmqueue(0, m, page)
            P = Name(page)
            acct_mt = self.get_pcppage_migratetype(P) if self.era.pcp_cache else self.pfn_mt(P)
            refill = self.list_insert(P, Count("q", "pfn", self.on_pcp_list(Name("q"), cpu, m)), PCP, 0, m, cpu)
            take: Block = []
            if self.era.zone_pcp_disable:
                # batch = 1 under zone_pcp_disable(): __rmqueue_pcplist() takes the page it
                # just refilled in the same critical section (rmqueue_pcplist's step), after
                # rmqueue_bulk() has counted it by its cached type
                take = [If(self.pcp_disabled(P), (*self.list_del(P), *self.owner_takes(P, 0)))]
            body.append(If(P != NONE, (  # if (unlikely(page == NULL)) break;
                *([self.pcp_read_site(P, "rmqueue_bulk: is_migrate_cma(get_pcppage_migratetype(page))")]
                  if self.era.pcp_cache else []),
                *refill,
                *self.explicit_accounting(-1, acct_mt),
                *take,
            )))
            per_mt.append(If(mt == m, tuple(body)))
        empty = Count("q", "pfn", self.on_pcp_list(Name("q"), cpu, mt)) == 0
        return Action(
            "rmqueue_bulk", "rmqueue_bulk", PAGE_ALLOC,
            "An empty pcp list is refilled from the buddy lists by __rmqueue().",
            (Param("cpu", self.d.cpu), Param("migratetype", self.d.alloc_mt), *self.zone_param(),
             *self.movable_pages_param()),
            (self.alloc_mt_ok(mt), empty, self.any_rmqueue_possible(0, mt)),
            tuple(per_mt),
        )

    def any_rmqueue_possible(self, o: ExprLike, mt: Expr) -> Expr:
        return Or(*(And(mt == m, self.rmqueue_possible(o, m)) for m in self.d.alloc_mts))

    def buddy_orders(self, o: Expr) -> Expr:
        """The orders rmqueue() takes from the buddy lists: above 0 (order 0 goes through the
        pcp lists, "goto out;" whatever rmqueue_pcplist() returned), and from v6.0 order 0 as
        well: "page = rmqueue_pcplist(..); if (likely(page)) goto out;" -- a request whose
        pcp_spin_trylock() failed ("spin_trylock may fail due to a parallel drain") or whose
        empty list rmqueue_bulk() could not refill goes on to rmqueue_buddy() (4b23a68f9536
        "mm/page_alloc: protect PCP lists with a spinlock")."""
        return o >= 0 if self.era.pcp_trylock else o > 0

    def act_rmqueue_buddy(self) -> Action:
        o, mt = Name("order"), Name("migratetype")
        page = self.fresh("page")
        per_mt: list[Stmt] = []
        for m in self.d.alloc_mts:
            P = Name(page)
            body = self._rmqueue(o, m, page)
            acct_mt = self.get_pcppage_migratetype(P) if self.era.pcp_cache else self.pfn_mt(P)
            body.append(If(P != NONE, (  # if (!page) goto failed;
                *([self.pcp_read_site(P, "rmqueue: __mod_zone_freepage_state(.., get_pcppage_migratetype(page))")]
                  if self.era.pcp_cache else []),
                *self.explicit_accounting(-(1 << o), acct_mt),
                *self.owner_takes(P, o),
            )))
            per_mt.append(If(mt == m, tuple(body)))
        return Action(
            "rmqueue_buddy", "rmqueue", PAGE_ALLOC,
            "A user allocates a chunk straight from the buddy lists, an order-0 page when its pcp list "
            "did not give one." if self.era.pcp_trylock else "A user allocates a high-order chunk straight "
            "from the buddy lists.",
            (Param("order", self.d.order), Param("migratetype", self.d.alloc_mt), *self.zone_param(),
             *self.movable_pages_param()),
            (self.buddy_orders(o), self.alloc_mt_ok(mt), self.any_rmqueue_possible(o, mt)),
            tuple(per_mt), environment=True,
        )

    def free_unref_page_prepare(self, p: Expr) -> Block:
        """free_unref_page_prepare(): migratetype = get_pfnblock_migratetype(page, pfn);
        set_pcppage_migratetype(page, migratetype) -- v6.10: a local variable, not
        page->index."""
        if not self.era.pcp_cache:
            return [assign(local_mt[p], self.pfn_mt(p))]
        return self.set_pcppage_migratetype(p, self.pfn_mt(p))

    def act_free_unref_page_prepare(self) -> Action:
        p = Name("pfn")
        record = self.free_unref_page_prepare(p)
        return Action(
            "free_unref_page_prepare", "free_unref_page_prepare", PAGE_ALLOC,
            "A user frees an order-0 page; its pageblock's type is read without the zone lock.",
            (Param("pfn", self.d.pfn),),
            (where[p] == ALLOC, order_of[p] == 0),
            (assign(where[p], FREEING), *record), environment=True,
        )

    def act_free_unref_page_commit(self) -> Action:
        """free_unref_page_commit(), and from v6.0 the pcp_spin_trylock() of free_unref_page()
        before it (4b23a68f9536): the trylock fails when another context holds this CPU's
        pcp lock, which the model leaves to the environment (a choice on every free); then
        "free_one_page(zone, page, pfn, order, migratetype, FPI_NONE)" with the type the
        function holds at that point -- in 6.0 .. 6.5 the MOVABLE that CMA and HIGHATOMIC
        pages were overridden to for the pcp list (the bug 7b086755fb8c fixed: "the bypass
        will then put the page on the wrong buddy list"), from 6.6 the cached type."""
        p, cpu = Name("pfn"), Name("cpu")
        m = self.fresh("migratetype")
        M = Name(m)
        if self.era.pcp_cache:
            read: Block = [self.pcp_read_site(p, "free_unref_page_commit: get_pcppage_migratetype(page)"),
                           Let(m, self.get_pcppage_migratetype(p))]
        else:
            read = [Let(m, local_mt[p]), assign(local_mt[p], 0)]
        pcp_mt = Ite(M >= MIGRATE_PCPTYPES, Lit(MOVABLE), M)
        to_buddy = self.free_one_page(p, 0, M)
        to_pcp = self.list_insert(p, 0, PCP, 0, pcp_mt, cpu)
        if self.era.zone_pcp_disable:
            # "if (pcp->count >= high) free_pcppages_bulk(zone, nr_pcp_free(..), pcp)": with
            # zone_pcp_disable()'s high = 0 the page (the only one: the lists were drained)
            # goes on to the buddy lists in the same step
            to_pcp = [*to_pcp, If(self.pcp_disabled(p), tuple(self.free_pcppages_bulk(p, read_site=False)))]
        params: tuple[Param, ...] = (Param("pfn", self.d.pfn), Param("cpu", self.d.cpu))
        commit: Stmt = If(M == ISOLATE, tuple(to_buddy), tuple(to_pcp))
        if self.era.pcp_trylock:
            params += (Param("pcp_trylock", Domain("pcp_trylock", 2, ("failed", "taken"))),)
            bypass = self.free_one_page(p, 0, M if self.era.trylock_real_type else pcp_mt)
            commit = If(M == ISOLATE, tuple(to_buddy), (If(Name("pcp_trylock") == 1, tuple(to_pcp), tuple(bypass)),))
        return Action(
            "free_unref_page_commit", "free_unref_page_commit", PAGE_ALLOC,
            "The freed order-0 page goes to the head of this CPU's pcp list "
            "(CMA and HIGHATOMIC to the MOVABLE list; ISOLATE straight to the buddy lists)"
            + ("; if pcp_spin_trylock() fails, straight to the buddy lists." if self.era.pcp_trylock else "."),
            params, (where[p] == FREEING, order_of[p] == 0), (*read, commit),
        )

    def act_free_pcppages_bulk(self) -> Action:
        cpu, mt = Name("cpu"), Name("migratetype")
        page = self.fresh("page")
        n = Count("q", "pfn", self.on_pcp_list(Name("q"), cpu, mt))
        last = Find("q", "pfn", And(self.on_pcp_list(Name("q"), cpu, mt), pos[Name("q")] == n - 1))
        return Action(
            "free_pcppages_bulk", "free_pcppages_bulk", PAGE_ALLOC,
            "Drain one page (the list's last) from a pcp list to the buddy lists.",
            (Param("cpu", self.d.cpu), Param("migratetype", self.d.alloc_mt), *self.zone_param()),
            (n > 0, last != NONE),  # list_last_entry() of a list that is not empty
            (Let(page, last), *self.free_pcppages_bulk(Name(page))),
        )

    def free_pcppages_bulk(self, P: Expr, read_site: bool = True) -> Block:
        """free_pcppages_bulk() for one page P of a pcp list: read its type, unlink it, free it.
        ``read_site``: check the ->index read (index_trusted); the pass-through of a disabled
        pcp list (free_unref_page_commit) reads the value its own read site has just
        checked, from the list that value chose, so it adds no check of its own."""
        m = self.fresh("mt")
        M = Name(m)
        if self.era.pcp_cache:
            read: Block = [*([self.pcp_read_site(P, "free_pcppages_bulk: get_pcppage_migratetype(page)", True)]
                             if read_site else []),
                           Let(m, self.get_pcppage_migratetype(P))]
            if self.era.isolate_recheck:  # v3.18+: if (unlikely(isolated_pageblocks))
                read.append(If(self.has_isolate_pageblock(self.zone_of(P)), (Let(m, self.pfn_mt(P)),)))
        else:  # v6.10: get_pfnblock_migratetype() under zone->lock, every page
            read = [Let(m, self.pfn_mt(P))]
        stmts, _, _ = self._free_one_page(P, 0, M, reported_page=False, notify=True,
                                          account=self.era.isolate_recheck)
        if not self.era.isolate_recheck:
            # v3.16: if (likely(!is_migrate_isolate_page(page))) { NR_FREE_PAGES += 1;
            # if (is_migrate_cma(mt)) NR_FREE_CMA_PAGES += 1; } -- the block's type now
            # decides whether to count, the cached type where
            stmts.append(If(self.pfn_mt(P) != ISOLATE, (
                self.counter_add(self.free_pages_of(self.zone_of(P)), 1),
                If(M == CMA, (self.counter_add(self.free_cma_of(self.zone_of(P)), 1),)))))
        return [*read, *self.list_del(P), *stmts]

    def pcp_disabled(self, page: ExprLike) -> Expr:
        """zone_pcp_disable(zone) is in force (v5.11+ memory offline) for the zone of
        ``page``: pcp->high = 0, batch = 1."""
        if not self.era.zone_pcp_disable:
            return FALSE
        if not self.two_zones:
            return pcp_disabled_by != 0
        offlined = (pcp_disabled_by - 1) << (self.max_order - 1)  # the offlined range's first page
        return And(pcp_disabled_by != 0, self.zone_of(offlined) == self.zone_of(page))

    def act_free_pages_ok(self) -> Action:
        p = Name("pfn")
        return Action(
            "__free_pages_ok", "__free_pages_ok", PAGE_ALLOC,
            "A user frees a high-order chunk; free_one_page() reads the block's type under the zone lock."
            if self.era.free_type_under_lock else
            "A user frees a high-order chunk; the block's type is read before the zone lock.",
            (Param("pfn", self.d.pfn),),
            (where[p] == ALLOC, order_of[p] > 0),
            (assign(where[p], FREEING),
             *([] if self.era.free_type_under_lock else [assign(local_mt[p], self.pfn_mt(p))])), environment=True,
        )

    def act_free_one_page(self) -> Action:
        p = Name("pfn")
        return Action(
            "free_one_page", "free_one_page", PAGE_ALLOC,
            "Under the zone lock, the high-order chunk is merged and linked to a free list.",
            (Param("pfn", self.d.pfn),),
            (where[p] == FREEING, order_of[p] > 0),
            (Let("freeing_mt", local_mt[p]), assign(local_mt[p], 0),
             *self.free_one_page(p, order_of[p], Name("freeing_mt"))),
        )


    def zone_watermark_ok(self, mark: ExprLike, zone: ExprLike | None = None) -> Expr:
        """zone_watermark_ok(zone, 0, mark, 0, ALLOC_CMA) (5.3 .. 6.10 __zone_watermark_ok()):
        order 0, so "free_pages -= (1 << order) - 1" takes nothing; without ALLOC_HARDER
        "free_pages -= z->nr_reserved_highatomic" (6.10 __zone_watermark_unusable_free():
        "if (likely(!(alloc_flags & ALLOC_RESERVES))) unusable_free += z->nr_reserved_highatomic";
        0 on a configuration without HIGHATOMIC); ALLOC_CMA, so free CMA pages count; classzone 0, whose lowmem_reserve[0]
        is 0 in every zone; "if (free_pages <= min + z->lowmem_reserve[classzone_idx])
        return false;" and "If this is an order-0 request then the watermark is fine".
        NR_FREE_PAGES is read exactly (the kernel's zone_page_state() may lag the per-cpu
        vmstat deltas by up to their threshold)."""
        free = self.free_pages_of(self.zone_named(zone))
        if self.has_highatomic:
            return free > lift(mark) + self.reserved_of(self.zone_named(zone))
        return free > mark

    def isolate_free_page_ok(self, page: ExprLike, o: ExprLike) -> Expr:
        """Whether __isolate_free_page() takes the chunk: "if (!is_migrate_isolate(mt)) {
        /* Obey watermarks as if the page was being allocated. ... */ watermark =
        zone->_watermark[WMARK_MIN] + (1UL << order); if (!zone_watermark_ok(zone, 0,
        watermark, 0, ALLOC_CMA)) return 0;" (5.3 .. 6.10 alike).  Always, on a
        configuration without watermarks (wmark_min -1)."""
        if self.cfg.wmark_min < 0:
            return Lit(1)
        return Or(self.pfn_mt(page) == ISOLATE,
                  self.zone_watermark_ok(Lit(self.cfg.wmark_min) + (Lit(1) << lift(o)), self.zone_of(page)))

    def _isolate_free_page(self, page: ExprLike, o: ExprLike) -> Block:
        """__isolate_free_page() once it has passed its watermark check
        (:meth:`isolate_free_page_ok`, which the callers that can fail it ask first; the
        un-isolation's call is on an ISOLATE block, which is not checked): uncount,
        unlink, and make the chunk's pageblocks MOVABLE if it is large."""
        mt = self.fresh("mt")
        O = lift(o)
        out: Block = [
            Let(mt, self.pfn_mt(page)),
            If(Name(mt) != ISOLATE, tuple(self.explicit_accounting(-(1 << O), Name(mt), self.zone_of(page)))),
            Let("isolated_order", O),
            *self.del_page_from_free_list(page, O),
        ]

        def set_movable(b: Expr) -> Block:
            if not self.era.isolate_free_moves:  # up to v6.9: set_pageblock_migratetype(page, MIGRATE_MOVABLE)
                if self.era.merge_rule == "mergeable":  # v5.18+: if (migratetype_is_mergeable(mt))
                    normal = pb_mt[b] < MIGRATE_PCPTYPES
                else:  # !is_migrate_isolate(mt) && !is_migrate_cma(mt) && !is_migrate_highatomic(mt)
                    normal = Not(Or(pb_mt[b] == ISOLATE, pb_mt[b] == CMA, pb_mt[b] == HIGHATOMIC))
                retype: Block = [assign(pb_mt[b], MOVABLE)]
            else:  # v6.10: move_freepages_block(zone, page, mt, MIGRATE_MOVABLE) if mergeable
                normal = pb_mt[b] < MIGRATE_PCPTYPES
                retype = [*self.move_freepages_block(b, MOVABLE, self.fresh("moved")), assign(pb_mt[b], MOVABLE)]
                if self.two_zones:  # move_freepages_block() returns -1 for a straddling block, which keeps its type
                    retype = [If(self.block_spans_zone(b, page), tuple(retype))]
            return [If(normal, tuple(retype))]

        # if (order >= pageblock_order - 1): for (; page < endpage; page += pageblock_nr_pages),
        # endpage = page + (1 << order) - 1: the pageblocks the chunk touches
        pb = self.pageblock_order
        touched = ((Lit(1) << Name("isolated_order")) - 1 + (Lit(1) << pb) - 1) >> pb
        out.append(If(Name("isolated_order") >= pb - 1,
                      (self.for_each_block_of_chunk(page, touched, set_movable),)))
        return out

