"""The engines ``reportcheck check --engine`` can run, behind one signature."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker.engines import explicit
from checker.interp.concrete import Interpreter
from checker.results.stats import EngineStats, Progress
from checker.results.verdict import Verdict

# the longest time-out or time budget taken, in seconds (30 days): Z3 takes its time-out in
# milliseconds as an unsigned 32-bit number, and nan, inf or 1e308 must be refused, not overflow
MAX_SECONDS = 30 * 24 * 3600


def seconds_problem(value: object) -> str | None:
    """Why ``value`` is not a time-out in seconds (None: it is one)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "must be a positive number of seconds"
    if math.isnan(value) or value <= 0:
        return "must be a positive number of seconds"
    if value > MAX_SECONDS:
        return f"must be at most {MAX_SECONDS} seconds (30 days)"
    return None


def verdict_cache_dir() -> Path:
    """Where the Z3 engines' verdict cache lives (checker/engines/cache.py):
    ``$REPORTCHECK_VERDICTS``, else ``verdicts`` in the C engine's cache directory
    (``$REPORTCHECK_CACHE``, ``$XDG_CACHE_HOME/reportcheck`` or ``~/.cache/reportcheck``)."""
    if os.environ.get("REPORTCHECK_VERDICTS"):
        return Path(os.environ["REPORTCHECK_VERDICTS"])
    if os.environ.get("REPORTCHECK_CACHE"):
        return Path(os.environ["REPORTCHECK_CACHE"]) / "verdicts"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reportcheck" / "verdicts"


@dataclass(frozen=True)
class RunOptions:
    """Every engine's knobs; an engine reads the ones it has and ignores the rest."""

    max_states: int | None = None  # explicit: stop after this many states
    progress: Progress | None = None
    observe: explicit.Observer | None = None  # explicit: told of every transition explored
    to_the_end: bool = False  # explicit: explore every state even once every claim is refuted
    backend: str | None = None  # explicit: "c" or "python"; None: c where a C compiler works
    symmetry: bool | None = None  # explicit: False: no CPU symmetry reduction; None: where the model has it
    depth: int | None = None  # bmc: deepest trace length to try
    k: int | None = None  # induction: the largest k to try
    timeout: float | None = None  # symbolic engines: seconds for the whole run
    examples: int | None = None  # hypothesis: how many runs
    steps: int | None = None  # hypothesis: steps per run
    seed: int | None = None  # hypothesis: seed for reproducible runs
    cache: Path | None = None  # bmc, induction, proof: the verdict cache directory (None: ask Z3 every time)
    jobs: int | None = None  # proof: processes to ask the steps' queries in (None: one per CPU)


@dataclass(frozen=True)
class Engine:
    name: str
    description: str
    run: Callable[[Interpreter, list[str], RunOptions], tuple[list[Verdict], EngineStats]]
    takes: tuple[str, ...] = ()  # the RunOptions knobs (command-line options) it reads


def engines_taking(option: str) -> list[str]:
    """The engines that read the knob ``option`` (a RunOptions field name)."""
    return [e.name for e in ENGINES.values() if option in e.takes]


def _explicit(interp: Interpreter, invariants: list[str], opts: RunOptions) -> tuple[list[Verdict], EngineStats]:
    verdicts, res = explicit.verdicts_of(explicit.Explorer(
        interp, invariants, opts.max_states, progress=opts.progress, stop_when_refuted=not opts.to_the_end,
        observe=opts.observe, backend=opts.backend, symmetry=opts.symmetry))
    return verdicts, res.stats()


def _hypothesis(interp: Interpreter, invariants: list[str], opts: RunOptions) -> tuple[list[Verdict], EngineStats]:
    from checker.engines import stateful  # imports Hypothesis: only when this engine runs

    return stateful.check(interp, invariants, opts.examples, opts.steps, opts.seed)


def _cached(engine: str, interp: Interpreter, invariants: list[str], opts: RunOptions, asked: dict[str, object],
            run: Callable[[], tuple[list[Verdict], EngineStats]]) -> tuple[list[Verdict], EngineStats]:
    """``run()``, or its stored answer when ``opts.cache`` names a verdict cache.  ``asked``:
    the options that change the answer (the time-out does not change a decided one)."""
    if opts.cache is None:
        return run()
    from checker.engines import cache

    return cache.cached_run(opts.cache, engine, interp, invariants, asked, run)


def _bmc(interp: Interpreter, invariants: list[str], opts: RunOptions) -> tuple[list[Verdict], EngineStats]:
    from checker.engines import bmc  # imports z3: only when a symbolic engine runs

    depth = opts.depth if opts.depth is not None else bmc.DEFAULT_DEPTH
    return _cached("bmc", interp, invariants, opts, {"depth": depth},
                   lambda: bmc.check(interp, invariants, depth, opts.timeout))


def _induction(interp: Interpreter, invariants: list[str], opts: RunOptions) -> tuple[list[Verdict], EngineStats]:
    from checker.engines import induction

    k = opts.k if opts.k is not None else induction.DEFAULT_K
    return _cached("induction", interp, invariants, opts, {"k": k},
                   lambda: induction.check(interp, invariants, k, opts.timeout))


def _proof(interp: Interpreter, invariants: list[str], opts: RunOptions) -> tuple[list[Verdict], EngineStats]:
    from checker.engines import proof

    jobs = opts.jobs if opts.jobs is not None else os.cpu_count() or 1  # the verdict is the same for any number
    return _cached("proof", interp, invariants, opts, {}, lambda: proof.check(interp, invariants, opts.timeout, jobs))


ENGINES: dict[str, Engine] = {
    "explicit": Engine("explicit", "breadth-first search of every reachable state of a configuration: "
                       "shortest counterexamples, deadlocks, action coverage, state graph (networkx); the search runs in C "
                       "generated from the spec (--backend c, the default where a C compiler works) or in Python",
                       _explicit, ("max_states", "backend", "symmetry")),
    "hypothesis": Engine("hypothesis", "Hypothesis stateful testing of a machine generated from the spec: random runs "
                         "(--examples, --steps, --seed), shrunk counterexamples; refutes or says unknown, never proves",
                         _hypothesis, ("examples", "steps", "seed")),
    "bmc": Engine("bmc", "bounded model checking with Z3: every trace of up to --depth steps from the initial "
                  "state; the shortest counterexample (depths tried in increasing order)", _bmc,
                  ("depth", "timeout")),
    "induction": Engine("induction", "k-induction with Z3 (--k): every reachable state of a configuration, "
                        "strengthened with the design's other claims; or a counterexample to induction", _induction,
                        ("k", "timeout")),
    "proof": Engine("proof", "induction with Z3 over a zone of every size and every MAX_ORDER (pages, pageblocks, "
                    "CPUs, MAX_ORDER and pageblock_order symbolic; migratetypes and capacity from --config): "
                    "per-page claims and read sites, with the supporting claims found Houdini-style; or a "
                    "counterexample to induction; --jobs N asks the steps in N processes", _proof, ("timeout", "jobs")),
}
DEFAULT_ENGINE = "explicit"
