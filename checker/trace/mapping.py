"""A counterexample of one design carried over to another through the kernel operations
they share.

Two designs share most kernel operations by name (``rmqueue_bulk``, ``free_pcppages_bulk``,
``start_isolate_page_range``, ...), but their reporting workers are built differently:
merged's worker runs ``page_reporting_process()`` before each ``page_reporting_cycle()``,
v9's and v10's do not.  Replaying v9's trace on merged word for word stops at the first
``page_reporting_cycle()`` although merged would run the same cycle one step later.  So a
step that cannot run on the target is retried after the shortest run (at most
:data:`MAX_INSERTED` steps) of the target's worker: its *own* operations (the ones the
source design does not have) and the others of their kernel file.  The mapping says which
steps it inserted.  When that does not help either, the designs are **not comparable**
from that step on, and the mapping says why -- which is not the same as the target
design "rejecting" the trace.

Nothing here decides a claim: the mapped sequence runs on the concrete interpreter of the
target, and the claim is evaluated after every step, as :mod:`checker.trace.replay` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from checker.interp.concrete import Interpreter, StepError, Transition, interpreter
from checker.results.verdict import Trace
from spec import ModelKey


@dataclass(frozen=True)
class Inserted:
    """An extra step of the target's worker, run before source step ``before``."""

    before: int
    call: str  # "page_reporting_process()"


@dataclass(frozen=True)
class Mapping:
    """The trace carried over to ``target``: the operations it ran (the trace's and the
    worker's extra ones), where the claim first broke (the source step it broke at or before),
    or the step from which the designs are not comparable, and why."""

    target: ModelKey
    invariant: str
    has_claim: bool
    ran: int = 0  # source steps run on the target
    inserted: tuple[Inserted, ...] = ()
    broken_at: int | None = None  # source step at which (or just before which) the claim broke
    not_comparable: tuple[int, str] | None = None  # (source step, why)
    notes: list[str] = field(default_factory=list)

    def sentence(self, steps: int) -> str:
        """One sentence for the report (``steps``: the length of the source trace)."""
        how = ""
        if self.inserted:
            before: dict[int, list[str]] = {}
            for i in self.inserted:
                before.setdefault(i.before, []).append(i.call)
            how = (f" (with extra steps of {self.target.design}'s worker: "
                   + "; ".join(f"{', '.join(c)} before step {k}" for k, c in before.items()) + ")")
        if self.broken_at is not None:
            return (f"runs the same kernel operations{how} and breaks {self.invariant} too, "
                    f"at step {self.broken_at} of {steps}")
        if self.not_comparable is not None:
            k, why = self.not_comparable
            done = f"runs steps 1-{k - 1}{how}, then is " if k > 1 else ""
            return f"{done}not comparable at step {k} because {why}"
        if not self.has_claim:
            return f"runs every step{how}; it has no claim {self.invariant}"
        return f"runs every step{how} and keeps {self.invariant}"


MAX_INSERTED = 3  # the most steps of its own a target's worker may take before a trace's step


def _prefix(interp: Interpreter, s: bytes, helpers: set[str], action: str, args: tuple[int, ...]
            ) -> tuple[list[Transition], Transition] | None:
    """The shortest run of ``helpers`` operations (at most MAX_INSERTED) from ``s`` after
    which ``action(args)`` can run, and that step; None if there is none."""
    level: list[tuple[bytes, list[Transition]]] = [(s, [])]
    seen = {s}
    for _ in range(MAX_INSERTED):
        nxt: list[tuple[bytes, list[Transition]]] = []
        for state, path in level:
            for t in interp.successors(state):
                if interp.model.actions[t.action].name not in helpers or t.target in seen:
                    continue
                seen.add(t.target)
                try:
                    return [*path, t], interp.step(t.target, action, args)
                except StepError:
                    nxt.append((t.target, [*path, t]))
        level = nxt
    return None


def _call(interp: Interpreter, t: Transition) -> str:
    a = interp.model.actions[t.action]
    return f"{a.name}({interp.format_args(a, t.args)})"


def map_trace(trace: Trace, target: ModelKey, source: Interpreter | None = None,
              onto: Interpreter | None = None) -> Mapping:
    """Carry ``trace`` over to the model ``target`` (see the module docstring)."""
    src = source or interpreter(trace.key)
    interp = onto or interpreter(target)
    inv = trace.invariant
    names = {i.name for i in interp.model.invariants}
    has_claim = inv in names
    own = {a.name for a in interp.model.actions} - {a.name for a in src.model.actions}
    target_actions = {a.name for a in interp.model.actions}
    worker_files = {a.kernel_file for a in interp.model.actions if a.name in own}
    helpers = {a.name for a in interp.model.actions if a.kernel_file in worker_files}
    d = target.design
    s = interp.initial()
    inserted: list[Inserted] = []

    def result(**kw: object) -> Mapping:
        return Mapping(target, inv, has_claim, inserted=tuple(inserted), **kw)  # type: ignore[arg-type]

    if has_claim and interp.breaks(inv, s):
        return result(broken_at=0)
    for k, rec in enumerate(trace.steps, 1):
        call = f"{rec.action}({', '.join(f'{a}={b}' for a, b in rec.args.items())})"
        if rec.action not in target_actions:
            return result(ran=k - 1, not_comparable=(k, f"design {d} has no kernel operation {rec.action}()"))
        try:
            args = interp.parse_args(rec.action, dict[str, object](rec.args))
        except StepError as e:
            return result(ran=k - 1, not_comparable=(k, f"{d}'s {rec.action}() takes other arguments: {e}"))
        try:
            t = interp.step(s, rec.action, args)
        except StepError:
            # the target's worker may need steps of its own first: the shortest run of at most
            # MAX_INSERTED operations of the kernel files its own operations are in (the worker)
            found = _prefix(interp, s, helpers, rec.action, args) if helpers else None
            if found is None:
                why = f"{call} cannot run in {d}'s state after step {k - 1}"
                if helpers:
                    why += (f", nor after up to {MAX_INSERTED} extra steps of {d}'s worker "
                            f"({', '.join(sorted(helpers))})")
                return result(ran=k - 1, not_comparable=(k, why))
            prefix, t = found
            for pre in prefix:
                inserted.append(Inserted(k, _call(interp, pre)))
                if has_claim and interp.breaks(inv, pre.target, pre):
                    return result(ran=k - 1, broken_at=k)
        s = t.target
        if has_claim and interp.breaks(inv, s, t):
            return result(ran=k, broken_at=k)
    return result(ran=len(trace.steps))
