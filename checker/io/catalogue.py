"""The catalogue of stored counterexamples (``counterexamples/``): check and regenerate.

It holds the shortest counterexample (explicit engine, breadth-first) of

* every invariant that an unmodified design refutes on config tiny, with the pcp cache on
  and off: ``<design>/`` and ``<design>-pcp-off/`` (the two settings are different kernels
  with different spec digests, so both are kept even where the kernel operations agree);
* every invariant that a fault breaks, on the first configuration where it does (tiny,
  else tiny-span), with the pcp cache on: ``<design>-<fault>[-<config>]/``.  "The fault
  breaks it" means the unmodified design does not break that invariant on the same
  kernel operations (so v9's own refutations are not filed again under v9's faults).

Each file is ``<invariant>.itf.json`` (see :mod:`checker.io.itf`).  :func:`check_catalogue`
replays every file; :func:`regenerate` rebuilds the whole catalogue after an intended
spec change (``reportcheck catalogue --regenerate``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from checker.engines import explicit
from checker.engines.worker import init_worker
from checker.interp.concrete import StepError, interpreter
from checker.io.itf import SUFFIX, TraceFileError, default_path, dump, load, write_all
from checker.results.verdict import Trace, Verdict
from checker.trace.build import replay_labels
from checker.trace.replay import replay
from spec import DESIGNS, FAULTS

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
Job = tuple[str, str | None, bool]  # design, fault, pcp cache


def _run(design: str, fault: str | None, pcp_cache: bool, config: str) -> tuple[list[Verdict], str]:
    interp = interpreter(design, fault, pcp_cache, config)
    verdicts, res = explicit.check(interp, [i.name for i in interp.model.invariants])
    label = design + (f" fault {fault}" if fault else "") + f", pcp cache {'on' if pcp_cache else 'off'}, {config}"
    return verdicts, (f"{label}: {res.states:,} states, {res.seconds:.1f} s, refuted: "
                      f"{', '.join(v.invariant for v in verdicts if v.kind == 'refuted') or 'nothing'}")


def design_breaks_it_too(trace: Trace) -> bool:
    """Do the same kernel operations break the same invariant without the fault?"""
    interp = interpreter(trace.design, None, trace.pcp_cache, trace.config)
    try:
        steps = [(s.action, interp.parse_args(s.action, dict[str, object](s.args))) for s in trace.steps]
        return replay_labels(interp, steps, trace.invariant).violated_at is not None
    except StepError:  # not even possible without the fault
        return False


def run_job(job: Job) -> tuple[list[Verdict], list[str]]:
    """An unmodified design: every refutation on tiny.  A fault: every refutation that the
    fault causes -- the unmodified design does not break that invariant on the same
    kernel operations -- on the first configuration where there is one."""
    design, fault, pcp_cache = job
    if fault is None:
        verdicts, line = _run(design, None, pcp_cache, CATALOGUE_CONFIG)
        return [v for v in verdicts if v.trace is not None], [line]
    lines = []
    for config in FAULT_CONFIGS:
        verdicts, line = _run(design, fault, pcp_cache, config)
        lines.append(line)
        caused = [v for v in verdicts if v.trace is not None and not design_breaks_it_too(v.trace)]
        if caused:
            lines.append(f"fault {fault} on {config}: catalogued {', '.join(v.invariant for v in caused)}")
            return caused, lines
    return [], [*lines, f"warning: fault {fault} causes no refutation on {', '.join(FAULT_CONFIGS)}"]


def catalogue_jobs() -> list[Job]:
    return ([(d, None, cache) for d in DESIGNS for cache in (True, False)]
            + [(f.design, name, True) for name, f in FAULTS.items()])


def catalogue_verdicts(progress: Progress = lambda _: None, jobs: int = 1) -> list[Verdict]:
    """Every refutation the catalogue holds, found afresh by the explicit engine
    (``jobs`` searches in parallel processes)."""
    out: list[Verdict] = []
    if jobs <= 1:
        results = map(run_job, catalogue_jobs())
        for verdicts, lines in results:
            out += verdicts
            for line in lines:
                progress(line)
        return out
    with ProcessPoolExecutor(max_workers=jobs, initializer=init_worker, initargs=(os.getpid(),)) as pool:
        for verdicts, lines in pool.map(run_job, catalogue_jobs()):
            out += verdicts
            for line in lines:
                progress(line)
    return out


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
