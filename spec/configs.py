"""Named scaled-down configurations: zones of a few pages with the kernel's buddy arithmetic
(``reportcheck list`` describes each)."""

from __future__ import annotations

from spec.ir import Config
from spec.kernel import MIGRATETYPES

CONFIGS: dict[str, Config] = {
    c.name: c
    for c in (
        Config(
            name="tiny", npfn=4, pageblock_order=1, max_order=2, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1,
            doc="4 pages, 2 pageblocks of 2 pages, orders 0-1 (pageblock_order = MAX_ORDER-1, "
                "as on arm64 with 64K pages), 1 CPU, reporting capacity 1",
        ),
        Config(
            name="tiny-span", npfn=4, pageblock_order=1, max_order=3, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1,
            doc="tiny with orders 0-2: a max-order chunk spans both pageblocks, so merges "
                "cross pageblocks and Reported pages can be merged away",
        ),
        Config(
            name="small", npfn=8, pageblock_order=1, max_order=3, ncpu=2,
            migratetypes=("UNMOVABLE", "MOVABLE", "CMA", "ISOLATE"), capacity=2,
            doc="8 pages, 4 pageblocks (the last two, one MAX_ORDER-aligned range, are CMA), "
                "orders 0-2 (chunks span two pageblocks), 2 CPUs, reporting capacity 2",
        ),
        Config(
            name="pageblock4", npfn=4, pageblock_order=2, max_order=3, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1,
            doc="4 pages, one pageblock of 4 pages (pageblock_order 2 = MAX_ORDER-1), orders 0-2, 1 CPU, "
                "capacity 1: a pageblock holds several free chunks, so a steal may move the block's free "
                "pages and not claim it (free_pages + alike_pages < pageblock_nr_pages / 2, with the "
                "block's movable pages counted), a MOVABLE order-0 steal is refused the whole block "
                "(can_steal_fallback: order < pageblock_order / 2) and takes one page, and merges below "
                "pageblock_order happen inside a block; nothing merges across pageblocks (one block)",
        ),
        Config(
            name="pageblock4-span", npfn=8, pageblock_order=2, max_order=4, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1,
            doc="8 pages, 2 pageblocks of 4 pages, orders 0-3: pageblock4's steal decisions with a "
                "max-order chunk spanning both pageblocks (change_pageblock_range() over two blocks, "
                "merges across pageblocks of 4, __isolate_free_page() retyping both blocks of a chunk); "
                "too large to explore in full (tests explore it to a state limit)",
        ),
        Config(
            name="tiny-wmark", npfn=4, pageblock_order=1, max_order=2, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1, wmark_min=0, wmark_low=0,
            doc="tiny with its watermarks (min = low = 0 pages, a 4-page zone's min_free_kbytes): "
                "__isolate_free_page() refuses a chunk unless NR_FREE_PAGES exceeds min + the chunk, "
                "so page_reporting_cycle() stops at that page, and page_reporting_process_zone() skips "
                "the zone unless NR_FREE_PAGES exceeds low + (capacity << page_reporting_min_order)",
        ),
        Config(
            name="tiny-report0", npfn=4, pageblock_order=1, max_order=2, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1, page_reporting_order=0,
            doc="tiny with page_reporting_order 0 (v5.14+: a driver's prdev->order or the module "
                "parameter; modelled from 5.18): every free of an order-0 page asks for reporting, "
                "page_reporting_process_zone() starts at order 0, and __isolate_free_page() retypes the "
                "block of a reported order-0 page MOVABLE (order >= pageblock_order - 1); earlier "
                "releases report from pageblock_order only (merged on 5.7-5.11 refuses it)",
        ),
        Config(
            name="tiny-zones", npfn=4, pageblock_order=1, max_order=2, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "ISOLATE"), capacity=1, zone_boundary=1,
            doc="tiny as two zones (designs none and merged): zone 0 is pfn 0, zone 1 pfns 1-3, so pageblock 0 "
                "straddles the boundary and zone 1 starts inside it: each zone has its own free lists, "
                "counters and pcp lists; page_is_buddy() refuses the buddies 0 and 1 (\"page_zone_id(page) != "
                "page_zone_id(buddy)\"), move_freepages_block() returns 0 for block 0 from zone 0 (its end is "
                "in zone 1) and walks it from the pivot pfn 1 from zone 1, 6.10's prep_move_freepages_block() "
                "refuses it from either; isolation takes range 1 only (a range the boundary cuts is never "
                "isolated); merged reporting walks zone 0's lists, then zone 1's.  One zone's code cannot reach any "
                "of these",
        ),
        Config(
            name="highatomic", npfn=4, pageblock_order=1, max_order=2, ncpu=1,
            migratetypes=("UNMOVABLE", "MOVABLE", "HIGHATOMIC", "CMA", "ISOLATE"), capacity=1,
            doc="tiny with a CMA pageblock (pfns 2-3) and MIGRATE_HIGHATOMIC (v4.4+): a high-order "
                "atomic allocation tries the HIGHATOMIC lists first and reserve_highatomic_pageblock() "
                "then reserves its MOVABLE or UNMOVABLE block (one pageblock: a hundredth of the zone plus a "
                "block), never the CMA one; unreserve_highatomic_pageblock(force) gives it back to an "
                "allocation's type; HIGHATOMIC and CMA pages ride on the MOVABLE pcp list and go back "
                "by their cached type (the 6.0-6.5 trylock bypass frees them as MOVABLE).  From 6.8 "
                "a zone under 100 pageblocks reserves nothing, so there the reserve is never taken; 3.16 has MIGRATE_RESERVE instead (no such configuration there)",
        ),
    )
}
DEFAULT_CONFIG = "tiny"


class ConfigError(ValueError):
    """A configuration the model cannot be built for; the message names the fix."""


def validate(cfg: Config) -> None:
    """ConfigError, naming the key, its value and the fix, for a zone the model cannot be
    built for."""
    where = f"config {cfg.name}"
    if cfg.npfn < 2 or cfg.npfn & (cfg.npfn - 1) or cfg.npfn > 64:
        raise ConfigError(f"{where}: npfn = {cfg.npfn}; npfn must be a power of two from 2 to 64 (e.g. npfn=8)")
    if not 0 < cfg.pageblock_order < cfg.max_order:
        raise ConfigError(f"{where}: pageblock_order = {cfg.pageblock_order}, max_order = {cfg.max_order}; "
                          "need 0 < pageblock_order < max_order (e.g. pageblock_order=1,max_order=3)")
    if (1 << (cfg.max_order - 1)) > cfg.npfn:
        raise ConfigError(f"{where}: max_order = {cfg.max_order}: a max-order chunk (2^(max_order-1) = "
                          f"{1 << (cfg.max_order - 1)} pages) must fit in npfn = {cfg.npfn}; lower max_order or "
                          "raise npfn")
    if not 1 <= cfg.ncpu <= 4:
        raise ConfigError(f"{where}: ncpu = {cfg.ncpu}; give 1 to 4 CPUs")
    if not 1 <= cfg.capacity <= cfg.npfn:
        raise ConfigError(f"{where}: capacity = {cfg.capacity}; PAGE_REPORTING_CAPACITY must be 1 to npfn = {cfg.npfn}")
    if cfg.capacity & (cfg.capacity - 1):
        # include/linux/page_reporting.h: PAGE_REPORTING_CAPACITY 32; page_reporting_cycle()
        # divides by it: "PAGE_REPORTING_CAPACITY should always be a power of 2"
        raise ConfigError(f"{where}: capacity = {cfg.capacity}; PAGE_REPORTING_CAPACITY is a power of two (the "
                          "kernel's is 32 and page_reporting_cycle() divides by it): give 1, 2, 4, ...")
    if not -1 <= cfg.wmark_min <= cfg.npfn or not -1 <= cfg.wmark_low <= cfg.npfn:
        raise ConfigError(f"{where}: wmark_min and wmark_low must be -1 (not modelled) or 0..npfn pages")
    if (cfg.wmark_low == -1) != (cfg.wmark_min == -1) or cfg.wmark_low < cfg.wmark_min:
        raise ConfigError(f"{where}: wmark_low must be at least wmark_min (the kernel's low = min + min/4), "
                          "and both -1 or both set; set wmark_low >= wmark_min")
    if not -1 <= cfg.page_reporting_order < cfg.max_order:
        raise ConfigError(f"config {cfg.name}: page_reporting_order must be -1 (pageblock_order) or an order "
                          f"0..max_order-1 ({cfg.max_order - 1}); set page_reporting_order below max_order")
    if cfg.zone_boundary and not 0 < cfg.zone_boundary < cfg.npfn:
        raise ConfigError(f"{where}: zone_boundary = {cfg.zone_boundary}; the boundary between zone 0 [0, K) and "
                          f"zone 1 [K, npfn) must be 0 < K < npfn = {cfg.npfn} (or 0: one zone), e.g. zone_boundary=1")
    unknown = [m for m in cfg.migratetypes if m not in MIGRATETYPES]
    if unknown or "MOVABLE" not in cfg.migratetypes:
        raise ConfigError(
            f"{where}: migratetypes must include MOVABLE and come from {', '.join(MIGRATETYPES)}"
            + (f" (not {', '.join(unknown)})" if unknown else "")
        )
    in_order = tuple(m for m in MIGRATETYPES if m in cfg.migratetypes)
    if cfg.migratetypes != in_order:
        raise ConfigError(f"{where}: migratetypes must name each type once, in the kernel's enum order "
                          f"(one zone, one spelling); write migratetypes={'+'.join(in_order)}")
    top = 1 << (cfg.max_order - 1)
    if cfg.zone_boundary and "CMA" in cfg.migratetypes and cfg.zone_boundary > cfg.npfn - top:
        # cma_declare_contiguous_nid() (mm/cma.c): "All pages in the reserved area must come from
        # the same zone."
        raise ConfigError(f"{where}: zone_boundary = {cfg.zone_boundary} puts the CMA area (the last MAX_ORDER "
                          f"range, pfns {cfg.npfn - top}..{cfg.npfn - 1}) in two zones; a CMA area lies in one zone: "
                          f"set zone_boundary <= {cfg.npfn - top} or drop CMA")
