"""Linux 5.7 mm/page_reporting.c: no boundaries, ``->index`` untouched; and its faults."""

from __future__ import annotations

from collections.abc import Callable

from spec.expr import NONE, And, Expr, ExprLike, Find, Lit, Name, Or, StateVarRef, lift
from spec.free_lists import Block, assign, order_of, pos, reported
from spec.ir import Action, For, If, Let, StateVar, Stmt
from spec.kernel import (
    R_ACTIVE,
    R_IDLE,
    R_REQUESTED,
    W_IDLE,
    W_IN_REPORT,
    W_LEFTOVER,
    W_SCANNING,
)
from spec.page_reporting import (
    PAGE_REPORTING,
    Reporting,
    reporting_state,
    worker,
    worker_mt,
    worker_order,
)

# page_reporting_cycle(): "budget = DIV_ROUND_UP(area->nr_free, PAGE_REPORTING_CAPACITY * 16)",
# "enough calls to process over a sixteenth of the current list plus one additional call"
# (d2932bdb681c "mm/page_reporting: add budget limit on how many pages can be reported per
# pass", v5.7-rc1; read in the 5.10.13 and 6.6.42 trees).  The capacity is the configuration's.
LIST_SIXTEENTH = 16
report_budget = StateVarRef("report_budget").value


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
            StateVar("report_budget", (), d.count,
                     "page_reporting_cycle()'s budget while its report() runs (0 between lists: it is "
                     "recomputed for every list)"),
            *([StateVar("worker_zone", (), d.zone, "the zone page_reporting_process()'s for_each_zone() is on")]
              if self.two_zones else []),
        ]

    def worker_zone(self) -> Expr | None:
        """The zone page_reporting_process_zone() is walking (None with one zone)."""
        return StateVarRef("worker_zone").value if self.two_zones else None

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        return [If(reported[page] == 1, (assign(reported[page], 0),))]

    def page_reporting_notify_free(self, o: ExprLike) -> Block:
        """page_reporting_notify_free(order): "if (order < PAGE_REPORTING_MIN_ORDER) return;" (v5.7 ..
        v5.13; from v5.14 "if (order < page_reporting_order) return;", ``self.MIN``), then
        __page_reporting_request(): state := REQUESTED (the work is scheduled if it was IDLE)."""
        return [If(lift(o) >= self.MIN, (assign(reporting_state, R_REQUESTED),))]

    def list_budget(self, o: Expr) -> Expr:
        """DIV_ROUND_UP(area->nr_free, PAGE_REPORTING_CAPACITY * 16) of the worker's zone, a
        shift: "the division here should be cheap since PAGE_REPORTING_CAPACITY should always
        be a power of 2" (spec.configs refuses any other capacity)."""
        per_call = self.cfg.capacity * LIST_SIXTEENTH
        return (self.nr_free_of(o, self.worker_zone()) + (per_call - 1)) >> (per_call.bit_length() - 1)

    def scan_list(self, o: Expr, mt: int, budget: Expr) -> Block:
        """page_reporting_cycle() under the lock: skip Reported pages; at an unreported page
        with the budget spent (``budget`` report() calls left: below 0), "update our state to
        indicate that we are requesting additional processing and exit this list"; else
        isolate into the scatterlist while it has room; when it is full at an unreported page,
        rotate that page to the front and drop the lock for report()."""
        cap = self.cfg.capacity
        cur, stop, page, left = self.fresh("cur"), self.fresh("stop"), self.fresh("page"), self.fresh("budget")
        C, S, P, B = Name(cur), Name(stop), Name(page), Name(left)
        length = self.free_list_len(o, mt, self.worker_zone())
        step = If(S == 0, (
            Let(page, Find("q", "pfn", And(self.on_free_list(Name("q"), o, mt, self.worker_zone()), pos[Name("q")] == C))),
            If(P == NONE, (Let(stop, Lit(2)),),
               (If(reported[P] == 1, (Let(cur, C + 1),),
                   (If(B < 0, (assign(reporting_state, R_REQUESTED), *self.leave_list_at(P, o, mt, stop)),
                       (If(self.sg_count() < cap,
                           self.isolate_into_scatterlist(P, o, mt, stop),
                           (*self.list_rotate_to_front(P, length), Let(stop, Lit(1)))),)),)),))))
        return [Let(left, budget), Let(cur, Lit(0)), Let(stop, Lit(0)),
                For(self.fresh("i"), Lit(0), self.npfn + 1, (step,)),
                If(S == 1, (assign(worker, W_IN_REPORT), assign(report_budget, B)),
                   (assign(report_budget, 0), *self.next_list(mt)))]

    def scan_new_list(self, o: Expr, mt: int) -> Block:
        """page_reporting_cycle() called for a list: its budget is computed afresh."""
        return self.scan_list(o, mt, self.list_budget(o))

    def scan_on(self, o: Expr, mt: int) -> Block:
        """The same call after report() returned and the pages were drained: "budget--"."""
        return self.scan_list(o, mt, report_budget - 1)

    def isolate_into_scatterlist(self, P: Expr, o: Expr, mt: int, stop: str) -> tuple[Stmt, ...]:
        """"if (*offset) { if (!__isolate_free_page(page, order)) { next = page; break; }
        --(*offset); sg_set_page(&sgl[*offset], page, page_len, 0); continue; }": a refused
        page ends the pass over this list, and "Rotate any leftover pages to the head of
        the freelist" makes it the first (stop 3: the next list follows, as at the end)."""
        cap = self.cfg.capacity
        take: tuple[Stmt, ...] = (Let("sg_slot", cap - 1 - self.sg_count()), *self._isolate_free_page(P, o),
                                  *self.to_scatterlist(P, o, Name("sg_slot")))
        if self.cfg.wmark_min < 0:
            return take
        return (If(self.isolate_free_page_ok(P, o), take, self.leave_list_at(P, o, mt, stop)),)

    def leave_list_at(self, P: Expr, o: Expr, mt: int, stop: str) -> tuple[Stmt, ...]:
        """"next = page; break;" then "Rotate any leftover pages to the head of the freelist":
        the page becomes the list's first, and the next list follows (stop 3)."""
        return (*self.list_rotate_to_front(P, self.free_list_len(o, mt, self.worker_zone())), Let(stop, Lit(3)))

    def next_list(self, mt: int) -> Block:
        """The next list of process_zone's `for (order..) for (mt..)`: the next type of the
        same order, else the first type of the next order, else the pass is over."""
        mts = self.reporting_mts(False)
        if mt != mts[-1]:
            return [assign(worker_mt, mts[mts.index(mt) + 1])]
        last_order = If(self.sg_count() > 0, (assign(worker, W_LEFTOVER),), tuple(self.zone_end()))
        return [If(worker_order + 1 < self.max_order,
                   (assign(worker_order, worker_order + 1), assign(worker_mt, mts[0])), (last_order,))]

    def process_end(self) -> Block:
        """atomic_cmpxchg(&prdev->state, ACTIVE, IDLE): a request that came meanwhile
        leaves REQUESTED set and the work rescheduled."""
        return [assign(worker, W_IDLE), assign(worker_order, 0), assign(worker_mt, 0),
                *([assign(StateVarRef("worker_zone").value, 0)] if self.two_zones else []),
                If(reporting_state == R_ACTIVE, (assign(reporting_state, R_IDLE),))]

    def zone_end(self) -> Block:
        """page_reporting_process_zone() returns (its leftover reported and drained): with two
        zones "for_each_zone(zone) { err = page_reporting_process_zone(prdev, sgl, zone); ..}"
        goes on to zone 1, else the work ends (:meth:`process_end`)."""
        if not self.two_zones:
            return self.process_end()
        return [If(StateVarRef("worker_zone").value == 0, tuple(self.process_zone(1)), tuple(self.process_end()))]

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
            stmts = self.putback_isolated_page(P, Name(o), self.pfn_mt(P))
            out += [Let(page, self.sg_page(slot)),
                    If(P != NONE, (Let(o, order_of[P]), *stmts,
                                   If(self.page_order_unchanged(P, Name(o)), (assign(reported[P], 1),))))]
        return out

    def page_reporting_process(self) -> Block:
        """state := ACTIVE and page_reporting_process_zone(): "Generate minimum watermark to
        be able to guarantee progress" -- low_wmark_pages(zone) + (PAGE_REPORTING_CAPACITY <<
        PAGE_REPORTING_MIN_ORDER), from v5.14 "<< page_reporting_order", which is also where its
        order loop starts -- and "Cancel request if insufficient free memory": the
        zone is skipped and the work ends (atomic_cmpxchg ACTIVE -> IDLE).  Without
        watermarks (wmark_low -1) the zone is always processed."""
        if self.two_zones:
            return [assign(reporting_state, R_ACTIVE), *self.process_zone(0)]
        start: Block = [assign(worker, W_SCANNING), assign(worker_order, self.MIN),
                        assign(worker_mt, self.reporting_mts(False)[0])]
        if self.cfg.wmark_low < 0:
            return [assign(reporting_state, R_ACTIVE), *start]
        mark = Lit(self.cfg.wmark_low) + (Lit(self.cfg.capacity) << self.MIN)
        return [assign(reporting_state, R_ACTIVE),
                If(self.zone_watermark_ok(mark), tuple(start), tuple(self.process_end()))]

    def process_zone(self, zone: int) -> Block:
        """Two zones: page_reporting_process_zone(prdev, sgl, zone) -- begin at the zone's
        lowest reportable list, or, when the zone's watermark check fails ("Cancel request if
        insufficient free memory": return 0), go on to the next zone (:meth:`zone_end`)."""
        start: Block = [assign(StateVarRef("worker_zone").value, zone), assign(worker, W_SCANNING),
                        assign(worker_order, self.MIN), assign(worker_mt, self.reporting_mts(False)[0])]
        skip = self.process_zone(1) if zone == 0 else self.process_end()
        if self.cfg.wmark_low < 0:
            return start
        mark = Lit(self.cfg.wmark_low) + (Lit(self.cfg.capacity) << self.MIN)
        return [If(self.zone_watermark_ok(mark, zone), tuple(start), tuple(skip))]

    def reporting_actions(self) -> list[Action]:
        return [
            Action("page_reporting_process", "page_reporting_process", PAGE_REPORTING,
                   "The reporting work starts: state := ACTIVE, begin at the lowest reportable list.",
                   (), (reporting_state == R_REQUESTED, worker == W_IDLE),
                   tuple(self.page_reporting_process())),
            Action("page_reporting_cycle", "page_reporting_cycle", PAGE_REPORTING,
                   "One locked pass over the current free list.",
                   (), (worker == W_SCANNING,), tuple(self.on_current_list(self.scan_new_list))),
            Action("page_reporting_drain", "page_reporting_drain", PAGE_REPORTING,
                   "report() returned: under the lock the pages go back, then the pass "
                   "continues from the head of the same list (or the worker finishes).",
                   (), (Or(worker == W_IN_REPORT, worker == W_LEFTOVER),),
                   (Let("was_leftover", worker == W_LEFTOVER), *self.drain(),
                    If(Name("was_leftover") == 1, tuple(self.zone_end()),
                       (assign(worker, W_SCANNING), *self.on_current_list(self.scan_on))))),
        ]


class MergeKeepsReported(Merged):
    """Fault merge-keeps-reported: __free_one_page() unlinks the buddy it absorbs
    without clearing Reported."""

    def del_page_from_free_list(self, page: ExprLike, o: ExprLike, why: str = "") -> Block:
        if why == "merge":
            return self.unlink_from_free_list(page, o)
        return super().del_page_from_free_list(page, o, why)


class AllocKeepsReported(Merged):
    """Fault alloc-keeps-reported: __rmqueue_smallest() unlinks the page it allocates
    without clearing Reported, so an allocated page still carries it."""

    def del_page_from_free_list(self, page: ExprLike, o: ExprLike, why: str = "") -> Block:
        if why == "alloc":
            return self.unlink_from_free_list(page, o)
        return super().del_page_from_free_list(page, o, why)


class PcpIndexNotSet(Merged):
    """Fault pcp-index-not-set: free_unref_page_prepare() puts nothing in ->index (no
    set_pcppage_migratetype), so the page goes onto a pcp list with ->index unwritten.
    Without the cache (6.10) there is no ->index to write, and nothing changes."""

    def free_unref_page_prepare(self, p: Expr) -> Block:
        return [] if self.era.pcp_cache else super().free_unref_page_prepare(p)

