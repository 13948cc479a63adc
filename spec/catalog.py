"""What can be checked: designs, faults, configurations -- and the one entry point that
builds a :class:`~spec.ir.Model` from a choice of them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from spec.configs import CONFIGS, ConfigError, validate
from spec.expr import Cfg, Expr, Lit, Max
from spec.invariants import invariants
from spec.ir import Config, Model
from spec.kernel import MIGRATE_TYPES
from spec.reporting import V9, V10, Merged, Reporting

SPEC_VERSION = "1"

# The constants a proof for every size leaves open, the rest defined from them
# (spec.configs.validate checks the same of each named configuration).
PARAMETERS = ("nranges", "ncpu", "max_order", "pageblock_order")
DEFINITIONS: dict[str, Expr] = {
    "blocks_per_range": Lit(1) << (Cfg("max_order") - 1 - Cfg("pageblock_order")),
    "nblocks": Cfg("nranges") * Cfg("blocks_per_range"),
    "npfn": Cfg("nblocks") << Cfg("pageblock_order"),
    "page_reporting_min_order": Cfg("pageblock_order"),  # PAGE_REPORTING_MIN_ORDER
    "nslots": (Cfg("max_order") - Cfg("pageblock_order")) * MIGRATE_TYPES,
    "owner_index": Max(MIGRATE_TYPES, Cfg("nslots")),
}
ASSUMPTIONS: tuple[Expr, ...] = (
    Cfg("nranges") > 0, Cfg("ncpu") > 0,
    Cfg("pageblock_order") > 0, Cfg("pageblock_order") < Cfg("max_order"),
    # the zone is whole max-order chunks, and no shift wraps
    (Cfg("npfn") >> (Cfg("max_order") - 1)) == Cfg("nranges"),
)


@dataclass(frozen=True)
class Design:
    name: str
    title: str
    builder: type[Reporting]


DESIGNS: dict[str, Design] = {
    d.name: d
    for d in (
        Design("v9", "[PATCH v9 6/8] mm: Introduce Reported pages (Sep 2019): index = migratetype", V9),
        Design("v10", "[PATCH v10 3/6, 4/6] (Sep 2019): index = boundary slot", V10),
        Design("merged", "Linux 5.7 free page reporting: no boundaries, index untouched", Merged),
    )
}
DEFAULT_DESIGN = "v9"


@dataclass(frozen=True)
class Fault:
    name: str
    design: str
    description: str


FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("v9-unguarded-index-read", "v9",
              "the boundary lookup reads ->index of every page removed from a free list, not only Reported ones"),
        Fault("merge-keeps-reported", "merged",
              "a buddy absorbed by a merge is unlinked without clearing Reported"),
        Fault("retype-keeps-stale-index", "v9",
              "a Reported page moved to another type's list keeps its old ->index"),
        Fault("alloc-keeps-reported", "merged",
              "an allocated page still carries Reported"),
        Fault("pcp-index-not-set", "merged",
              "a page goes onto a pcp list without its ->index being written"),
    )
}


class SpecError(ValueError):
    """A choice of design, fault or configuration that does not exist or does not fit;
    the message names the valid choices."""


def check_choice(kind: str, value: str, choices: Collection[str]) -> None:
    if value not in choices:
        raise SpecError(f"unknown {kind} {value!r}; choose from: {', '.join(choices)}")


def build_model(design: str = DEFAULT_DESIGN, fault: str | None = None, pcp_cache: bool = True,
                config: str | Config = "tiny") -> Model:
    check_choice("design", design, DESIGNS)
    if fault is not None:
        check_choice("fault", fault, FAULTS)
        if FAULTS[fault].design != design:
            raise SpecError(f"fault {fault!r} belongs to design {FAULTS[fault].design!r}, not {design!r}; "
                            f"use --design {FAULTS[fault].design} or a fault of {design}: "
                            f"{', '.join(f.name for f in FAULTS.values() if f.design == design) or 'none'}")
    if isinstance(config, str):
        check_choice("configuration", config, CONFIGS)
        cfg = CONFIGS[config]
    else:
        cfg = config
    try:
        validate(cfg)
    except ConfigError as e:
        raise SpecError(str(e)) from None
    spec = DESIGNS[design].builder(cfg, pcp_cache, fault)
    constants = {
        "npfn": cfg.npfn, "pageblock_order": cfg.pageblock_order, "max_order": cfg.max_order,
        "nblocks": cfg.nblocks, "nranges": cfg.npfn >> (cfg.max_order - 1), "ncpu": cfg.ncpu,
        "blocks_per_range": 1 << (cfg.max_order - 1 - cfg.pageblock_order), "capacity": cfg.capacity,
        "page_reporting_min_order": cfg.pageblock_order, "nslots": spec.d.nslots, "owner_index": spec.d.owner_index,
    }
    return Model(
        design=design, fault=fault, pcp_cache=pcp_cache, config=cfg, constants=constants,
        sorts=spec.d.sorts, state_vars=tuple(spec.state_vars()), init=tuple(spec.init()),
        actions=tuple(spec.actions()), invariants=tuple(invariants(spec)), spec_version=SPEC_VERSION,
        parameters=PARAMETERS, definitions=DEFINITIONS, assumptions=ASSUMPTIONS,
    )
