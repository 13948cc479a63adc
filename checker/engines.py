"""The engines ``reportcheck check --engine`` can run, behind one signature."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from checker import explicit
from checker.concrete import Interpreter
from checker.verdict import Verdict


@dataclass(frozen=True)
class RunOptions:
    max_states: int | None
    progress: explicit.Progress | None = None


@dataclass(frozen=True)
class Engine:
    name: str
    description: str
    run: Callable[[Interpreter, list[str], RunOptions], tuple[list[Verdict], dict[str, object]]]


def _explicit(interp: Interpreter, invariants: list[str], opts: RunOptions) -> tuple[list[Verdict], dict[str, object]]:
    verdicts, res = explicit.check(interp, invariants, opts.max_states, opts.progress)
    return verdicts, res.stats()


ENGINES: dict[str, Engine] = {
    "explicit": Engine("explicit", "breadth-first search of every reachable state of a configuration: "
                       "shortest counterexamples, deadlocks, action coverage, state graph (networkx)",
                       _explicit),
}
DEFAULT_ENGINE = "explicit"
