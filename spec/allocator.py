"""The buddy allocator and the per-cpu lists, shared by every design.

Each method that returns statements is named after the kernel function it models and
reads like it; the designs (spec/design_*.py) override the free-list manipulators that the
reporting series changed.  References are to v5.3 .. v5.7 unless a method says otherwise;
``pcp_cache`` off selects the v6.10 behaviour where the page's migratetype is no longer
cached in ``page->index``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from spec.expr import (
    FALSE,
    NONE,
    And,
    Cfg,
    Count,
    Expr,
    ExprLike,
    Find,
    Forall,
    Implies,
    Ite,
    Lit,
    Max,
    Min,
    Name,
    Not,
    Or,
    StateVarRef,
    lift,
)
from spec.ir import Action, Assign, Check, Config, Domain, For, ForEach, If, Let, Param, StateVar, Stmt
from spec.kernel import (
    ALLOC,
    BUDDY,
    BY_OWNER,
    BY_PCP,
    BY_STALE,
    CMA,
    FALLBACKS,
    FREEING,
    HIGHATOMIC,
    ISOLATE,
    MIGRATE_PCPTYPES,
    MIGRATE_TYPES,
    MOVABLE,
    PCP,
    RECLAIMABLE,
    TAIL,
    UNMOVABLE,
    Domains,
)

PAGE_ALLOC = "mm/page_alloc.c"
PAGE_ISOLATION = "mm/page_isolation.c"
Block = list[Stmt]

where = StateVarRef("where")
order_of = StateVarRef("order")
list_mt = StateVarRef("list_mt")
cpu_of = StateVarRef("cpu")
pos = StateVarRef("pos")
reported = StateVarRef("reported")
index = StateVarRef("index")
index_by = StateVarRef("index_by")
local_mt = StateVarRef("local_mt")
pb_mt = StateVarRef("pb_mt")
nr_free = StateVarRef("nr_free")
nr_free_pages = StateVarRef("nr_free_pages").value
nr_free_cma = StateVarRef("nr_free_cma").value
reporting_state = StateVarRef("reporting_state").value


def assign(target: Expr, value: ExprLike) -> Assign:
    """``target := value`` where ``target`` is ``var[index]``."""
    from spec.expr import Get

    if not isinstance(target, Get):
        raise TypeError("assign() needs a state element such as where[p] on the left")
    return Assign(target.var, target.index, lift(value))


class Allocator:
    """The model shared by all designs; a design subclass adds reporting."""

    design = "base"

    def __init__(self, cfg: Config, pcp_cache: bool, fault: str | None) -> None:
        self.cfg = cfg
        self.d = Domains(cfg)
        self.pcp_cache = pcp_cache
        self.fault = fault
        self._fresh = count()
        # The CMA area is the last MAX_ORDER-aligned range: v5.x aligns CMA areas to
        # max(MAX_ORDER_NR_PAGES, pageblock_nr_pages), so no max-order chunk mixes CMA
        # and other pageblocks.
        # The zone's size and its orders are configuration constants in the IR, never
        # literals: the same actions then describe a zone of any size with any MAX_ORDER
        # (a proof for every size reads the constants as symbols, spec.catalog says which).
        # Loops over orders are the kernel's `for (order = ..; order < MAX_ORDER; ..)`.
        # Migratetypes and the reporting capacity are literals.
        self.npfn = Cfg("npfn")
        self.nblocks = Cfg("nblocks")
        self.max_order = Cfg("max_order")
        self.pageblock_order = Cfg("pageblock_order")
        self.MIN = Cfg("page_reporting_min_order")  # = pageblock_order
        self.blocks_per_range = Cfg("blocks_per_range")  # pageblocks in a max-order chunk
        self.has_cma = "CMA" in cfg.migratetypes

    # ----------------------------------------------------------------- helpers
    def fresh(self, stem: str) -> str:
        return f"{stem}_{next(self._fresh)}"

    def block_of(self, page: ExprLike) -> Expr:
        return lift(page) >> self.pageblock_order

    def is_cma_block(self, b: ExprLike) -> Expr:
        """The CMA area is the zone's last MAX_ORDER-aligned range (when CMA is configured)."""
        return lift(b) >= self.nblocks - self.blocks_per_range if self.has_cma else FALSE

    def for_each_order(self, start: ExprLike, stop: ExprLike, body: Callable[[Expr], Block],
                       descending: bool = False) -> For:
        """``for (order = start; order < stop; order++)`` (``descending``: from stop - 1
        down to start), ``body`` given the order.  The IR's loop runs over every order
        below MAX_ORDER (its bounds are the configuration's) and skips the others."""
        i, o = self.fresh("i"), self.fresh("order")
        at = self.max_order - 1 - Name(i) if descending else Name(i)
        return For(i, Lit(0), self.max_order, (
            Let(o, at), If(And(lift(start) <= Name(o), Name(o) < stop), tuple(body(Name(o))))))

    def for_each_block_of_chunk(self, page: ExprLike, n: ExprLike, body: Callable[[Expr], Block]) -> For:
        """``n`` pageblocks (at most those of a max-order chunk) from the one that holds
        ``page`` on, ``body`` given the block."""
        j = self.fresh("j")
        return For(j, Lit(0), self.blocks_per_range, (
            If(Name(j) < n, tuple(body(self.block_of(page) + Name(j)))),))

    def pfn_mt(self, page: ExprLike) -> Expr:
        """get_pfnblock_migratetype(page, pfn)"""
        return pb_mt[self.block_of(page)]

    def has_isolate_pageblock(self) -> Expr:
        return Count("b", "block", pb_mt[Name("b")] == ISOLATE) > 0

    def on_free_list(self, q: ExprLike, o: ExprLike, mt: ExprLike) -> Expr:
        return And(where[q] == BUDDY, order_of[q] == o, list_mt[q] == mt)

    def on_pcp_list(self, q: ExprLike, cpu: ExprLike, mt: ExprLike) -> Expr:
        return And(where[q] == PCP, cpu_of[q] == cpu, list_mt[q] == mt)

    def same_list(self, q: ExprLike, page: ExprLike) -> Expr:
        """q is on the same free or pcp list as page (page itself included)."""
        return And(
            Or(where[page] == BUDDY, where[page] == PCP),
            where[q] == where[page], order_of[q] == order_of[page],
            list_mt[q] == list_mt[page], cpu_of[q] == cpu_of[page],
        )

    def free_list_len(self, o: ExprLike, mt: ExprLike) -> Expr:
        return Count("q", "pfn", self.on_free_list(Name("q"), o, mt))

    def first_on_free_list(self, o: ExprLike, mt: ExprLike) -> Expr:
        return Find("q", "pfn", And(self.on_free_list(Name("q"), o, mt), pos[Name("q")] == 0))

    def page_at(self, page: ExprLike, at: ExprLike) -> Expr:
        """The page at position ``at`` of page's list, or NONE."""
        q = Name("q")
        return Find("q", "pfn", And(self.same_list(q, page), pos[q] == at))

    def page_is_buddy(self, buddy: ExprLike, o: ExprLike) -> Expr:
        return And(where[buddy] == BUDDY, order_of[buddy] == o)

    # ------------------------------------------------------------ list_head ops
    def list_del(self, page: ExprLike) -> Block:
        """list_del(&page->lru): close the gap behind the page; the caller says where
        the page goes next."""
        q = Name("q")
        return [ForEach("q", "pfn", (Assign("pos", (q,), Ite(
            And(self.same_list(q, page), pos[q] > pos[page]), pos[q] - 1, pos[q])),))]

    def list_insert(self, page: ExprLike, at: ExprLike, w: int, o: ExprLike, mt: ExprLike,
                    cpu: ExprLike = 0) -> Block:
        """Link ``page`` (not on any list) at position ``at`` of list (w, o, mt, cpu)."""
        q = Name("q")
        member = And(where[q] == w, order_of[q] == o, list_mt[q] == mt, cpu_of[q] == cpu)
        k = self.fresh("at")  # evaluated once, before the page joins the list
        return [
            Let(k, lift(at)),
            ForEach("q", "pfn", (Assign("pos", (q,), Ite(And(member, pos[q] >= Name(k)), pos[q] + 1, pos[q])),)),
            assign(where[page], w), assign(order_of[page], o), assign(list_mt[page], mt),
            assign(cpu_of[page], cpu), assign(pos[page], Name(k)),
        ]

    def list_rotate_to_front(self, page: ExprLike, length: ExprLike) -> Block:
        """list_rotate_to_front(&page->lru, list): page becomes the first entry."""
        q = Name("q")
        k = self.fresh("k")
        return [Let(k, pos[page]), ForEach("q", "pfn", (Assign("pos", (q,), Ite(
            self.same_list(q, page),
            Ite(pos[q] >= Name(k), pos[q] - Name(k), pos[q] + length - Name(k)), pos[q])),))]

    def retire(self, page: ExprLike) -> Block:
        """The page was unlinked from a free list or is being freed: whatever ->index
        held belongs to its previous life.  Every path that reads ->index later writes it
        first (or the read is flagged), so the model keeps no value: index := 0, stale."""
        return [assign(index[page], 0), assign(index_by[page], BY_STALE)]

    def leave_list(self, page: ExprLike, w: int, o: ExprLike = 0) -> Block:
        """After list_del: the page is now ``w`` (ALLOC, REPORTING, TAIL, ...)."""
        return [assign(where[page], w), assign(order_of[page], o), assign(list_mt[page], 0),
                assign(cpu_of[page], 0), assign(pos[page], 0)]

    # -------------------------------------------- free-list manipulators (5.3+)
    def add_to_free_list(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """list_add(&page->lru, &area->free_list[migratetype]); area->nr_free++"""
        return [*self.list_insert(page, 0, BUDDY, o, mt), *self.nr_free_add(o, mt, 1)]

    def add_to_free_list_tail(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """list_add_tail(&page->lru, &area->free_list[migratetype]); nr_free++"""
        return [*self.list_insert(page, self.free_list_len(o, mt), BUDDY, o, mt),
                *self.nr_free_add(o, mt, 1)]

    def move_to_free_list(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """list_move(&page->lru, &area->free_list[migratetype]) (v6.10: list_move_tail,
        and the free counts move with the page)"""
        at = 0 if self.pcp_cache else self.free_list_len(o, mt)
        return [*self.account_move(page, o, mt), *self.list_del(page), *self.leave_list(page, TAIL),
                *self.list_insert(page, at, BUDDY, o, mt)]

    def del_page_from_free_list(self, page: ExprLike, o: ExprLike, why: str = "") -> Block:
        """list_del; __ClearPageBuddy; set_page_private(page, 0); nr_free--.
        Reported is cleared here in every design (the designs add their bookkeeping).
        ``why`` says who unlinks: "merge" (__free_one_page absorbing a buddy),
        "alloc" (__rmqueue_smallest) or "" (anything else); faults key on it."""
        keep = (self.fault == "merge-keeps-reported" and why == "merge") or (
            self.fault == "alloc-keeps-reported" and why == "alloc")
        clear = [] if keep else self.del_page_from_reported_list(page, o)
        old = self.fresh("list_mt")
        return [*clear, Let(old, list_mt[page]), *self.list_del(page), *self.leave_list(page, TAIL),
                *self.retire(page), *self.nr_free_add(o, Name(old), -1)]

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        """What unlinking a Reported page must undo; nothing without reporting."""
        return []

    # --------------------------------------------------------- free accounting
    def counter_add(self, counter: Expr, delta: ExprLike) -> Assign:
        """counter += delta.  The kernel's counters are machine words that can drift when
        its accounting is off; the model clamps them to 0..npfn so that a drifting
        counter keeps the state space finite (free_counts flags the first wrong value)."""
        return assign(counter, Min(Max(counter + delta, 0), self.npfn))

    def nr_free_add(self, o: ExprLike, mt: ExprLike, delta: int) -> Block:
        """area->nr_free += delta.  From v6.10 the free-page counters move with the list
        (account_freepages() in __add_to_free_list/__del_page_from_free_list)."""
        out: Block = [self.counter_add(nr_free[o], delta)]
        if not self.pcp_cache:
            out += self.mod_zone_freepage_state_if_not_isolate(delta * (Lit(1) << o), mt)
        return out

    def account_move(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """v6.10 move_to_free_list(): account_freepages(-old_mt), (+new_mt)."""
        if self.pcp_cache:
            return []
        size = Lit(1) << o
        return [*self.mod_zone_freepage_state_if_not_isolate(-size, list_mt[page]),
                *self.mod_zone_freepage_state_if_not_isolate(size, mt)]

    def explicit_accounting(self, delta: ExprLike, mt: ExprLike) -> Block:
        """Up to v6.9 the callers adjust the free counts themselves
        (__mod_zone_freepage_state); from v6.10 the list helpers do it (nr_free_add)."""
        return self.mod_zone_freepage_state(delta, mt) if self.pcp_cache else []

    def mod_zone_freepage_state(self, delta: ExprLike, mt: ExprLike) -> Block:
        """__mod_zone_freepage_state(zone, nr_pages, migratetype)"""
        return [self.counter_add(nr_free_pages, delta),
                If(lift(mt) == CMA, (self.counter_add(nr_free_cma, delta),))]

    # ----------------------------------------------------------- freeing pages
    def merge_allowed(self, mt: ExprLike, buddy_mt: ExprLike) -> Expr:
        """Merging across pageblocks (order >= pageblock_order)."""
        if self.pcp_cache:  # v5.3 .. v5.13: only isolation stops a merge
            return Not(And(self.has_isolate_pageblock(), lift(mt) != buddy_mt,
                           Or(lift(mt) == ISOLATE, lift(buddy_mt) == ISOLATE)))
        # v5.14+ (v6.10 here): migratetype_is_mergeable() on both sides
        return self.mergeable(mt, buddy_mt)

    def match_buddy_type(self, buddy: Expr, o: Expr, mt: Expr) -> Block:
        """v6.10 __free_one_page(): "Match buddy type. This ensures that an expand() down
        the line puts the sub-blocks on the right freelists." (not in v5.x)"""
        if self.pcp_cache:
            return []
        return [If(And(o >= self.pageblock_order, self.pfn_mt(buddy) != mt),
                   (assign(pb_mt[self.block_of(buddy)], mt),))]

    @staticmethod
    def mergeable(a: ExprLike, b: ExprLike) -> Expr:
        """Two pageblock types that may share a free chunk: equal, or both ordinary."""
        return Or(lift(a) == b, And(lift(a) < MIGRATE_PCPTYPES, lift(b) < MIGRATE_PCPTYPES))

    def _free_one_page(self, page: ExprLike, o: ExprLike, mt: ExprLike, reported_page: bool,
                        notify: bool, to_tail: bool = False) -> tuple[Block, Expr, Expr]:
        """Merge with free buddies, then link the chunk to a free list.  Returns the
        statements and the head pfn and order of the resulting chunk."""
        pb, top = self.pageblock_order, self.max_order - 1
        p, o_, m, mt_, b = (self.fresh(s) for s in ("pfn", "order", "merging", "mt", "buddy"))
        P, O, M, MT, B = Name(p), Name(o_), Name(m), Name(mt_), Name(b)
        body: Block = [Let(p, lift(page)), Let(o_, lift(o)), Let(m, Lit(1)), Let(mt_, lift(mt)),
                       *self.leave_list(P, TAIL),  # until linked below, the page heads nothing
                       *self.retire(P),
                       *([If(MT != ISOLATE, tuple(self.explicit_accounting(1 << O, MT)))])]
        step: Block = [
            Let(b, P ^ (1 << O)),
            If(And(O >= pb, Not(self.merge_allowed(MT, self.pfn_mt(B)))),
               (Let(m, Lit(0)),)),
            If(And(M == 1, self.page_is_buddy(B, O)),
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
        likely = And(O < top - 1, self.page_is_buddy(Name(hb), O + 1))
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

    def mod_zone_freepage_state_if_not_isolate(self, delta: ExprLike, mt: ExprLike) -> Block:
        return [If(lift(mt) != ISOLATE, tuple(self.mod_zone_freepage_state(delta, mt)))]

    def page_reporting_notify_free(self, o: ExprLike) -> Block:
        return []

    def free_one_page(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """free_one_page(): re-read the block's type under the lock when isolation is
        about (v5.3: has_isolate_pageblock || is_migrate_isolate)."""
        m = self.fresh("mt")
        body: Block = [Let(m, lift(mt)),
                       If(Or(self.has_isolate_pageblock(), Name(m) == ISOLATE),
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
        if self.pcp_cache:
            take += self.set_pcppage_migratetype(R, mt)
        return search + [If(R != NONE, tuple(take))]

    def can_steal_fallback(self, o: Expr, start_mt: int) -> Expr:
        """can_steal_fallback(): may the whole pageblock be stolen?"""
        if start_mt in (RECLAIMABLE, UNMOVABLE):
            return Lit(1)
        pb = self.pageblock_order
        return Or(o >= pb, o >= pb >> 1)

    def find_suitable_fallback(self, o: Expr, start_mt: int) -> Expr:
        """The first fallback type whose free_list[o] is not empty, or NONE."""
        result: Expr = NONE
        for fb in reversed(FALLBACKS[start_mt]):
            result = Ite(self.free_list_len(o, fb) > 0, Lit(fb), result)
        return result

    def _rmqueue_fallback(self, o: ExprLike, start_mt: int) -> Block:
        """v5.3 __rmqueue_fallback() without ALLOC_NOFRAGMENT: steal from the largest
        fallback chunk; a MOVABLE request that may not steal the whole block takes the
        smallest one instead (find_smallest); then steal_suitable_fallback()."""
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
        out += [Let(page, Ite(Name(fmt) != NONE, self.first_on_free_list(Name(forder), Name(fmt)), NONE)),
                If(Name(page) != NONE,
                   tuple(self.steal_suitable_fallback(Name(page), Name(forder), start_mt, Name(steal))))]
        return out

    def steal_suitable_fallback(self, page: Expr, o: Expr, start_mt: int, whole_block: Expr) -> Block:
        pb = self.pageblock_order
        old, free = self.fresh("old_block_type"), self.fresh("free_pages")
        # change_pageblock_range(): the 1 << (order - pageblock_order) pageblocks of the chunk
        blocks_of_chunk = If(o >= pb, (self.for_each_block_of_chunk(
            page, Lit(1) << (o - pb), lambda b: [assign(pb_mt[b], start_mt)]),))
        steal_block = [
            *self.move_freepages_block(self.block_of(page), start_mt, free),
            If(Or(Name(old) == MOVABLE, Name(free) >= (Lit(1) << (pb - 1))),
               (assign(pb_mt[self.block_of(page)], start_mt),)),
        ]
        return [
            Let(old, self.pfn_mt(page)),
            If(Or(Name(old) == HIGHATOMIC, o >= pb),
               (blocks_of_chunk, *self.move_to_free_list(page, o, start_mt)),
               (If(whole_block == 1, tuple(steal_block), tuple(self.move_to_free_list(page, o, start_mt))),)),
        ]

    def move_freepages_block(self, block: ExprLike, mt: ExprLike, moved: str) -> Block:
        """Move every free chunk whose head lies in the block to free_list[.][mt];
        ``moved`` counts the pages."""
        pb = self.pageblock_order
        i, p, o = self.fresh("i"), self.fresh("pfn"), self.fresh("order")
        P, O = Name(p), Name(o)
        return [Let(moved, Lit(0)),
                For(i, Lit(0), Lit(1) << pb, (
                    Let(p, (lift(block) << pb) + Name(i)),
                    If(where[P] == BUDDY, (
                        Let(o, order_of[P]),
                        *self.move_to_free_list(P, O, mt),
                        Let(moved, Name(moved) + (Lit(1) << O)))),
                ))]

    def _rmqueue(self, o: ExprLike, mt: int, result: str) -> Block:
        """__rmqueue(): smallest, then CMA for MOVABLE, then steal and retry."""
        out = self._rmqueue_smallest(o, mt, result)
        retry: Block = []
        if mt == MOVABLE and CMA in self.d.config_mts:
            retry += self._rmqueue_smallest(o, CMA, result)
        fallback = [*self._rmqueue_fallback(o, mt), *self._rmqueue_smallest(o, mt, result)]
        if mt in FALLBACKS:
            retry.append(If(Name(result) == NONE, tuple(fallback)))
        return out + [If(Name(result) == NONE, tuple(retry))]

    def rmqueue_possible(self, o: ExprLike, mt: int) -> Expr:
        """__rmqueue(order, mt) would find a page (the guard of an allocation)."""
        q = Name("q")
        lists = [mt, *FALLBACKS.get(mt, ())] + ([CMA] if mt == MOVABLE else [])
        return Count("q", "pfn", And(where[q] == BUDDY, order_of[q] >= o,
                                     Or(*(list_mt[q] == m for m in lists)))) > 0

    def owner_takes(self, page: ExprLike, o: ExprLike) -> Block:
        """prep_new_page(): the page belongs to its user, who may write ->index."""
        return [Check("isolated_pages_stay_isolated", "prep_new_page: page of an isolated pageblock",
                      self.pfn_mt(page) != ISOLATE),
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
            cond = And(cond, Or(index[page] == list_mt[page], And(
                list_mt[page] == MOVABLE, Or(index[page] == CMA, index[page] == HIGHATOMIC))))
        return Check("index_trusted", site, cond)

    # -------------------------------------------------------------- the state
    def state_vars(self) -> list[StateVar]:
        d = self.d
        return [
            StateVar("where", (d.pfn,), d.where, "where the page is (TAIL: inside a chunk headed elsewhere)"),
            StateVar("order", (d.pfn,), d.order, "page_private while Buddy, compound order while allocated"),
            StateVar("list_mt", (d.pfn,), d.mt, "the free list or pcp list the page is on"),
            StateVar("cpu", (d.pfn,), d.cpu, "the CPU whose pcp list holds the page"),
            StateVar("pos", (d.pfn,), d.pos, "position in its list (0 = first); scatterlist slot while REPORTING"),
            StateVar("reported", (d.pfn,), d.bool, "PG_reported"),
            StateVar("index", (d.pfn,), d.index, "page->index"),
            StateVar("index_by", (d.pfn,), d.index_by, "who wrote page->index last, and so what it means", ghost=True),
            StateVar("local_mt", (d.pfn,), d.mt, "migratetype a freeing task read before taking the zone lock", ghost=True),
            StateVar("pb_mt", (d.block,), d.mt, "the pageblock's migratetype"),
            StateVar("nr_free", (d.order,), d.count, "zone->free_area[order].nr_free"),
            StateVar("nr_free_pages", (), d.count, "NR_FREE_PAGES"),
            StateVar("nr_free_cma", (), d.count, "NR_FREE_CMA_PAGES"),
        ]

    def init(self) -> list[Stmt]:
        """The zone after boot: every pageblock MOVABLE (CMA blocks CMA), all memory free
        in max-order chunks; a chunk that holds a CMA block is freed pageblock by
        pageblock, as init_cma_reserved_pageblock() does.  Written for a zone of any size:
        chunk heads are the aligned pages, ranked by address on their list."""
        top, pb = self.max_order - 1, self.pageblock_order
        p, b = Name("p"), Name("b")
        cma = self.is_cma_block(self.block_of(p))
        head = Ite(cma, (p & ((Lit(1) << pb) - 1)) == 0, (p & ((Lit(1) << top) - 1)) == 0)
        first_cma = self.nblocks - self.blocks_per_range
        cma_blocks = self.blocks_per_range if self.has_cma else Lit(0)
        out: list[Stmt] = [
            ForEach("b", "block", (Assign("pb_mt", (b,), self.restore_mt(b)),)),
            ForEach("p", "pfn", (
                Assign("where", (p,), Ite(head, BUDDY, TAIL)),
                Assign("order", (p,), Ite(head, Ite(cma, pb, top), 0)),
                Assign("list_mt", (p,), Ite(head, Ite(cma, CMA, MOVABLE), 0)),
                Assign("pos", (p,), Ite(head, Ite(cma, self.block_of(p) - first_cma, p >> top), 0)),
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
    def actions(self) -> list[Action]:
        return [
            self.act_rmqueue_pcplist(), self.act_rmqueue_bulk(), self.act_rmqueue_buddy(),
            self.act_free_unref_page_prepare(), self.act_free_unref_page_commit(),
            self.act_free_pcppages_bulk(), self.act_free_pages_ok(), self.act_free_one_page(),
            self.act_start_isolate_page_range(), self.act_undo_isolate_page_range(),
        ]

    def act_rmqueue_pcplist(self) -> Action:
        cpu, mt = Name("cpu"), Name("migratetype")
        page = self.fresh("page")
        first = Find("q", "pfn", And(self.on_pcp_list(Name("q"), cpu, mt), pos[Name("q")] == 0))
        return Action(
            "rmqueue_pcplist", "rmqueue_pcplist", PAGE_ALLOC,
            "A user allocates an order-0 page: the first page of this CPU's pcp list.",
            (Param("cpu", self.d.cpu), Param("migratetype", self.d.alloc_mt)),
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
            acct_mt = self.get_pcppage_migratetype(P) if self.pcp_cache else self.pfn_mt(P)
            body.append(If(P != NONE, (  # if (unlikely(page == NULL)) break;
                *([self.pcp_read_site(P, "rmqueue_bulk: is_migrate_cma(get_pcppage_migratetype(page))")]
                  if self.pcp_cache else []),
                *self.list_insert(P, Count("q", "pfn", self.on_pcp_list(Name("q"), cpu, m)), PCP, 0, m, cpu),
                *self.explicit_accounting(-1, acct_mt),
            )))
            per_mt.append(If(mt == m, tuple(body)))
        empty = Count("q", "pfn", self.on_pcp_list(Name("q"), cpu, mt)) == 0
        return Action(
            "rmqueue_bulk", "rmqueue_bulk", PAGE_ALLOC,
            "An empty pcp list is refilled from the buddy lists by __rmqueue().",
            (Param("cpu", self.d.cpu), Param("migratetype", self.d.alloc_mt)),
            (self.alloc_mt_ok(mt), empty, self.any_rmqueue_possible(0, mt)),
            tuple(per_mt),
        )

    def any_rmqueue_possible(self, o: ExprLike, mt: Expr) -> Expr:
        return Or(*(And(mt == m, self.rmqueue_possible(o, m)) for m in self.d.alloc_mts))

    def act_rmqueue_buddy(self) -> Action:
        o, mt = Name("order"), Name("migratetype")
        page = self.fresh("page")
        per_mt: list[Stmt] = []
        for m in self.d.alloc_mts:
            P = Name(page)
            body = self._rmqueue(o, m, page)
            acct_mt = self.get_pcppage_migratetype(P) if self.pcp_cache else self.pfn_mt(P)
            body.append(If(P != NONE, (  # if (!page) goto failed;
                *([self.pcp_read_site(P, "rmqueue: __mod_zone_freepage_state(.., get_pcppage_migratetype(page))")]
                  if self.pcp_cache else []),
                *self.explicit_accounting(-(1 << o), acct_mt),
                *self.owner_takes(P, o),
            )))
            per_mt.append(If(mt == m, tuple(body)))
        return Action(
            "rmqueue_buddy", "rmqueue", PAGE_ALLOC,
            "A user allocates a high-order chunk straight from the buddy lists.",
            (Param("order", self.d.order), Param("migratetype", self.d.alloc_mt)),
            (o > 0, self.alloc_mt_ok(mt), self.any_rmqueue_possible(o, mt)),
            tuple(per_mt), environment=True,
        )

    def act_free_unref_page_prepare(self) -> Action:
        p = Name("pfn")
        if not self.pcp_cache:  # v6.10: a local variable, not page->index
            record: Block = [assign(local_mt[p], self.pfn_mt(p))]
        elif self.fault == "pcp-index-not-set":
            record = []
        else:
            record = self.set_pcppage_migratetype(p, self.pfn_mt(p))
        return Action(
            "free_unref_page_prepare", "free_unref_page_prepare", PAGE_ALLOC,
            "A user frees an order-0 page; its pageblock's type is read without the zone lock.",
            (Param("pfn", self.d.pfn),),
            (where[p] == ALLOC, order_of[p] == 0),
            (assign(where[p], FREEING), *record), environment=True,
        )

    def act_free_unref_page_commit(self) -> Action:
        p, cpu = Name("pfn"), Name("cpu")
        m = self.fresh("migratetype")
        M = Name(m)
        if self.pcp_cache:
            read: Block = [self.pcp_read_site(p, "free_unref_page_commit: get_pcppage_migratetype(page)"),
                           Let(m, self.get_pcppage_migratetype(p))]
        else:
            read = [Let(m, local_mt[p]), assign(local_mt[p], 0)]
        pcp_mt = Ite(M >= MIGRATE_PCPTYPES, Lit(MOVABLE), M)
        to_buddy = self.free_one_page(p, 0, M)
        to_pcp = self.list_insert(p, 0, PCP, 0, pcp_mt, cpu)
        return Action(
            "free_unref_page_commit", "free_unref_page_commit", PAGE_ALLOC,
            "The freed order-0 page goes to the head of this CPU's pcp list "
            "(CMA and HIGHATOMIC to the MOVABLE list; ISOLATE straight to the buddy lists).",
            (Param("pfn", self.d.pfn), Param("cpu", self.d.cpu)),
            (where[p] == FREEING, order_of[p] == 0),
            (*read, If(M == ISOLATE, tuple(to_buddy), tuple(to_pcp))),
        )

    def act_free_pcppages_bulk(self) -> Action:
        cpu, mt = Name("cpu"), Name("migratetype")
        page, m = self.fresh("page"), self.fresh("mt")
        P, M = Name(page), Name(m)
        n = Count("q", "pfn", self.on_pcp_list(Name("q"), cpu, mt))
        last = Find("q", "pfn", And(self.on_pcp_list(Name("q"), cpu, mt), pos[Name("q")] == n - 1))
        if self.pcp_cache:
            read: Block = [self.pcp_read_site(P, "free_pcppages_bulk: get_pcppage_migratetype(page)", True),
                           Let(m, self.get_pcppage_migratetype(P)),
                           If(self.has_isolate_pageblock(), (Let(m, self.pfn_mt(P)),))]
        else:
            read = [Let(m, self.pfn_mt(P))]
        stmts, _, _ = self._free_one_page(P, 0, M, reported_page=False, notify=True)
        return Action(
            "free_pcppages_bulk", "free_pcppages_bulk", PAGE_ALLOC,
            "Drain one page (the list's last) from a pcp list to the buddy lists.",
            (Param("cpu", self.d.cpu), Param("migratetype", self.d.alloc_mt)),
            (n > 0, last != NONE),  # list_last_entry() of a list that is not empty
            (Let(page, last), *read, *self.list_del(P), *stmts),
        )

    def act_free_pages_ok(self) -> Action:
        p = Name("pfn")
        return Action(
            "__free_pages_ok", "__free_pages_ok", PAGE_ALLOC,
            "A user frees a high-order chunk; the block's type is read before the zone lock.",
            (Param("pfn", self.d.pfn),),
            (where[p] == ALLOC, order_of[p] > 0),
            (assign(where[p], FREEING), assign(local_mt[p], self.pfn_mt(p))), environment=True,
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

    def isolatable(self, b: ExprLike) -> Expr:
        """Callers isolate MOVABLE blocks (memory offline) and CMA blocks (cma_alloc)."""
        return Or(pb_mt[b] == MOVABLE, pb_mt[b] == CMA)

    def isolation_range(self) -> Param:
        """alloc_contig_range() and memory offlining isolate whole MAX_ORDER-aligned
        ranges, block by block in ascending order (the model takes a range in one step)."""
        nranges = self.cfg.npfn >> (self.cfg.max_order - 1)
        return Param("range", Domain("isolation_range", nranges, size_name="nranges"))

    def in_range(self, b: Expr, r: Expr) -> Expr:
        """Pageblock ``b`` lies in isolation range ``r``."""
        first = r * self.blocks_per_range
        return And(first <= b, b < first + self.blocks_per_range)

    def for_each_block_of_range(self, r: Expr, body: Callable[[Expr], Block]) -> For:
        return self.for_each_block_of_chunk(r << (self.max_order - 1), self.blocks_per_range, body)

    def set_migratetype_isolate(self, b: Expr) -> Block:
        """set_migratetype_isolate(): retype the block, move its free chunks to the
        ISOLATE lists and take them out of the free counts."""
        old, moved = self.fresh("mt"), self.fresh("nr_pages")
        return [Let(old, pb_mt[b]), assign(pb_mt[b], ISOLATE),
                *self.move_freepages_block(b, ISOLATE, moved),
                *self.explicit_accounting(-Name(moved), Name(old))]

    def restore_mt(self, b: ExprLike) -> Expr:
        return Ite(self.is_cma_block(b), CMA, MOVABLE)

    def unset_migratetype_isolate(self, b: Expr) -> Block:
        """unset_migratetype_isolate(): a free chunk larger than a pageblock whose buddy
        is not isolated is taken off the list and freed again (so that it can merge);
        otherwise the block's free chunks move back.  Then the type is restored."""
        mt, moved, saved = self.fresh("migratetype"), self.fresh("nr_pages"), self.fresh("order")
        head = b << self.pageblock_order
        buddy = head ^ (Lit(1) << order_of[head])
        # v5.x: any order >= pageblock_order whose buddy pfn is valid; v5.11+ (so the
        # v6.10 model) also requires order < MAX_ORDER - 1 ("the max order page has no
        # buddy page and never merge to other order")
        in_range = buddy < self.npfn if self.pcp_cache else order_of[head] < self.max_order - 1
        big = And(where[head] == BUDDY, order_of[head] >= self.pageblock_order, in_range,
                  pb_mt[self.block_of(buddy)] != ISOLATE)
        isolate_and_free = [  # __free_pages() after the unlock: the next step frees it
            Let(saved, order_of[head]),
            *self._isolate_free_page(head, Name(saved)),
            assign(where[head], FREEING), assign(order_of[head], Name(saved)),
            assign(local_mt[head], Name(mt)),
        ]
        return [Let(mt, self.restore_mt(b)),
                If(big, tuple(isolate_and_free),
                   (*self.move_freepages_block(b, Name(mt), moved),
                    *self.explicit_accounting(Name(moved), Name(mt)))),
                assign(pb_mt[b], Name(mt))]

    def act_start_isolate_page_range(self) -> Action:
        r = self.isolation_range()
        R, b = Name(r.name), Name("b")
        enabled = Lit(int(ISOLATE in self.d.config_mts))
        return Action(
            "start_isolate_page_range", "start_isolate_page_range", PAGE_ISOLATION,
            "Isolate a MAX_ORDER-aligned range of pageblocks, set_migratetype_isolate() on each "
            "(alloc_contig_range, memory offlining).",
            (r,), (enabled, Forall("b", "block", Implies(self.in_range(b, R), self.isolatable(b)))),
            (self.for_each_block_of_range(R, self.set_migratetype_isolate),),
        )

    def act_undo_isolate_page_range(self) -> Action:
        r = self.isolation_range()
        R, b = Name(r.name), Name("b")
        return Action(
            "undo_isolate_page_range", "undo_isolate_page_range", PAGE_ISOLATION,
            "Undo the isolation of a range: unset_migratetype_isolate() on each block.",
            (r,), (Forall("b", "block", Implies(self.in_range(b, R), pb_mt[b] == ISOLATE)),),
            (self.for_each_block_of_range(R, self.unset_migratetype_isolate),),
        )

    def _isolate_free_page(self, page: ExprLike, o: ExprLike) -> Block:
        """__isolate_free_page(): (watermark check omitted: the model has no watermarks)
        uncount, unlink, and make the chunk's pageblocks MOVABLE if it is large."""
        mt = self.fresh("mt")
        O = lift(o)
        out: Block = [
            Let(mt, self.pfn_mt(page)),
            If(Name(mt) != ISOLATE, tuple(self.explicit_accounting(-(1 << O), Name(mt)))),
            Let("isolated_order", O),
            *self.del_page_from_free_list(page, O),
        ]

        def set_movable(b: Expr) -> Block:
            if self.pcp_cache:  # v5.x: set_pageblock_migratetype(page, MIGRATE_MOVABLE) only
                normal = Not(Or(pb_mt[b] == ISOLATE, pb_mt[b] == CMA, pb_mt[b] == HIGHATOMIC))
                retype: Block = [assign(pb_mt[b], MOVABLE)]
            else:  # v6.10: move_freepages_block(zone, page, mt, MIGRATE_MOVABLE) if mergeable
                normal = pb_mt[b] < MIGRATE_PCPTYPES
                retype = [*self.move_freepages_block(b, MOVABLE, self.fresh("moved")), assign(pb_mt[b], MOVABLE)]
            return [If(normal, tuple(retype))]

        # if (order >= pageblock_order - 1): for (; page < endpage; page += pageblock_nr_pages),
        # endpage = page + (1 << order) - 1: the pageblocks the chunk touches
        pb = self.pageblock_order
        touched = ((Lit(1) << Name("isolated_order")) - 1 + (Lit(1) << pb) - 1) >> pb
        out.append(If(Name("isolated_order") >= pb - 1,
                      (self.for_each_block_of_chunk(page, touched, set_movable),)))
        return out

