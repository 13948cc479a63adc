"""One verdict vocabulary and one trace type for every engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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
    Reported page).  They stay None for every other site (a boundary that must point at a
    free page, a merge of two pageblocks, a pcp read that accepts several migratetypes)
    and for a read loaded from a stored trace, whose file keeps only claim and site."""

    claim: str
    site: str
    page: str | None = None
    value_read: str | None = None
    value_expected: str | None = None

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
class Trace:
    """A counterexample as a value: replayable by action names and arguments."""

    design: str
    fault: str | None
    pcp_cache: bool
    config: str
    spec_digest: str
    spec_version: str
    invariant: str
    initial: State
    steps: tuple[Step, ...]
    command: str


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    engine: str
    invariant: str
    scope: str  # what the verdict covers, in words
    trace: Trace | None = None
    notes: tuple[str, ...] = field(default=())

    @staticmethod
    def proved(engine: str, invariant: str, scope: str, notes: tuple[str, ...] = ()) -> Verdict:
        return Verdict("proved", engine, invariant, scope, None, notes)

    @staticmethod
    def refuted(engine: str, invariant: str, scope: str, trace: Trace) -> Verdict:
        return Verdict("refuted", engine, invariant, scope, trace)

    @staticmethod
    def unknown(engine: str, invariant: str, scope: str, notes: tuple[str, ...] = ()) -> Verdict:
        return Verdict("unknown", engine, invariant, scope, None, notes)


def exit_code(verdicts: list[Verdict]) -> int:
    """0 all proved in scope; 1 something refuted; 3 undecided with nothing refuted."""
    kinds = {v.kind for v in verdicts}
    if "refuted" in kinds:
        return 1
    if "unknown" in kinds:
        return 3
    return 0
