"""[PATCH v9 6/8] "mm: Introduce Reported pages" (Sep 2019, on v5.3): a boundary array of
list pointers, ``page->index`` = the Reported page's migratetype; and its faults."""

from __future__ import annotations

from spec.expr import NONE, And, Expr, ExprLike, Find, Ite, Lit, Name, lift
from spec.free_lists import Block, assign, index, index_by, list_mt, order_of, pos, reported, where
from spec.ir import Check, If, Let
from spec.kernel import (
    BUDDY,
    BY_REPORTED_MT,
    ISOLATE,
    SLOT_HEAD,
    SLOT_PAGE0,
    TAIL,
    W_IDLE,
)
from spec.page_reporting import (
    Boundaries,
    active,
    boundary,
    worker,
)


class V9(Boundaries):
    design = "v9"

    def get_pcppage_migratetype_reported(self, page: ExprLike, site: str) -> Block:
        """The v9 READ of ->index: the Reported page's migratetype."""
        return [Check("index_trusted", site, And(
            reported[page] == 1, where[page] == BUDDY, index_by[page] == BY_REPORTED_MT,
            index[page] == list_mt[page]))]

    def page_reporting_del_from_boundary(self, page: ExprLike) -> Block:
        s = self.fresh("slot")
        site = "page_reporting_del_from_boundary: mt = get_pcppage_migratetype(page)"
        return [*self.get_pcppage_migratetype_reported(page, site),
                Let(s, self.slot(order_of[page], index[page])),
                self.lookup_sound_check(page, Name(s), site),
                *self.pull_boundary(page, Name(s))]

    def page_reporting_add_to_boundary(self, page: ExprLike, mt: ExprLike, write_index: bool = True) -> Block:
        """*tail = &page->lru; set_pcppage_migratetype(page, migratetype)"""
        out: Block = [assign(boundary[self.slot(order_of[page], mt)], lift(page) + SLOT_PAGE0)]
        if write_index:
            out += [assign(index[page], mt), assign(index_by[page], BY_REPORTED_MT)]
        return out

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        """v9: if (PageReported) { if ACTIVE del_from_boundary; reported_pages--; clear }"""
        self.fresh("slot")  # the locals keep the numbers (so the spec digest) they had before faults were overrides
        return [If(reported[page] == 1, (If(active == 1, tuple(self.page_reporting_del_from_boundary(page))),
                                         *self.reported_pages_dec(o), assign(reported[page], 0)))]

    def move_boundary_with_page(self, page: ExprLike, mt: ExprLike) -> Block:
        """move_to_free_list() of a Reported page while ACTIVE: the page leaves its
        boundary and becomes the boundary of the target list, ->index its new type."""
        return [*self.page_reporting_del_from_boundary(page), *self.page_reporting_add_to_boundary(page, mt)]

    def move_to_free_list(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """v9: tail insertion in front of the target's boundary; a Reported page moves
        its boundary along while ACTIVE, loses Reported when not ACTIVE -- unless the
        target is ISOLATE ("we can defer this until the page comes out of isolation")."""
        t = self.fresh("tail")
        move_to_boundary = If(active == 1, tuple(self.move_boundary_with_page(page, mt)),
                              (If(lift(mt) != ISOLATE, (*self.reported_pages_dec(o), assign(reported[page], 0))),))
        return [*self.account_move(page, o, mt), *self.get_unreported_tail(o, mt, t),
                If(reported[page] == 1, (move_to_boundary,)),
                *self.list_del(page),
                *self.leave_list(page, TAIL),
                *self.insert_before(page, Name(t), o, mt)]

    def get_unreported_page(self, o: Expr, mt: int, result: str) -> Block:
        """v9 get_unreported_page(): look at the entry just in front of the boundary; if
        it is Reported try the list's first entry; if that is Reported too, move the
        boundary onto it and give up on the list."""
        t, first = self.fresh("tail"), self.fresh("first")
        T = Name(t)
        b = self.boundary_page(T)
        before = Ite(T == SLOT_HEAD, self.free_list_len(o, mt) - 1,
                     Ite(And(T >= SLOT_PAGE0, self.on_free_list(b, o, mt)), pos[b] - 1, Lit(-1)))
        R = Name(result)
        cand = Find("q", "pfn", And(self.on_free_list(Name("q"), o, mt), pos[Name("q")] == before))
        return [
            Let(t, boundary[self.slot(o, mt)]),
            self.boundary_use_check(T, o, mt, "get_unreported_page: get_unreported_tail()"),
            Let(result, cand),
            If(And(R != NONE, reported[R] == 1), (
                Let(first, self.first_on_free_list(o, mt)),
                If(reported[Name(first)] == 1,
                   (*self.page_reporting_add_to_boundary(Name(first), mt), Let(result, NONE)),
                   (Let(result, Name(first)),)))),
            If(R != NONE, (*self.del_page_from_free_list(R, o),
                           *self.explicit_accounting(-(Lit(1) << o), mt))),
        ]

    def cycle_start(self) -> Block:
        """page_reporting_populate_metadata() then, under the lock, set ACTIVE."""
        return [*self.reset_all_boundaries(), assign(active, 1)]

    def cycle_end(self) -> Block:
        return [assign(active, 0), *self.forget_boundaries(), assign(worker, W_IDLE)]

    def add_page_to_reported_list(self, page: Expr, mt: Expr) -> Block:
        """v9: page_reporting_add_to_boundary(page, mt): the page becomes the boundary
        and ->index gets its migratetype."""
        return self.page_reporting_add_to_boundary(page, mt)


class V9UnguardedIndexRead(V9):
    """Fault v9-unguarded-index-read: del_page_from_reported_list() looks the boundary up
    through ->index for every page unlinked from a reportable list, Reported or not."""

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        lookup = If(active == 1, tuple(self.page_reporting_del_from_boundary(page)))
        self.fresh("slot")  # as V9's: the same local numbers as before faults were overrides
        return [If(lift(o) >= self.MIN, (lookup,)),
                If(reported[page] == 1, (*self.reported_pages_dec(o), assign(reported[page], 0)))]


class RetypeKeepsStaleIndex(V9):
    """Fault retype-keeps-stale-index: move_to_free_list() moves a Reported page's
    boundary but leaves ->index holding the old migratetype."""

    def move_boundary_with_page(self, page: ExprLike, mt: ExprLike) -> Block:
        return [*self.page_reporting_del_from_boundary(page),
                *self.page_reporting_add_to_boundary(page, mt, write_index=False)]

