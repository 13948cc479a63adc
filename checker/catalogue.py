"""The catalogue of stored counterexamples (``counterexamples/``): check and regenerate.

It holds the shortest counterexample (explicit engine, breadth-first) of

* every invariant that an unmodified design refutes on config tiny, with the pcp cache on
  and off: ``<design>/`` and ``<design>-pcp-off/`` (the two settings are different kernels
  with different spec digests, so both are kept even where the kernel operations agree);
* every invariant that a fault breaks and its unmodified design proves, on the first
  configuration where that happens (tiny, else tiny-span), with the pcp cache on:
  ``<design>-<fault>[-<config>]/``.

Each file is ``<invariant>.itf.json`` (see :mod:`checker.itf`).  :func:`check_catalogue`
replays every file; :func:`regenerate` rebuilds the whole catalogue after an intended
spec change (``reportcheck catalogue --regenerate``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker import explicit
from checker.itf import SUFFIX, TraceFileError, default_path, dump, interpreter, load, write_all
from checker.replay import replay
from checker.verdict import Verdict
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
    res = replay(loaded)
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


def _run(design: str, fault: str | None, pcp_cache: bool, config: str, invariants: list[str] | None,
         progress: Progress) -> list[Verdict]:
    interp = interpreter(design, fault, pcp_cache, config)
    chosen = invariants if invariants is not None else [i.name for i in interp.model.invariants]
    verdicts, res = explicit.check(interp, chosen)
    label = design + (f" fault {fault}" if fault else "") + f", pcp cache {'on' if pcp_cache else 'off'}, {config}"
    progress(f"{label}: {res.states:,} states, {res.seconds:.1f} s, refuted: "
             f"{', '.join(v.invariant for v in verdicts if v.kind == 'refuted') or 'nothing'}")
    return verdicts


def catalogue_verdicts(progress: Progress = lambda _: None) -> list[Verdict]:
    """Every refutation the catalogue holds, found afresh by the explicit engine."""
    out: list[Verdict] = []
    proved: dict[tuple[str, str], list[str]] = {}  # (design, config) -> proved with the pcp cache on
    for design in DESIGNS:
        for pcp_cache in (True, False):
            verdicts = _run(design, None, pcp_cache, CATALOGUE_CONFIG, None, progress)
            out += [v for v in verdicts if v.trace is not None]
            if pcp_cache:
                proved[(design, CATALOGUE_CONFIG)] = [v.invariant for v in verdicts if v.kind == "proved"]
    for fault, f in FAULTS.items():
        for config in FAULT_CONFIGS:
            if (f.design, config) not in proved:
                proved[(f.design, config)] = [v.invariant for v in _run(f.design, None, True, config, None, progress)
                                              if v.kind == "proved"]
            refuted = [v for v in _run(f.design, fault, True, config, proved[(f.design, config)], progress)
                       if v.trace is not None]
            if refuted:
                out += refuted
                break
        else:
            progress(f"warning: fault {fault} breaks nothing on {', '.join(FAULT_CONFIGS)}: not catalogued")
    return out


def regenerate(root: Path, progress: Progress = lambda _: None) -> tuple[list[Path], list[Path]]:
    """Rebuild the catalogue under ``root``: write every file (overwriting) and remove
    stored counterexamples that are no longer found.  Returns (written, removed)."""
    verdicts = catalogue_verdicts(progress)
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
