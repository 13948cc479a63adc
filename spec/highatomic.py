"""MIGRATE_HIGHATOMIC (mm/page_alloc.c, v4.4+): the pageblocks reserved for high-order
atomic allocations -- rmqueue()'s ALLOC_HARDER / ALLOC_HIGHATOMIC path,
get_page_from_freelist()'s reserve_highatomic_pageblock() and the allocation slow path's
unreserve_highatomic_pageblock().  Present in a model only when its configuration names
HIGHATOMIC (spec/configs.py ``highatomic``); the type is a free-list type like the others
(the free and pcp paths already treat it: it rides on the MOVABLE pcp list, is never a
fallback, never merges with another type from v5.18).  Trees read:
spec/sources/kernel-eras.md, "MIGRATE_HIGHATOMIC (issue 17 pass)"."""

from __future__ import annotations

from spec.expr import NONE, And, Cfg, Count, Expr, ExprLike, Lit, Name, Not, Or, lift
from spec.free_lists import (
    PAGE_ALLOC,
    Block,
    assign,
    highatomic_pending,
    list_mt,
    order_of,
    pb_mt,
    where,
)
from spec.ir import Action, Domain, For, If, Let, Param, Stmt
from spec.kernel import BUDDY, CMA, HIGHATOMIC, ISOLATE, MIGRATE_PCPTYPES
from spec.page_alloc import PageAlloc

ALLOC_FLAGS = Domain("alloc_flags", 2, ("normal", "highatomic"))
# v6.3+ (Era.highatomic_oom): ALLOC_OOM, an OOM victim's allocation, may fall back to the reserve
ALLOC_FLAGS_OOM = Domain("alloc_flags", 3, ("normal", "highatomic", "oom"))
NORMAL, ATOMIC, OOM = range(3)
FORCE = Domain("force", 2, ("false", "true"))


class Highatomic(PageAlloc):
    """The reserve and its release, on top of the allocator."""

    def managed_per_100(self) -> int:
        """zone_managed_pages(zone) / 100: every page of the model's zone is managed, and the
        zone has fewer than 100 pages (spec.configs.validate), so 0 -- a proof for every
        size assumes npfn < 100 (:meth:`exact_only_at`)."""
        return self.cfg.npfn // 100

    def exact_only_at(self) -> tuple[Expr, ...]:
        """The reserve's limit is written for zones of fewer than 100 pages
        (:meth:`managed_per_100`)."""
        extra = (Cfg("npfn") < 100,) if self.has_highatomic else ()
        return (*super().exact_only_at(), *extra)

    def highatomic_actions(self) -> list[Action]:
        if not self.has_highatomic:
            return []
        return [self.act_reserve_highatomic_pageblock(), self.act_unreserve_highatomic_pageblock()]

    # ------------------------------------------------------------- allocation
    def act_rmqueue_buddy(self) -> Action:
        """rmqueue() of an order > 0 page with ``alloc_flags`` ALLOC_HARDER (v4.4 .. v6.2:
        "if (alloc_flags & ALLOC_HARDER)", from 5.10 "order > 0 && alloc_flags & ALLOC_HARDER")
        or ALLOC_HIGHATOMIC (v6.3+, set by gfp_to_alloc_flags() for a non-blocking order > 0
        request): "page = __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC); if (!page)
        page = __rmqueue(...)".  Such an allocation then goes on to
        reserve_highatomic_pageblock() (get_page_from_freelist(): "If this is a high-order
        atomic allocation then check if the pageblock should be reserved for the future"),
        after rmqueue() has dropped zone->lock: the allocation is pending until that step
        (one at a time in the model).  From v6.3 (Era.highatomic_oom) an allocation with
        ALLOC_OOM ``oom``: "page = __rmqueue(..); if (!page && (alloc_flags & ALLOC_OOM)) page =
        __rmqueue_smallest(zone, order, MIGRATE_HIGHATOMIC);" -- asked only when __rmqueue()
        finds nothing (otherwise it is a normal allocation), at any order rmqueue() sends here,
        and it reserves nothing.  Order 0 comes here from v6.0 (:meth:`buddy_orders`); the
        high-order atomic try is "order > 0 && alloc_flags & ALLOC_HARDER" (v5.10 .. v6.2) and
        ALLOC_HIGHATOMIC is set only for order > 0 (v6.3+), so it needs order > 0."""
        base = super().act_rmqueue_buddy()
        if not self.has_highatomic:
            return base
        o, mt, flags = Name("order"), Name("migratetype"), Name("alloc_flags")
        page = self.fresh("page")
        P = Name(page)
        per_mt: list[Stmt] = []
        for m in self.d.alloc_mts:
            atomic: Block = [*self._rmqueue_smallest(o, HIGHATOMIC, page),
                             If(P == NONE, tuple(self._rmqueue(o, m, page)))]
            normal: Block = self._rmqueue(o, m, page)
            if self.era.highatomic_oom:
                normal = [*normal, If(And(flags == OOM, P == NONE), tuple(self._rmqueue_smallest(o, HIGHATOMIC, page)))]
            body: Block = [Let(page, NONE), If(flags == ATOMIC, tuple(atomic), tuple(normal))]
            acct_mt = self.get_pcppage_migratetype(P) if self.era.pcp_cache else self.pfn_mt(P)
            body.append(If(P != NONE, (
                *([self.pcp_read_site(P, "rmqueue: __mod_zone_freepage_state(.., get_pcppage_migratetype(page))")]
                  if self.era.pcp_cache else []),
                *self.explicit_accounting(-(Lit(1) << o), acct_mt),
                *self.owner_takes(P, o),
                If(flags == ATOMIC, (assign(highatomic_pending, P + 1),)),
            )))
            per_mt.append(If(mt == m, tuple(body)))
        q = Name("q")
        reserve_free = And(where[q] == BUDDY, order_of[q] >= o, list_mt[q] == HIGHATOMIC, *self.in_zone(q, None))
        reserve = Count("q", "pfn", reserve_free) > 0
        normal_ok = self.any_rmqueue_possible(o, mt)
        possible = Or(And(flags == NORMAL, normal_ok), And(flags == ATOMIC, o > 0, Or(normal_ok, reserve)))
        domain, doc = ALLOC_FLAGS, (base.doc.rstrip(".") + "; a high-order atomic allocation (ALLOC_HARDER / "
                                    "ALLOC_HIGHATOMIC) tries the MIGRATE_HIGHATOMIC lists first.")
        if self.era.highatomic_oom:
            possible = Or(possible, And(flags == OOM, Not(normal_ok), reserve))
            domain, doc = ALLOC_FLAGS_OOM, doc + " An OOM victim's allocation that finds nothing else takes from them."
        return Action(
            base.name, base.kernel_name, base.kernel_file, doc,
            (*base.params, Param("alloc_flags", domain)),
            (self.buddy_orders(o), self.alloc_mt_ok(mt), possible, Or(flags != ATOMIC, highatomic_pending == 0)),
            tuple(per_mt), environment=True,
        )

    def act_free_pages_ok(self) -> Action:
        """A chunk whose allocation has not returned (reserve_highatomic_pageblock() to come)
        is not freed by its owner yet."""
        base = super().act_free_pages_ok()
        if not self.has_highatomic:
            return base
        return Action(base.name, base.kernel_name, base.kernel_file, base.doc, base.params,
                      (*base.guard, highatomic_pending != Name("pfn") + 1), base.body, environment=True)

    # ---------------------------------------------------------- the reserve
    def reservable(self, mt: ExprLike) -> Expr:
        """"Only reserve normal pageblocks (i.e., they can merge with others)":
        migratetype_is_mergeable(mt) from v5.18 (1dd214b8f21c), before "!is_migrate_highatomic(mt)
        && !is_migrate_isolate(mt) && !is_migrate_cma(mt)" (5.3 .. 5.17) -- the same set of
        types, UNMOVABLE, MOVABLE and RECLAIMABLE."""
        if self.era.merge_rule == "mergeable":
            return lift(mt) < MIGRATE_PCPTYPES
        return And(lift(mt) != HIGHATOMIC, lift(mt) != ISOLATE, lift(mt) != CMA)

    def act_reserve_highatomic_pageblock(self) -> Action:
        """reserve_highatomic_pageblock(page, zone) for the page the pending high-order atomic
        allocation got.  v4.4 .. v6.7 (read in 5.7-rc 6ab013631096, 5.10.13, 6.1 dac22531,
        6.6.42): "max_managed = (zone_managed_pages(zone) / 100) + pageblock_nr_pages; if
        (zone->nr_reserved_highatomic >= max_managed) return;" then under zone->lock the same
        test again, "mt = get_pageblock_migratetype(page)", and for a normal block
        "zone->nr_reserved_highatomic += pageblock_nr_pages; set_pageblock_migratetype(page,
        MIGRATE_HIGHATOMIC); move_freepages_block(zone, page, MIGRATE_HIGHATOMIC, NULL);".
        v6.8+ (Era.highatomic_min_zone; read at 6.10-rc1 883dd161): first "if
        ((zone_managed_pages(zone) / 100) < pageblock_nr_pages) return;", and max_managed =
        ALIGN(managed / 100, pageblock_nr_pages) -- in a zone of fewer than 100 pageblocks
        nothing is ever reserved.  v6.10 moves first ("if (move_freepages_block(zone, page, mt,
        MIGRATE_HIGHATOMIC) != -1)", which retypes the block) and counts after."""
        pb = self.pageblock_order
        page, mt, moved = self.fresh("page"), self.fresh("mt"), self.fresh("moved")
        P, MT = Name(page), Name(mt)
        per100 = self.managed_per_100()
        block = self.block_of(P)
        reserved = self.reserved_of(self.zone_of(P))  # the zone of the allocated page
        if self.era.isolate_free_moves:  # v6.10: move_freepages_block() retypes, then the count
            reserve: Block = [*self.move_freepages_block(block, HIGHATOMIC, moved, page=P),
                              assign(pb_mt[block], HIGHATOMIC), self.counter_add(reserved, Lit(1) << pb)]
            if self.two_zones:  # "if (move_freepages_block(..) != -1)": a straddling block is not reserved
                reserve = [If(self.block_spans_zone(block, P), tuple(reserve))]
        else:
            reserve = [self.counter_add(reserved, Lit(1) << pb), assign(pb_mt[block], HIGHATOMIC),
                       *self.move_freepages_block(block, HIGHATOMIC, moved, page=P)]
        if self.era.highatomic_min_zone:
            n = 1 << self.cfg.pageblock_order
            max_managed: Expr = Lit((per100 + n - 1) // n * n)  # ALIGN(managed / 100, pageblock_nr_pages)
        else:
            max_managed = Lit(per100) + (Lit(1) << pb)
        body: Block = [If(reserved < max_managed, (
            Let(mt, self.pfn_mt(P)), If(self.reservable(MT), tuple(reserve))))]
        if self.era.highatomic_min_zone:
            body = [If(Lit(per100) >= (Lit(1) << pb), tuple(body))]
        return Action(
            "reserve_highatomic_pageblock", "reserve_highatomic_pageblock", PAGE_ALLOC,
            "After a high-order atomic allocation, reserve its pageblock for such allocations "
            "(MIGRATE_HIGHATOMIC) unless the zone's reserve is full.",
            (), (highatomic_pending != 0,),
            (Let(page, highatomic_pending - 1), assign(highatomic_pending, 0), *body),
        )

    def act_unreserve_highatomic_pageblock(self) -> Action:
        """unreserve_highatomic_pageblock(ac, force), called by an allocation of
        ``migratetype`` (ac->migratetype) that is about to fail -- after direct reclaim
        (force false), when reclaim retries are exhausted (should_reclaim_retry(), force
        true) -- for every zone of its zonelist, so at any time in this zone: "Preserve at
        least one pageblock unless memory pressure is really high": unless force,
        nothing while "zone->nr_reserved_highatomic <= pageblock_nr_pages"; then under
        zone->lock, for order 0 up, the first page of free_list[order][MIGRATE_HIGHATOMIC]:
        if its block is HIGHATOMIC the count drops by "min(pageblock_nr_pages,
        zone->nr_reserved_highatomic)" ("watch for underflows"), and the block is
        converted to ac->migratetype with its free pages moved (up to v6.9
        set_pageblock_migratetype() then move_freepages_block(); v6.10
        move_freepages_block(zone, page, mt, ac->migratetype), which retypes); the page
        itself is free in the block, so the move returns a positive count and the function
        returns."""
        pb = self.pageblock_order
        mt, force = Name("migratetype"), Name("force")
        done, page, moved = self.fresh("done"), self.fresh("page"), self.fresh("moved")
        P = Name(page)

        reserved = self.reserved_of(self.zone_named(None))  # the zone of the zonelist being walked

        def convert(o: Expr) -> Block:
            retype: Block = [*self.move_freepages_block(self.block_of(P), mt, moved, page=P),
                             assign(pb_mt[self.block_of(P)], mt)]
            returned: Expr = Lit(1)
            if self.two_zones:
                # a straddling block: up to 6.9 the type is set and the move returns 0, 6.10's
                # returns -1 ("this should not fail on zone boundaries": WARN_ON_ONCE) and keeps the
                # type; either way "if (ret > 0)" fails and the loop goes on to the next order
                if self.era.straddle_refused:
                    retype = [If(self.block_spans_zone(self.block_of(P), P), tuple(retype))]
                returned = Name(moved) > 0
            return [If(And(Name(done) == 0, self.first_on_free_list(o, HIGHATOMIC) != NONE), (
                Let(page, self.first_on_free_list(o, HIGHATOMIC)),
                If(self.pfn_mt(P) == HIGHATOMIC, (self.counter_add(reserved, -(Lit(1) << pb)),)),
                *([Let(moved, Lit(0))] if self.two_zones else []),
                *retype,
                Let(done, returned)))]

        q = Name("q")
        on_reserve = Count("q", "pfn", And(where[q] == BUDDY, list_mt[q] == HIGHATOMIC, *self.in_zone(q, None))) > 0
        loop: For = self.for_each_order(0, self.max_order, convert)
        return Action(
            "unreserve_highatomic_pageblock", "unreserve_highatomic_pageblock", PAGE_ALLOC,
            "An allocation about to fail gives a reserved pageblock back to its migratetype.",
            (Param("migratetype", self.d.alloc_mt), Param("force", FORCE), *self.zone_param()),
            (self.alloc_mt_ok(mt), Or(force == 1, reserved > (Lit(1) << pb)), on_reserve),
            (Let(done, Lit(0)), loop),
        )

