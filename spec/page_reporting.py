"""Free page reporting (mm/page_reporting.c and the posted series): what every design
shares -- the worker and the scatterlist -- and the boundary array of v9 and v10.
The designs themselves are in spec/designs/ (one module each, with their faults).

Sources: [PATCH v9 6/8] and [PATCH v10 3/6, 4/6] "mm: Introduce Reported pages" as posted
to linux-mm (Sep 2019), and v5.7 mm/page_reporting.c.
"""

from __future__ import annotations

from collections.abc import Callable

from spec.expr import (
    NONE,
    And,
    Cfg,
    Count,
    Exists,
    Expr,
    ExprLike,
    Find,
    Implies,
    Ite,
    Lit,
    Name,
    Or,
    StateVarRef,
    lift,
)
from spec.free_lists import (
    Block,
    assign,
    nr_free,
    order_of,
    pos,
    reported,
    where,
)
from spec.ir import Action, Check, If, Let, StateVar
from spec.kernel import (
    BUDDY,
    ISOLATE,
    MIGRATE_TYPES,
    REPORTING,
    SLOT_HEAD,
    SLOT_NULL,
    SLOT_PAGE0,
    W_IDLE,
    W_IN_REPORT,
)
from spec.page_isolation import Allocator
from spec.validate import hook

PAGE_REPORTING = "mm/page_reporting.c"
PAGE_REPORTING_HWM = 1  # 32 in the patches, scaled down with the zone

boundary = StateVarRef("boundary")
reported_pages = StateVarRef("reported_pages")
requested = StateVarRef("zone_requested").value
active = StateVarRef("zone_active").value
worker = StateVarRef("worker").value
worker_order = StateVarRef("worker_order").value
worker_mt = StateVarRef("worker_mt").value
reporting_state = StateVarRef("reporting_state").value


class Reporting(Allocator):
    """What every reporting design shares: the worker and the scatterlist."""

    def exact_only_at(self) -> tuple[Expr, ...]:
        """A page_reporting_order the configuration sets is a literal order of the model: a
        proof for every size speaks of zones whose MAX_ORDER is above it."""
        extra = (Lit(self.reporting_order) < Cfg("max_order"),) if self.reporting_order_set else ()
        return (*super().exact_only_at(), *extra)

    def reporting_mts(self, descending: bool) -> list[int]:
        """The migratetypes of the lists reporting walks, ISOLATE skipped.  Types the
        configuration never uses have empty lists and are left out."""
        return sorted((m for m in self.d.config_mts if m != ISOLATE), reverse=descending)

    def for_each_reporting_list(self, descending: bool, body: Callable[[Expr, int], Block]) -> Block:
        """v9/v10 for_each_reporting_migratetype_order (``descending``: orders from
        MAX_ORDER - 1 down to MIN, types from the last down), v5.7 process_zone (both up)."""
        return [self.for_each_order(self.MIN, self.max_order, lambda o: [
            st for m in self.reporting_mts(descending) for st in body(o, m)], descending)]

    def reporting_lists(self, descending: bool) -> list[tuple[int, int]]:
        """(order, migratetype) of the lists of this configuration, in the order of
        :meth:`for_each_reporting_list`: for the claims that range over every list (the
        actions loop over the orders)."""
        orders = range(self.cfg.pageblock_order, self.cfg.max_order)
        return [(o, m) for o in (reversed(orders) if descending else orders) for m in self.reporting_mts(descending)]

    def sg_count(self) -> Expr:
        return Count("q", "pfn", where[Name("q")] == REPORTING)

    def sg_page(self, slot: ExprLike) -> Expr:
        return Find("q", "pfn", And(where[Name("q")] == REPORTING, pos[Name("q")] == slot))

    def to_scatterlist(self, page: ExprLike, o: ExprLike, slot: ExprLike) -> Block:
        """sg_set_page(): the isolated page waits in the scatterlist (pos = sg slot)."""
        return [assign(where[page], REPORTING), assign(order_of[page], o), assign(pos[page], slot)]

    def page_order_unchanged(self, page: ExprLike, o: ExprLike) -> Expr:
        """PageBuddy(page) && page_order(page) == order after the put-back."""
        return And(where[page] == BUDDY, order_of[page] == o)

    @hook
    def reporting_actions(self) -> list[Action]:
        raise NotImplementedError

    def actions(self) -> list[Action]:
        return super().actions() + self.reporting_actions()


class Boundaries(Reporting):
    """v9 and v10: a global boundary array, zone flags REQUESTED and ACTIVE."""

    zones_modelled = False  # one zone's flags and boundaries

    def slot(self, o: ExprLike, mt: ExprLike) -> Expr:
        """get_boundary_ptr / get_reporting_index: (order - MIN) * MIGRATE_TYPES + mt"""
        return (lift(o) - self.MIN) * MIGRATE_TYPES + mt

    def slot_in_range(self, s: ExprLike) -> Expr:
        return And(lift(s) >= 0, lift(s) < Cfg("nslots"))

    def boundary_page(self, value: ExprLike) -> Expr:
        return lift(value) - SLOT_PAGE0

    def state_vars(self) -> list[StateVar]:
        d = self.d
        return super().state_vars() + [
            StateVar("boundary", (d.slot,), d.boundary, "boundary[(order - MIN) * MIGRATE_TYPES + mt]"),
            StateVar("reported_pages", (d.order,), d.count, "zone->reported_pages[order - MIN]"),
            StateVar("zone_requested", (), d.bool, "ZONE_PAGE_REPORTING_REQUESTED"),
            StateVar("zone_active", (), d.bool, "ZONE_PAGE_REPORTING_ACTIVE: boundaries are present"),
            StateVar("worker", (), d.worker, "the page_reporting_process work item"),
        ]

    # ------------------------------------------------------------- boundaries
    def get_unreported_tail(self, o: ExprLike, mt: ExprLike, result: str) -> Block:
        """get_unreported_tail(): the boundary while ACTIVE, else the list head."""
        uses = And(lift(o) >= self.MIN, active == 1)
        return [Let(result, Ite(uses, boundary[self.slot(o, mt)], Lit(SLOT_HEAD))),
                If(uses, (self.boundary_use_check(Name(result), o, mt,
                                                  "get_unreported_tail: boundary of the target list"),))]

    def boundary_use_check(self, t: Expr, o: ExprLike, mt: ExprLike, site: str) -> Check:
        return Check("boundary_valid", site, Or(t == SLOT_HEAD, And(
            t >= SLOT_PAGE0, self.on_free_list(self.boundary_page(t), o, mt))))

    def insert_before(self, page: ExprLike, t: Expr, o: ExprLike, mt: ExprLike) -> Block:
        """list_add_tail(&page->lru, tail): just in front of the boundary page, or at the
        end of the list when the boundary is the list head.  (A dangling boundary is
        flagged by boundary_valid; the model then links at the end.)"""
        b = self.boundary_page(t)
        at = Ite(And(t >= SLOT_PAGE0, self.on_free_list(b, o, mt)), pos[b], self.free_list_len(o, mt))
        return self.list_insert(page, at, BUDDY, o, mt)

    def add_to_free_list_tail(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        t = self.fresh("tail")
        return [*self.get_unreported_tail(o, mt, t), *self.insert_before(page, Name(t), o, mt),
                *self.nr_free_add(o, mt, 1)]

    def next_entry(self, page: ExprLike) -> Expr:
        """page->lru.next as a boundary value: the next page, or the list head."""
        nxt = self.page_at(page, pos[page] + 1)
        return Ite(nxt == NONE, Lit(SLOT_HEAD), nxt + SLOT_PAGE0)

    def lookup_sound_check(self, page: ExprLike, s: Expr, site: str) -> Check:
        """If any slot points at the page, the slot named through ->index is that slot."""
        me = lift(page) + SLOT_PAGE0
        return Check("boundary_lookup_sound", site, Implies(
            Exists("s", "slot", boundary[Name("s")] == me),
            And(self.slot_in_range(s), boundary[s] == me)))

    def pull_boundary(self, page: ExprLike, s: Expr) -> Block:
        """if (*tail == &page->lru) *tail = page->lru.next;"""
        return [If(And(self.slot_in_range(s), boundary[s] == lift(page) + SLOT_PAGE0),
                   (assign(boundary[s], self.next_entry(page)),))]

    def reset_all_boundaries(self) -> Block:
        """page_reporting_populate_metadata / reset_all_boundaries: every
        for_each_reporting_migratetype_order slot := its list head (ISOLATE skipped)."""
        return self.for_each_reporting_list(True, lambda o, m: [assign(boundary[self.slot(o, m)], SLOT_HEAD)])

    def forget_boundaries(self) -> Block:
        """ACTIVE is cleared: no boundary of a reporting list is read again before
        reset_all_boundaries() rewrites it, so the model forgets them (NULL) -- a sound
        reduction of the state space.  The ISOLATE slots, never reset, are kept."""
        return self.for_each_reporting_list(True, lambda o, m: [assign(boundary[self.slot(o, m)], SLOT_NULL)])

    def page_reporting_notify_free(self, o: ExprLike) -> Block:
        """Request reporting once a list has PAGE_REPORTING_HWM more free than reported."""
        rp = Ite(lift(o) >= self.MIN, reported_pages[o], Lit(0))
        return [If(And(lift(o) >= self.MIN, requested == 0, nr_free[o] >= rp + PAGE_REPORTING_HWM),
                   (assign(requested, 1),))]

    def reported_pages_dec(self, o: ExprLike) -> Block:
        return [self.counter_add(reported_pages[o], -1)]

    # ------------------------------------------------------- the worker cycle
    @hook
    def get_unreported_page(self, o: Expr, mt: int, result: str) -> Block:
        raise NotImplementedError

    def page_reporting_fill(self) -> Block:
        """Pull pages into the scatterlist until it is full or every list is done; a
        pass that does not fill it clears REQUESTED (and v10 cancels)."""
        cap = self.cfg.capacity
        full, page = self.fresh("full"), self.fresh("page")

        def fill_from(o: Expr, m: int) -> Block:
            out: Block = [If(Name(full) == 0, (
                *self.get_unreported_page(o, m, page),
                If(Name(page) == NONE, (Let(full, Lit(2)),), (
                    Let("sg_slot", self.sg_count()),
                    *self.to_scatterlist(Name(page), o, Name("sg_slot")),
                    If(self.sg_count() == cap, (Let(full, Lit(1)),)))),
            )) for _ in range(cap)]
            return [*out, If(Name(full) == 2, (Let(full, Lit(0)),))]

        return [Let(full, Lit(0)), *self.for_each_reporting_list(True, fill_from),
                If(Name(full) == 0, tuple(self.fill_ran_out()))]

    def fill_ran_out(self) -> Block:
        return [assign(requested, 0)]

    def free_reported_page(self, page: Expr) -> Block:
        """mt = get_pfnblock_migratetype(); __free_one_page(.., reported=true) -- in front
        of the boundary; if the page did not merge: add_page_to_reported_list()."""
        o, mt = self.fresh("order"), self.fresh("mt")
        stmts, _, _ = self._free_one_page(page, Name(o), Name(mt), reported_page=True, notify=False)
        return [Let(o, order_of[page]), Let(mt, self.pfn_mt(page)), *stmts,
                If(self.page_order_unchanged(page, Name(o)),
                   (assign(reported[page], 1), self.counter_add(reported_pages[Name(o)], 1),
                    *self.add_page_to_reported_list(page, Name(mt))))]

    @hook
    def add_page_to_reported_list(self, page: Expr, mt: Expr) -> Block:
        """What the design records besides the flag and the count."""
        raise NotImplementedError

    def page_reporting_drain(self) -> Block:
        out: Block = []
        page = self.fresh("page")
        for slot in range(self.cfg.capacity):
            out += [Let(page, self.sg_page(slot)),
                    If(Name(page) != NONE, tuple(self.free_reported_page(Name(page))))]
        return out

    @hook
    def cycle_start(self) -> Block:
        raise NotImplementedError

    def fill_then_report_or_stop(self) -> Block:
        return [*self.page_reporting_fill(),
                If(self.sg_count() > 0, (assign(worker, W_IN_REPORT),), tuple(self.cycle_end()))]

    def cycle_end(self) -> Block:
        return [assign(worker, W_IDLE)]

    def reporting_actions(self) -> list[Action]:
        return [
            Action("page_reporting_cycle", "page_reporting_cycle", PAGE_REPORTING,
                   "The worker takes the zone lock, sets ACTIVE and fills the scatterlist; "
                   "with pages in it, it drops the lock for prdev->report().",
                   (), (requested == 1, worker == W_IDLE),
                   (*self.cycle_start(), *self.fill_then_report_or_stop())),
            Action("page_reporting_drain", "page_reporting_drain", PAGE_REPORTING,
                   "report() returned: under the zone lock every page goes back with "
                   "free_reported_page(), then the cycle fills again while REQUESTED.",
                   (), (worker == W_IN_REPORT,),
                   (*self.page_reporting_drain(),
                    If(requested == 1, tuple(self.fill_then_report_or_stop()), tuple(self.cycle_end())))),
        ]
