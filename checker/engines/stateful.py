"""Hypothesis stateful exploration, generated from the spec IR.

:func:`build_machine` turns a compiled model into a ``RuleBasedStateMachine``:

- one ``@rule`` per action, named after it;
- the action's guard is the rule's ``@precondition``: the rule can run when the action has at
  least one enabled transition in the current state;
- its arguments are drawn one parameter at a time from the parameter's domain (a pfn, a CPU,
  a migratetype label), restricted to the values that still have an enabled completion, so
  no draw is ever rejected (drawing from the whole domain and rejecting disabled values
  starves Hypothesis: most guards hold for one or two argument tuples);
- every checked invariant is an ``@invariant``: its state predicate, and its read sites (the
  ``Check`` statements) on the step just taken.

Nothing is written again by hand: the rules run the functions :mod:`checker.interp.compile`
generated from the IR, the same ones the explicit engine and replay run.

:func:`check` is the ``hypothesis`` engine of ``reportcheck check``.  A failure is shrunk by
Hypothesis, turned into the project's :class:`~checker.results.verdict.Trace` by
:func:`checker.trace.build.build_trace` (which replays it on the concrete interpreter) and
reported as ``refuted``.  Random runs never prove anything: when nothing breaks, the verdict
is ``unknown`` with a scope that says what was tried.
"""

from __future__ import annotations

import contextlib
import dataclasses
import random
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir, storage_directory
from hypothesis.errors import InvalidDefinition
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from checker.interp.compile import CompiledAction
from checker.interp.concrete import Interpreter
from checker.results.stats import FirstFound, HypothesisStats
from checker.results.verdict import Undecided, UnknownReason, Verdict
from checker.trace.build import build_trace, reproduce_command
from spec import ModelKey, build_model

ENGINE = "hypothesis"
DEFAULT_EXAMPLES = 300
DEFAULT_STEPS = 40
DEADLOCK_RULE = "no_action_enabled"  # the rule that runs in a deadlocked state

# Settings profiles for the machines as pytest tests (select one with
# ``settings.load_profile(name)``, ``pytest --hypothesis-profile=NAME`` once this module is
# imported, or REPORTCHECK_HYPOTHESIS_PROFILE for tests/test_stateful.py).
CI_PROFILE = "reportcheck-ci"
DEEP_PROFILE = "reportcheck-deep"
_QUIET_CHECKS = list(HealthCheck)  # the model is slow next to Hypothesis' expectations; that is fine
settings.register_profile(CI_PROFILE, max_examples=60, stateful_step_count=30, derandomize=True, database=None,
                          deadline=None, suppress_health_check=_QUIET_CHECKS, print_blob=False)
settings.register_profile(DEEP_PROFILE, max_examples=20_000, stateful_step_count=100, deadline=None,
                          suppress_health_check=_QUIET_CHECKS, print_blob=True)


class InvariantViolation(AssertionError):
    """Raised inside a run when a checked invariant breaks; carries the steps so far.

    Each invariant gets its own subclass: Hypothesis tells failures apart by exception type,
    so shrinking a violation of one claim never ends in a violation of another."""

    invariant = ""

    def __init__(self, steps: list[tuple[str, tuple[int, ...]]], how: str) -> None:
        super().__init__(f"{self.invariant} is broken after {len(steps)} steps: {how}")
        self.steps = steps


@dataclass
class Tally:
    """What a set of runs did: machines started, steps taken, each rule's firings, and the
    run in which each invariant was first seen to break."""

    runs: int = 0
    steps: int = 0
    fired: dict[str, int] = field(default_factory=dict)
    first_broken_in_run: dict[str, int] = field(default_factory=dict)
    first_broken_at: dict[str, float] = field(default_factory=dict)  # time.perf_counter()


def _identifier(text: str) -> str:
    return re.sub(r"\W", "_", text)


def build_machine(interp: Interpreter, invariants: list[str] | None = None,
                  tally: Tally | None = None, deadlocks: bool = False) -> type[RuleBasedStateMachine]:
    """A RuleBasedStateMachine over ``interp`` checking ``invariants`` (default: all of the
    design's).  ``tally``, if given, counts runs, steps and rule firings.  ``deadlocks``:
    add a rule that keeps a run where it is in a state where no action is enabled
    (Hypothesis stops with an error in such a state otherwise)."""
    model = interp.model
    names = [i.name for i in model.invariants]
    chosen = names if invariants is None else list(invariants)
    unknown = [i for i in chosen if i not in names]
    if unknown:
        raise ValueError(f"unknown invariant {unknown[0]!r} for design {model.design}; choose from: {', '.join(names)}")
    counts = tally if tally is not None else Tally()
    for a in model.actions:
        counts.fired.setdefault(a.name, 0)
    actions = interp.compiled.actions
    cls_name = _identifier(model.key.slug())

    def __init__(self: Any) -> None:
        RuleBasedStateMachine.__init__(self)
        counts.runs += 1
        self.state = interp.initial()
        self.steps = []
        self.failed = ()
        self.options = [None] * len(actions)

    def enabled(self: Any, i: int) -> list[tuple[tuple[int, ...], bytes, tuple[int, ...]]]:
        """The enabled transitions of action ``i`` in the current state (computed once)."""
        if self.options[i] is None:
            self.options[i] = actions[i].succ(self.state)
        found: list[tuple[tuple[int, ...], bytes, tuple[int, ...]]] = self.options[i]
        return found

    def take(self: Any, i: int, data: st.DataObject | None) -> None:
        ca = actions[i]
        options = self.enabled(i)
        chosen: tuple[int, ...] = ()
        for k, p in enumerate(ca.action.params):
            values = sorted({args[k] for args, _, _ in options if args[:k] == chosen})
            labels = [p.domain.label(v) for v in values]
            assert data is not None
            label = data.draw(st.sampled_from(labels), label=p.name)
            chosen += (values[labels.index(label)],)
        _, target, failed = next(o for o in options if o[0] == chosen)
        self.state, self.failed = target, failed
        self.options = [None] * len(actions)
        self.steps.append((ca.action.name, chosen))
        counts.steps += 1
        counts.fired[ca.action.name] += 1

    own = {"state", "steps", "failed", "options", "enabled", "take", DEADLOCK_RULE}
    for name in [a.name for a in model.actions] + chosen:
        if name in own or hasattr(RuleBasedStateMachine, name):
            raise ValueError(f"{name!r} is taken by the Hypothesis machine; rename the action or claim in spec/")
    namespace: dict[str, Any] = {"__init__": __init__, "enabled": enabled, "take": take,
                                 "__module__": __name__, "__doc__": f"Hypothesis machine for {cls_name}, "
                                 "generated from the spec IR by checker.engines.stateful.build_machine"}
    for i, ca in enumerate(actions):
        namespace[ca.action.name] = _rule_for(i, ca, cls_name)
    if deadlocks:
        namespace[DEADLOCK_RULE] = _deadlock_rule(len(actions))
    for inv in chosen:
        if inv in namespace:
            raise ValueError(f"invariant {inv!r} has the name of an action; rename one of them in spec/")
        namespace[inv] = _invariant_for(interp, inv, counts, cls_name)
    return type(cls_name, (RuleBasedStateMachine,), namespace)


def _rule_for(i: int, ca: CompiledAction, cls_name: str) -> Callable[..., None]:
    fire: Callable[..., None]
    if ca.action.params:
        def fire(self: Any, data: st.DataObject) -> None:
            self.take(i, data)
    else:
        def fire(self: Any) -> None:
            self.take(i, None)
    fire.__name__ = ca.action.name
    fire.__qualname__ = f"{cls_name}.{ca.action.name}"
    fire.__doc__ = f"{ca.action.kernel_name} ({ca.action.kernel_file}): {ca.action.doc}"
    ruled = rule(data=st.data())(fire) if ca.action.params else rule()(fire)
    return precondition(lambda self: bool(self.enabled(i)))(ruled)


def _deadlock_rule(n_actions: int) -> Callable[..., None]:
    """In a state where no action is enabled (a deadlock) the run stays put: Hypothesis
    needs some rule to run, and the kernel does nothing more.  No step is recorded."""
    def stay(self: Any) -> None:
        self.failed = ()  # nothing ran: no read site either

    stay.__name__ = DEADLOCK_RULE
    return precondition(lambda self: not any(self.enabled(i) for i in range(n_actions)))(rule()(stay))


def _invariant_for(interp: Interpreter, name: str, counts: Tally, cls_name: str) -> Callable[[Any], None]:
    predicate = interp.state_invariants.get(name)
    sites = frozenset(k for k, (inv, _) in enumerate(interp.checks) if inv == name)
    violation = type(f"{_identifier(name)}_violated", (InvariantViolation,), {"invariant": name})

    def holds(self: Any) -> None:
        how = ""
        if predicate is not None and not predicate(self.state):
            how = "the state breaks the claim"
        elif sites and any(c in sites for c in self.failed):
            how = "read site fails: " + ", ".join(interp.checks[c][1] for c in self.failed if c in sites)
        if how:
            counts.first_broken_in_run.setdefault(name, counts.runs)
            counts.first_broken_at.setdefault(name, time.perf_counter())
            raise violation(list(self.steps), how)

    holds.__name__ = name
    holds.__qualname__ = f"{cls_name}.{name}"
    return invariant()(holds)


def engine_settings(examples: int, steps: int) -> settings:
    """Settings for a CLI run: no example database and a given seed, so the same seed
    always gives the same runs and the same trace; quiet, because the engine reports."""
    return settings(max_examples=examples, stateful_step_count=steps, database=None, deadline=None,
                    derandomize=False, suppress_health_check=_QUIET_CHECKS, verbosity=Verbosity.quiet,
                    print_blob=False, phases=(Phase.generate, Phase.shrink), report_multiple_bugs=False)


def _violations(e: BaseException) -> Iterator[InvariantViolation]:
    if isinstance(e, InvariantViolation):
        yield e
    elif isinstance(e, BaseExceptionGroup):
        for sub in e.exceptions:
            yield from _violations(sub)


@dataclass
class Run:
    """The outcome of :func:`explore`: the shrunk steps per broken invariant, and the
    number of runs (in the round that found it) before it first broke."""

    seed: int
    examples: int
    steps: int
    counterexamples: dict[str, list[tuple[str, tuple[int, ...]]]]
    found_in_run: dict[str, int]
    found_after_seconds: dict[str, float]  # from the start of the round that found it
    last_round_runs: int
    rounds: int
    tally: Tally
    seconds: float


def explore(interp: Interpreter, invariants: list[str], examples: int, steps: int, seed: int) -> Run:
    """Run the machine until a round breaks none of the invariants still unrefuted.

    Each round checks the invariants not yet refuted, from the same seed; a round that
    finds violations hands back one shrunk counterexample per broken invariant."""
    t0 = time.perf_counter()
    tally = Tally()
    remaining = list(invariants)
    found: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
    found_in_run: dict[str, int] = {}
    found_after: dict[str, float] = {}
    rounds, last_round_runs = 0, 0
    deadlocks = False  # the extra rule only for a model that deadlocks: the runs of the others stay as they are
    while remaining:
        rounds += 1
        start, started = tally.runs, time.perf_counter()
        tally.first_broken_in_run.clear()
        tally.first_broken_at.clear()
        machine = hypothesis_seed(seed)(build_machine(interp, remaining, tally, deadlocks))
        try:
            run_state_machine_as_test(machine, settings=engine_settings(examples, steps))
        except Exception as e:
            broken = list(_violations(e))
            if not broken and not deadlocks and isinstance(e, InvalidDefinition) and "No progress" in str(e):
                deadlocks = True  # a run reached a state where no action is enabled: the round again
                rounds -= 1
                continue
            if not broken:
                raise
            for v in broken:
                if v.invariant not in found:
                    found[v.invariant] = v.steps
                    found_in_run[v.invariant] = tally.first_broken_in_run.get(v.invariant, tally.runs) - start
                    found_after[v.invariant] = tally.first_broken_at.get(v.invariant, started) - started
            remaining = [i for i in remaining if i not in found]
            continue
        last_round_runs = tally.runs - start
        break
    return Run(seed, examples, steps, found, found_in_run, found_after, last_round_runs, rounds, tally,
               time.perf_counter() - t0)


@contextlib.contextmanager
def private_storage() -> Iterator[None]:
    """Keep Hypothesis' files (its cache of constants, any database) in a temporary
    directory removed afterwards, never ``.hypothesis/`` in the user's current directory."""
    previous = storage_directory(intent_to_write=False).home_directory
    with tempfile.TemporaryDirectory(prefix="reportcheck-hypothesis-") as home:
        set_hypothesis_home_dir(home)
        try:
            yield
        finally:
            set_hypothesis_home_dir(previous)


def check(interp: Interpreter, invariants: list[str], examples: int | None = None, steps: int | None = None,
          seed: int | None = None) -> tuple[list[Verdict], HypothesisStats]:
    """The ``hypothesis`` engine: verdicts (``refuted`` or ``unknown``, never ``proved``)
    and statistics including how often each rule fired."""
    examples = examples or DEFAULT_EXAMPLES
    steps = steps or DEFAULT_STEPS
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    with private_storage():
        run = explore(interp, invariants, examples, steps, seed)
    where = f"config {interp.model.config.name}"
    tried = f"--examples {examples:,}, up to {steps} steps per run, seed {seed}"
    every = invariants == [i.name for i in interp.model.invariants]
    command = reproduce_command(interp.model, () if every else invariants, ENGINE,
                                ["--examples", str(run.examples), "--steps", str(run.steps), "--seed", str(run.seed)])
    verdicts = []
    for inv in invariants:
        if inv in run.counterexamples:
            trace = dataclasses.replace(build_trace(interp, run.counterexamples[inv], inv), command=command)
            scope = (f"counterexample of {len(trace.steps)} steps, found by Hypothesis in random run "
                     f"{run.found_in_run[inv]:,} ({tried}) and shrunk, not necessarily the shortest; {where}")
            verdicts.append(Verdict.refuted(ENGINE, inv, scope, trace))
        else:
            scope = (f"no violation in {run.last_round_runs:,} random runs of up to {steps} steps, seed {seed}, "
                     f"of {where}; random runs prove nothing")
            verdicts.append(Verdict.unknown(ENGINE, inv, scope,
                                            Undecided(UnknownReason.RANDOM_RUNS_ONLY, runs=run.last_round_runs)))
    fired = dict(run.tally.fired)
    stats = HypothesisStats(
        examples=run.tally.runs, steps_taken=run.tally.steps, rounds=run.rounds,
        max_examples=examples, max_steps=steps, seed=seed,
        seconds=round(run.seconds, 3),
        examples_per_second=round(run.tally.runs / run.seconds, 1) if run.seconds else None,
        action_fired=fired, actions_never_fired=[a for a, n in fired.items() if n == 0],
        first_counterexample={inv: FirstFound(run.found_in_run[inv], round(run.found_after_seconds[inv], 3))
                              for inv in invariants if inv in run.counterexamples})
    return verdicts, stats


def machine_for(key: ModelKey | None = None, invariants: list[str] | None = None) -> type[RuleBasedStateMachine]:
    """The machine for a model, as a downstream test suite would use it::

        TestMerged = machine_for(ModelKey("merged"), invariants=["index_trusted"]).TestCase
    """
    return build_machine(Interpreter(build_model(key or ModelKey())), invariants)
