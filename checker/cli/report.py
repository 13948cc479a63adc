"""``reportcheck report``: a design review to attach to a patch review.

Writes ``index.html`` (self-contained: inline CSS and SVG, no network), ``report.md`` (the
same content) and ``report.txt`` (72 columns, for a reply on the mailing list) to ``--out``,
first as the engine jobs finish (a partial report says which jobs are still running), then
whole.  Without a terminal a progress line goes to stderr at least every 10 seconds.
An engine job whose question (code, spec digest, options) was answered by an earlier report
is not run again: its stored result is used, its traces replayed (checker/review/store.py;
``--no-cache`` runs every job).
Exit codes: 0 written; 1 written, but with problems it lists (a stored counterexample that
no longer reproduces, an engine that failed); 2 bad input (nothing is run or written).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from checker.ci import project_configs
from checker.cli.options import add_config_options, add_era_options, chosen_era
from checker.engines.registry import ENGINES, RunOptions, verdict_cache_dir
from checker.errors import UsageError
from checker.io.itf import DEFAULT_DIR
from checker.io.safe_write import check_directory, check_target, write_files
from checker.outputs import document
from checker.review import mail
from checker.review import run as review
from checker.review import sections as review_doc
from spec import DESIGNS, ERAS, FAULTS
from spec.eras import LEGACY, check_combination

DEFAULT_OUT = "report"
OUTPUT_FILES = ("index.html", "report.md", "report.txt")
HEARTBEAT_SECONDS = 10.0  # without a terminal: a progress line at least this often
# the engine knobs of the report: (option, RunOptions field, help)
KNOBS = (("--depth", "depth", "bmc: every trace length up to K"),
         ("--k", "k", "induction: k = 1 .. K"),
         ("--examples", "examples", "hypothesis: number of random runs"),
         ("--steps", "steps", "hypothesis: steps per run"),
         ("--seed", "seed", "hypothesis: seed"),
         ("--timeout", "timeout", "symbolic engines: seconds per run"),
         ("--max-states", "max_states", "explicit: stop after N states (its verdicts are then unknown)"))


def add_parser(sub: Any) -> None:
    p = sub.add_parser("report", help="write a design review (index.html, report.md, report.txt) for a patch review",
                       description="Run the engines on the designs and write a self-contained design review: "
                       "the verdict table, each design's page lifecycle, every counterexample, proof evidence, "
                       "coverage and VM_BUG_ON_PAGE() guards for every read of page->index; report.txt has the "
                       "summary, the counterexamples and the guards in 72 columns for a mailing-list reply.")
    p.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="DIR",
                   help=f"directory for index.html, report.md and report.txt (default {DEFAULT_OUT})")
    p.add_argument("--design", action="append", default=[], metavar="D",
                   help=f"a design to review (repeatable; default all: {', '.join(DESIGNS)})")
    add_era_options(p, f"default {review.REVIEW_ERA}")
    add_config_options(p)
    p.add_argument("--engine", action="append", default=[], metavar="E",
                   help=f"an engine to run (repeatable; default: {', '.join(review.DEFAULT_ENGINES)})")
    defaults = review.REPORT_OPTIONS
    for flag, field, text in KNOBS:
        kind = float if field == "timeout" else int
        default = getattr(defaults, field)
        p.add_argument(flag, type=kind, metavar="N", dest=field,
                       help=f"{text} (default {default if default is not None else 'none'})")
    p.add_argument("--fault", action="append", default=[], metavar="F",
                   help="a faulty variant to explore for the coverage section and the lifecycle picture "
                   "(repeatable; default: every fault of the chosen designs)")
    p.add_argument("--no-faults", action="store_true", help="explore no faulty variant")
    p.add_argument("--catalogue", type=Path, metavar="DIR",
                   help=f"the stored counterexamples to include (default: ./{DEFAULT_DIR} when there is one, "
                   "else none)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                   help="run N engine jobs in parallel (default: one per CPU)")
    p.add_argument("--no-cache", action="store_true",
                   help="run every engine job again instead of reusing the stored result of the same question "
                   "(same code, spec digest and options) and the verdict cache of bmc, induction and proof")
    p.set_defaults(func=cmd_report)


def _choices(kind: str, given: list[str], valid: list[str] | tuple[str, ...], default: list[str]) -> list[str]:
    for x in given:
        if x not in valid:
            raise UsageError(f"unknown {kind} {x!r}; choose from: {', '.join(valid)}")
    return list(dict.fromkeys(given)) or default


def _options(args: argparse.Namespace, engines: list[str]) -> RunOptions:
    """The report's engine knobs: its defaults, with the options given; an option for an
    engine the report does not run is refused (it would be ignored)."""
    given = {field: getattr(args, field) for _, field, _ in KNOBS if getattr(args, field) is not None}
    for flag, field, _ in KNOBS:
        if field not in given:
            continue
        value = given[field]
        if value <= 0 and not (field == "seed" and value == 0):
            raise UsageError(f"{flag} must be a positive number")
        takers = [e.name for e in ENGINES.values() if field in e.takes]
        if not set(takers) & set(engines):
            raise UsageError(f"{flag} is an option of engine {' and '.join(takers)}, which this report does not "
                             f"run: drop it or add --engine {takers[0]}")
    cache = None if args.no_cache else verdict_cache_dir()  # the stored results and the Z3 verdict cache
    return dataclasses.replace(review.REPORT_OPTIONS, **given, cache=cache)


def _catalogue(args: argparse.Namespace) -> Path | None:
    if args.catalogue is None:  # the project's catalogue when run in the project, else none
        return Path(DEFAULT_DIR) if Path(DEFAULT_DIR).is_dir() else None
    if not args.catalogue.is_dir():
        raise UsageError(f"--catalogue {args.catalogue} is not a directory of stored counterexamples; "
                         "pass --catalogue DIR (where 'reportcheck check --save' writes) or leave the option out")
    path: Path = args.catalogue
    return path


@contextmanager
def _heartbeat(con: Console, status: Callable[[], str], every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Without a terminal (a CI log), a line from ``status()`` every ``every`` seconds."""
    if con.is_terminal:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            con.print(status(), markup=False, highlight=False, soft_wrap=True)

    thread = threading.Thread(target=beat, name="reportcheck-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def write_report(out: Path, r: review.Review) -> None:
    blocks = review_doc.build(r)
    write_files({out / "index.html": document.html(blocks, review_doc.TITLE),
                 out / "report.md": document.markdown(blocks),
                 out / "report.txt": mail.mail_text(r)})


def _era(args: argparse.Namespace, designs: list[str]) -> str:
    """The era the report's options name: each design's first release unless --kernel or
    --pcp-cache says otherwise; every reviewed design must have existed there."""
    if args.kernel is None and args.pcp_cache is None:
        return review.REVIEW_ERA
    eras = {d: chosen_era(args, review.REVIEW_ERA, d) for d in designs}
    for d, e in eras.items():
        problem = check_combination(ERAS[e], d)
        if problem is not None:
            raise UsageError(f"{problem}; or leave {d} out with --design")
    if len(set(eras.values())) == 1:
        return next(iter(eras.values()))
    # --pcp-cache on names a different release per design: the legacy era name says that
    return next(name for name, alias in LEGACY.items() if alias == args.pcp_cache)


def cmd_report(args: argparse.Namespace) -> int:
    reporting = [d for d in DESIGNS if d != "none"]  # the review is of the reporting designs
    designs = _choices("design", args.design, list(DESIGNS), reporting)
    engines = _choices("engine", args.engine, list(ENGINES), list(review.DEFAULT_ENGINES))
    era = _era(args, designs)
    config = project_configs.resolve(args.config, args.pyproject)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    options = _options(args, engines)
    faults = None if not args.fault and not args.no_faults else _choices("fault", args.fault, list(FAULTS), [])
    for f in faults or []:
        if FAULTS[f].design not in designs:
            raise UsageError(f"fault {f!r} is a fault of design {FAULTS[f].design}, which is not reviewed; "
                             f"add --design {FAULTS[f].design}")
    catalogue = _catalogue(args)
    out: Path = args.out
    check_directory(out, "--out")  # before running: an output that cannot be written runs nothing
    for name in OUTPUT_FILES:
        check_target(out / name, "--out:")
    con = Console(stderr=True, soft_wrap=True)  # a CI log keeps each line whole
    t0 = time.perf_counter()
    counts = {"done": 0, "total": 0}
    doing = ["starting"]

    def status() -> str:
        return (f"report: {counts['done']} of {counts['total']} engine jobs done, {time.perf_counter() - t0:.0f} s; "
                f"{doing[0]}")

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=con, transient=True, disable=not con.is_terminal) as bar, \
            _heartbeat(con, status):
        task = bar.add_task("engines", total=None)

        def started(n: int) -> None:
            counts["total"] = n
            bar.update(task, total=n, description=f"running {n} engine jobs on {args.jobs} workers")

        def announce(line: str) -> None:
            con.print(f"  {line}", markup=False, highlight=False, soft_wrap=True)
            if ": " in line:
                counts["done"] += 1
                bar.advance(task)
            else:
                doing[0] = line
                bar.update(task, description=line)

        def partial(r: review.Review) -> None:  # a partial report is better than none
            write_report(out, r)
            doing[0] = f"partial report written ({len(r.pending)} jobs running: {', '.join(r.pending[:4])}" \
                             + (", ..." if len(r.pending) > 4 else "") + ")"

        r = review.gather(designs, config, engines, catalogue, args.jobs, announce, started, faults,
                          era, options, partial)
    write_report(out, r)
    con.print(f"wrote {out / 'index.html'}, {out / 'report.md'} and {out / 'report.txt'} in "
              f"{time.perf_counter() - t0:.0f} s ({len(r.counterexamples)} counterexamples, {len(r.guards)} guards)",
              highlight=False, markup=False)
    if catalogue is None:
        con.print(f"note: no stored counterexamples (no ./{DEFAULT_DIR} here; --catalogue DIR adds some)",
                  markup=False, highlight=False)
    for p in r.problems:
        con.print(f"problem: {p}", markup=False, highlight=False)
    return 1 if r.problems else 0
