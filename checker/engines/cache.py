"""The verdict cache: what a Z3 engine decided, kept so that an unchanged question is not
asked of Z3 again (``reportcheck check`` and ``reportcheck ci``; ``--no-cache`` skips it;
the directory is :func:`checker.engines.registry.verdict_cache_dir`).

A run is stored only when every verdict it gives is ``proved`` or ``refuted`` -- a
time-out or a counterexample to induction may be decided by another run -- under a key
that changes with anything that could change the answer:

- the model's digest (the spec's IR: design, fault, era, configuration),
- the engine's name and its own source digest: the engine's modules, the shared solver
  code, the symbolic interpreters and the verdict and statistics types (ENGINE_SOURCES),
- the Z3 version,
- the options that change what is asked (bmc's depth, induction's k) and the claims.

A hit is labelled as such: each verdict's scope says it is a cached answer and when it
was decided, and the statistics have ``cached`` set.  A refuted answer is stored as the
action names and arguments of its trace and the command that reproduces it; on a hit the
trace is rebuilt by replaying those steps on the concrete interpreter
(:func:`checker.trace.build.build_trace`), exactly as a trace fresh from Z3 is, and an
entry whose trace no longer replays -- or that cannot be parsed -- is a miss: the engine
runs and the entry is written again.  Entries are JSON files, parsed and never executed.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import hashlib
import json
import os
import pathlib
import tempfile
from collections.abc import Callable, Sequence
from typing import Any

import z3

from checker.interp.concrete import Interpreter, StepError
from checker.results.stats import BmcStats, ClaimOutcome, EngineStats, InductionStats, ProofStats, stats_json
from checker.results.verdict import Vacuity, Verdict
from checker.trace.build import ReplayMismatch, build_trace

FORMAT = 2  # 2: a proved verdict keeps its bound (bmc) and its vacuity marker
ROOT = pathlib.Path(__file__).resolve().parent.parent.parent  # the checkout: checker/ and spec/
SHARED = ("checker/engines/solver.py", "checker/engines/cache.py", "checker/interp/terms.py",
          "checker/interp/layout.py", "checker/interp/concrete.py", "checker/interp/compile.py",
          "checker/results/verdict.py", "checker/results/stats.py", "checker/trace/build.py",
          # the IR walkers the translations and the proof's candidate claims are read with
          "spec/walk.py", "spec/expr.py")
ENGINE_SOURCES: dict[str, tuple[str, ...]] = {
    "bmc": ("checker/engines/bmc.py", "checker/engines/unroll.py", "checker/interp/symbolic.py", *SHARED),
    "induction": ("checker/engines/induction.py", "checker/engines/unroll.py", "checker/interp/symbolic.py", *SHARED),
    "proof": ("checker/engines/proof.py", "checker/engines/forked.py", "checker/interp/universal.py", *SHARED),
}
STATS: dict[str, type[BmcStats | InductionStats | ProofStats]] = {
    "bmc": BmcStats, "induction": InductionStats, "proof": ProofStats}

Run = Callable[[], tuple[list[Verdict], EngineStats]]


@functools.cache
def source_digest(engine: str) -> str:
    h = hashlib.sha256()
    for rel in ENGINE_SOURCES[engine]:
        h.update(rel.encode() + b"\0" + (ROOT / rel).read_bytes() + b"\0")
    return h.hexdigest()


def key_of(engine: str, model_digest: str, options: dict[str, object], invariants: Sequence[str]) -> str:
    parts = {"format": FORMAT, "engine": engine, "source": source_digest(engine), "z3": z3.get_full_version(),
             "model": model_digest, "options": options, "invariants": list(invariants)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def cached_run(directory: pathlib.Path, engine: str, interp: Interpreter, invariants: Sequence[str],
               options: dict[str, object], run: Run) -> tuple[list[Verdict], EngineStats]:
    """The stored answer of this question if there is one that replays, else ``run()``
    (stored when it decided every claim)."""
    key = key_of(engine, interp.model.digest, options, invariants)
    path = directory / f"{engine}-{key}.json"
    hit = _load(path, engine, interp, invariants)
    if hit is not None:
        return hit
    verdicts, stats = run()
    if all(v.kind in ("proved", "refuted") for v in verdicts):
        _store(path, engine, interp, verdicts, stats)
    return verdicts, stats


def _store(path: pathlib.Path, engine: str, interp: Interpreter, verdicts: list[Verdict],
           stats: EngineStats) -> None:
    entry = {"format": FORMAT, "engine": engine, "model_digest": interp.model.digest,
             "decided": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
             "verdicts": [_verdict_json(v) for v in verdicts], "stats": stats_json(stats)}
    write_entry(path, entry)


def write_entry(path: pathlib.Path, entry: dict[str, Any]) -> None:
    """Write a JSON entry whole or not at all (a reader never sees half of one); a directory
    that cannot be written only makes the next run slower."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        with os.fdopen(fd, "w") as f:
            json.dump(entry, f)
        os.replace(tmp, path)
    except OSError:
        pass


def _verdict_json(v: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": v.kind, "invariant": v.invariant, "scope": v.scope, "notes": list(v.notes)}
    if v.bound is not None:
        out["bound"] = v.bound
    if v.vacuity is not None:
        out["vacuity"] = {"unreached": list(v.vacuity.unreached), "no_read_site": v.vacuity.no_read_site,
                          "total": v.vacuity.total}
    if v.trace is not None:
        out["steps"] = [[s.action, s.args] for s in v.trace.steps]
        out["command"] = v.trace.command
    return out


def _load(path: pathlib.Path, engine: str, interp: Interpreter,
          invariants: Sequence[str]) -> tuple[list[Verdict], EngineStats] | None:
    try:
        entry = json.loads(path.read_text())
        if entry["format"] != FORMAT or entry["model_digest"] != interp.model.digest:
            return None
        label = (f" [cached answer, decided {entry['decided']} by the same engine source on the same spec with "
                 f"Z3 {z3.get_version_string()}; --no-cache asks Z3 again]")
        verdicts = [_verdict(engine, interp, v, label) for v in entry["verdicts"]]
        if [v.invariant for v in verdicts] != list(invariants):
            return None
        return verdicts, _stats(engine, entry["stats"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, StepError, ReplayMismatch):
        return None  # missing, unreadable, or no longer replays: ask the engine


def _verdict(engine: str, interp: Interpreter, v: dict[str, Any], label: str) -> Verdict:
    kind, invariant, scope = v["kind"], v["invariant"], str(v["scope"]) + label
    if kind == "proved":
        bound, vac = v.get("bound"), v.get("vacuity")
        vacuity = None if vac is None else Vacuity(tuple(str(u) for u in vac["unreached"]),
                                                  bool(vac["no_read_site"]), bool(vac["total"]))
        return Verdict.proved(engine, invariant, scope, tuple(str(n) for n in v["notes"]), vacuity,
                              None if bound is None else int(bound))
    if kind != "refuted":
        raise ValueError(f"a cached verdict is proved or refuted, not {kind!r}")
    steps = [(str(name), interp.parse_args(str(name), dict(args))) for name, args in v["steps"]]
    trace = build_trace(interp, steps, invariant)  # replayed on the concrete interpreter
    return Verdict.refuted(engine, invariant, scope, dataclasses.replace(trace, command=str(v["command"])))


def _stats(engine: str, d: dict[str, Any]) -> EngineStats:
    fields = {f.name for f in dataclasses.fields(STATS[engine])}
    args = {k: v for k, v in d.items() if k in fields}
    if "claims" in args:
        if any("counterexample_to_induction" in c for c in args["claims"].values()):
            raise ValueError("a decided run has no counterexample to induction")
        args["claims"] = {name: ClaimOutcome(**c) for name, c in args["claims"].items()}
    args["cached"] = True
    return STATS[engine](**args)
