"""Build traces from paths and replay them on the concrete interpreter.

Every counterexample an engine finds is turned into a :class:`Trace` by
:func:`build_trace`, which re-executes it step by step through ``Interpreter.step`` and
checks that the claimed invariant really breaks at the end -- so nobody is shown a trace
the interpreter does not reproduce.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from checker.errors import ReportcheckError
from checker.interp.concrete import Interpreter, StepError
from checker.results.verdict import Trace
from spec import DESIGNS, FAULTS, ModelKey
from spec.ir import Model


class ReplayMismatch(ReportcheckError, RuntimeError):
    """An engine produced a path that the concrete interpreter does not reproduce."""


def model_options(key: ModelKey) -> list[str]:
    """The ``reportcheck check`` options that choose the model ``key`` names (with the
    ``--spec-module`` a design or fault registered from outside the package needs)."""
    return [*spec_module_options(key), "--design", key.design, *(["--fault", key.fault] if key.fault else []),
            *key.kernel.options, "--config", key.config]


def spec_module_options(key: ModelKey) -> list[str]:
    """``--spec-module SOURCE`` for the design and the fault of ``key`` that came from one."""
    sources = [DESIGNS[key.design].source if key.design in DESIGNS else None,
               FAULTS[key.fault].source if key.fault in FAULTS else None]
    return [opt for s in dict.fromkeys(x for x in sources if x) for opt in ("--spec-module", s)]


def reproduce_command(model: Model, invariants: Sequence[str], engine: str = "",
                      options: Sequence[str] = ()) -> str:
    """The ``reportcheck check`` command line that runs ``engine`` (default: the explicit
    engine) with ``options`` on the model again; no ``invariants``: every claim."""
    parts = ["reportcheck", "check", *(["--engine", engine] if engine else []), *model_options(model.key)]
    for inv in invariants:
        parts += ["--invariant", inv]
    return shlex.join([*parts, *options])


@dataclass(frozen=True)
class ReplayOutcome:
    violated_at: int | None  # 1-based step at which the invariant broke, or None
    final: bytes


def replay_labels(interp: Interpreter, steps: list[tuple[str, tuple[int, ...]]], invariant: str) -> ReplayOutcome:
    """Run the steps from the initial state; report where ``invariant`` first breaks."""
    s = interp.initial()
    if interp.breaks(invariant, s):
        return ReplayOutcome(0, s)
    for k, (name, args) in enumerate(steps, 1):
        t = interp.step(s, name, args)
        s = t.target
        if interp.breaks(invariant, s, t):
            return ReplayOutcome(k, s)
    return ReplayOutcome(None, s)


def build_trace(interp: Interpreter, steps: list[tuple[str, tuple[int, ...]]], invariant: str) -> Trace:
    """Replay ``steps`` and return the trace; raise ReplayMismatch unless the invariant
    breaks exactly at the last step."""
    try:
        outcome = replay_labels(interp, steps, invariant)
    except StepError as e:
        raise ReplayMismatch(f"counterexample for {invariant} does not replay: {e}") from None
    if outcome.violated_at != len(steps):
        raise ReplayMismatch(f"counterexample for {invariant} does not end in a violation "
                             f"(breaks at step {outcome.violated_at} of {len(steps)})")
    s = interp.initial()
    out = []
    history: list[tuple[str, bytes]] = []  # the steps so far: who last wrote a field read
    for name, args in steps:
        t = interp.step(s, name, args)
        out.append(interp.make_step(s, t, history))
        s = t.target
        history.append((name, s))
    m = interp.model
    return Trace(m.key, m.digest, m.spec_version, invariant,
                 interp.decode(interp.initial()), tuple(out), reproduce_command(m, [invariant]))
