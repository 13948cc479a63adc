"""One verdict vocabulary and one trace type for every engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from spec.key import ModelKey

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
class Step:
    """One kernel operation: the action with its arguments, the state after it, the fields
    it changed, and the read sites that failed on the way (transition invariants)."""

    action: str
    kernel_name: str
    kernel_file: str
    args: dict[str, str]
    changes: tuple[Change, ...]
    state: State
    failed_sites: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trace:
    """A counterexample as a value: replayable by action names and arguments on the model
    ``key`` names."""

    key: ModelKey
    spec_digest: str
    spec_version: str
    invariant: str
    initial: State
    steps: tuple[Step, ...]
    command: str

    @property
    def design(self) -> str:
        return self.key.design

    @property
    def fault(self) -> str | None:
        return self.key.fault

    @property
    def config(self) -> str:
        return self.key.config


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
