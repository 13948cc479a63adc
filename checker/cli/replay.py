"""``reportcheck replay FILE``: re-execute a stored counterexample on the current spec.

Exit codes: 1 an invariant is violated (for the recorded model: the trace still
reproduces); 0 the trace replays to its end and violates nothing; 4 the replay diverges
(an action is not enabled or missing, or a state differs from the recorded one); 2 bad
input (unreadable or malformed file, unknown design, fault or invariant).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from checker.cli.options import add_era_options, chosen_era
from checker.errors import UsageError
from checker.interp.concrete import interpreter
from checker.io.itf import LoadedTrace, load
from checker.outputs.outcomes import step_line
from checker.trace.replay import DIVERGES, Replayed, ReplayResult, replay
from spec import FAULTS, ModelKey, SpecError


def add_parser(sub: Any) -> None:
    rp = sub.add_parser("replay", help="re-execute a stored counterexample (ITF JSON) on the current spec",
                        description="Re-execute a counterexample file step by step by action names. Exit codes: "
                        f"1 still violates, 0 replays and violates nothing, {DIVERGES} diverges, 2 bad input.")
    rp.add_argument("file", type=Path, help="a counterexample written by 'reportcheck check --save'")
    rp.add_argument("--design", help="replay the same kernel operations on another design (default: the recorded one)")
    rp.add_argument("--fault", help="replay on this fault (default: the recorded fault, or none with --design)")
    add_era_options(rp, "default: the recorded era")
    rp.add_argument("--invariant", action="append", default=[], metavar="NAME",
                    help="evaluate only this invariant (repeatable; default: all of the target design's)")
    rp.set_defaults(func=cmd_replay)


def target_of(args: argparse.Namespace, recorded: ModelKey) -> ModelKey:
    if args.design is None and args.fault is None:
        design, fault = recorded.design, recorded.fault
    else:
        fault = args.fault
        design = args.design or (FAULTS[fault].design if fault in FAULTS else recorded.design)
    # the recorded release if the target design existed on it, else the design's first
    default = recorded.era if design in recorded.kernel.designs else ""
    return ModelKey(design, fault, chosen_era(args, default, design), recorded.config)


def cmd_replay(args: argparse.Namespace) -> int:
    loaded = load(args.file)
    t = loaded.trace
    target = target_of(args, t.key)
    try:
        interp = interpreter(target)
    except SpecError as e:
        raise UsageError(str(e)) from None
    names = [i.name for i in interp.model.invariants]
    for inv in args.invariant:
        if inv not in names:
            raise UsageError(f"unknown invariant {inv!r} for design {target.design}; choose from: {', '.join(names)}")
    res = replay(t, target, list(dict.fromkeys(args.invariant)) or None, interp, loaded.violated_at)
    print_replay(loaded, res)
    return res.exit_code


def print_replay(loaded: LoadedTrace, res: ReplayResult) -> None:
    t = res.trace
    print(f"replay {loaded.path}")
    print(f"  recorded: {t.invariant} violated at step {loaded.violated_at} of {len(t.steps)}; "
          f"{t.key.describe()}; engine {loaded.engine}; spec {t.spec_digest}")
    compared = ("the recorded model: every state is compared" if res.same_model
                else "another model: states are not compared, only the kernel operations replayed")
    print(f"  replaying on: {res.target.describe()} ({compared})")
    for w in res.warnings:
        print(f"reportcheck: warning: {loaded.path}: {w}", file=sys.stderr)
    for r in res.steps:
        print_step(r)
    print(f"{loaded.path}: {res.sentence()}")


def print_step(r: Replayed) -> None:
    s = r.step
    print("  " + step_line(r.index, s.action, s.args, s.kernel_file, s.kernel_name))
    if s.changes:
        print("      " + "; ".join(f"{c.field}: {c.old} -> {c.new}" for c in s.changes))
    for site in s.failed_sites:
        print(f"      read site fails: {site.claim} at {site.site}")
        for line in site.explanation():
            print(f"        {line}")
    for inv in r.broken:
        print(f"      breaks: {inv}")
