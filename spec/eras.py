"""Kernel eras: the releases whose code a model stands for.

An :class:`Era` names the kernel releases whose modelled code (the functions of
mm/page_alloc.c, mm/page_isolation.c and mm/page_reporting.c that the actions are
written from) is the same, and carries the behaviour flags the builders read where
releases differ.  Each flag says which commit introduced or removed the behaviour; the
trees and commits read are in spec/sources/kernel-eras.md.  Adding an era is adding an
entry to :data:`ERAS`.

Releases are merged into one era only where the modelled code is identical as far as the
commits found say (e.g. 5.4-5.6 run the 5.3 code of these functions; 5.8-5.9 the 5.7
code); an era is split where a release changes something the model keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

MergeRule = Literal["any", "isolate", "mergeable"]


@dataclass(frozen=True)
class Era:
    """``name`` is what ``--kernel`` takes; ``releases`` the mainline releases it stands
    for; ``designs`` the reporting designs that exist on it (``none`` = the allocator
    alone: every release).  The flags, each with where it comes from:

    ``pcp_cache``: page->index caches the pageblock's migratetype while a page passes
    through the pcp lists (set_freepage_migratetype in 3.16, set_pcppage_migratetype
    later); removed by 17edeb5d3f76 "mm: page_alloc: remove pcppage migratetype
    caching" (v6.10-rc1).

    ``isolate_recheck``: free_pcppages_bulk() and free_one_page() re-read the pageblock's
    type under zone->lock when the zone has isolated pageblocks, and the free counts are
    kept by __free_one_page()'s caller type at entry; from ad53f92eb416 "mm/page_alloc:
    fix incorrect isolation behavior by rechecking migratetype" and its series (v3.18).
    3.16 frees with the cached type and counts after the merge (free_pcppages_bulk: by
    the block's type now).

    ``unisolate_frees_chunk``: unset_migratetype_isolate() takes a free chunk of order >=
    pageblock_order whose buddy is not isolated off its list so that it can merge; from
    3c605096d315 "mm/page_alloc: restrict max order of merging on isolated pageblock"
    (v3.18).  3.16 only moves the block's free pages back.

    ``unisolate_putback``: that chunk goes back with __putback_isolated_page() under the
    same zone->lock, after the type is restored; "mm: Add function
    __putback_isolated_page" ([PATCH v17 3/9], v5.7).  Before: freed with __free_pages()
    after the unlock (the normal free path).

    ``to_tail``: move_to_free_list() is list_move_tail (293ffa5ebb9c "mm/page_alloc: move
    pages to tail in move_to_free_list()", v5.10) and __putback_isolated_page() passes
    FPI_TO_TAIL (47b6a24a2382 "mm/page_alloc: place pages to tail in
    __putback_isolated_page()", v5.10).  Before: list_move (head), and buddy_merge_likely.

    ``merge_rule``: which pageblock types __free_one_page() merges across: ``any`` (3.16:
    no type check), ``isolate`` (v3.18 3c605096d315 .. v5.17: only an ISOLATE block
    stops a merge, while the zone has one), ``mergeable`` (1dd214b8f21c "mm: page_alloc:
    avoid merging non-fallbackable pageblocks with others", v5.18: both sides
    migratetype_is_mergeable() or equal).

    ``unisolate_free_buddy``: the un-isolation's buddy must be a free buddy of the same
    order (find_buddy_page_pfn(), read in the 6.1 tree): 8170ac4700d2 "mm: wrap
    __find_buddy_pfn() with a necessary buddy page validation", in the torvalds/linux master
    push of 26 May 2022 (kernel.org post-receive log, read_file id 66538144430), four days
    after the v5.18 tag (4b0986a3613c, 22 May 2022), so v5.19; before, any valid pfn
    (``buddy = page + (__find_buddy_pfn(pfn, order) - pfn)``, the ``-`` lines of its patch).
    ``unisolate_below_max``: the chunk's order must be below the top order: ``order >=
    pageblock_order && order < MAX_ORDER - 1`` from Muchun Song's "mm/page_isolation: do not
    isolate the max order page" ([PATCH v2], 4 Dec 2020, Fixes: 3c605096d315; in linux-next
    of 3 Dec 2020 for the v5.11 merge window, find_string ids 14800183722 and 66004923015;
    read in a v5.11-v5.13 mm/page_isolation.c, which has both zone_pcp_disable() and
    pfn_valid_within(): find_string id 15803926148).  23baf831a32c "mm, treewide: redefine
    MAX_ORDER sanely" (v6.4) only respelled it ``order < MAX_ORDER`` (MAX_ORDER inclusive):
    the same orders.

    ``free_type_under_lock``: free_one_page() and free_pcppages_bulk() read the block's
    type under zone->lock; __free_pages_ok() no longer reads it before the lock
    (17edeb5d3f76 and 55612e80e722 "mm: page_alloc: close migratetype race between
    freeing and stealing", v6.10-rc1).  ``account_in_lists``: the free counts move with
    the free lists (e0932b6c1f94 "mm: page_alloc: consolidate free page accounting",
    v6.10-rc1).  ``claim_moves``: fallback stealing moves a block's free pages only when
    it claims the block, in one step, and otherwise takes the one page and leaves the rest
    on the block's own lists (c0cd6f557b90 "mm: page_alloc: fix freelist movement during
    block conversion", v6.10-rc1).  ``isolate_free_moves``: __isolate_free_page() retypes
    a block with move_freepages_block() (its other free pages move too; same series).
    ``match_buddy_type``: __free_one_page() retypes a merged buddy's block "Match buddy
    type" (e6cf9e1c4cde "mm: page_alloc: fix up block types when merging compatible
    blocks", v6.10-rc1).

    ``try_to_steal_freepages``: v3.16 __rmqueue_fallback(): the largest chunk of the
    first fallback type in the 3.16 fallbacks[] (CMA first for MOVABLE), whose type
    try_to_steal_freepages() decides -- CMA stays CMA, a chunk of a pageblock or more is
    claimed, otherwise the block's free pages are moved and the block claimed if half of
    it is free -- and expand() puts the split pieces on that type's lists
    (set_freepage_migratetype(page, new_type)).  Replaced by steal_suitable_fallback()
    and its helpers in v4.0-v4.1 (99592d5 "mm: when stealing freepages, also take
    pages created by splitting buddy page", 3a1086f "mm: always steal split buddies
    in fallback allocations", posted Dec 2014 / Jan 2015; then Joonsoo Kim's "mm/page_alloc:
    factor out fallback freepage checking").  ``migrate_reserve``: MIGRATE_RESERVE
    pageblocks (setup_zone_migrate_reserve() at boot; __rmqueue()'s retry_reserve), removed
    in v4.4 by "mm, page_alloc: remove MIGRATE_RESERVE" (Mel Gorman).

    ``pcp_trylock``: free_unref_page() takes the pcp lock with pcp_spin_trylock() and, when
    it fails, frees the page straight to the buddy lists with free_one_page() (4b23a68f9536
    "mm/page_alloc: protect PCP lists with a spinlock", v6.0).  ``trylock_real_type``: that
    free_one_page() gets the page's own cached type, not the MOVABLE that CMA and
    HIGHATOMIC pages ride on the pcp list with (7b086755fb8c "mm: page_alloc: fix CMA and
    HIGHATOMIC landing on the wrong buddy list", v6.6-rc, backported to 6.1.57); 6.10 reads
    the type under the zone lock there.

    ``zone_pcp_disable``: memory offline (offline_pages()) disables the zone's pcp lists
    before start_isolate_page_range() ("Disable pcplists so that page isolation cannot race
    with freeing in a way that pages from isolated pageblock are left on pcplists") and
    enables them after; alloc_contig_range() drains instead ("[PATCH v2 7/7] mm, page_alloc:
    disable pcplists during memory offline", Vlastimil Babka, merged for v5.11-rc1).

    ``highatomic_min_zone``: reserve_highatomic_pageblock() reserves nothing in a zone whose
    1% is below a pageblock ("if ((zone_managed_pages(zone) / 100) < pageblock_nr_pages)
    return;", and the limit is ALIGN(managed / 100, pageblock_nr_pages)): Charan Teja Kalla's
    "mm: page_alloc: correct high atomic reserve calculations" and "mm: page_alloc: enforce
    minimum zone size to do high atomic reserves" ([PATCH V3 1/2, 2/2], 24 Nov 2023), read in
    torvalds/linux mm/page_alloc.c @ 883dd161e9a8 (6.10-rc1); absent from 6.6.42 (YushanQ
    @ 04297ce41cf4), whose limit is "(zone_managed_pages(zone) / 100) + pageblock_nr_pages".
    Merged for v6.8-rc1 (deepin-community/kernel pull request 1137 backports "mm: page_alloc:
    fixes for high atomic reserve caluculations from v6.8-rc1"; the mainline hashes were not
    found), so the era 6.8 (6.8, 6.9) has it and 6.6 (6.6, 6.7) does not.  Before v4.4 there
    is no MIGRATE_HIGHATOMIC at all (``migrate_reserve``).

    ``reporting_order``: free page reporting's lowest order is the variable
    page_reporting_order (page_reporting_notify_free(): "if (order < page_reporting_order)
    return;", page_reporting_process_zone()'s watermark "(PAGE_REPORTING_CAPACITY <<
    page_reporting_order)" and its loop "for (order = page_reporting_order; ...)"), set at
    page_reporting_register() from the driver's prdev->order or pageblock_order, and by the
    module parameter: Gavin Shan's "mm/page_reporting: Export reporting order as module
    parameter" (f58780a8e385) and "mm/page_reporting: Allow driver to specify reporting order"
    (9f849c6f9572), v5.14; before, the constant PAGE_REPORTING_MIN_ORDER = pageblock_order.
    Which source wins changed later (Shradha Gupta, "if (page_reporting_order == -1)", the
    parameter first); the model takes the value in force, fixed before reporting starts.  The
    5.11 era (5.11-5.17) straddles 5.14, so only 5.18 and later model a page_reporting_order
    other than pageblock_order (a configuration that sets one is refused on the others).

    ``highatomic_oom``: rmqueue_buddy() lets an allocation whose __rmqueue() failed take a
    chunk from the MIGRATE_HIGHATOMIC lists when it has ALLOC_OOM (an OOM victim's): "If the
    allocation fails, allow OOM handling access to HIGHATOMIC reserves as failing now is
    worse than failing a high-order atomic allocation in the future" -- eb2e2b425c69
    "mm/page_alloc: explicitly record high-order atomic allocations in alloc_flags" (Mel
    Gorman, v6.3-rc1), read in a 6.4/6.5 mm/page_alloc.c (find_string id 77603225: "if (!page
    && (alloc_flags & ALLOC_OOM))"); absent from 5.10.13 and 6.1 (dac22531).  281dd25c1a01
    "mm/page_alloc: let GFP_ATOMIC order-0 allocs access highatomic reserves" (v6.12, after
    every era here) adds ALLOC_NON_BLOCK to the test.  From v6.0 (4b23a68f9536, the commit of
    ``pcp_trylock``) rmqueue() also sends an order-0 request that rmqueue_pcplist() did not
    serve ("if (likely(page)) goto out;", was "goto out;") to rmqueue_buddy(), so the OOM
    fallback reaches order 0 too.

    ``split_in_move``: set_migratetype_isolate() and the move back of
    unset_migratetype_isolate() call move_freepages_block_isolate(), which takes a free chunk
    larger than a pageblock that the block starts or lies inside off its list, retypes the
    block, and frees the chunk again pageblock by pageblock, each piece by its own block's
    type ("Split a multi-block free page into its individual pageblocks": split_large_buddy(),
    find_large_buddy()); fd919a85cd55 "mm: page_isolation: prepare for hygienic freelists"
    (v6.10-rc1), read in torvalds/linux mm/page_alloc.c @ 883dd161e9a8 and, for its callers,
    GrapheneOS/kernel_common-6.6 mm/page_isolation.c @ d8db4cf8 (the series backported).
    Before, move_freepages_block() moves such a chunk whole with the block that holds its
    head, and the block of a tail moves nothing of it.

    ``straddle_refused``: move_freepages_block() / prep_move_freepages_block() refuse a
    pageblock that straddles the zone boundary at either end ("The caller only has the lock
    for @zone, don't touch ranges that straddle into other zones": Johannes Weiner, "[PATCH
    05/10] mm: page_alloc: fix move_freepages_block() range error", 6 Mar 2024, in the v6.10
    series; read in torvalds/linux mm/page_alloc.c @ 883dd161e9a8); before, a block whose
    start lies in another zone is walked from the pivot page ("if (!zone_spans_pfn(zone,
    start_pfn)) start_page = page;") and one whose end does is not moved ("return 0").
    Only a configuration with two zones (zone_boundary) reads it.

    ``alias``: the ``--pcp-cache`` value that spelled this era when the era was a bool
    (``on``: 5.3 for v9/v10, 5.7 for merged; ``off``: 6.10).  The eras of that time keep
    their old file names (``v9/``) and SARIF fingerprints (``True``/``False``)."""

    name: str
    releases: tuple[str, ...]
    description: str
    designs: tuple[str, ...]
    pcp_cache: bool
    isolate_recheck: bool = True
    unisolate_frees_chunk: bool = True
    unisolate_putback: bool = True
    to_tail: bool = True
    merge_rule: MergeRule = "mergeable"
    unisolate_free_buddy: bool = True
    unisolate_below_max: bool = True
    free_type_under_lock: bool = False
    account_in_lists: bool = False
    claim_moves: bool = False
    isolate_free_moves: bool = False
    match_buddy_type: bool = False
    try_to_steal_freepages: bool = False
    migrate_reserve: bool = False
    pcp_trylock: bool = False
    zone_pcp_disable: bool = False
    trylock_real_type: bool = False
    highatomic_min_zone: bool = False
    reporting_order: bool = False
    straddle_refused: bool = False
    split_in_move: bool = False
    highatomic_oom: bool = False
    alias: Literal["on", "off"] | None = None

    def slug_for(self, design: str) -> str:
        """The era's part of file and test names: '' for the design's first era (the
        names the stored catalogue had when the era was a bool), else the era's name."""
        return "" if default_era(design) == self.name else self.name

    @property
    def fingerprint(self) -> str:
        """The era's part of SARIF fingerprints."""
        return str(self.alias == "on") if self.alias else self.name

    @property
    def options(self) -> list[str]:
        """The ``reportcheck check`` options that choose this era."""
        return ["--kernel", self.name]


ALL = ("none",)
ERAS: dict[str, Era] = {
    e.name: e
    for e in (
        Era("3.16", ("3.16", "3.17"),
            "v3.16: the freepage migratetype cache (set_freepage_migratetype); no isolation re-check "
            "(freeing uses the cached type), merges across any pageblock types, un-isolation only "
            "moves the free pages back; try_to_steal_freepages() fallback and a MIGRATE_RESERVE "
            "pageblock (the zone's first)",
            ALL, pcp_cache=True, isolate_recheck=False, unisolate_frees_chunk=False, unisolate_putback=False,
            to_tail=False, merge_rule="any", unisolate_free_buddy=False, unisolate_below_max=False,
            try_to_steal_freepages=True, migrate_reserve=True),
        Era("5.3", ("5.3", "5.4", "5.5", "5.6"),
            "v5.3 (the base of the v9 and v10 series): the pcp migratetype cache, isolation re-check, "
            "un-isolation frees a large chunk after the unlock",
            ALL + ("v9", "v10"), pcp_cache=True, unisolate_putback=False, to_tail=False, merge_rule="isolate",
            unisolate_free_buddy=False, unisolate_below_max=False, alias="on"),
        Era("5.7", ("5.7", "5.8", "5.9"),
            "v5.7 (free page reporting merged): __putback_isolated_page() under the zone lock, "
            "put-back and moved pages at the head",
            ALL + ("merged",), pcp_cache=True, to_tail=False, merge_rule="isolate",
            unisolate_free_buddy=False, unisolate_below_max=False, alias="on"),
        Era("5.10", ("5.10",),
            "v5.10: reported, put-back and moved pages go to the tail of their list",
            ALL + ("merged",), pcp_cache=True, merge_rule="isolate", unisolate_free_buddy=False,
            unisolate_below_max=False),
        Era("5.11", ("5.11", "5.12", "5.13", "5.14", "5.15", "5.16", "5.17"),
            "v5.11: memory offline disables the pcp lists (zone_pcp_disable) around the isolation; "
            "alloc_contig_range drains them; un-isolation leaves a top-order chunk in place",
            ALL + ("merged",), pcp_cache=True, merge_rule="isolate", unisolate_free_buddy=False,
            zone_pcp_disable=True),
        Era("5.18", ("5.18",),
            "v5.18: migratetype_is_mergeable() merge rule; page_reporting_order",
            ALL + ("merged",), pcp_cache=True, zone_pcp_disable=True, unisolate_free_buddy=False,
            reporting_order=True),
        Era("5.19", ("5.19",),
            "v5.19: find_buddy_page_pfn() in un-isolation (the buddy must be free, of the chunk's order)",
            ALL + ("merged",), pcp_cache=True, zone_pcp_disable=True, reporting_order=True),
        Era("6.1", ("6.0", "6.1", "6.2"),
            "v6.1 (6.1.0-6.1.56): the pcp lists under a spinlock (an order-0 request whose pcp trylock fails "
            "goes to the buddy lists); when free_unref_page()'s trylock fails a CMA or HIGHATOMIC page is "
            "freed to the buddy lists as MOVABLE (fixed by 7b086755fb8c in 6.6 and 6.1.57)",
            ALL + ("merged",), pcp_cache=True, zone_pcp_disable=True, pcp_trylock=True, reporting_order=True),
        Era("6.3", ("6.3", "6.4", "6.5"),
            "v6.3: an OOM victim's allocation that finds nothing else takes a HIGHATOMIC chunk "
            "(eb2e2b425c69; the only change the model keeps: the same as 6.1 on every configuration "
            "without HIGHATOMIC); still the trylock-failure bug of 6.0-6.5.  6.4 respelled MAX_ORDER "
            "inclusive (23baf831a32c): the same code",
            ALL + ("merged",), pcp_cache=True, zone_pcp_disable=True, pcp_trylock=True,
            reporting_order=True, highatomic_oom=True),
        Era("6.6", ("6.6", "6.7"),
            "v6.6: a failed pcp trylock frees with the page's own type (7b086755fb8c)",
            ALL + ("merged",), pcp_cache=True, zone_pcp_disable=True, pcp_trylock=True, trylock_real_type=True, reporting_order=True,
            highatomic_oom=True),
        Era("6.8", ("6.8", "6.9"),
            "v6.8: a zone whose hundredth is under a pageblock reserves no HIGHATOMIC block (the only change the "
            "model keeps; the same as 6.6 on every configuration without HIGHATOMIC); the last release with "
            "the pcp migratetype cache",
            ALL + ("merged",), pcp_cache=True, zone_pcp_disable=True, pcp_trylock=True, trylock_real_type=True,
            highatomic_min_zone=True, reporting_order=True, highatomic_oom=True),
        Era("6.10", ("6.10",),
            "v6.10: no migratetype cache; the block's type read under the zone lock; free counts "
            "move with the free lists; fallback moves and claims a block in one step",
            ALL + ("merged",), pcp_cache=False, zone_pcp_disable=True, free_type_under_lock=True, account_in_lists=True,
            claim_moves=True, isolate_free_moves=True, match_buddy_type=True, pcp_trylock=True,
            trylock_real_type=True, highatomic_min_zone=True, alias="off", reporting_order=True,
            straddle_refused=True, highatomic_oom=True, split_in_move=True),
    )
}

# Where a design starts: the release its code was posted on or merged in.
FIRST_ERA = {"none": "6.10", "v9": "5.3", "v10": "5.3", "merged": "5.7"}
# The era names of the time the era was a bool, read from stored traces and old options.
LEGACY = {"5.3-5.7": "on"}
DEFAULT_ERA = ""  # ModelKey's default: the design's first era (FIRST_ERA)


def default_era(design: str) -> str:
    """The era a design is checked in unless one is chosen."""
    return FIRST_ERA.get(design, "5.3")


def era_of_pcp_cache(on: bool, design: str = "v9") -> str:
    """The era ``--pcp-cache on|off`` (and a stored trace's ``pcp_cache``) stands for:
    ``on`` is the design's first era with the cache (5.3 for v9/v10, 5.7 for merged),
    ``off`` is 6.10 (the only era without it)."""
    if not on:
        return "6.10"
    first = default_era(design)
    return first if ERAS[first].pcp_cache else "5.3"


def resolve_era(era: str, design: str) -> str:
    """An era as ModelKey keeps it: '' is the design's default, a legacy name (5.3-5.7)
    the era its ``pcp_cache`` alias stands for on that design; anything else as given
    (build_model checks it)."""
    if not era:
        return default_era(design)
    if era in LEGACY:
        return era_of_pcp_cache(LEGACY[era] == "on", design)
    return era


def check_combination(era: Era, design: str) -> str | None:
    """A message naming the valid choices if ``design`` did not exist on ``era``."""
    if design in era.designs:
        return None
    eras = [e.name for e in ERAS.values() if design in e.designs]
    return (f"design {design} did not exist in kernel {era.name}; choose --kernel "
            f"{' or '.join(eras) if eras else '(none)'} for {design}, or a design of {era.name}: "
            f"{', '.join(era.designs)}")


def check_migratetypes(era: Era, migratetypes: tuple[str, ...]) -> str | None:
    """A message naming the fix if a configuration's migratetypes did not exist in ``era``:
    MIGRATE_HIGHATOMIC came with v4.4 ("mm, page_alloc: reserve pageblocks for high-order
    atomic allocations on demand"), in the enum slot 3.16's MIGRATE_RESERVE had."""
    if "HIGHATOMIC" in migratetypes and era.migrate_reserve:
        later = [e.name for e in ERAS.values() if not e.migrate_reserve]
        return (f"migratetype HIGHATOMIC did not exist in kernel {era.name} (MIGRATE_RESERVE instead; "
                f"HIGHATOMIC is v4.4+); drop it from migratetypes or choose --kernel {later[0]} or later")
    return None


def era_of_release(version: str) -> str | None:
    """The era a ``--kernel`` value names: an era's name, a release one stands for
    (``5.4`` is the 5.3 era), or a legacy era name; None for anything else."""
    if version in ERAS or version in LEGACY:
        return version
    return next((e.name for e in ERAS.values() if version in e.releases), None)


def era_choices() -> str:
    """The ``--kernel`` choices, for error messages."""
    return ", ".join(f"{e.name} ({e.releases[0]}-{e.releases[-1]})" if len(e.releases) > 1 else e.name
                     for e in ERAS.values())
