"""[PATCH v10 3/6, 4/6] (Sep 2019, on v5.3): ``page->index`` = the boundary slot."""

from __future__ import annotations

from spec.expr import NONE, And, Expr, ExprLike, Find, Ite, Lit, Name
from spec.free_lists import Block, assign, index, index_by, list_mt, order_of, pos, reported, where
from spec.ir import Check, For, If, Let
from spec.kernel import (
    BUDDY,
    BY_SLOT,
    BY_SLOT_PENDING,
    SLOT_HEAD,
    SLOT_PAGE0,
)
from spec.page_reporting import (
    Boundaries,
    active,
    boundary,
    requested,
)


class V10(Boundaries):
    design = "v10"

    def page_reporting_pull_boundary(self, page: ExprLike) -> Block:
        """tail = &reported_boundary[page->index]; if (*tail == &page->lru) ..."""
        site = "page_reporting_pull_boundary: reported_boundary[page->index]"
        return [Check("index_trusted", site, And(
                    reported[page] == 1, where[page] == BUDDY, index_by[page] == BY_SLOT,
                    index[page] == self.slot(order_of[page], list_mt[page]))),
                self.lookup_sound_check(page, index[page], site),
                *self.pull_boundary(page, index[page])]

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        return [If(reported[page] == 1, (
            If(active == 1, tuple(self.page_reporting_pull_boundary(page))),
            *self.reported_pages_dec(o), assign(reported[page], 0)))]

    def move_to_free_list(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """v10: pull the boundary off a Reported page (it stays Reported, ->index keeps
        the old slot) and list_move() it to the head of the new list."""
        return [*self.account_move(page, o, mt),
                If(And(reported[page] == 1, active == 1), tuple(self.page_reporting_pull_boundary(page))),
                *self.list_del(page), *self.list_insert(page, 0, BUDDY, o, mt)]

    def get_unreported_page(self, o: Expr, mt: int, result: str) -> Block:
        """v10: walk backwards from the boundary over Reported pages, writing their slot
        into ->index; isolate the first unreported page; the boundary moves down to
        the lowest Reported page passed."""
        idx = self.slot(o, mt)
        t, cur, done, page = (self.fresh(s) for s in ("tail", "cur", "done", "page"))
        T, C, P = Name(t), Name(cur), Name(page)
        b = self.boundary_page(T)
        start = Ite(T == SLOT_HEAD, self.free_list_len(o, mt) - 1,
                    Ite(And(T >= SLOT_PAGE0, self.on_free_list(b, o, mt)), pos[b] - 1, Lit(-1)))
        walk = If(And(Name(done) == 0, C >= 0), (
            Let(page, Find("q", "pfn", And(self.on_free_list(Name("q"), o, mt), pos[Name("q")] == C))),
            If(reported[P] == 1,
               (assign(index[P], idx), assign(index_by[P], BY_SLOT), Let(t, P + SLOT_PAGE0), Let(cur, C - 1)),
               (Let(result, P), Let(done, Lit(1))))))
        R = Name(result)
        return [Let(t, boundary[idx]),
                self.boundary_use_check(T, o, mt, "get_unreported_page: get_unreported_tail()"),
                Let(cur, start), Let(done, Lit(0)), Let(result, NONE),
                For(self.fresh("i"), Lit(0), self.npfn, (walk,)),
                # the walk ends at the first unreported page: __isolate_free_page() it
                If(R != NONE, tuple(self._isolate_free_page(R, o))),
                assign(boundary[idx], T)]

    def cycle_start(self) -> Block:
        return []

    def page_reporting_fill(self) -> Block:
        """if (!__test_and_set_bit(ACTIVE)) page_reporting_reset_all_boundaries()"""
        return [If(active == 0, (assign(active, 1), *self.reset_all_boundaries())),
                *super().page_reporting_fill()]

    def fill_ran_out(self) -> Block:
        """__page_reporting_cancel(): clear ACTIVE and REQUESTED."""
        return [assign(active, 0), *self.forget_boundaries(), assign(requested, 0)]

    def add_page_to_reported_list(self, page: Expr, mt: Expr) -> Block:
        """v10: page->index = 0 ("updated later if the zone is still being processed");
        the boundary is left alone."""
        return [assign(index[page], 0), assign(index_by[page], BY_SLOT_PENDING)]
