"""What engines hand to the layers above besides verdicts: progress callbacks and statistics.

Each engine returns one of the statistics types below (``EngineStats``); readers take
its fields, and the JSON outputs serialise it with :func:`stats_json` (the field names
are the JSON keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from checker.results.verdict import CounterexampleToInduction

Progress = Callable[[int, int, float], None]  # states, depth, seconds so far


@dataclass(frozen=True, kw_only=True)
class ExplicitStats:
    """Breadth-first search: ``depth`` is the deepest level expanded; ``complete`` says
    every reachable state was explored; ``read_sites_reached`` counts, per claim and read
    site, how often the site was reached; ``graph`` is the state graph's shape (networkx)
    when it was small enough to keep."""

    states: int
    transitions: int
    depth: int
    seconds: float
    states_per_second: int | None
    peak_mib: float
    complete: bool
    stopped_at_state_limit: bool
    deadlocks: int
    action_fired: dict[str, int]
    read_sites_reached: dict[str, dict[str, int]]
    graph: dict[str, int] | None
    backend: str = "python"  # "c" (compiled) or "python"
    bytes_per_state: float | None = None  # C backend: allocated bytes (states, parents, table) per state
    symmetry: str | None = None  # the CPU symmetry used, or why none (checker.interp.symmetry)


@dataclass(frozen=True)
class FirstFound:
    run: int  # the random run that first broke the claim
    seconds: float


@dataclass(frozen=True, kw_only=True)
class HypothesisStats:
    examples: int  # runs made
    steps_taken: int
    rounds: int
    max_examples: int
    max_steps: int
    seed: int
    seconds: float
    examples_per_second: float | None
    action_fired: dict[str, int]
    actions_never_fired: list[str]
    first_counterexample: dict[str, FirstFound]


@dataclass(frozen=True, kw_only=True)
class SolverRunStats:
    """What every Z3 engine measures: queries asked, time in the solver and building terms."""

    seconds: float
    queries: int
    solver_seconds: float
    build_seconds: float
    cached: bool = False  # the verdicts are a cached answer (checker/engines/cache.py): these figures are that run's


@dataclass(frozen=True, kw_only=True)
class BmcStats(SolverRunStats):
    depth: int  # every depth up to this one was decided (-1: none)
    max_depth: int
    seconds_per_depth: list[float]


Outcome = Literal["proved", "refuted", "timeout", "not inductive", "unsupported"]


@dataclass(frozen=True, kw_only=True)
class ClaimOutcome:
    """What an induction or proof run found for one claim.  ``k``: the k of k-induction;
    ``supports``: the supporting claims proved with it (induction); ``candidate_supports``:
    the candidates left when it was not inductive (induction); ``inductive_set`` and
    ``needed``: the inductive set of claims and the ones the proof rests on (proof);
    ``inductive_claims``: the claims assumed by a counterexample to induction (proof)."""

    outcome: Outcome
    k: int | None = None
    supports: list[str] | None = None
    candidate_supports: list[str] | None = None
    inductive_set: list[str] | None = None
    inductive_claims: list[str] | None = None
    needed: list[str] | None = None
    counterexample_to_induction: CounterexampleToInduction | None = None


@dataclass(frozen=True, kw_only=True)
class InductionStats(SolverRunStats):
    k_max: int
    claims: dict[str, ClaimOutcome] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ProofStats(SolverRunStats):
    scope: str  # what a proof covers (every zone size and MAX_ORDER, with the configuration's types)
    claims: dict[str, ClaimOutcome] = field(default_factory=dict)
    untranslatable: str | None = None  # why the spec could not be translated for every size
    reused_cores: int = 0  # Houdini queries answered by the step's last unsat core, not asked again
    workers: int = 1  # processes that asked the steps' queries (--jobs; 1: the engine's own)


EngineStats = ExplicitStats | HypothesisStats | BmcStats | InductionStats | ProofStats


def stats_json(stats: EngineStats) -> dict[str, Any]:
    """The statistics as JSON: field names are keys; a claim's outcome has only the keys
    that apply to it, and a counterexample to induction also lists the variables its step
    changes (``changed``)."""
    out = asdict(stats)
    if isinstance(stats, (InductionStats, ProofStats)):
        for name, claim in stats.claims.items():
            out["claims"][name] = {k: v for k, v in out["claims"][name].items() if v is not None}
            if claim.counterexample_to_induction is not None:
                out["claims"][name]["counterexample_to_induction"]["changed"] = claim.counterexample_to_induction.changed
    return out
