"""Re-execute a stored counterexample on the current spec, step by step, by action names.

Outcomes (and the exit codes of ``reportcheck replay``):

* ``violates`` (1): an invariant breaks -- for the recorded model and invariant, "still
  violates X at step k";
* ``clean`` (0): the trace replays to its end and no evaluated invariant breaks (for
  instance on a design that fixes the bug);
* ``diverges`` (4, :data:`DIVERGES`): at step k the action is not enabled, does not exist
  in the target design, or (on the recorded model) the computed state or the failed read
  sites differ from the recorded ones.

By default the target is the recorded model (``Trace.key``).  Another design, fault or era
replays the same kernel operations (action names and arguments); its states are not
compared with the recorded ones, which belong to another model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from checker.interp.concrete import Interpreter, StepError, interpreter
from checker.results.verdict import Step, Trace
from spec import ModelKey

DIVERGES = 4
EXIT = {"clean": 0, "violates": 1, "diverges": DIVERGES}
Outcome = Literal["clean", "violates", "diverges"]
MAX_DIFFERENCES = 8


@dataclass(frozen=True)
class Replayed:
    """One step as executed on the target: the action, its arguments, what changed,
    the read sites that failed and the invariants first broken here."""

    index: int
    step: Step
    broken: tuple[str, ...]


@dataclass(frozen=True)
class Divergence:
    step: int
    reason: str  # "action not enabled", "design D has no action A", "state differs", ...
    details: tuple[str, ...] = ()


@dataclass
class ReplayResult:
    trace: Trace
    violated_at: int  # the step at which the trace records its claim broken
    target: ModelKey  # the model the trace was replayed on
    same_model: bool  # the target is the recorded model: states were compared
    steps: list[Replayed] = field(default_factory=list)
    first_broken: dict[str, int] = field(default_factory=dict)  # invariant -> first step (0 = initial)
    divergence: Divergence | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> Outcome:
        if self.divergence:
            return "diverges"
        return "violates" if self.first_broken else "clean"

    @property
    def exit_code(self) -> int:
        return EXIT[self.outcome]

    @property
    def reproduces(self) -> bool:
        """On the recorded model, the recorded invariant first breaks at the recorded step
        and every state and failed read site matches the file."""
        inv = self.trace.invariant
        return (self.same_model and self.divergence is None
                and self.first_broken.get(inv) == self.violated_at)

    def sentence(self) -> str:
        t, n = self.trace, len(self.trace.steps)
        inv = t.invariant
        if self.divergence:
            d = self.divergence
            text = f"diverges at step {d.step} of {n}: {d.reason}"
            return text + (": " + "; ".join(d.details) if d.details else "")
        others = ", ".join(f"{i} at step {k}" for i, k in self.first_broken.items() if i != inv)
        if inv in self.first_broken:
            k = self.first_broken[inv]
            text = f"{'still ' if self.same_model else ''}violates {inv} at step {k} of {n}"
            if self.same_model:
                text += (" as recorded" if k == self.violated_at
                         else f" (recorded: step {self.violated_at})")
            return text + (f"; also violates {others}" if others else "")
        if others:
            return f"does not violate {inv}, but violates {others}"
        return f"replays to the end ({n} steps) and violates nothing"


def replay(t: Trace, target: ModelKey | None = None, invariants: list[str] | None = None,
           interp: Interpreter | None = None, violated_at: int | None = None) -> ReplayResult:
    """Replay ``t`` on ``target`` (default: the recorded model), evaluating ``invariants``
    (default: all of the target design's) after every step.  ``violated_at`` is the step
    the trace records its claim broken at (default: its last step)."""
    recorded = t.key
    target = target or recorded
    if interp is None:
        interp = interpreter(target)
    model = interp.model
    res = ReplayResult(t, len(t.steps) if violated_at is None else violated_at, target, target == recorded)
    if t.spec_digest != model.digest and res.same_model:
        res.warnings.append(f"the file was made by spec {t.spec_digest}, this is spec {model.digest}: "
                            "replaying by action names")
    names = [i.name for i in model.invariants]
    chosen = [i for i in (invariants or names) if i in names]
    if t.invariant not in names:
        res.warnings.append(f"{t.invariant} is not a claim of design {model.design}; evaluating its own claims")
    actions = {a.name for a in model.actions}
    state_invs = {n: f for n, f in interp.state_invariants.items() if n in chosen}
    s = interp.initial()
    if res.same_model:
        diff = _differences(interp, s, t.initial)
        if diff:
            res.divergence = Divergence(0, "initial state differs", diff)
            return res
    for name, f in state_invs.items():
        if not f(s):
            res.first_broken.setdefault(name, 0)
    history: list[tuple[str, bytes]] = []
    for k, rec in enumerate(t.steps, 1):
        if rec.action not in actions:
            res.divergence = Divergence(k, f"design {model.design} has no action {rec.action}")
            return res
        try:
            args = interp.parse_args(rec.action, dict[str, object](rec.args))
            tr = interp.step(s, rec.action, args)
        except StepError as e:
            res.divergence = Divergence(k, "action not enabled", (str(e),))
            return res
        step = interp.make_step(s, tr, history)
        history.append((rec.action, tr.target))
        broken: list[str] = []
        for c in tr.failed:
            inv = interp.checks[c][0]
            if inv in chosen and inv not in res.first_broken and inv not in broken:
                broken.append(inv)
        for name, f in state_invs.items():
            if name not in res.first_broken and name not in broken and not f(tr.target):
                broken.append(name)
        for inv in broken:
            res.first_broken[inv] = k
        res.steps.append(Replayed(k, step, tuple(broken)))
        if res.same_model:
            diff = _differences(interp, tr.target, rec.state)
            if diff:
                res.divergence = Divergence(k, "state differs", diff)
                return res
            if {f.key for f in step.failed_sites} != {f.key for f in rec.failed_sites}:
                res.divergence = Divergence(k, "read sites differ", (
                    f"recorded: {', '.join(f.text() for f in rec.failed_sites) or 'none'}",
                    f"computed: {', '.join(f.text() for f in step.failed_sites) or 'none'}"))
                return res
        s = tr.target
    return res


def _differences(interp: Interpreter, computed: bytes, recorded: dict[str, list[str]]) -> tuple[str, ...]:
    """Every element whose computed value differs from the recorded one."""
    got = interp.decode(computed)
    out = []
    for v in interp.model.state_vars:
        for k, (a, b) in enumerate(zip(recorded[v.name], got[v.name])):
            if a != b:
                out.append(f"{interp.element_name(v.name, k)}: recorded {a}, computed {b}")
    if len(out) > MAX_DIFFERENCES:
        out = out[:MAX_DIFFERENCES] + [f"... {len(out) - MAX_DIFFERENCES} more"]
    return tuple(out)
