"""Two zones (issue 17, ``Config.zone_boundary``): what a zone boundary adds to the buddy
allocator beyond the per-zone lists and counters of spec/free_lists.py -- whether a pageblock
lies in one zone (move_freepages_block()'s zone_spans_pfn() checks) and the boot state of two
zones, an unaligned one included (memmap_init and the boot's free of memory, v3.16's
setup_zone_migrate_reserve() per zone).  Trees read: spec/sources/kernel-eras.md, "Two zones
(issue 17)"."""

from __future__ import annotations

from spec.expr import And, Expr, ExprLike, Lit, lift
from spec.free_lists import FreeLists
from spec.ir import Assign, Stmt
from spec.kernel import BUDDY, BY_STALE, CMA, MOVABLE, RESERVE, TAIL


class Zones(FreeLists):
    """Pageblocks and the boot of two zones."""

    def block_end(self, block: ExprLike) -> Expr:
        """pageblock_end_pfn(pfn) - 1: the block's last page."""
        return ((lift(block) + 1) << self.pageblock_order) - 1

    def block_spans_zone(self, block: ExprLike, page: ExprLike) -> Expr:
        """v6.10 prep_move_freepages_block(): "if (!zone_spans_pfn(zone, start)) return false;
        if (!zone_spans_pfn(zone, end - 1)) return false;" with zone = page_zone(page): the
        block lies wholly in the page's zone (always, with one zone)."""
        if not self.two_zones:
            return Lit(1)
        zone = self.zone_of(page)
        return And(self.zone_spans_pfn(zone, lift(block) << self.pageblock_order),
                   self.zone_spans_pfn(zone, self.block_end(block)))

    def boot_chunks(self) -> list[tuple[int, int, int, int]]:
        """The free chunks (head, order, migratetype, zone) after boot with two zones: each
        zone's pages freed and merged within the zone -- __free_one_page() merges only
        buddies of one zone (page_is_buddy()), so the pages of [zone_start, zone_end) end in
        the largest aligned chunks that lie inside it (the deferred init's
        deferred_free_range() frees a zone's unaligned ends page by page, and never past
        the zone) -- CMA pageblocks freed block by block (init_cma_reserved_pageblock())."""
        cfg = self.cfg
        top, pb = cfg.max_order - 1, cfg.pageblock_order
        first_cma = cfg.nblocks - (1 << (top - pb)) if self.has_cma else cfg.nblocks
        out: list[tuple[int, int, int, int]] = []
        for zone, (lo, hi) in enumerate(((0, cfg.zone_boundary), (cfg.zone_boundary, cfg.npfn))):
            p = lo
            while p < hi:
                cma = (p >> pb) >= first_cma
                o = pb if cma else top
                while o > 0 and (p % (1 << o) or p + (1 << o) > hi):
                    o -= 1
                out.append((p, o, CMA if cma else MOVABLE, zone))
                p += 1 << o
        return out

    def init_two_zones(self) -> list[Stmt]:
        """The two zones after boot: every pageblock MOVABLE (CMA blocks CMA), a pageblock
        that straddles the boundary included -- memmap_init_zone() sets the type of each
        pageblock-aligned pfn of a zone ("if ((z->zone_start_pfn <= pfn) && (pfn <
        zone_end_pfn(z)) && !(pfn & (pageblock_nr_pages - 1)))", 3.16; 6.x "if
        (pageblock_aligned(pfn))"), so the zone that holds the block's first page sets it, and
        with SPARSEMEM the pageblock bitmap belongs to the section, so both zones read that one
        type (the model has one pb_mt per block); the free chunks of :meth:`boot_chunks`, ranked
        by address on their lists; v3.16 then :meth:`setup_zone_migrate_reserve` per zone."""
        chunks = [list(c) for c in self.boot_chunks()]
        block_mt = [CMA if self.has_cma and b >= self.cfg.nblocks - (1 << (self.cfg.max_order - 1 -
                                                                          self.cfg.pageblock_order))
                    else MOVABLE for b in range(self.cfg.nblocks)]
        if self.era.migrate_reserve:
            self.setup_zone_migrate_reserve(chunks, block_mt)
        out: list[Stmt] = [Assign("pb_mt", (Lit(b),), Lit(mt)) for b, mt in enumerate(block_mt)]
        heads = {head: (o, mt, zone) for head, o, mt, zone in chunks}
        for p in range(self.cfg.npfn):
            o, mt, zone = heads.get(p, (0, 0, -1))
            rank = sum(1 for h, o2, mt2, z2 in chunks if (o2, mt2, z2) == (o, mt, zone) and h < p)
            out += [Assign("where", (Lit(p),), Lit(BUDDY if zone >= 0 else TAIL)),
                    Assign("order", (Lit(p),), Lit(o)),
                    Assign("list_mt", (Lit(p),), Lit(mt)),
                    Assign("pos", (Lit(p),), Lit(rank if zone >= 0 else 0)),
                    Assign("index_by", (Lit(p),), Lit(BY_STALE))]
        for zone in range(2):
            for o in range(self.cfg.max_order):
                n = sum(1 for _, o2, _, z2 in chunks if (o2, z2) == (o, zone))
                if n:
                    out.append(self.counter_add(self.nr_free_of(o, zone), n))
            free = sum(1 << o for _, o, mt2, z2 in chunks if z2 == zone and mt2 != CMA)
            cma = sum(1 << o for _, o, mt2, z2 in chunks if z2 == zone and mt2 == CMA)
            if free:
                out += self.mod_zone_freepage_state(free, MOVABLE, zone)
            if cma:
                out += self.mod_zone_freepage_state(cma, CMA, zone)
        return out

    def setup_zone_migrate_reserve(self, chunks: list[list[int]], block_mt: list[int]) -> None:
        """v3.16 setup_zone_migrate_reserve(zone), zone by zone (jyizheng/linux-3.16 @ 0f453397):
        "start_pfn = roundup(start_pfn, pageblock_nr_pages)", then for each block from there to
        the zone's end the first MOVABLE one becomes MIGRATE_RESERVE and
        move_freepages_block(zone, page, MIGRATE_RESERVE) moves its free chunks -- nothing if
        the block's end lies past the zone ("return 0"): the block is then RESERVE while its
        pages stay on the MOVABLE lists.  One reserve block per zone, as the one-zone model
        has (min_wmark_pages of a zone of a few pages is at most a pageblock); a block already
        RESERVE counts ("If this block is reserved, account for it")."""
        cfg = self.cfg
        size = 1 << cfg.pageblock_order
        for zone, (lo, hi) in enumerate(((0, cfg.zone_boundary), (cfg.zone_boundary, cfg.npfn))):
            for pfn in range(-(-lo // size) * size, hi, size):
                b = pfn // size
                if block_mt[b] == RESERVE:
                    break
                if block_mt[b] != MOVABLE:
                    continue
                block_mt[b] = RESERVE
                if pfn + size - 1 < hi:  # the block's end in the zone: its free chunks move
                    for c in chunks:
                        if c[3] == zone and pfn <= c[0] < pfn + size:
                            c[2] = RESERVE
                break
