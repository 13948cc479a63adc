"""Kernel constants and the value domains of the page-lifecycle model."""

from __future__ import annotations

from spec.ir import Config, Domain

# enum migratetype, in the kernel's order (include/linux/mmzone.h, v5.3 .. v6.9)
MIGRATETYPES = ("UNMOVABLE", "MOVABLE", "RECLAIMABLE", "HIGHATOMIC", "CMA", "ISOLATE")
UNMOVABLE, MOVABLE, RECLAIMABLE, HIGHATOMIC, CMA, ISOLATE = range(6)
MIGRATE_PCPTYPES = 3
MIGRATE_TYPES = len(MIGRATETYPES)

# v3.16 .. v4.3: MIGRATE_RESERVE = MIGRATE_PCPTYPES, the enum slot MIGRATE_HIGHATOMIC took
# in v4.4 ("mm, page_alloc: remove MIGRATE_RESERVE", "mm, page_alloc: reserve pageblocks for
# high-order atomic allocations on demand"); the 3.16 era names slot 3 RESERVE.
RESERVE = HIGHATOMIC
MIGRATETYPES_3_16 = MIGRATETYPES[:HIGHATOMIC] + ("RESERVE",) + MIGRATETYPES[HIGHATOMIC + 1:]

# fallbacks[] of mm/page_alloc.c: which lists an allocation may steal from, in order
# (v4.x .. v6.x; CMA is taken by __rmqueue_cma_fallback(), not through this table)
FALLBACKS = {
    UNMOVABLE: (RECLAIMABLE, MOVABLE),
    MOVABLE: (RECLAIMABLE, UNMOVABLE),
    RECLAIMABLE: (UNMOVABLE, MOVABLE),
}
# v3.16 fallbacks[MIGRATE_TYPES][4] (jyizheng/linux-3.16 mm/page_alloc.c @ 0f453397): each row
# ends with MIGRATE_RESERVE ("handled later if necessary": __rmqueue's retry_reserve), and with
# CONFIG_CMA MOVABLE falls back to MIGRATE_CMA first
FALLBACKS_3_16 = {
    UNMOVABLE: (RECLAIMABLE, MOVABLE),
    RECLAIMABLE: (UNMOVABLE, MOVABLE),
    MOVABLE: (CMA, RECLAIMABLE, UNMOVABLE),
}

# Where a page is.  TAIL: a page inside a chunk whose head page is elsewhere.
WHERE = ("BUDDY", "PCP", "ALLOC", "FREEING", "REPORTING", "TAIL")
BUDDY, PCP, ALLOC, FREEING, REPORTING, TAIL = range(6)

# Ghost: who wrote page->index last, and so what its value means.
# "stale": written in an earlier life of the page (before it was last unlinked from a
# free list or merged away); the model forgets the value, which nothing may trust.
INDEX_BY = ("stale", "owner", "pcp_mt", "reported_mt", "boundary_slot", "slot_pending")
BY_STALE, BY_OWNER, BY_PCP, BY_REPORTED_MT, BY_SLOT, BY_SLOT_PENDING = range(6)

# Reporting state: v9/v10 zone flags REQUESTED/ACTIVE, merged prdev->state.
REPORTING_STATE = ("IDLE", "REQUESTED", "ACTIVE")
R_IDLE, R_REQUESTED, R_ACTIVE = range(3)

# Where the reporting worker is in page_reporting_process()/page_reporting_cycle().
WORKER = ("idle", "scanning", "in_report", "leftover")
W_IDLE, W_SCANNING, W_IN_REPORT, W_LEFTOVER = range(4)

# Where an isolation caller (alloc_contig_range, memory offline) is with a range:
# start_isolate_page_range() done, drain_all_pages() returned, test_pages_isolated() passed
# (the caller owns the range until undo_isolate_page_range()).
ISOLATION = ("none", "isolated", "drained", "tested")
I_NONE, I_ISOLATED, I_DRAINED, I_TESTED = range(4)

# v9/v10 boundary slot contents: NULL (never initialised), the list head, or a page.
SLOT_NULL, SLOT_HEAD = 0, 1
SLOT_PAGE0 = 2


class Domains:
    """The value domains of one configuration."""

    def __init__(self, cfg: Config, migrate_reserve: bool = False) -> None:
        self.cfg = cfg
        self.pfn = Domain("pfn", cfg.npfn, sort=True, size_name="npfn")
        self.block = Domain("block", cfg.nblocks, sort=True, size_name="nblocks")
        self.cpu = Domain("cpu", cfg.ncpu, sort=True, size_name="ncpu")
        self.order = Domain("order", cfg.max_order, size_name="max_order")
        self.zone = Domain("zone", cfg.nzones, tuple(f"zone {z}" for z in range(cfg.nzones)))
        self.mt = Domain("migratetype", MIGRATE_TYPES, MIGRATETYPES_3_16 if migrate_reserve else MIGRATETYPES)
        self.where = Domain("where", len(WHERE), WHERE)
        self.bool = Domain("bool", 2, ("false", "true"))
        self.pos = Domain("position", cfg.npfn, size_name="npfn")
        self.count = Domain("count", cfg.npfn + 1, size_name="npfn", size_offset=1)
        # v9/v10 boundary[(order - MIN) * MIGRATE_TYPES + mt]: MIN = pageblock_order
        self.nslots = (cfg.max_order - cfg.pageblock_order) * MIGRATE_TYPES
        self.slot = Domain("slot", self.nslots, sort=True, size_name="nslots")
        # ->index holds a migratetype, a boundary slot, or what the page's owner put there
        # (owner_index, one above both)
        self.owner_index = max(MIGRATE_TYPES, self.nslots)
        self.index = Domain(
            "index", self.owner_index + 1, tuple(str(i) for i in range(self.owner_index)) + ("owner-data",),
            size_name="owner_index", size_offset=1,
        )
        self.index_by = Domain("index_by", len(INDEX_BY), INDEX_BY)
        self.boundary = Domain(
            "boundary", cfg.npfn + 2, ("NULL", "list-head") + tuple(f"pfn {p}" for p in range(cfg.npfn)),
            size_name="npfn", size_offset=2,
        )
        self.reporting_state = Domain("reporting_state", len(REPORTING_STATE), REPORTING_STATE)
        self.worker = Domain("worker", len(WORKER), WORKER)
        self.sorts = {"pfn": self.pfn, "block": self.block, "cpu": self.cpu, "slot": self.slot}
        self.config_mts = tuple(MIGRATETYPES.index(m) for m in cfg.migratetypes)
        # migratetypes a user allocation asks for (gfp_migratetype): the pcp types present
        self.alloc_mts = tuple(m for m in self.config_mts if m < MIGRATE_PCPTYPES)
        self.alloc_mt = Domain(
            "alloc_migratetype", MIGRATE_PCPTYPES, MIGRATETYPES[:MIGRATE_PCPTYPES]
        )
