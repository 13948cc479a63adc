"""Stored report results: ``reportcheck report`` keeps what each engine job found, so a
second report of the same designs with the same options and the same code is written
without running the engines again (``--no-cache`` runs them).

An entry answers exactly one question, under a key that changes with anything that could
change the answer:

- the job: engine and model key, and the model's spec digest (the spec's IR),
- the engine's options as the report gives them (only those the engine takes),
- the digest of every source file of ``checker/`` and ``spec/`` (any change of the code is
  a miss: the engines, the observers that draw the lifecycle and tally the guards' reads),
- the versions of reportcheck, Z3 and Hypothesis.

Stored: the verdicts (a refutation as its trace's action names and arguments and its
reproduce command), the statistics, the lifecycle projection and the guards' read
tallies.  On a hit every trace is rebuilt by replaying those steps on the concrete
interpreter (:func:`checker.trace.build.build_trace`), as a trace fresh from an engine is;
an entry that does not parse or whose trace no longer replays is a miss.  An engine that
failed, or a verdict that ran out of time (the load of the machine decides that), is not
stored.  A hit is labelled: each verdict's scope says it is a stored result and when it
was decided, and the report says how many jobs it reused.  Entries are JSON files in the
verdict cache's directory (:func:`checker.engines.registry.verdict_cache_dir`), named
``report-<engine>-<key>.json``, parsed and never executed.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

import z3

from checker.engines.cache import write_entry
from checker.engines.jobs import Job
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter, StepError
from checker.results.stats import (
    BmcStats,
    ClaimOutcome,
    EngineStats,
    ExplicitStats,
    FirstFound,
    HypothesisStats,
    InductionStats,
    ProofStats,
    stats_json,
)
from checker.results.verdict import CounterexampleToInduction, Undecided, UnknownReason, Vacuity, Verdict
from checker.review.guards import SiteTally
from checker.trace.build import ReplayMismatch, build_trace

FORMAT = 1
ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout: checker/ and spec/
STATS: dict[str, type[EngineStats]] = {"explicit": ExplicitStats, "hypothesis": HypothesisStats, "bmc": BmcStats,
                                       "induction": InductionStats, "proof": ProofStats}


@dataclasses.dataclass(frozen=True)
class Stored:
    """What a job found, as the report uses it."""

    verdicts: list[Verdict]
    stats: EngineStats
    edges: set[tuple[str, str, str]]
    reads: dict[str, SiteTally]
    complete: bool
    decided: str = ""  # when the stored run was made (empty: this run)


@functools.cache
def code_digest() -> str:
    """Every source file of checker/ and spec/, by path and content."""
    h = hashlib.sha256()
    for top in ("checker", "spec"):
        for path in sorted((ROOT / top).rglob("*")):
            if path.suffix in (".py", ".c", ".h") and path.is_file():
                h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "none"


def key_of(job: Job, model_digest: str, options: RunOptions) -> str:
    asked = {f: repr(getattr(options, f)) for f in ENGINES[job.engine].takes}
    parts = {"format": FORMAT, "engine": job.engine, "key": repr(job.key), "model": model_digest, "options": asked,
             "code": code_digest(), "reportcheck": _version("reportcheck"), "z3": z3.get_full_version(),
             "hypothesis": _version("hypothesis")}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def path_of(directory: Path, job: Job, interp: Interpreter, options: RunOptions) -> Path:
    return directory / f"report-{job.engine}-{key_of(job, interp.model.digest, options)}.json"


def storable(s: Stored) -> bool:
    """A result that another run would give again: no verdict cut short by the clock."""
    return not any(v.reason in (UnknownReason.TIME_OUT, UnknownReason.SOLVER_UNKNOWN) for v in s.verdicts)


def store(path: Path, interp: Interpreter, s: Stored) -> None:
    if not storable(s):
        return
    entry = {"format": FORMAT, "model_digest": interp.model.digest,
             "decided": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
             "verdicts": [_verdict_json(v) for v in s.verdicts], "stats": stats_json(s.stats),
             "edges": sorted(list(e) for e in s.edges),
             "reads": {site: dataclasses.asdict(t) for site, t in s.reads.items()}, "complete": s.complete}
    write_entry(path, entry)


def load(path: Path, engine: str, interp: Interpreter) -> Stored | None:
    """The stored result at ``path``, its traces replayed; None when there is none that
    parses and replays."""
    try:
        entry = json.loads(path.read_text())
        if entry["format"] != FORMAT or entry["model_digest"] != interp.model.digest:
            return None
        decided = str(entry["decided"])
        label = f" [stored result of a report run on {decided} with the same code and spec; --no-cache runs it again]"
        verdicts = [_verdict(engine, interp, v, label) for v in entry["verdicts"]]
        return Stored(verdicts, _stats(engine, entry["stats"]), {(str(a), str(b), str(c)) for a, b, c in entry["edges"]},
                      {str(site): SiteTally(**t) for site, t in entry["reads"].items()}, bool(entry["complete"]),
                      decided)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, StepError, ReplayMismatch):
        return None  # missing, unreadable, or no longer replays: run the engine


# ------------------------------------------------------------------ verdicts as JSON
def _cti_json(c: CounterexampleToInduction) -> dict[str, Any]:
    return dataclasses.asdict(c)


def _cti(d: dict[str, Any]) -> CounterexampleToInduction:
    fields = {f.name for f in dataclasses.fields(CounterexampleToInduction)}
    return CounterexampleToInduction(**{k: v for k, v in d.items() if k in fields})


def _verdict_json(v: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": v.kind, "engine": v.engine, "invariant": v.invariant, "scope": v.scope,
                           "notes": list(v.notes), "bound": v.bound}
    if v.vacuity is not None:
        out["vacuity"] = dataclasses.asdict(v.vacuity)
    if v.undecided is not None:
        u = v.undecided
        out["undecided"] = {"reason": u.reason.name, "depth": u.depth, "states": u.states, "runs": u.runs,
                            "cti": None if u.cti is None else _cti_json(u.cti)}
    if v.trace is not None:
        out["steps"] = [[s.action, s.args] for s in v.trace.steps]
        out["command"] = v.trace.command
    return out


def _verdict(engine: str, interp: Interpreter, v: dict[str, Any], label: str) -> Verdict:
    kind, invariant = v["kind"], str(v["invariant"])
    if kind not in ("proved", "refuted", "unknown") or v["engine"] != engine:
        raise ValueError(f"not a stored {engine} verdict: {kind!r}")
    vac = v.get("vacuity")
    vacuity = None if vac is None else Vacuity(tuple(vac["unreached"]), bool(vac["no_read_site"]), bool(vac["total"]))
    und = v.get("undecided")
    undecided = None if und is None else Undecided(UnknownReason[und["reason"]], und["depth"], und["states"],
                                                   und["runs"], None if und["cti"] is None else _cti(und["cti"]))
    if (kind == "unknown") != (undecided is not None):
        raise ValueError("an unknown verdict, and only one, says why")
    trace = None
    if "steps" in v:
        steps = [(str(name), interp.parse_args(str(name), dict(args))) for name, args in v["steps"]]
        trace = dataclasses.replace(build_trace(interp, steps, invariant), command=str(v["command"]))  # replayed
    if (kind == "refuted") != (trace is not None):
        raise ValueError("a refuted verdict, and only one, has a trace")
    return Verdict(kind, engine, invariant, str(v["scope"]) + label, trace, tuple(str(n) for n in v["notes"]),
                   undecided, vacuity, None if v["bound"] is None else int(v["bound"]))


def _outcome(d: dict[str, Any]) -> ClaimOutcome:
    cti = d.get("counterexample_to_induction")
    return ClaimOutcome(**{**d, "counterexample_to_induction": None if cti is None else _cti(cti)})


def _stats(engine: str, d: dict[str, Any]) -> EngineStats:
    kind = STATS[engine]
    args = {k: v for k, v in d.items() if k in {f.name for f in dataclasses.fields(kind)}}
    if "claims" in args:
        args["claims"] = {name: _outcome(c) for name, c in args["claims"].items()}
    if "first_counterexample" in args:
        args["first_counterexample"] = {name: FirstFound(**f) for name, f in args["first_counterexample"].items()}
    return kind(**args)
