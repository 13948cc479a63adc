"""The free lists and the free counts of mm/page_alloc.c: the list_head operations, the
free-list manipulators the reporting series changed (add_to_free_list, move_to_free_list,
del_page_from_free_list), and NR_FREE_PAGES / nr_free accounting.

Each method that returns statements is named after the kernel function it models and
reads like it; the designs (spec/designs/) override the free-list manipulators.
References are to v5.3 .. v5.7 unless a method says otherwise; where the kernel era
decides (:class:`spec.eras.Era`), the method reads ``self.era``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from spec.eras import Era
from spec.expr import (
    FALSE,
    And,
    Cfg,
    Count,
    Expr,
    ExprLike,
    Find,
    Ite,
    Lit,
    Max,
    Min,
    Name,
    Or,
    StateVarRef,
    lift,
)
from spec.ir import Assign, Config, Domain, For, ForEach, If, Let, Param, StateVar, Stmt
from spec.kernel import (
    BUDDY,
    BY_STALE,
    CMA,
    ISOLATE,
    MOVABLE,
    PCP,
    TAIL,
    Domains,
)
from spec.validate import SpecError

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
isolation = StateVarRef("isolation")
nr_free = StateVarRef("nr_free")
nr_free_pages = StateVarRef("nr_free_pages").value
nr_free_cma = StateVarRef("nr_free_cma").value
reporting_state = StateVarRef("reporting_state").value
pcp_disabled_by = StateVarRef("pcp_disabled_by").value
nr_reserved_highatomic = StateVarRef("nr_reserved_highatomic").value
highatomic_pending = StateVarRef("highatomic_pending").value


def assign(target: Expr, value: ExprLike) -> Assign:
    """``target := value`` where ``target`` is ``var[index]``."""
    from spec.expr import Get

    if not isinstance(target, Get):
        raise TypeError("assign() needs a state element such as where[p] on the left")
    return Assign(target.var, target.index, lift(value))



class FreeLists:
    """The zone's free lists and pcp lists as page arrays; the base of every builder."""

    design = "base"

    def __init__(self, cfg: Config, era: Era) -> None:
        self.cfg = cfg
        self.d = Domains(cfg, era.migrate_reserve)
        self.era = era
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
        # the lowest reporting order: PAGE_REPORTING_MIN_ORDER = pageblock_order, or from
        # v5.14 the configuration's page_reporting_order (Era.reporting_order), a literal
        # (a proof for every size then assumes MAX_ORDER above it: Reporting.exact_only_at)
        self.reporting_order_set = cfg.page_reporting_order >= 0 and era.reporting_order
        self.reporting_order = cfg.page_reporting_order if self.reporting_order_set else cfg.pageblock_order
        self.MIN: Expr = Lit(cfg.page_reporting_order) if self.reporting_order_set else Cfg("page_reporting_min_order")
        self.blocks_per_range = Cfg("blocks_per_range")  # pageblocks in a max-order chunk
        self.has_cma = "CMA" in cfg.migratetypes
        # MIGRATE_HIGHATOMIC reserves (v4.4+): reserve_highatomic_pageblock() and
        # unreserve_highatomic_pageblock() exist in the model only when the configuration
        # names the type (every earlier configuration's model is unchanged)
        self.has_highatomic = "HIGHATOMIC" in cfg.migratetypes
        # Two zones (issue 17, Config.zone_boundary): zone 0 is [0, K), zone 1 [K, npfn).  Each
        # zone has its own free_area[] (its lists and nr_free), NR_FREE_PAGES/NR_FREE_CMA_PAGES
        # and per_cpu_pageset; a page's zone is page_zone(page), fixed by its pfn.  With one
        # zone nothing below adds a term, so every earlier model is unchanged.
        self.two_zones = cfg.zone_boundary > 0

    # ----------------------------------------------------------------- helpers
    def fresh(self, stem: str) -> str:
        return f"{stem}_{next(self._fresh)}"

    def block_of(self, page: ExprLike) -> Expr:
        return lift(page) >> self.pageblock_order

    # -------------------------------------------------------------- zones
    def zone_of(self, page: ExprLike) -> Expr:
        """page_zonenum(page): 0 below the boundary, 1 from it (0 with one zone)."""
        if not self.two_zones:
            return Lit(0)
        return Ite(lift(page) >= self.cfg.zone_boundary, 1, 0)

    def zone_spans_pfn(self, zone: ExprLike, pfn: ExprLike) -> Expr:
        """zone_spans_pfn(zone, pfn): zone_start_pfn <= pfn < zone_end_pfn (pfn is a page of
        the model, so its zone decides)."""
        return self.zone_of(pfn) == zone if self.two_zones else Lit(1)

    def same_zone(self, a: ExprLike, b: ExprLike) -> tuple[Expr, ...]:
        """page_zone_id(a) == page_zone_id(b), as a conjunct (none with one zone)."""
        return (self.zone_of(a) == self.zone_of(b),) if self.two_zones else ()

    def in_zone(self, q: ExprLike, zone: ExprLike | None) -> tuple[Expr, ...]:
        """``q`` is a page of ``zone`` -- by default the zone the action runs in, its
        ``zone`` parameter (:meth:`zone_param`) -- as a conjunct (none with one zone)."""
        if not self.two_zones:
            return ()
        return (self.zone_of(q) == (Name("zone") if zone is None else lift(zone)),)

    def zone_param(self) -> tuple[Param, ...]:
        """The zone an allocation or a pcp drain works on (the zonelist's choice, the zone
        of drain_zone_pages()): a parameter with two zones."""
        return (Param("zone", self.d.zone),) if self.two_zones else ()

    def nr_free_of(self, o: ExprLike, zone: ExprLike | None = None) -> Expr:
        """zone->free_area[o].nr_free (``zone`` None: the one zone of a one-zone model)"""
        if not self.two_zones:
            return nr_free[o]
        if zone is None:
            raise SpecError("nr_free_of: a model of two zones needs the zone")
        return nr_free[(zone, o)]

    def free_pages_of(self, zone: ExprLike) -> Expr:
        """zone_page_state(zone, NR_FREE_PAGES)"""
        return StateVarRef("nr_free_pages")[zone] if self.two_zones else nr_free_pages

    def reserved_of(self, zone: ExprLike) -> Expr:
        """zone->nr_reserved_highatomic"""
        return StateVarRef("nr_reserved_highatomic")[zone] if self.two_zones else nr_reserved_highatomic

    def free_cma_of(self, zone: ExprLike) -> Expr:
        """zone_page_state(zone, NR_FREE_CMA_PAGES)"""
        return StateVarRef("nr_free_cma")[zone] if self.two_zones else nr_free_cma

    def is_cma_block(self, b: ExprLike) -> Expr:
        """The CMA area is the zone's last MAX_ORDER-aligned range (when CMA is configured)."""
        return lift(b) >= self.nblocks - self.blocks_per_range if self.has_cma else FALSE

    def restore_mt(self, b: ExprLike) -> Expr:
        return Ite(self.is_cma_block(b), CMA, MOVABLE)

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

    def has_isolate_pageblock(self, zone: ExprLike | None = None) -> Expr:
        """has_isolate_pageblock(zone): zone->nr_isolate_pageblock, which
        set_migratetype_isolate() counts in the zone of the block's page (an isolated
        block lies in one zone: :meth:`spec.page_isolation.Allocator.range_in_one_zone`)."""
        b = Name("b")
        if not self.two_zones:
            return Count("b", "block", pb_mt[b] == ISOLATE) > 0
        return Count("b", "block", And(pb_mt[b] == ISOLATE,
                                       self.zone_of(b << self.pageblock_order) == self.zone_named(zone))) > 0

    def on_free_list(self, q: ExprLike, o: ExprLike, mt: ExprLike, zone: ExprLike | None = None) -> Expr:
        """q is on zone->free_area[o].free_list[mt] (:meth:`in_zone` says which zone)."""
        return And(where[q] == BUDDY, order_of[q] == o, list_mt[q] == mt, *self.in_zone(q, zone))

    def on_pcp_list(self, q: ExprLike, cpu: ExprLike, mt: ExprLike, zone: ExprLike | None = None) -> Expr:
        """q is on the cpu's pcp list[mt] of the zone (per_cpu_pageset is per zone)."""
        return And(where[q] == PCP, cpu_of[q] == cpu, list_mt[q] == mt, *self.in_zone(q, zone))

    def same_list(self, q: ExprLike, page: ExprLike) -> Expr:
        """q is on the same free or pcp list as page (page itself included)."""
        return And(
            Or(where[page] == BUDDY, where[page] == PCP),
            where[q] == where[page], order_of[q] == order_of[page],
            list_mt[q] == list_mt[page], cpu_of[q] == cpu_of[page], *self.same_zone(q, page),
        )

    def free_list_len(self, o: ExprLike, mt: ExprLike, zone: ExprLike | None = None) -> Expr:
        return Count("q", "pfn", self.on_free_list(Name("q"), o, mt, zone))

    def first_on_free_list(self, o: ExprLike, mt: ExprLike, zone: ExprLike | None = None) -> Expr:
        return Find("q", "pfn", And(self.on_free_list(Name("q"), o, mt, zone), pos[Name("q")] == 0))

    def page_at(self, page: ExprLike, at: ExprLike) -> Expr:
        """The page at position ``at`` of page's list, or NONE."""
        q = Name("q")
        return Find("q", "pfn", And(self.same_list(q, page), pos[q] == at))

    def page_is_buddy(self, buddy: ExprLike, o: ExprLike, page: ExprLike) -> Expr:
        """page_is_buddy(page, buddy, order): PageBuddy(buddy), its order, and (every
        release modelled) ``if (page_zone_id(page) != page_zone_id(buddy)) return false;``"""
        return And(where[buddy] == BUDDY, order_of[buddy] == o, *self.same_zone(page, buddy))

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
        member = And(where[q] == w, order_of[q] == o, list_mt[q] == mt, cpu_of[q] == cpu, *self.same_zone(q, page))
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
        return [*self.list_insert(page, 0, BUDDY, o, mt), *self.nr_free_add(o, mt, 1, self.zone_of(page))]

    def add_to_free_list_tail(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """list_add_tail(&page->lru, &area->free_list[migratetype]); nr_free++"""
        zone = self.zone_of(page)
        return [*self.list_insert(page, self.free_list_len(o, mt, zone), BUDDY, o, mt),
                *self.nr_free_add(o, mt, 1, zone)]

    def move_to_free_list(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """list_move(&page->lru, &area->free_list[migratetype]) (v5.10+: list_move_tail;
        v6.10: the free counts move with the page)"""
        at = self.free_list_len(o, mt, self.zone_of(page)) if self.era.to_tail else 0
        return [*self.account_move(page, o, mt), *self.list_del(page), *self.leave_list(page, TAIL),
                *self.list_insert(page, at, BUDDY, o, mt)]

    def del_page_from_free_list(self, page: ExprLike, o: ExprLike, why: str = "") -> Block:
        """list_del; __ClearPageBuddy; set_page_private(page, 0); nr_free--.
        Reported is cleared here in every design (the designs add their bookkeeping).
        ``why`` says who unlinks: "merge" (__free_one_page absorbing a buddy),
        "alloc" (__rmqueue_smallest) or "" (anything else); a fault may treat one
        caller differently (spec/designs/merged.py)."""
        return [*self.del_page_from_reported_list(page, o), *self.unlink_from_free_list(page, o)]

    def unlink_from_free_list(self, page: ExprLike, o: ExprLike) -> Block:
        """del_page_from_free_list() after the reporting bookkeeping: unlink, forget
        ->index, uncount."""
        old = self.fresh("list_mt")
        return [Let(old, list_mt[page]), *self.list_del(page), *self.leave_list(page, TAIL),
                *self.retire(page), *self.nr_free_add(o, Name(old), -1, self.zone_of(page))]

    def del_page_from_reported_list(self, page: ExprLike, o: ExprLike) -> Block:
        """What unlinking a Reported page must undo; nothing without reporting."""
        return []

    # --------------------------------------------------------- free accounting
    def counter_add(self, counter: Expr, delta: ExprLike) -> Assign:
        """counter += delta.  The kernel's counters are machine words that can drift when
        its accounting is off; the model clamps them to 0..npfn so that a drifting
        counter keeps the state space finite (free_counts flags the first wrong value)."""
        return assign(counter, Min(Max(counter + delta, 0), self.npfn))

    def nr_free_add(self, o: ExprLike, mt: ExprLike, delta: int, zone: ExprLike | None = None) -> Block:
        """area->nr_free += delta (``zone``: the page's zone; :meth:`in_zone`).  From v6.10
        the free-page counters move with the list (account_freepages() in
        __add_to_free_list/__del_page_from_free_list)."""
        z = self.zone_named(zone)
        out: Block = [self.counter_add(self.nr_free_of(o, z), delta)]
        if self.era.account_in_lists:
            out += self.mod_zone_freepage_state_if_not_isolate(delta * (Lit(1) << o), mt, z)
        return out

    def zone_named(self, zone: ExprLike | None) -> Expr:
        """``zone``, or the action's zone parameter (:meth:`in_zone`)."""
        return Name("zone") if zone is None else lift(zone)

    def account_move(self, page: ExprLike, o: ExprLike, mt: ExprLike) -> Block:
        """v6.10 move_to_free_list(): account_freepages(-old_mt), (+new_mt)."""
        if not self.era.account_in_lists:
            return []
        size = Lit(1) << o
        zone = self.zone_of(page)
        return [*self.mod_zone_freepage_state_if_not_isolate(-size, list_mt[page], zone),
                *self.mod_zone_freepage_state_if_not_isolate(size, mt, zone)]

    def explicit_accounting(self, delta: ExprLike, mt: ExprLike, zone: ExprLike | None = None) -> Block:
        """Up to v6.9 the callers adjust the free counts themselves
        (__mod_zone_freepage_state); from v6.10 the list helpers do it (nr_free_add)."""
        return [] if self.era.account_in_lists else self.mod_zone_freepage_state(delta, mt, zone)

    def mod_zone_freepage_state(self, delta: ExprLike, mt: ExprLike, zone: ExprLike | None = None) -> Block:
        """__mod_zone_freepage_state(zone, nr_pages, migratetype)"""
        z = self.zone_named(zone)
        return [self.counter_add(self.free_pages_of(z), delta),
                If(lift(mt) == CMA, (self.counter_add(self.free_cma_of(z), delta),))]


    def mod_zone_freepage_state_if_not_isolate(self, delta: ExprLike, mt: ExprLike,
                                               zone: ExprLike | None = None) -> Block:
        return [If(lift(mt) != ISOLATE, tuple(self.mod_zone_freepage_state(delta, mt, zone)))]

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
            *self.free_count_vars(),
            *self.highatomic_state_vars(),
        ]

    def free_count_vars(self) -> list[StateVar]:
        d = self.d
        zone: tuple[Domain, ...] = (d.zone,) if self.two_zones else ()
        return [
            StateVar("nr_free", (*zone, d.order), d.count, "zone->free_area[order].nr_free"),
            StateVar("nr_free_pages", zone, d.count, "NR_FREE_PAGES"),
            StateVar("nr_free_cma", zone, d.count, "NR_FREE_CMA_PAGES"),
        ]

    def highatomic_state_vars(self) -> list[StateVar]:
        if not self.has_highatomic:
            return []
        d = self.d
        n = self.cfg.npfn
        return [
            StateVar("nr_reserved_highatomic", (d.zone,) if self.two_zones else (), d.count,
                     "zone->nr_reserved_highatomic (pages)"),
            StateVar("highatomic_pending", (), Domain(
                "highatomic_pending", n + 1, ("none",) + tuple(f"pfn {p}" for p in range(n)), size_name="npfn",
                size_offset=1),
                "the high-order atomic allocation between rmqueue() and get_page_from_freelist()'s "
                "reserve_highatomic_pageblock(): none, or its page (one at a time)", ghost=True),
        ]

