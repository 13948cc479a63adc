"""What a design review report contains, computed: ``reportcheck report`` gathers it here
and :mod:`checker.review.sections` writes it out.

The engines run as independent jobs (one per design, fault and engine) in worker
processes.  Every counterexample shown is a replayed one: the engines' traces are replayed
when they are built, the stored ones are replayed here (and a stored trace that no longer
reproduces is reported as such, not shown as evidence).
"""

from __future__ import annotations

import functools
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from checker.engines.jobs import Job, run_jobs
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter
from checker.io.catalogue import catalogue_files, design_breaks_it_too
from checker.io.itf import TraceFileError, load
from checker.results.stats import EngineStats, ExplicitStats
from checker.results.verdict import Trace, Verdict
from checker.review import guards, lifecycle, store
from checker.review import harness as guard_harness
from checker.trace.mapping import map_trace
from checker.trace.replay import replay
from spec import DEFAULT_ERA, DESIGNS, FAULTS, ModelKey, build_model

# what each engine is asked to do in a report (the scopes say it again on every verdict)
REVIEW_ERA = DEFAULT_ERA  # the review reads the kernels the posted series were written for
REPORT_OPTIONS = RunOptions(depth=3, k=1, examples=100, steps=40, seed=0)
# induction (k-induction on the configuration) is left out by default: 2-3 minutes a design
# for what the explicit engine and the proof already say; --engine induction adds it
DEFAULT_ENGINES = ("explicit", "bmc", "proof", "hypothesis")
# the guards' correct traces, per design: seeded random runs, and the shortest runs to each read site
CORRECT_WALKS, WALK_STEPS, WALK_SEED = 40, 60, 2019
WITNESSES_PER_SITE = 5


@dataclass
class JobResult:
    job: Job
    verdicts: list[Verdict]
    stats: EngineStats | None  # None when the engine failed (``error``)
    seconds: float
    edges: set[lifecycle.Edge] = field(default_factory=set)  # explicit: the lifecycle projection
    reads: dict[str, guards.SiteTally] = field(default_factory=dict)  # explicit: every ->index read, per site
    complete: bool = True
    error: str = ""
    stored: str = ""  # when the stored result this one is was decided (empty: run now); checker.review.store


def run_job(job: Job, options: RunOptions = REPORT_OPTIONS) -> JobResult:
    """One engine job; with ``options.cache`` (the verdict cache's directory), the stored
    result of the same question when there is one that replays (:mod:`checker.review.store`),
    else the engine's, stored for the next report."""
    t0 = time.perf_counter()
    explore = job.engine == "explicit"
    interp = Interpreter(build_model(job.key), probe=explore)
    names = [i.name for i in interp.model.invariants]
    path = None if options.cache is None else store.path_of(options.cache, job, interp, options)
    if path is not None and (hit := store.load(path, job.engine, interp)) is not None:
        return JobResult(job, hit.verdicts, hit.stats, time.perf_counter() - t0, hit.edges, hit.reads, hit.complete,
                         stored=hit.decided)
    try:
        if explore:
            tally = guards.ReadTally(interp)
            verdicts, explored, edges = lifecycle.explore(interp, names, options, also=tally)
            out = JobResult(job, verdicts, explored, time.perf_counter() - t0, edges, tally.tally, explored.complete)
        else:
            verdicts, stats = ENGINES[job.engine].run(interp, names, options)
            out = JobResult(job, verdicts, stats, time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - an engine failure is shown in the report, not hidden
        return JobResult(job, [], None, time.perf_counter() - t0, error=f"{type(e).__name__}: {e}")
    if path is not None and out.stats is not None:
        store.store(path, interp, store.Stored(out.verdicts, out.stats, out.edges, out.reads, out.complete))
    return out


def jobs_for(designs: list[str], engines: list[str], config: str, faults: list[str] | None = None,
             era: str = REVIEW_ERA) -> list[Job]:
    """The slow ones first, so that two workers finish together.  ``faults``: the faulty
    variants to explore (default: every fault of the chosen designs)."""
    chosen = [f for f in FAULTS if FAULTS[f].design in designs] if faults is None else faults
    out = [Job(e, ModelKey(d, None, era, config)) for e in ("proof", "induction") if e in engines for d in designs]
    if "explicit" in engines:
        out += [Job("explicit", ModelKey(d, None, era, config)) for d in designs]
        out += [Job("explicit", ModelKey(FAULTS[f].design, f, era, config)) for f in chosen if FAULTS[f].design in designs]
    out += [Job(e, ModelKey(d, None, era, config)) for e in ("bmc", "hypothesis") if e in engines for d in designs]
    return out


# ------------------------------------------------------------------ counterexamples
@dataclass
class Rejection:
    """What another design does with the same kernel operations."""

    design: str
    outcome: str  # one sentence


@dataclass
class Counterexample:
    trace: Trace
    source: str  # "stored: <path>" or the engine that found it in this run
    replay_command: str
    others: list[Rejection]


def _others(t: Trace, designs: list[str]) -> list[Rejection]:
    """What each other design does with the trace's kernel operations, mapped through the
    operations they share (:mod:`checker.trace.mapping`)."""
    out = []
    for d in designs:
        if d == t.design:
            continue
        # on the same release if the other design existed there, else on its own first one
        era = t.key.era if d in t.key.kernel.designs else ""
        m = map_trace(t, replace(t.key, design=d, fault=None, era=era))
        out.append(Rejection(d, m.sentence(len(t.steps))))
    return out


def stored_counterexamples(root: Path, designs: list[str]) -> tuple[list[Counterexample], list[str]]:
    """Every stored trace of the chosen designs, replayed; the ones that do not reproduce
    come back as problems instead."""
    out, problems = [], []
    for path in catalogue_files(root):
        try:
            loaded = load(path)
        except TraceFileError as e:
            problems.append(str(e))
            continue
        t = loaded.trace
        if t.design not in designs:
            continue
        res = replay(t, violated_at=loaded.violated_at)
        if not res.reproduces:
            problems.append(f"{path}: {res.sentence()} (reportcheck catalogue --regenerate)")
            continue
        out.append(Counterexample(t, f"stored: {path}", f"reportcheck replay {path}", _others(t, designs)))
    return out, problems


def run_counterexamples(results: list[JobResult], stored: list[Counterexample], designs: list[str]
                        ) -> list[Counterexample]:
    """The traces this run found that the catalogue does not hold already."""
    seen = {_key(c.trace) for c in stored}
    out = []
    for r in results:
        if r.job.fault is not None:  # the faults run for coverage and the lifecycle picture
            continue
        for v in r.verdicts:
            if v.trace is None or _key(v.trace) in seen:
                continue
            seen.add(_key(v.trace))
            out.append(Counterexample(v.trace, f"found by {v.engine} in this run", v.trace.command,
                                      _others(v.trace, designs)))
    return out


def _key(t: Trace) -> tuple[object, ...]:
    return (t.key, t.invariant,
            tuple((s.action, tuple(sorted(s.args.items()))) for s in t.steps))


# --------------------------------------------------------------------------- guards
@dataclass
class GuardEvidence:
    guard: guards.Guard
    fires_on: list[str] = field(default_factory=list)  # traces (design/fault/invariant, step) it catches
    missed: list[str] = field(default_factory=list)  # claim failed, guard silent (a limit of the guard)
    false_alarms: list[str] = field(default_factory=list)  # guard fired, claim held
    silent_correct_reads: int = 0
    gcc: str = ""  # what the compiled harness said
    everywhere: guards.SiteTally | None = None  # every read on every transition the explicit engine explored
    explored: str = ""  # what that exploration covered


def correct_walks(interp: Interpreter, walks: int = CORRECT_WALKS, length: int = WALK_STEPS,
                  seed: int = WALK_SEED) -> list[list[tuple[str, tuple[int, ...]]]]:
    """Seeded random runs that never fail an ->index read (the guards' silent cases)."""
    rng = random.Random(seed)
    names = [a.name for a in interp.model.actions]
    trusted = {k for k, (inv, _) in enumerate(interp.checks) if inv == guards.INVARIANT}
    out = []
    for _ in range(walks):
        s, path = interp.initial(), []
        for _ in range(length):
            ok = [t for t in interp.successors(s) if not trusted & set(t.failed)]
            if not ok:
                break
            t = rng.choice(ok)
            path.append((names[t.action], t.args))
            s = t.target
        out.append(path)
    return out


def site_witnesses(interp: Interpreter, per_site: int = WITNESSES_PER_SITE, max_states: int = 20_000
                   ) -> list[list[tuple[str, tuple[int, ...]]]]:
    """Shortest correct runs to each ->index read site: breadth-first over the transitions
    that fail no ->index read, the first ``per_site`` transitions that reach each site
    (random runs seldom reach the Reported-page reads).  ``interp`` must probe."""
    names = [a.name for a in interp.model.actions]
    trusted = {k for k, (inv, _) in enumerate(interp.checks) if inv == guards.INVARIANT}
    sites = {interp.checks[k][1] for k in trusted}
    found: dict[str, int] = dict.fromkeys(sites, 0)
    start = interp.initial()
    parent: dict[bytes, tuple[bytes, tuple[str, tuple[int, ...]]] | None] = {start: None}
    queue, out = [start], []
    probes = interp.compiled.probes

    def path_to(s: bytes) -> list[tuple[str, tuple[int, ...]]]:
        steps = []
        while (link := parent[s]) is not None:
            s, step = link
            steps.append(step)
        return steps[::-1]

    for s in queue:
        if len(parent) >= max_states or all(n >= per_site for n in found.values()):
            break
        for tr in interp.successors(s):
            if trusted & set(tr.failed):
                continue
            step = (names[tr.action], tr.args)
            probes.clear()
            interp.step(s, *step)
            reached = {interp.checks[k][1] for k, *_ in probes if k in trusted}
            new = [site for site in reached if found[site] < per_site]
            for site in new:
                found[site] += 1
            if new:
                out.append([*path_to(s), step])
            if tr.target not in parent:
                parent[tr.target] = (s, step)
                queue.append(tr.target)
    return out


def guard_evidence(designs: list[str], config: str, stored: list[Counterexample],
                   era: str = REVIEW_ERA) -> list[GuardEvidence]:
    """Each design's guards, evaluated on every read of ->index in the stored traces of the
    design (and its faults) and in seeded correct runs; compiled with gcc when there is one."""
    out: list[GuardEvidence] = []
    for d in designs:
        model = build_model(ModelKey(d, None, era, config))
        base = {g.site: GuardEvidence(g) for g in guards.guards(model)}
        runs: list[tuple[str, Interpreter, list[tuple[str, tuple[int, ...]]], bool]] = []
        for c in stored:
            t = c.trace
            if t.design != d or t.key.era != ModelKey(d, None, era).era:
                continue
            interp = Interpreter(build_model(t.key), probe=True)
            steps = [(s.action, interp.parse_args(s.action, dict[str, object](s.args))) for s in t.steps]
            label = f"{t.fault or d}/{t.invariant}"
            runs.append((label, interp, steps, False))
        probe = Interpreter(build_model(ModelKey(d, None, era, config)), probe=True)
        runs += [(f"{d} correct run {k}", probe, w, True)
                 for k, w in enumerate(correct_walks(probe) + site_witnesses(probe), 1)]
        records: dict[int, tuple[Interpreter, list[guard_harness.Record], list[bool]]] = {}
        for label, interp, steps, correct in runs:
            per_step = guards.reads_of(interp, steps)
            gs = guards.guards(interp.model)
            for k, reads in enumerate(per_step, 1):
                for r in reads:
                    ev = base.setdefault(r.site, GuardEvidence(next(g for g in gs if g.site == r.site)))
                    if r.guard_fires and r.claim_failed:
                        ev.fires_on.append(f"{label}, step {k}")
                    elif r.claim_failed:
                        ev.missed.append(f"{label}, step {k}")
                    elif r.guard_fires:
                        ev.false_alarms.append(f"{label}, step {k}")
                    elif correct:
                        ev.silent_correct_reads += 1
                    entry = records.setdefault(id(interp), (interp, [], []))
                    entry[1].append(guard_harness.record_of(interp, gs, r))
                    entry[2].append(r.guard_fires)
        _compile(base, records)
        out += base.values()
    return out


def _compile(base: dict[str, GuardEvidence], records: dict[int, tuple[Interpreter, list[guard_harness.Record],
                                                                      list[bool]]]) -> None:
    """Run the gcc harness on every read and say whether the C agrees with the spec."""
    total = agree = 0
    try:
        for interp, recs, expected in records.values():
            fired = guard_harness.run(interp.model, guards.guards(interp.model), recs)
            total += len(recs)
            agree += sum(a == b for a, b in zip(fired, expected))
    except guard_harness.HarnessError as e:
        note = f"not compiled: {str(e).splitlines()[0]}"
    else:
        note = (f"compiled with gcc -Wall -Werror and run on all {total} reads: "
                + ("the C agrees with the spec on every one" if agree == total
                   else f"the C DISAGREES with the spec on {total - agree} of them"))
    for ev in base.values():
        ev.gcc = note


# ------------------------------------------------------------------------- faults
@dataclass(frozen=True)
class FaultFinding:
    """A claim a fault's exploration refutes, and whether the fault is the cause: the
    unmodified design keeps the claim on the same kernel operations."""

    fault: str
    invariant: str
    steps: int
    caused: bool


def fault_findings(results: list[JobResult]) -> list[FaultFinding]:
    out = []
    for r in results:
        if r.job.engine != "explicit" or r.job.fault is None:
            continue
        for v in r.verdicts:
            if v.trace is not None:
                out.append(FaultFinding(r.job.fault, v.invariant, len(v.trace.steps),
                                        not design_breaks_it_too(v.trace)))
    return out


# --------------------------------------------------------------------------- the lot
@dataclass
class Review:
    designs: list[str]
    config: str
    engines: list[str]
    results: list[JobResult]
    lifecycles: dict[str, lifecycle.Lifecycle]
    counterexamples: list[Counterexample]
    problems: list[str]
    guards: list[GuardEvidence]
    faults: list[FaultFinding]
    seconds: float
    spec_digests: dict[str, str]
    era: str = REVIEW_ERA
    options: RunOptions = REPORT_OPTIONS
    pending: list[str] = field(default_factory=list)  # jobs still running: a partial review
    catalogue: Path | None = None  # where the stored counterexamples came from (None: none)

    def result(self, engine: str, design: str, fault: str | None = None) -> JobResult | None:
        return next((r for r in self.results if r.job == Job(engine, ModelKey(design, fault, self.era, self.config))), None)

    def eras(self) -> str:
        """The kernel era each design is reviewed on, as text."""
        text = ", ".join(f"{d} {ModelKey(d, None, self.era).era}" for d in self.designs)
        return text + (" (each design's first release: the one its code was posted on or merged in)"
                       if not self.era else "")


Announce = Callable[[str], None]


def gather(designs: list[str], config: str, engines: list[str], root: Path | None, workers: int | None = None,
           announce: Announce = lambda _: None, started: Callable[[int], None] = lambda _: None,
           faults: list[str] | None = None, era: str = REVIEW_ERA, options: RunOptions = REPORT_OPTIONS,
           partial: Callable[[Review], None] | None = None) -> Review:
    """Run every job and put the review together.  ``root``: the stored counterexamples
    (None: none).  ``partial``: told of a partial review (the sections of the jobs done so
    far; the lifecycles, stored counterexamples and guards come at the end) after every
    job but the last, so that a report can be written as its jobs finish."""
    t0 = time.perf_counter()
    jobs = jobs_for(designs, engines, config, faults, era)
    started(len(jobs))
    workers = workers or min(len(jobs), os.cpu_count() or 1) or 1
    digests = {d: build_model(ModelKey(d, None, era, config)).digest for d in designs}
    done_so_far: dict[Job, JobResult] = {}

    def done(job: Job, r: JobResult) -> None:
        announce(_done(r))
        done_so_far[job] = r
        if partial is None or len(done_so_far) == len(jobs):
            return
        results = [done_so_far[j] for j in jobs if j in done_so_far]
        partial(Review(designs, config, engines, results, {}, run_counterexamples(results, [], designs),
                       [f"{r.job.label}: the engine failed: {r.error}" for r in results if r.error], [],
                       fault_findings(results), time.perf_counter() - t0, digests, era, options,
                       [j.label for j in jobs if j not in done_so_far], root))

    results = run_jobs(functools.partial(run_job, options=options), jobs, workers, done=done)
    lifecycles = {}
    for d in designs:
        own = next((r for r in results if r.job == Job("explicit", ModelKey(d, None, era, config))), None)
        if own is None:
            continue
        aliases = {a.name: a.kernel_name for a in build_model(own.job.key).actions if a.name != a.kernel_name}
        life = lifecycle.Lifecycle(d, set(own.edges), complete=own.complete, kernel_names=aliases,
                                   states=own.stats.states if isinstance(own.stats, ExplicitStats) else 0)
        for r in results:
            if r.job.engine == "explicit" and r.job.design == d and r.job.fault is not None:
                lifecycle.merge_fault(life, r.job.fault, r.edges)
                life.complete &= r.complete
        lifecycles[d] = life
    stored: list[Counterexample] = []
    problems: list[str] = []
    if root is not None:
        announce("replaying the stored counterexamples")
        stored, problems = stored_counterexamples(root, designs)
    found = run_counterexamples(results, stored, designs)
    announce("evaluating the guards")
    evidence = guard_evidence(designs, config, stored, era)
    for ev in evidence:
        own = next((r for r in results if r.job == Job("explicit", ModelKey(ev.guard.design, None, era, config))), None)
        if own is not None and ev.guard.site in own.reads:
            ev.everywhere = own.reads[ev.guard.site]
            states = own.stats.states if isinstance(own.stats, ExplicitStats) else 0
            ev.explored = (f"every transition of the {states:,} reachable states of {config}"
                           if own.complete else f"the transitions explored before the state limit on {config}")
    problems += [f"{r.job.label}: the engine failed: {r.error}" for r in results if r.error]
    return Review(designs, config, engines, results, lifecycles, stored + found, problems, evidence,
                  fault_findings(results), time.perf_counter() - t0, digests, era, options, [], root)


def _done(r: JobResult) -> str:
    if r.error:
        return f"{r.job.label}: failed ({r.error})"
    kinds = [v.kind for v in r.verdicts]
    when = f"stored result of {r.stored}" if r.stored else f"{r.seconds:.0f} s"
    return (f"{r.job.label}: {kinds.count('proved')} proved, {kinds.count('refuted')} refuted, "
            f"{kinds.count('unknown')} unknown ({when})")


def design_title(d: str) -> str:
    return DESIGNS[d].title
