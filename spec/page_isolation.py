"""Pageblock isolation (mm/page_isolation.c): start_isolate_page_range() and
undo_isolate_page_range(), and the allocator model every design shares."""

from __future__ import annotations

from collections.abc import Callable

from spec.expr import (
    And,
    Expr,
    ExprLike,
    Forall,
    Implies,
    Lit,
    Name,
    Or,
)
from spec.free_lists import PAGE_ISOLATION, Block, assign, local_mt, order_of, pb_mt, where
from spec.ir import Action, Domain, For, If, Let, Param
from spec.kernel import (
    BUDDY,
    CMA,
    FREEING,
    ISOLATE,
    MOVABLE,
)
from spec.page_alloc import PageAlloc


class Allocator(PageAlloc):
    """The model shared by all designs: allocator plus isolation; a design subclass adds
    reporting."""

    def actions(self) -> list[Action]:
        return [
            self.act_rmqueue_pcplist(), self.act_rmqueue_bulk(), self.act_rmqueue_buddy(),
            self.act_free_unref_page_prepare(), self.act_free_unref_page_commit(),
            self.act_free_pcppages_bulk(), self.act_free_pages_ok(), self.act_free_one_page(),
            self.act_start_isolate_page_range(), self.act_undo_isolate_page_range(),
        ]


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

    def unset_migratetype_isolate(self, b: Expr) -> Block:
        """unset_migratetype_isolate(): a free chunk of a pageblock or more whose buddy
        is not isolated is taken off the list and freed again (so that it can merge);
        otherwise the block's free chunks move back.  Then the type is restored.

        v3.16: only the move back (the isolate-and-free came with 3c605096d315, v3.18).
        v3.18 .. v5.6: the chunk is freed with __free_pages() after the unlock (the next
        step, free_one_page, frees it).  v5.7+: set_pageblock_migratetype() then
        __putback_isolated_page() under the same zone->lock ([PATCH v17 3/9]), at the
        tail from v5.10 (FPI_TO_TAIL, 47b6a24a2382).  The buddy: v5.x any valid pfn
        (pfn_valid_within); v5.18+ find_buddy_page_pfn(), a free buddy of the same order;
        v6.4+ only below the top order (``order < MAX_ORDER``, MAX_ORDER inclusive)."""
        mt, moved, saved = self.fresh("migratetype"), self.fresh("nr_pages"), self.fresh("order")
        head = b << self.pageblock_order
        buddy = head ^ (Lit(1) << order_of[head])

        def move_back() -> Block:
            return [*self.move_freepages_block(b, Name(mt), moved), *self.explicit_accounting(Name(moved), Name(mt))]

        if not self.era.unisolate_frees_chunk:
            return [Let(mt, self.restore_mt(b)), *move_back(), assign(pb_mt[b], Name(mt))]
        in_range: Expr = self.page_is_buddy(buddy, order_of[head]) if self.era.unisolate_free_buddy \
            else buddy < self.npfn
        if self.era.unisolate_below_max:
            in_range = And(order_of[head] < self.max_order - 1, in_range)
        big = And(where[head] == BUDDY, order_of[head] >= self.pageblock_order, in_range,
                  pb_mt[self.block_of(buddy)] != ISOLATE)
        if self.era.unisolate_putback:
            putback, _, _ = self._free_one_page(head, Name(saved), Name(mt), reported_page=False, notify=False,
                                                to_tail=self.era.to_tail)
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

