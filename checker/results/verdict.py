"""One verdict vocabulary and one trace type for every engine."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Literal

from spec.key import ModelKey, OfModel

Kind = Literal["proved", "refuted", "unknown"]
# ordered: the worst verdict decides the exit code
EXIT_CODES = {"proved": 0, "refuted": 1, "unknown": 3}
BAD_INPUT = 2

State = dict[str, list[str]]  # variable -> one label per element


@dataclass(frozen=True)
class Change:
    field: str  # e.g. "where[2]"
    old: str
    new: str


@dataclass(frozen=True)
class FailedRead:
    """A read site of ``claim`` that failed on a step: the kernel read named ``site``.

    ``page``, ``value_read`` and ``value_expected`` are value labels, filled in only where
    the compiled model can derive them from the read site's condition without guessing:
    ``page`` and ``value_read`` when the condition reads one page's ``->index`` (the pfn
    and the value it held at the read); ``value_expected`` when, besides, one conjunct of
    the condition says that ``->index`` must equal one value (the v9 and v10 reads of a
    Reported page); the two values are labelled in the domain of the variable ->index must
    equal where it is one (v9: the migratetype of the page's list), else as ->index's
    numbers.  A pcp read (get_pcppage_migratetype, which accepts a range or several
    migratetypes) has ``page`` and ``value_read`` but no ``value_expected``; every other
    site (a boundary that must point at a free page, a merge of two pageblocks, a page of
    an isolated pageblock) reads no ->index and has none of the three, and neither has a
    read loaded from a stored trace, whose file keeps only claim and site.
    Claim and site identify the read: two records compare equal when they agree on those
    (a stored trace equals the one it was written from)."""

    claim: str
    site: str
    page: str | None = field(default=None, compare=False)
    value_read: str | None = field(default=None, compare=False)
    value_expected: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the read (a replay compares these): the claim and the site."""
        return self.claim, self.site

    def text(self) -> str:
        """One line for a reader: the claim, the site and what was read where known."""
        out = f"{self.claim} at {self.site}"
        if self.page is not None:
            out += f" (pfn {self.page}: ->index {self.value_read}"
            out += f", expected {self.value_expected})" if self.value_expected is not None else ")"
        return out


@dataclass(frozen=True)
class Step:
    """One kernel operation: the action with its arguments, the state after it, the fields
    it changed, and the read sites that failed on the way (transition invariants)."""

    action: str
    kernel_name: str
    kernel_file: str
    args: dict[str, str]
    changes: tuple[Change, ...]
    state: State
    failed_sites: tuple[FailedRead, ...] = ()


@dataclass(frozen=True)
class Trace(OfModel):
    """A counterexample as a value: replayable by action names and arguments on the model
    ``key`` names."""

    key: ModelKey
    spec_digest: str
    spec_version: str
    invariant: str
    initial: State
    steps: tuple[Step, ...]
    command: str


class UnknownReason(enum.IntEnum):
    """Why an engine did not decide a claim, ordered from farthest from decided to closest:
    the engine could not take the claim at all; it ran out of time or the solver gave up
    part-way; it only sampled behaviours; it checked every behaviour up to a bound (a
    counterexample to induction comes with a base case, the state limit with every state
    within some number of steps)."""

    NOT_TRANSLATABLE = 1  # the engine cannot express the spec (proof: not for every size)
    NOT_A_PER_PAGE_CLAIM = 2  # proof: the claim is not "for every page, pageblock or CPU"
    SOLVER_UNKNOWN = 3  # Z3 answered unknown
    TIME_OUT = 4  # the time budget ran out before the query was decided
    RANDOM_RUNS_ONLY = 5  # hypothesis: no violation found, and random runs prove nothing
    NOT_INDUCTIVE = 6  # induction/proof: a counterexample to induction, no refutation
    STATE_LIMIT = 7  # explicit: the state limit stopped the breadth-first search

    @property
    def words(self) -> str:
        return _REASON_WORDS[self]


_REASON_WORDS = {
    UnknownReason.NOT_TRANSLATABLE: "not translatable for every size",
    UnknownReason.NOT_A_PER_PAGE_CLAIM: "not a per-page claim",
    UnknownReason.SOLVER_UNKNOWN: "Z3 answered unknown",
    UnknownReason.TIME_OUT: "time budget ran out",
    UnknownReason.RANDOM_RUNS_ONLY: "random runs only",
    UnknownReason.NOT_INDUCTIVE: "not inductive",
    UnknownReason.STATE_LIMIT: "state limit reached",
}


@dataclass(frozen=True)
class CounterexampleToInduction:
    """One transition from a state that satisfies every claim the engine assumed (the
    state may be unreachable) to one that breaks the claim: not a refutation.

    ``before`` and ``after`` map each state variable to its values.  For k-induction on a
    configuration they are whole states (every element), ``sizes`` is empty and
    ``element`` None.  For a proof for every size, ``sizes`` gives the zone's symbolic
    sizes in the solver's model, ``element`` names the element that breaks the claim
    (``pfn 3``), each variable has that element's one value (variables of other sorts are
    left out), and ``where`` says at which state of the step or which read site it breaks.
    ``undefined`` is set when the concrete interpreter, bounds-checked, finds that the
    action reads or writes outside an array from ``before`` (induction only)."""

    action: str
    args: dict[str, str]
    before: dict[str, list[str]]
    after: dict[str, list[str]]
    sizes: dict[str, int] = field(default_factory=dict)
    element: str | None = None
    where: str | None = None
    undefined: str | None = None

    @property
    def changed(self) -> dict[str, list[str]]:
        """The variables whose values the step changes, with their values after it."""
        return {v: vals for v, vals in self.after.items() if self.before.get(v) != vals}

    def call(self) -> str:
        return f"{self.action}({', '.join(f'{a}={b}' for a, b in self.args.items())})"


@dataclass(frozen=True)
class Undecided:
    """Why a verdict is ``unknown`` and how far the engine got, as values for readers
    (the verdict's ``scope`` says the same in words).  ``depth``: every state (explicit)
    or trace (bmc, the base case of induction) within this many steps of the initial
    state was checked and breaks nothing; ``states``: how many states were explored;
    ``runs``: how many random runs found nothing; ``cti``: the counterexample to
    induction behind NOT_INDUCTIVE."""

    reason: UnknownReason
    depth: int | None = None
    states: int | None = None
    runs: int | None = None
    cti: CounterexampleToInduction | None = None


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    engine: str
    invariant: str
    scope: str  # what the verdict covers, in words
    trace: Trace | None = None
    notes: tuple[str, ...] = field(default=())
    undecided: Undecided | None = None  # set exactly when kind is "unknown"

    @staticmethod
    def proved(engine: str, invariant: str, scope: str, notes: tuple[str, ...] = ()) -> Verdict:
        return Verdict("proved", engine, invariant, scope, None, notes)

    @staticmethod
    def refuted(engine: str, invariant: str, scope: str, trace: Trace) -> Verdict:
        return Verdict("refuted", engine, invariant, scope, trace)

    @staticmethod
    def unknown(engine: str, invariant: str, scope: str, why: Undecided, notes: tuple[str, ...] = ()) -> Verdict:
        return Verdict("unknown", engine, invariant, scope, None, notes, why)

    @property
    def reason(self) -> UnknownReason | None:
        """Why the verdict is ``unknown`` (None for a decided one)."""
        return None if self.undecided is None else self.undecided.reason


def exit_code(verdicts: list[Verdict]) -> int:
    """0 all proved in scope; 1 something refuted; 3 undecided with nothing refuted."""
    kinds = {v.kind for v in verdicts}
    if "refuted" in kinds:
        return 1
    if "unknown" in kinds:
        return 3
    return 0
