"""One verdict vocabulary and one trace type for every engine."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal

from spec.ir import Model
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

    The other fields explain the read, filled in only where the compiled model can derive
    them from the read site's condition without guessing (None elsewhere):

    * ``page``: the pfn whose ``->index`` the condition reads;
    * ``value_read``: what ``->index`` held at the read, by name (``MIGRATE_MOVABLE``,
      ``slot 1``, ``owner-data``), and ``read_as``: what its last write meant (the ghost
      ``index_by``: ``pcp_mt``, ``reported_mt``, ``stale``, ...);
    * ``value_expected``: the value the reader assumed, where one conjunct of the condition
      says ``->index`` must equal one value (v9 and v10 reads of a Reported page), and
      ``expected_from``: the field that value comes from (``list_mt[2]``: the list the page
      is on), with ``expected_set_at``/``expected_set_by``: the step that last changed it;
    * ``assumed_as``: the meaning the reader assumed (a conjunct ``index_by == X``; a pcp
      read assumes ``pcp_mt``, written by set_pcppage_migratetype());
    * ``written_at``/``written_by``: the step (0: the initial state) and the action that
      last changed ``->index`` or its meaning before the read.

    A pcp read (get_pcppage_migratetype, which accepts a range or several migratetypes)
    has no ``value_expected``; a site that reads no ->index (a boundary that must point at
    a free page, a merge of two pageblocks, a page of an isolated pageblock) has none of
    these.  Claim and site identify the read: two records compare equal when they agree
    on those (a stored trace equals the one it was written from)."""

    claim: str
    site: str
    page: str | None = field(default=None, compare=False)
    value_read: str | None = field(default=None, compare=False)
    value_expected: str | None = field(default=None, compare=False)
    read_as: str | None = field(default=None, compare=False)
    assumed_as: str | None = field(default=None, compare=False)
    written_at: int | None = field(default=None, compare=False)
    written_by: str | None = field(default=None, compare=False)
    expected_from: str | None = field(default=None, compare=False)
    expected_set_at: int | None = field(default=None, compare=False)
    expected_set_by: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the read (a replay compares these): the claim and the site."""
        return self.claim, self.site

    def record(self) -> dict[str, str | int]:
        """The fields that are known, for JSON, ITF ``#meta`` and SARIF."""
        return {k: v for k, v in asdict(self).items() if v is not None}

    def text(self) -> str:
        """One line for a reader: the claim, the site and what was read where known."""
        out = f"{self.claim} at {self.site}"
        if self.page is not None:
            out += f" (pfn {self.page}: ->index {self.value_read}"
            out += f", expected {self.value_expected})" if self.value_expected is not None else ")"
        return out

    def explanation(self) -> list[str]:
        """The read in sentences: which page, what was read and what the reader assumed,
        who wrote it last and when (empty when the site reads no ->index)."""
        if self.page is None:
            return []
        read = f"pfn {self.page}: ->index read {self.value_read}"
        if self.read_as is not None:
            read += f" (written as {self.read_as})"
        assumed = self.value_expected
        if assumed is not None and self.expected_from is not None:
            assumed += f" ({self.expected_from})"
        if self.assumed_as is not None:
            assumed = (f"{assumed}, written as {self.assumed_as}" if assumed is not None
                       else f"a value written as {self.assumed_as}")
        out = [read + (f"; the reader assumed {assumed}" if assumed is not None else "")]
        if self.written_at == 0:
            out.append("->index has not been written since the initial state")
        elif self.written_at is not None:
            out.append(f"->index was last written at step {self.written_at} by {self.written_by}()")
        if self.expected_from is not None and self.expected_set_at == 0:
            out.append(f"{self.expected_from} has been {self.value_expected} since the initial state")
        elif self.expected_from is not None and self.expected_set_at is not None:
            out.append(f"{self.expected_from} became {self.value_expected} at step {self.expected_set_at} "
                       f"by {self.expected_set_by}()")
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
class Vacuity:
    """Why a ``proved`` says less than it seems to: read sites of the claim that the
    search never reached, or (``no_read_site``) none in the model at all.  ``total``: the
    claim is nothing but its read sites (no state predicate) and none was reached, so the
    proof checked nothing; otherwise the unreached sites are holes in it."""

    unreached: tuple[str, ...] = ()
    no_read_site: bool = False
    total: bool = False

    @property
    def detail(self) -> str:
        """What was not reached, without the marker."""
        if self.no_read_site:
            return "the model has no read site of this claim"
        n = len(self.unreached)
        return f"{n} read site{'s' if n != 1 else ''} never reached: {'; '.join(self.unreached)}"

    @property
    def words(self) -> str:
        return f"{self.marker}: {self.detail}"

    @property
    def marker(self) -> str:
        """The short word shown next to the verdict."""
        return "vacuous" if self.total or self.no_read_site else "partly vacuous"


def vacuity_in_model(model: Model, checks: Sequence[tuple[str, str]], invariant: str) -> Vacuity | None:
    """What any engine knows from the model alone: a claim that is nothing but read sites
    (no state predicate), none of which is in the model (``checks``: the compiled read
    sites, claim and site), is proved vacuously -- there is nothing to check."""
    predicate = any(i.expr is not None for i in model.invariants if i.name == invariant)
    if predicate or any(claim == invariant for claim, _ in checks):
        return None
    return Vacuity(no_read_site=True, total=True)


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    engine: str
    invariant: str
    scope: str  # what the verdict covers, in words
    trace: Trace | None = None
    notes: tuple[str, ...] = field(default=())
    undecided: Undecided | None = None  # set exactly when kind is "unknown"
    vacuity: Vacuity | None = None  # only on "proved": what the proof did not reach
    bound: int | None = None  # only on "proved" by bmc: no counterexample up to this depth

    @staticmethod
    def proved(engine: str, invariant: str, scope: str, notes: tuple[str, ...] = (),
               vacuity: Vacuity | None = None, bound: int | None = None) -> Verdict:
        return Verdict("proved", engine, invariant, scope, None, notes, None, vacuity, bound)

    @property
    def word(self) -> str:
        """The verdict as shown to a reader: ``proved`` only when it is one in its scope;
        a bounded search that found nothing says so (its kind, and so the exit code, stay
        those of ``proved``: see the README's exit codes); vacuity is marked."""
        if self.kind != "proved":
            return self.kind
        word = f"no counterexample up to depth {self.bound}" if self.bound is not None else "proved"
        return f"{word} ({self.vacuity.marker})" if self.vacuity is not None else word

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
