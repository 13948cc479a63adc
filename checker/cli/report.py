"""``reportcheck report``: a design review to attach to a patch review.

Writes ``index.html`` (self-contained: inline CSS and SVG, no network) and ``report.md``
(the same content) to ``--out``.  Exit codes: 0 written; 1 written, but with problems it
lists (a stored counterexample that no longer reproduces, an engine that failed); 2 bad
input (nothing is run or written).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from checker.engines.registry import ENGINES
from checker.errors import UsageError
from checker.io.itf import DEFAULT_DIR
from checker.io.safe_write import check_directory, check_target, write_files
from checker.outputs import document
from checker.review import run as review
from checker.review import sections as review_doc
from spec import CONFIGS, DEFAULT_CONFIG, DESIGNS, FAULTS

DEFAULT_OUT = "report"
OUTPUT_FILES = ("index.html", "report.md")


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write a design review (index.html and report.md) for a patch review",
                       description="Run the engines on the designs and write a self-contained design review: "
                       "the verdict table, each design's page lifecycle, every counterexample, proof evidence, "
                       "coverage and VM_BUG_ON_PAGE() guards for every read of page->index.")
    p.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR",
                   help=f"directory for index.html and report.md (default {DEFAULT_OUT})")
    p.add_argument("--design", action="append", default=[], metavar="D",
                   help=f"a design to review (repeatable; default all: {', '.join(DESIGNS)})")
    p.add_argument("--config", default=DEFAULT_CONFIG, help=f"configuration (default {DEFAULT_CONFIG})")
    p.add_argument("--engine", action="append", default=[], metavar="E",
                   help=f"an engine to run (repeatable; default: {', '.join(review.DEFAULT_ENGINES)})")
    p.add_argument("--fault", action="append", default=[], metavar="F",
                   help="a faulty variant to explore for the coverage section and the lifecycle picture "
                   "(repeatable; default: every fault of the chosen designs)")
    p.add_argument("--no-faults", action="store_true", help="explore no faulty variant")
    p.add_argument("--catalogue", type=Path, default=Path(DEFAULT_DIR), metavar="DIR",
                   help=f"the stored counterexamples to include (default {DEFAULT_DIR})")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="run N engine jobs in parallel (default: one per CPU)")
    p.set_defaults(func=cmd_report)


def _choices(kind: str, given: list[str], valid: list[str] | tuple[str, ...], default: list[str]) -> list[str]:
    for x in given:
        if x not in valid:
            raise UsageError(f"unknown {kind} {x!r}; choose from: {', '.join(valid)}")
    return list(dict.fromkeys(given)) or default


def cmd_report(args: argparse.Namespace) -> int:
    reporting = [d for d in DESIGNS if d != "none"]  # the review is of the reporting designs
    designs = _choices("design", args.design, list(DESIGNS), reporting)
    engines = _choices("engine", args.engine, list(ENGINES), list(review.DEFAULT_ENGINES))
    if args.config not in CONFIGS:
        raise UsageError(f"unknown configuration {args.config!r}; choose from: {', '.join(CONFIGS)}")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    faults = None if not args.fault and not args.no_faults else _choices("fault", args.fault, list(FAULTS), [])
    for f in faults or []:
        if FAULTS[f].design not in designs:
            raise UsageError(f"fault {f!r} is a fault of design {FAULTS[f].design}, which is not reviewed; "
                             f"add --design {FAULTS[f].design}")
    if not args.catalogue.is_dir():
        raise UsageError(f"--catalogue {args.catalogue} is not a directory of stored counterexamples; run from the "
                         "project root or pass --catalogue DIR")
    out: Path = args.out
    check_directory(out, "--out")  # before running: an output that cannot be written runs nothing
    for name in OUTPUT_FILES:
        check_target(out / name, "--out:")
    con = Console(stderr=True)
    t0 = time.perf_counter()
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=con, transient=True) as bar:
        task = bar.add_task("engines", total=None)

        def started(n: int) -> None:
            bar.update(task, total=n, description=f"running {n} engine jobs on {args.jobs} workers")

        def announce(line: str) -> None:
            con.print(f"  {line}", markup=False, highlight=False)
            if ": " in line:
                bar.advance(task)
            else:
                bar.update(task, description=line)

        r = review.gather(designs, args.config, engines, args.catalogue, args.jobs, announce, started, faults)
    blocks = review_doc.build(r)
    write_files({out / "index.html": document.html(blocks, review_doc.TITLE),
                 out / "report.md": document.markdown(blocks)})
    con.print(f"wrote {out / 'index.html'} and {out / 'report.md'} in {time.perf_counter() - t0:.0f} s "
              f"({len(r.counterexamples)} counterexamples, {len(r.guards)} guards)", highlight=False)
    for p in r.problems:
        con.print(f"problem: {p}", markup=False, highlight=False)
    return 1 if r.problems else 0

