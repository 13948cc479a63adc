"""What can be checked: designs, faults, kernel eras, configurations -- and the one entry
point that builds a :class:`~spec.ir.Model` from a :class:`~spec.key.ModelKey`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from spec.config_text import config_of
from spec.configs import ConfigError, validate
from spec.designs.merged import AllocKeepsReported, Merged, MergeKeepsReported, PcpIndexNotSet
from spec.designs.v9 import V9, RetypeKeepsStaleIndex, V9UnguardedIndexRead
from spec.designs.v10 import V10
from spec.eras import ERAS, Era, check_combination, check_migratetypes
from spec.expr import Cfg, Expr, Lit, Max, constant_value
from spec.invariants import invariants
from spec.ir import Config, Model
from spec.kernel import MIGRATE_TYPES
from spec.key import ModelKey
from spec.page_isolation import Allocator
from spec.page_reporting import Reporting
from spec.validate import SpecError, missing_hooks, validate_model

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
# Model.constants, in this order (the order is part of the spec digest): the parameters,
# the definitions evaluated from them, and the reporting capacity.
CONSTANTS = ("npfn", "pageblock_order", "max_order", "nblocks", "nranges", "ncpu", "blocks_per_range",
             "capacity", "page_reporting_min_order", "nslots", "owner_index")


@dataclass(frozen=True)
class Design:
    name: str
    title: str
    builder: type[Allocator]
    source: str | None = None  # the --spec-module it was registered from (spec/extend.py); None: the package's


DESIGNS: dict[str, Design] = {
    d.name: d
    for d in (
        Design("none", "no free page reporting: the buddy allocator, pcp lists and isolation alone "
               "(every release)", Allocator),
        Design("v9", "[PATCH v9 6/8] mm: Introduce Reported pages (Sep 2019): index = migratetype", V9),
        Design("v10", "[PATCH v10 3/6, 4/6] (Sep 2019): index = boundary slot", V10),
        Design("merged", "Linux 5.7 free page reporting: no boundaries, index untouched", Merged),
    )
}


@dataclass(frozen=True)
class Fault:
    """A bug put into one design on purpose: ``builder`` is that design's builder with one
    kernel function replaced (spec/designs/)."""

    name: str
    design: str
    description: str
    builder: type[Allocator]
    source: str | None = None  # the --spec-module it was registered from (spec/extend.py); None: the package's


FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault("v9-unguarded-index-read", "v9",
              "the boundary lookup reads ->index of every page removed from a free list, not only Reported ones",
              V9UnguardedIndexRead),
        Fault("merge-keeps-reported", "merged",
              "a buddy absorbed by a merge is unlinked without clearing Reported", MergeKeepsReported),
        Fault("retype-keeps-stale-index", "v9",
              "a Reported page moved to another type's list keeps its old ->index", RetypeKeepsStaleIndex),
        Fault("alloc-keeps-reported", "merged",
              "an allocated page still carries Reported", AllocKeepsReported),
        Fault("pcp-index-not-set", "merged",
              "a page goes onto a pcp list without its ->index being written", PcpIndexNotSet),
    )
}


OWN = "; or, for one of your own, load its module with --spec-module FILE (README: Your own design or fault)"


def check_choice(kind: str, value: str, choices: Collection[str], hint: str = "") -> None:
    if value not in choices:
        raise SpecError(f"unknown {kind} {value!r}; choose from: {', '.join(choices)}{hint}")


def check_key(key: ModelKey) -> Config:
    """The configuration ``key`` names; SpecError naming the choices unless it names a
    design, a fault of that design, an era and a configuration that exist."""
    check_choice("design", key.design, DESIGNS, OWN)
    if key.fault is not None:
        check_choice("fault", key.fault, FAULTS, OWN)
        owner = FAULTS[key.fault].design
        if owner != key.design:
            raise SpecError(f"fault {key.fault!r} belongs to design {owner!r}, not {key.design!r}; "
                            f"use --design {owner} or a fault of {key.design}: "
                            f"{', '.join(f.name for f in FAULTS.values() if f.design == key.design) or 'none'}")
    check_choice("kernel era", key.era, ERAS)
    cfg = config_named(key)
    wrong = config_misfit(FAULTS[key.fault].builder if key.fault else DESIGNS[key.design].builder,
                          key.design, key.kernel, cfg)
    if wrong:
        raise SpecError(wrong)
    return cfg


def config_named(key: ModelKey) -> Config:
    """The validated configuration ``key.config`` names (a built-in name or key=value
    text, spec.config_text); SpecError naming the fix otherwise."""
    try:
        cfg = config_of(key.config)
        validate(cfg)
    except ConfigError as e:
        raise SpecError(str(e)) from None
    return cfg


def config_misfit(builder: type[Allocator], design: str, era: Era, cfg: Config) -> str | None:
    """A message naming the fix if ``cfg`` asks for something ``era`` did not have for this
    design: MIGRATE_HIGHATOMIC before v4.4, or a page_reporting_order (v5.14+) for a design
    with reporting on an era that does not model it."""
    wrong = check_migratetypes(era, cfg.migratetypes) or zones_misfit(builder, design, cfg)
    if wrong or cfg.page_reporting_order < 0 or not issubclass(builder, Reporting) or era.reporting_order:
        return wrong
    eras = [e.name for e in ERAS.values() if e.reporting_order and design in e.designs]
    fix = (f"choose --kernel {' or '.join(eras)}" if eras else
           f"design {design} was posted on {', '.join(e.name for e in ERAS.values() if design in e.designs)}")
    return (f"config {cfg.name}: page_reporting_order is v5.14+ (before, reporting starts at pageblock_order) "
            f"and kernel {era.name} does not model it; {fix}, or drop page_reporting_order")


def zones_misfit(builder: type[Allocator], design: str, cfg: Config) -> str | None:
    """Two zones (zone_boundary) are modelled for the allocator alone (design none) and
    merged reporting (page_reporting_process() walks the zones); v9 and v10 keep one zone's
    flags and boundary array (``zones_modelled``)."""
    if not cfg.zone_boundary or builder.zones_modelled:
        return None
    return (f"config {cfg.name}: zone_boundary (two zones) is modelled for designs none and merged; design {design} "
            "keeps one zone's reporting flags and boundaries: use --design none or merged, or drop zone_boundary")


def fits(key: ModelKey) -> bool:
    """Whether ``key``'s configuration exists for its design and era (:func:`config_misfit`)."""
    builder = FAULTS[key.fault].builder if key.fault else DESIGNS[key.design].builder
    return config_misfit(builder, key.design, key.kernel, config_named(key)) is None


def constants_of(cfg: Config) -> dict[str, int]:
    """The configuration's constants: its parameters, then DEFINITIONS evaluated in order
    (the one source of every derived constant; the proof for every size reads the same
    definitions as terms).  SpecError if a definition contradicts the configuration."""
    values = {"nranges": cfg.npfn >> (cfg.max_order - 1), "ncpu": cfg.ncpu, "max_order": cfg.max_order,
              "pageblock_order": cfg.pageblock_order}
    for name, expr in DEFINITIONS.items():
        values[name] = constant_value(expr, values)
    for name, given in (("npfn", cfg.npfn), ("nblocks", cfg.nblocks)):
        if values[name] != given:
            raise SpecError(f"config {cfg.name}: DEFINITIONS give {name} = {values[name]}, the configuration "
                            f"{given}; fix the definition or the configuration")
    values["capacity"] = cfg.capacity
    return {name: values[name] for name in CONSTANTS}


def build_model(key: ModelKey) -> Model:
    cfg = check_key(key)
    builder = FAULTS[key.fault].builder if key.fault else DESIGNS[key.design].builder
    missing = missing_hooks(builder)
    if missing:
        raise SpecError(f"design {key.design}: {builder.__name__} does not define {', '.join(missing)}; "
                        "define each in the design's builder (spec/designs/)")
    wrong = check_combination(key.kernel, key.design)
    if wrong:
        raise SpecError(wrong)
    wrong = config_misfit(builder, key.design, key.kernel, cfg)
    if wrong:
        raise SpecError(wrong)
    built = _BUILT.get((key, builder, cfg))
    if built is None:
        built = _BUILT[(key, builder, cfg)] = _build(key, builder, cfg)
    return built


# Each model is built once per process (a Model is a frozen value; the engines keep what
# they derive from one, its compiled forms, per model).  All three are in the key: a
# configuration of pyproject.toml may change under one name, and so may a design's builder.
_BUILT: dict[tuple[ModelKey, type[Allocator], Config], Model] = {}


def _build(key: ModelKey, builder: type[Allocator], cfg: Config) -> Model:
    spec = builder(cfg, key.kernel)
    model = Model(
        key=key, config=cfg, constants=constants_of(cfg),
        sorts=spec.d.sorts, state_vars=tuple(spec.state_vars()), init=tuple(spec.init()),
        actions=tuple(replace(a, releases=key.kernel.releases) for a in spec.actions()), invariants=tuple(invariants(spec)), spec_version=SPEC_VERSION,
        parameters=PARAMETERS, definitions=DEFINITIONS, assumptions=(*ASSUMPTIONS, *spec.exact_only_at()),
    )
    validate_model(model)
    return model

