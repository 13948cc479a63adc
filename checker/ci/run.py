"""``reportcheck ci``: run what ``[tool.reportcheck]`` lists and fail on any surprise.

Exit codes (when several apply, the first in this order wins: 1, 4, 5, 3):

- 0: every verdict matches its expectation, every stored trace reproduces, in time;
- 1: an invariant expected to hold is refuted, or one expected to be refuted is not
  (a proved verdict, or a fault that no engine refutes), or a proof is vacuous (read
  sites never reached, or none in the model) while ``fail_on_vacuous = true``;
- 2: bad input (pyproject.toml, ``[tool.reportcheck]``): one line naming the key;
- 3: undecided verdicts while ``fail_on_unknown = true``, or an engine that failed (its
  error is the failure line; the other runs still go on);
- 4: a stored counterexample no longer reproduces (or the catalogue cannot be replayed);
- 5: the time budget was exceeded (runs after it are not started).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.ci.config import TABLE, CiConfig, Target, load
from checker.engines.jobs import Job, run_jobs
from checker.engines.registry import ENGINES, RunOptions, verdict_cache_dir
from checker.errors import UsageError
from checker.interp.concrete import Interpreter
from checker.io.catalogue import check_catalogue
from checker.io.safe_write import check_target, write_files
from checker.outputs.junit import PlainCase, junit_xml
from checker.outputs.locations import KernelTree
from checker.outputs.outcomes import Expectation, RunReport, report_from, trace_text
from checker.outputs.render import verdict_json
from checker.outputs.sarif import sarif_log
from spec import build_model

OK, CONTRADICTED, UNDECIDED, STALE_TRACE, OVER_BUDGET = 0, 1, 3, 4, 5
PRIORITY = (CONTRADICTED, STALE_TRACE, OVER_BUDGET, UNDECIDED)


@dataclass
class CiResult:
    reports: list[RunReport] = field(default_factory=list)
    cases: list[PlainCase] = field(default_factory=list)  # catalogue replay, time budget
    failures: list[tuple[int, str]] = field(default_factory=list)  # (exit code, one line)
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        codes = {c for c, _ in self.failures}
        return next((c for c in PRIORITY if c in codes), OK)


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ci", help="run the checks listed in [tool.reportcheck] of pyproject.toml, "
                       "replay the stored counterexamples, write JUnit/SARIF/JSON")
    p.add_argument("--pyproject", default="pyproject.toml", metavar="PATH",
                   help="the pyproject.toml with the [tool.reportcheck] table (default ./pyproject.toml)")
    p.add_argument("--no-cache", action="store_true",
                   help="ask Z3 again instead of reusing cached proved/refuted answers of bmc, induction and proof")
    p.add_argument("--jobs", type=int, default=1, metavar="N",
                   help="run N checks at once, in worker processes (default 1: one after another; "
                   "the time budget is wall-clock seconds either way)")
    p.add_argument("--kernel-tree", metavar="PATH",
                   help="your kernel source tree: the SARIF steps point at their kernel files there "
                   f"(overrides {TABLE} kernel_tree)")
    p.set_defaults(func=cmd_ci)


def cmd_ci(args: argparse.Namespace) -> int:
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    cfg = load(Path(args.pyproject))
    if args.kernel_tree is not None:
        cfg = dataclasses.replace(cfg, kernel_tree=KernelTree.at(args.kernel_tree, "--kernel-tree"))
    for kind, path in cfg.outputs.items():  # before running: an output that cannot be written runs nothing
        check_target(path, f"{TABLE} output {kind} =")
    cache = None if args.no_cache else verdict_cache_dir()
    result = run(cfg, log=lambda line: print(line, flush=True), cache=cache,  # CI logs show each run as it ends
                 workers=args.jobs)
    write_outputs(cfg, result)
    summary(result)
    return result.exit_code


def options_for(cfg: CiConfig, engine: str, remaining: float | None, cache: Path | None = None) -> RunOptions:
    opts = dataclasses.replace(cfg.options.get(engine, RunOptions()), cache=cache)
    if remaining is not None and (opts.timeout is None or opts.timeout > remaining):
        opts = dataclasses.replace(opts, timeout=max(remaining, 1.0))  # symbolic engines stop in time
    return opts


def run_target(cfg: CiConfig, t: Target, job: Job, remaining: float | None, cache: Path | None = None) -> RunReport:
    model = build_model(job.key)
    expected: dict[str, Expectation] = {i: "refuted" if i in t.refuted else "holds" for i in job.invariants}
    t0 = time.perf_counter()
    verdicts, stats = ENGINES[job.engine].run(Interpreter(model), list(job.invariants),
                                              options_for(cfg, job.engine, remaining, cache))
    return report_from(model, job.engine, verdicts, stats, time.perf_counter() - t0, expected, cfg.fail_on_vacuous)


@dataclass(frozen=True)
class NotStarted:
    """A run a worker did not start: the time budget was spent when its turn came."""

    elapsed: float


@dataclass(frozen=True)
class CiWork:
    """One run of the plan, in this process or a worker's: its report, the line that says how
    the engine failed, or :class:`NotStarted` (worker processes only: one after another, the
    budget is asked before a run starts)."""

    cfg: CiConfig
    target_of: dict[Job, Target]
    start: float  # time.monotonic() when the ci run began: the same clock in every process
    cache: Path | None
    check_budget: bool = False
    first: Job | None = None  # the run that starts whatever the budget says, as one after another

    def __call__(self, job: Job) -> RunReport | str | NotStarted:
        elapsed = time.monotonic() - self.start
        remaining = self.cfg.time_budget - elapsed if self.cfg.time_budget is not None else None
        if self.check_budget and job != self.first and remaining is not None and remaining <= 0:
            return NotStarted(elapsed)
        try:
            return run_target(self.cfg, self.target_of[job], job, remaining, self.cache)
        except Exception as e:  # noqa: BLE001 - an engine bug: one failure line, and the other runs go on
            return f"{job.entry}, config {job.config}, engine {job.engine}: the engine failed: {type(e).__name__}: {e}"


def run(cfg: CiConfig, log: Any = None, cache: Path | None = None, workers: int = 1) -> CiResult:
    """Every target x configuration x engine, then the catalogue; stop starting runs once
    the time budget is spent.  ``cache``: the verdict cache of the Z3 engines (None: none).
    ``workers``: how many runs at once (worker processes); the reports come in the plan's
    order either way."""
    say = log or (lambda _s: None)
    res = CiResult()
    start = time.monotonic()
    planned = [(Job(e, t.key(c), t.invariants, entry=t.where), t)
               for t in cfg.targets for c in t.configs for e in t.engines]
    jobs, target_of = [job for job, _ in planned], dict(planned)  # equal jobs come from one entry
    finished: list[Job] = []
    not_started: list[float] = []
    failures_of: dict[Job, list[tuple[int, str]]] = {}
    refuted_by: dict[tuple[str, str], bool] = {}  # (target where, config) -> some engine refuted all

    def within_budget() -> bool:  # asked before every run but the first, which always starts
        elapsed = time.monotonic() - start
        if cfg.time_budget is not None and elapsed > cfg.time_budget:
            not_started.extend([elapsed] * (len(jobs) - len(finished)))
            return False
        return True

    def done(job: Job, r: RunReport | str | NotStarted) -> None:
        if isinstance(r, NotStarted):
            not_started.append(r.elapsed)
            return
        finished.append(job)
        failures = failures_of.setdefault(job, [])  # listed in the plan's order at the end
        if isinstance(r, str):
            failures.append((UNDECIDED, r))
            say(r)
            return
        bad = [o for o in r.outcomes if o.status == "failed"]
        undecided = [o for o in r.outcomes if o.status == "skipped"]
        vacuous = [o for o in r.outcomes if o.verdict.vacuity is not None]
        say(f"{r.title}: {len(r.outcomes)} invariants, {len(bad)} contradict the expectation, "
            f"{len(undecided)} undecided, {len(vacuous)} vacuous ({r.seconds:.1f} s)")
        for o in vacuous:
            if o.status != "failed":
                say(f"  {o.verdict.invariant}: {o.verdict.word}: {o.verdict.vacuity.detail}"  # type: ignore[union-attr]
                    + ("" if cfg.fail_on_vacuous else " (fail_on_vacuous = true makes this a failure)"))
        for o in bad:
            failures.append((CONTRADICTED, f"{r.title}: {o.message}"))
            if o.verdict.trace is not None:
                say(trace_text(o.verdict.trace, o.claim, model=build_model(o.verdict.trace.key)))
        if cfg.fail_on_unknown:
            failures += [(UNDECIDED, f"{r.title}: {o.message}") for o in undecided]
        if job.fault is not None:
            caught = all(o.verdict.kind == "refuted" for o in r.outcomes)
            refuted_by[(job.entry, job.config)] = refuted_by.get((job.entry, job.config), False) or caught

    # one after another, each run gets the budget left; in workers, each run asks it as it
    # starts, and the solver runs (the slow ones) start first so that the workers end together
    order = jobs if workers <= 1 else sorted(jobs, key=lambda j: j.engine == "explicit")
    work = CiWork(cfg, target_of, start, cache, check_budget=workers > 1, first=order[0] if order else None)
    results = dict(zip(order, run_jobs(work, order, workers=workers, done=done, more=within_budget)))
    res.reports = [r for j in jobs if isinstance(r := results.get(j), RunReport)]  # the plan's order
    res.failures += [f for j in jobs for f in failures_of.get(j, [])]
    if not_started:
        res.failures.append((OVER_BUDGET, (f"time budget of {cfg.time_budget:g} s exceeded after "
                             f"{min(not_started):.1f} s; {len(not_started)} run(s) not started")))
    for (where, config), caught in refuted_by.items():
        if not caught:
            res.failures.append((CONTRADICTED, (f"{where}, config {config}: the fault survives: no engine "
                                 f"refuted what it is expected to break")))
    if cfg.catalogue is not None:
        replay_catalogue(cfg.catalogue, res, say)
    res.seconds = time.monotonic() - start
    if cfg.time_budget is not None:
        over = res.seconds > cfg.time_budget
        if over and not any(c == OVER_BUDGET for c, _ in res.failures):
            res.failures.append((OVER_BUDGET, (f"time budget of {cfg.time_budget:g} s exceeded: "
                                 f"the run took {res.seconds:.1f} s")))
        res.cases.append(PlainCase("time budget", f"within {cfg.time_budget:g} s", "failed" if over else "passed",
                                   f"{res.seconds:.1f} s of {cfg.time_budget:g} s"))  # its time is the runs' own
    return res


def replay_catalogue(directory: Path, res: CiResult, say: Any) -> None:
    """Replay every stored counterexample of the catalogue."""
    t0 = time.perf_counter()
    checks = check_catalogue(directory)
    seconds = time.perf_counter() - t0
    for c in checks:
        path = Path(c.path)
        name = str(path.relative_to(directory)) if path.is_relative_to(directory) and path != directory else str(path)
        res.cases.append(PlainCase("catalogue", name, "passed" if c.ok else "failed", c.message,
                                   seconds=seconds / max(len(checks), 1)))
        if not c.ok:
            res.failures.append((STALE_TRACE, f"stored trace {name}: {c.message}"))
    say(f"catalogue {directory}: {sum(c.ok for c in checks)} of {len(checks)} stored traces reproduce "
        f"({seconds:.1f} s)")


def result_json(res: CiResult, cfg: CiConfig) -> dict[str, Any]:
    return {
        "passed": res.exit_code == OK, "exit_code": res.exit_code, "seconds": round(res.seconds, 3),
        "time_budget": cfg.time_budget,
        "failures": [msg for _, msg in res.failures],
        "runs": [{"design": r.design, "fault": r.fault, "era": r.key.era, "pcp_cache": r.key.kernel.pcp_cache,
                  "config": r.config,
                  "engine": r.engine, "spec_digest": r.spec_digest, "seconds": round(r.seconds, 3),
                  "results": [{**verdict_json(o.verdict), "expected": o.expected, "status": o.status}
                              for o in r.outcomes]}
                 for r in res.reports],
        "catalogue": [{"path": c.name, "ok": c.status == "passed", "message": c.message}
                      for c in res.cases if c.suite == "catalogue"],
    }


def write_outputs(cfg: CiConfig, res: CiResult) -> None:
    texts = {
        "junit": lambda: junit_xml(res.reports, res.cases),
        "sarif": lambda: json.dumps(sarif_log(res.reports, [m for _, m in res.failures], res.exit_code == OK,
                                              cfg.kernel_tree), indent=2) + "\n",
        "json": lambda: json.dumps(result_json(res, cfg), indent=2) + "\n",
    }
    write_files({path: texts[kind]() for kind, path in cfg.outputs.items()})


def summary(res: CiResult) -> None:
    for _, msg in res.failures:
        print(f"FAIL {msg}", file=sys.stderr)
    n = sum(len(r.outcomes) for r in res.reports)
    print(f"reportcheck ci: {len(res.reports)} runs, {n} verdicts, {len(res.failures)} failures, "
          f"{res.seconds:.1f} s; exit code {res.exit_code}")
