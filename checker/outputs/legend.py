"""What the fields of a counterexample mean: one legend for the text output, the README
and the review report.

The fields' one-line descriptions come from the spec (``StateVar.doc``); the values of
``where`` and of the ghost ``index_by`` are explained here, in the words of
``/work/shared/KERNEL.md`` and ``spec/kernel.py`` (the model's value names).
"""

from __future__ import annotations

from spec.ir import Model

# where the page is: the values of ``where`` (spec/kernel.py WHERE)
WHERE_VALUES = {
    "BUDDY": "on a buddy free list (PageBuddy), free_list[order][list_mt]",
    "PCP": "on a per-cpu list, pcp->lists[list_mt] of CPU cpu",
    "ALLOC": "allocated: owned by whoever asked for it",
    "FREEING": "being freed: between free_unref_page_prepare() (or __free_pages_ok()) and "
               "taking the zone lock",
    "REPORTING": "isolated by the reporting worker and handed to the device (zone lock dropped)",
    "TAIL": "inside a higher-order chunk whose head page is elsewhere",
}

# who wrote page->index last, and so what its value means (spec/kernel.py INDEX_BY)
INDEX_BY_VALUES = {
    "stale": "written in an earlier life of the page; nothing may trust it",
    "owner": "the allocated page's owner uses ->index for its own data",
    "pcp_mt": "set_pcppage_migratetype(): the migratetype cached for the pcp lists",
    "reported_mt": "v9 page_reporting_add_to_boundary(): the Reported page's migratetype",
    "boundary_slot": "v10: the slot (order - MIN) * MIGRATE_TYPES + mt of the page's boundary",
    "slot_pending": "v10 add_page_to_reported_list(): the placeholder 0, to be set later",
}

MIGRATETYPE_NOTE = ("migratetypes are printed by the kernel's enum names (MIGRATE_MOVABLE); "
                    "an action's migratetype= argument by the name without MIGRATE_, as "
                    "reportcheck check and replay take it")


def field_lines(model: Model) -> list[tuple[str, str]]:
    """(field, meaning) for every state variable of ``model``, ghosts marked."""
    out = []
    for v in model.state_vars:
        doc = ("ghost: " if v.ghost else "") + v.doc
        out.append((v.name, doc))
    return out


def legend_lines(model: Model) -> list[str]:
    """The legend as plain lines: every field, then the values of where and index_by."""
    names = {v.name for v in model.state_vars}
    width = max((len(v.name) for v in model.state_vars), default=0)
    out = ["legend (ghost: not kernel memory, bookkeeping the claims need):"]
    out += [f"  {name:<{width}}  {doc}" for name, doc in field_lines(model)]
    if "where" in names:
        out.append("  where:")
        out += [f"    {k:<10} {v}" for k, v in WHERE_VALUES.items()]
    if "index_by" in names:
        out.append("  index_by (what the last write of ->index means):")
        out += [f"    {k:<14} {v}" for k, v in INDEX_BY_VALUES.items()]
    out.append(f"  {MIGRATETYPE_NOTE}")
    return out
