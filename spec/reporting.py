"""Free page reporting: the three designs on top of the shared allocator.

* :class:`V9`  -- [PATCH v9 6/8] "mm: Introduce Reported pages" (Sep 2019): a boundary
  array of list pointers, ``page->index`` = the Reported page's migratetype.
* :class:`V10` -- [PATCH v10 3/6, 4/6] (Sep 2019): ``page->index`` = the boundary slot.
* :class:`Merged` -- Linux 5.7 mm/page_reporting.c: no boundaries, ``->index`` untouched.

Sources: the patches as posted to linux-mm (Message-IDs in README.md) and v5.7.
"""

from __future__ import annotations

from collections.abc import Callable

from spec.allocator import (
    Allocator,
    Block,
    assign,
    index,
    index_by,
    list_mt,
    nr_free,
    order_of,
    pos,
    reported,
    where,
)
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
from spec.ir import Action, Check, For, If, Let, StateVar
from spec.kernel import (
    BUDDY,
    BY_REPORTED_MT,
    BY_SLOT,
    BY_SLOT_PENDING,
    ISOLATE,
    MIGRATE_TYPES,
    R_ACTIVE,
    R_IDLE,
    R_REQUESTED,
    REPORTING,
    SLOT_HEAD,
    SLOT_NULL,
    SLOT_PAGE0,
    TAIL,
    W_IDLE,
    W_IN_REPORT,
    W_LEFTOVER,
    W_SCANNING,
)

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

    def reporting_actions(self) -> list[Action]:
        raise NotImplementedError

    def actions(self) -> list[Action]:
        return super().actions() + self.reporting_actions()


class Boundaries(Reporting):
    """v9 and v10: a global boundary array, zone flags REQUESTED and ACTIVE."""

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
        """v9: if (PageReported) { if ACTIVE del_from_boundary; reported_pages--; clear }
        (fault v9-unguarded-index-read: the boundary lookup runs for every page)."""
        lookup = If(active == 1, tuple(self.page_reporting_del_from_boundary(page)))
        undo = [If(active == 1, tuple(self.page_reporting_del_from_boundary(page))),
                *self.reported_pages_dec(o), assign(reported[page], 0)]
        if self.fault == "v9-unguarded-index-read":
            return [If(lift(o) >= self.MIN, (lookup,)),
                    If(reported[page] == 1, (*self.reported_pages_dec(o), assign(reported[page], 0)))]
        return [If(reported[page] == 1, tuple(undo))]

    def move_to_free_list(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """v9: tail insertion in front of the target's boundary; a Reported page moves
        its boundary along while ACTIVE, loses Reported when not ACTIVE -- unless the
        target is ISOLATE ("we can defer this until the page comes out of isolation")."""
        t = self.fresh("tail")
        keep_stale = self.fault == "retype-keeps-stale-index"
        move_to_boundary = If(active == 1, (
            *self.page_reporting_del_from_boundary(page),
            *self.page_reporting_add_to_boundary(page, mt, write_index=not keep_stale)),
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


class Merged(Reporting):
    """Linux 5.7: Reported is set only by page_reporting_drain(), cleared only by
    del_page_from_free_list(); ->index is never used."""

    design = "merged"

    def state_vars(self) -> list[StateVar]:
        d = self.d
        return super().state_vars() + [
            StateVar("reporting_state", (), d.reporting_state, "prdev->state"),
            StateVar("worker", (), d.worker, "where page_reporting_process() is"),
            StateVar("worker_order", (), d.order, "the order of the list page_reporting_cycle() is on"),
            StateVar("worker_mt", (), d.mt, "the migratetype of the list page_reporting_cycle() is on"),
        ]

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        return [If(reported[page] == 1, (assign(reported[page], 0),))]

    def page_reporting_notify_free(self, o: ExprLike) -> Block:
        """__page_reporting_request(): state := REQUESTED (the work is scheduled if it was IDLE)."""
        return [If(lift(o) >= self.MIN, (assign(reporting_state, R_REQUESTED),))]

    def scan_list(self, o: Expr, mt: int) -> Block:
        """page_reporting_cycle() under the lock: skip Reported pages, isolate into the
        scatterlist while it has room; when it is full at an unreported page, rotate
        that page to the front and drop the lock for report()."""
        cap = self.cfg.capacity
        cur, stop, page = self.fresh("cur"), self.fresh("stop"), self.fresh("page")
        C, S, P = Name(cur), Name(stop), Name(page)
        step = If(S == 0, (
            Let(page, Find("q", "pfn", And(self.on_free_list(Name("q"), o, mt), pos[Name("q")] == C))),
            If(P == NONE, (Let(stop, Lit(2)),),
               (If(reported[P] == 1, (Let(cur, C + 1),),
                   (If(self.sg_count() < cap,
                       (Let("sg_slot", cap - 1 - self.sg_count()),
                        *self._isolate_free_page(P, o),
                        *self.to_scatterlist(P, o, Name("sg_slot"))),
                       (*self.list_rotate_to_front(P, self.free_list_len(o, mt)), Let(stop, Lit(1)))),)),))))
        return [Let(cur, Lit(0)), Let(stop, Lit(0)),
                For(self.fresh("i"), Lit(0), self.npfn + 1, (step,)),
                If(S == 1, (assign(worker, W_IN_REPORT),), tuple(self.next_list(mt)))]

    def next_list(self, mt: int) -> Block:
        """The next list of process_zone's `for (order..) for (mt..)`: the next type of the
        same order, else the first type of the next order, else the pass is over."""
        mts = self.reporting_mts(False)
        if mt != mts[-1]:
            return [assign(worker_mt, mts[mts.index(mt) + 1])]
        last_order = If(self.sg_count() > 0, (assign(worker, W_LEFTOVER),), tuple(self.process_end()))
        return [If(worker_order + 1 < self.max_order,
                   (assign(worker_order, worker_order + 1), assign(worker_mt, mts[0])), (last_order,))]

    def process_end(self) -> Block:
        """atomic_cmpxchg(&prdev->state, ACTIVE, IDLE): a request that came meanwhile
        leaves REQUESTED set and the work rescheduled."""
        return [assign(worker, W_IDLE), assign(worker_order, 0), assign(worker_mt, 0),
                If(reporting_state == R_ACTIVE, (assign(reporting_state, R_IDLE),))]

    def on_current_list(self, then: Callable[[Expr, int], Block]) -> Block:
        """page_reporting_cycle(prdev, zone, order, mt, ..) on the worker's list: one branch
        per type (an if/else chain, so a branch that advances worker_mt does not fall into
        the next one)."""
        chain: Block = []
        for m in reversed(self.reporting_mts(False)):
            chain = [If(worker_mt == m, tuple(then(worker_order, m)), tuple(chain))]
        return chain

    def drain(self) -> Block:
        """page_reporting_drain(): put every page back with the type of its block now;
        a page that did not merge is marked Reported."""
        out: Block = []
        page, o = self.fresh("page"), self.fresh("order")
        for slot in range(self.cfg.capacity):
            P = Name(page)
            stmts, _, _ = self._free_one_page(P, Name(o), self.pfn_mt(P), reported_page=False, notify=False)
            out += [Let(page, self.sg_page(slot)),
                    If(P != NONE, (Let(o, order_of[P]), *stmts,
                                   If(self.page_order_unchanged(P, Name(o)), (assign(reported[P], 1),))))]
        return out

    def reporting_actions(self) -> list[Action]:
        return [
            Action("page_reporting_process", "page_reporting_process", PAGE_REPORTING,
                   "The reporting work starts: state := ACTIVE, begin at the lowest reportable list.",
                   (), (reporting_state == R_REQUESTED, worker == W_IDLE),
                   (assign(reporting_state, R_ACTIVE), assign(worker, W_SCANNING),
                    assign(worker_order, self.MIN), assign(worker_mt, self.reporting_mts(False)[0]))),
            Action("page_reporting_cycle", "page_reporting_cycle", PAGE_REPORTING,
                   "One locked pass over the current free list.",
                   (), (worker == W_SCANNING,), tuple(self.on_current_list(self.scan_list))),
            Action("page_reporting_drain", "page_reporting_drain", PAGE_REPORTING,
                   "report() returned: under the lock the pages go back, then the pass "
                   "continues from the head of the same list (or the worker finishes).",
                   (), (Or(worker == W_IN_REPORT, worker == W_LEFTOVER),),
                   (Let("was_leftover", worker == W_LEFTOVER), *self.drain(),
                    If(Name("was_leftover") == 1, tuple(self.process_end()),
                       (assign(worker, W_SCANNING), *self.on_current_list(self.scan_list))))),
        ]

