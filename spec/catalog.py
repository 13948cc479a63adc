"""What can be checked: designs, faults, configurations -- and the one entry point that
builds a :class:`~spec.ir.Model` from a choice of them."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from spec.configs import CONFIGS, ConfigError, validate
from spec.invariants import invariants
from spec.ir import Config, Model
from spec.reporting import V9, V10, Boundaries, Merged, Reporting

SPEC_VERSION = "1"


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
        "nblocks": cfg.nblocks, "nranges": cfg.nblocks // spec.blocks_per_range, "ncpu": cfg.ncpu, "capacity": cfg.capacity, "page_reporting_min_order": spec.MIN,
        "nslots": spec.d.nslots if isinstance(spec, Boundaries) else 0,
    }
    return Model(
        design=design, fault=fault, pcp_cache=pcp_cache, config=cfg, constants=constants,
        sorts=spec.d.sorts, state_vars=tuple(spec.state_vars()), init=tuple(spec.init()),
        actions=tuple(spec.actions()), invariants=tuple(invariants(spec)), spec_version=SPEC_VERSION,
    )
