"""The catalogue of stored counterexamples (``counterexamples/``): check and regenerate.

It holds the shortest counterexample (explicit engine, breadth-first) of

* every invariant that an unmodified design refutes on config tiny, in every kernel era
  the design existed in (spec.eras.Era.designs): ``<design>/`` (the design's first era:
  5.3 for v9 and v10, 5.7 for merged, 6.10 for none) and ``<design>-<era>/`` -- the eras
  are different kernels, so each is kept even where the kernel operations agree;
* every invariant that a fault breaks, on the first configuration where it does (tiny,
  else tiny-span), in the default era: ``<design>-<fault>[-<config>]/``.

Directory names are :meth:`spec.key.ModelKey.slug`.  "The fault
  breaks it" means the unmodified design does not break that invariant on the same
  kernel operations (so v9's own refutations are not filed again under v9's faults).

Each file is ``<invariant>.itf.json`` (see :mod:`checker.io.itf`).  :func:`check_catalogue`
replays every file; :func:`regenerate` rebuilds the whole catalogue after an intended
spec change (``reportcheck catalogue --regenerate``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker.engines.jobs import Job, run_jobs
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import StepError, interpreter
from checker.io.itf import SUFFIX, TraceFileError, default_path, dump, load, write_all
from checker.results.stats import ExplicitStats
from checker.results.verdict import Trace, Verdict
from checker.trace.build import replay_labels
from checker.trace.replay import replay
from spec import DEFAULT_ERA, DESIGNS, ERAS, FAULTS, ModelKey

CATALOGUE_CONFIG = "tiny"
FAULT_CONFIGS = ("tiny", "tiny-span")  # tried in this order: the first that shows the fault
REGENERATE = "reportcheck catalogue --regenerate"


@dataclass(frozen=True)
class CatalogueCheck:
    path: Path
    ok: bool
    message: str


def catalogue_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*" + SUFFIX)) if root.is_dir() else []


def check_one(root: Path, path: Path) -> CatalogueCheck:
    try:
        loaded = load(path)
    except TraceFileError as e:
        return CatalogueCheck(path, False, str(e).removeprefix(f"{path}: "))
    expected = default_path(root, loaded.trace)
    if expected.resolve() != path.resolve():
        return CatalogueCheck(path, False, f"records {loaded.trace.invariant} of "
                              f"{expected.parent.name}, so it belongs at {expected}")
    res = replay(loaded.trace, violated_at=loaded.violated_at)
    if res.reproduces:
        return CatalogueCheck(path, True, res.sentence() + "".join(f" (warning: {w})" for w in res.warnings))
    return CatalogueCheck(path, False, f"{res.sentence()}; the file records {loaded.trace.invariant} at step "
                          f"{loaded.violated_at}. If the spec change is intended, run: {REGENERATE}")


def check_catalogue(root: Path) -> list[CatalogueCheck]:
    """Replay every stored counterexample under ``root`` on its recorded model; ``ok``
    when it still reproduces exactly what it records (every state, the violated
    invariant and the step)."""
    files = catalogue_files(root)
    if not files:
        return [CatalogueCheck(root, False, f"no counterexamples (*{SUFFIX}) under {root}; "
                               f"create them with: {REGENERATE}")]
    return [check_one(root, p) for p in files]


Progress = Callable[[str], None]


def _run(job: Job) -> tuple[list[Verdict], str]:
    interp = interpreter(job.key)
    verdicts, stats = ENGINES[job.engine].run(interp, [i.name for i in interp.model.invariants], RunOptions())
    assert isinstance(stats, ExplicitStats)
    return verdicts, (f"{job.key.describe()}: {stats.states:,} states, {stats.seconds:.1f} s, refuted: "
                      f"{', '.join(v.invariant for v in verdicts if v.kind == 'refuted') or 'nothing'}")


def design_breaks_it_too(trace: Trace) -> bool:
    """Do the same kernel operations break the same invariant without the fault?"""
    interp = interpreter(dataclasses.replace(trace.key, fault=None))
    try:
        steps = [(s.action, interp.parse_args(s.action, dict[str, object](s.args))) for s in trace.steps]
        return replay_labels(interp, steps, trace.invariant).violated_at is not None
    except StepError:  # not even possible without the fault
        return False


def run_job(job: Job) -> tuple[list[Verdict], list[str]]:
    """An unmodified design: every refutation on its configuration.  A fault: every
    refutation that the fault causes -- the unmodified design does not break that
    invariant on the same kernel operations -- on the first configuration where there is
    one, from the job's on through FAULT_CONFIGS."""
    if job.fault is None:
        verdicts, line = _run(job)
        return [v for v in verdicts if v.trace is not None], [line]
    lines = []
    tried = FAULT_CONFIGS[FAULT_CONFIGS.index(job.config):]
    for config in tried:
        verdicts, line = _run(dataclasses.replace(job, key=dataclasses.replace(job.key, config=config)))
        lines.append(line)
        caused = [v for v in verdicts if v.trace is not None and not design_breaks_it_too(v.trace)]
        if caused:
            lines.append(f"fault {job.fault} on {config}: catalogued {', '.join(v.invariant for v in caused)}")
            return caused, lines
    return [], [*lines, f"warning: fault {job.fault} causes no refutation on {', '.join(tried)}"]


def catalogue_jobs() -> list[Job]:
    return ([Job("explicit", ModelKey(d, None, era, CATALOGUE_CONFIG)) for d in DESIGNS for era in ERAS
             if d in ERAS[era].designs]
            + [Job("explicit", ModelKey(f.design, name, DEFAULT_ERA, FAULT_CONFIGS[0])) for name, f in FAULTS.items()])


def catalogue_verdicts(progress: Progress = lambda _: None, jobs: int = 1) -> list[Verdict]:
    """Every refutation the catalogue holds, found afresh by the explicit engine
    (``jobs`` searches in parallel processes)."""
    def say(_job: Job, result: tuple[list[Verdict], list[str]]) -> None:
        for line in result[1]:
            progress(line)

    return [v for verdicts, _ in run_jobs(run_job, catalogue_jobs(), jobs, done=say, in_order=True) for v in verdicts]


def regenerate(root: Path, progress: Progress = lambda _: None, jobs: int = 1) -> tuple[list[Path], list[Path]]:
    """Rebuild the catalogue under ``root``: write every file (overwriting) and remove
    stored counterexamples that are no longer found.  Returns (written, removed)."""
    verdicts = catalogue_verdicts(progress, jobs)
    files = {}
    for v in verdicts:
        assert v.trace is not None
        files[default_path(root, v.trace)] = dump(v.trace, v.engine)
    write_all(files, force=True)
    removed = [p for p in catalogue_files(root) if p not in files]
    for p in removed:
        p.unlink()
        if not any(p.parent.iterdir()):
            p.parent.rmdir()
    return sorted(files), removed
