"""The intermediate representation every engine consumes: frozen dataclasses, no behaviour.

A :class:`Model` is one design (plus an optional fault, in one kernel era) built for one
configuration: the :class:`~spec.key.ModelKey` it carries.  Its state is a set of finite arrays (:class:`StateVar`); its actions are
kernel functions with parameters, a guard (a conjunction of expressions) and a body of
statements with sequential semantics; its invariants are named claims, each a state
predicate, a set of read sites (:class:`Check` statements inside action bodies), or both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from spec.expr import Cfg, Expr, Lit

if TYPE_CHECKING:
    from spec.key import ModelKey


@dataclass(frozen=True)
class Domain:
    """A finite set of values 0..size-1, optionally with a label per value.

    ``sort`` marks the domains that stand for "how many there are" (pages, pageblocks,
    CPUs): a proof for every size treats them as uninterpreted sorts.  ``size_name``
    names the configuration constant that the size grows with (``size`` is then
    ``constants[size_name] + size_offset``): a proof for every size reads the constant
    as a symbol instead of the number.
    """

    name: str
    size: int
    labels: tuple[str, ...] = ()
    sort: bool = False
    size_name: str = ""
    size_offset: int = 0

    @property
    def size_expr(self) -> Expr:
        """The size as an expression: a configuration constant for a zone-sized domain."""
        return Cfg(self.size_name) + self.size_offset if self.size_name else Lit(self.size)

    def label(self, value: int) -> str:
        if self.labels and 0 <= value < len(self.labels):
            return self.labels[value]
        return str(value)

    def value_of(self, label: str) -> int:
        """Inverse of :meth:`label` (also accepts plain numbers)."""
        if label in self.labels:
            return self.labels.index(label)
        if label.lstrip("-").isdigit() and 0 <= int(label) < self.size:
            return int(label)
        choices = ", ".join(self.labels) if self.labels else f"0..{self.size - 1}"
        raise ValueError(f"{label!r} is not a value of {self.name} (choose from {choices})")


@dataclass(frozen=True)
class StateVar:
    """An array of ``domain`` values indexed by ``dims`` (no dims: a scalar)."""

    name: str
    dims: tuple[Domain, ...]
    domain: Domain
    doc: str
    ghost: bool = False  # not kernel memory: bookkeeping the claims need

    @property
    def length(self) -> int:
        n = 1
        for d in self.dims:
            n *= d.size
        return n


@dataclass(frozen=True, eq=False)
class Assign:
    """``var[index] := value`` (reads in later statements see the new value)."""

    var: str
    index: tuple[Expr, ...]
    value: Expr


@dataclass(frozen=True, eq=False)
class Let:
    """Bind or rebind a local of the body (a C local variable of the kernel function)."""

    name: str
    value: Expr


@dataclass(frozen=True, eq=False)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()


@dataclass(frozen=True, eq=False)
class For:
    """``for var in range(start, stop)`` with bounds fixed by the configuration."""

    var: str
    start: Expr
    stop: Expr
    body: tuple[Stmt, ...]


@dataclass(frozen=True, eq=False)
class ForEach:
    """A simultaneous update of every element of a sort: each ``Assign`` must index by
    ``var`` and all right-hand sides are read before any element is written."""

    var: str
    sort: str
    body: tuple[Assign, ...]


@dataclass(frozen=True, eq=False)
class Check:
    """A read site: when the action reaches it, ``cond`` must hold, or the transition
    violates ``invariant``.  ``site`` names the kernel read (function and field)."""

    invariant: str
    site: str
    cond: Expr


Stmt = Assign | Let | If | For | ForEach | Check


@dataclass(frozen=True)
class Param:
    name: str
    domain: Domain


@dataclass(frozen=True, eq=False)
class Action:
    """One atomic step of the kernel or its environment, named after the kernel function."""

    name: str
    kernel_name: str
    kernel_file: str
    doc: str
    params: tuple[Param, ...]
    guard: tuple[Expr, ...]
    body: tuple[Stmt, ...]
    environment: bool = False  # a move of the page's user, not of mm/ itself
    # the kernel releases this action's code stands for (the model's era: build_model sets
    # it); not part of the repr, so not of the spec digest -- the body says what it does
    releases: tuple[str, ...] = field(default=(), repr=False)


@dataclass(frozen=True, eq=False)
class Invariant:
    """A named claim: ``expr`` must hold in every reachable state, and every ``Check``
    naming this invariant must hold on every transition that reaches it."""

    name: str
    claim: str
    expr: Expr | None
    # the kernel comment or function the claim comes from (`reportcheck list`); not part
    # of the repr, so not of the spec digest
    source: str = field(default="", repr=False)


@dataclass(frozen=True)
class Config:
    """A scaled-down zone: ``npfn`` pages, buddy arithmetic exactly as the kernel's."""

    name: str
    npfn: int
    pageblock_order: int
    max_order: int  # orders 0 .. max_order - 1, like the kernel's MAX_ORDER
    ncpu: int
    migratetypes: tuple[str, ...]
    capacity: int  # PAGE_REPORTING_CAPACITY
    doc: str = ""
    # zone->_watermark[WMARK_MIN] and [WMARK_LOW] in pages, read by __isolate_free_page()
    # and page_reporting_process_zone() through zone_watermark_ok(); -1: not modelled (the
    # checks always pass, the configurations before watermarks).  Not in the repr: they
    # decide behaviour only through the actions, which the digest covers.
    wmark_min: int = field(default=-1, repr=False)
    wmark_low: int = field(default=-1, repr=False)
    # page_reporting_order (mm/page_reporting.c, v5.14+: the driver's prdev->order or the
    # module parameter, else pageblock_order): the lowest order free page reporting is asked
    # for and reports; -1: pageblock_order (PAGE_REPORTING_MIN_ORDER before v5.14), every
    # earlier configuration.  Not in the repr, as the watermarks.
    page_reporting_order: int = field(default=-1, repr=False)
    # The zone boundary (issue 17): 0, one zone of pfns [0, npfn) -- every earlier
    # configuration; K > 0, zone 0 is [0, K) and zone 1 is [K, npfn), each with its own free
    # lists, counters and pcp lists, the boundary anywhere (inside a pageblock too).  Not in
    # the repr, as the watermarks.
    zone_boundary: int = field(default=0, repr=False)

    @property
    def nblocks(self) -> int:
        return self.npfn >> self.pageblock_order

    @property
    def nzones(self) -> int:
        return 2 if self.zone_boundary else 1


@dataclass(frozen=True, eq=False)
class Model:
    key: ModelKey
    config: Config
    constants: dict[str, int]
    sorts: dict[str, Domain]
    state_vars: tuple[StateVar, ...]
    init: tuple[Stmt, ...]  # run on the all-zero state: one initial state
    actions: tuple[Action, ...]
    invariants: tuple[Invariant, ...]
    spec_version: str = field(default="1")
    # What a proof for every size reads as symbols: ``parameters`` are free (the number
    # of MAX_ORDER ranges and CPUs, MAX_ORDER, pageblock_order), ``definitions`` give the
    # other constants in terms of them (``npfn`` = ``nblocks << pageblock_order``, ...),
    # and ``assumptions`` are what every configuration satisfies.  The concrete engines
    # read ``constants``, which agree with the definitions.
    parameters: tuple[str, ...] = ()
    definitions: dict[str, Expr] = field(default_factory=dict)
    assumptions: tuple[Expr, ...] = ()

    @property
    def design(self) -> str:
        return self.key.design

    @property
    def fault(self) -> str | None:
        return self.key.fault

    def var(self, name: str) -> StateVar:
        for v in self.state_vars:
            if v.name == name:
                return v
        raise KeyError(name)

    def action(self, name: str) -> Action:
        for a in self.actions:
            if a.name == name:
                return a
        raise KeyError(name)

    @cached_property
    def digest(self) -> str:
        """A fingerprint of everything that decides behaviour (dataclass reprs are
        structural), so a stored trace can tell which spec it was made by.  Computed once
        per model: the model is frozen, and the repr of its IR takes a tenth of a second."""
        # the era enters as its pcp_cache flag, as when the era was that bool: the digests
        # of stored traces stay valid
        text = repr((self.key.design, self.key.fault, self.key.kernel.pcp_cache, self.config, self.constants,
                     self.state_vars, self.init, self.actions, self.invariants,
                     self.parameters, self.definitions, self.assumptions))
        return hashlib.sha256(text.encode()).hexdigest()[:16]
