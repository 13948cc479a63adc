"""Hypothesis engine figures.

1. Throughput: random runs (examples) per second and steps per second for each design,
   pcp cache on and off, on tiny and small.  The machine checks the claims every design
   satisfies on tiny, so no run stops early and nothing is shrunk: the figure is pure
   generation.
2. Every fault, and the two index_trusted findings: from several seeds, the run in which
   Hypothesis first broke the claim, the seconds to that run, the seconds including
   shrinking, and the length of the shrunk trace next to the shortest one.

    python bench/bench_stateful.py [--examples N] [--steps N] [--seeds K]
"""

from __future__ import annotations

import argparse
import statistics

from checker.engines import stateful
from checker.interp.concrete import Interpreter
from spec import DEFAULT_ERA, FAULTS, ModelKey, build_model, era_of_pcp_cache

# the claims every design satisfies on tiny (README), so throughput runs never stop early
HOLDING = ["reported_implies_buddy", "reported_only_at_min_order", "free_counts", "no_mixed_merge", "no_page_lost",
           "well_formed_lists"]

# fault or finding -> (design, fault, config, invariant, shortest trace by breadth-first search)
TARGETS = {
    **{f: (FAULTS[f].design, f, cfg, inv, n) for f, cfg, inv, n in (
        ("v9-unguarded-index-read", "tiny", "index_trusted", 3),
        ("retype-keeps-stale-index", "tiny", "index_trusted", 5),
        ("alloc-keeps-reported", "tiny", "reported_implies_buddy", 7),
        ("pcp-index-not-set", "tiny", "index_trusted", 4),
        ("merge-keeps-reported", "tiny-span", "reported_implies_buddy", 10))},
    "v9 finding": ("v9", None, "tiny", "index_trusted", 9),
    "v10 finding": ("v10", None, "tiny", "index_trusted", 5),
}


def throughput(examples: int, steps: int) -> None:
    print(f"Throughput: {examples} examples of up to {steps} steps, seed 0, checking {', '.join(HOLDING)}")
    print(f"{'design':8} {'config':6} {'cache':5} {'runs':>6} {'steps':>8} {'seconds':>8} {'runs/s':>7} {'steps/s':>8}"
          "  refuted")
    for config in ("tiny", "small"):
        for design in ("v9", "v10", "merged"):
            for cache in (True, False):
                interp = Interpreter(build_model(ModelKey(design, None, era_of_pcp_cache(cache), config)))
                run = stateful.explore(interp, HOLDING, examples, steps, 0)
                t = run.tally
                print(f"{design:8} {config:6} {'on' if cache else 'off':5} {t.runs:>6,} {t.steps:>8,} "
                      f"{run.seconds:>8.2f} {t.runs / run.seconds:>7.0f} {t.steps / run.seconds:>8.0f}  "
                      f"{', '.join(run.counterexamples) or '-'}", flush=True)


def first_counterexamples(examples: int, steps: int, seeds: int) -> None:
    print(f"\nFirst counterexample: up to {examples} examples of up to {steps} steps, seeds 0..{seeds - 1}; "
          "median [max] over the seeds")
    print(f"{'target':26} {'config':9} {'invariant':22} {'found':>6} {'run':>12} {'s to find':>12} "
          f"{'s with shrink':>14} {'length':>8} {'shortest':>8}")
    for name, (design, fault, config, invariant, shortest) in TARGETS.items():
        interp = Interpreter(build_model(ModelKey(design, fault, DEFAULT_ERA, config)))
        runs, found_s, total_s, lengths, found = [], [], [], [], 0
        for seed in range(seeds):
            run = stateful.explore(interp, [invariant], examples, steps, seed)
            if invariant in run.counterexamples:
                found += 1
                runs.append(run.found_in_run[invariant])
                found_s.append(run.found_after_seconds[invariant])
                total_s.append(run.seconds)
                lengths.append(len(run.counterexamples[invariant]))
        if not runs:
            print(f"{name:26} {config:9} {invariant:22} {found:>3}/{seeds}  not found", flush=True)
            continue
        print(f"{name:26} {config:9} {invariant:22} {found:>3}/{seeds} "
              f"{statistics.median(runs):>6.0f} [{max(runs):>4}] {statistics.median(found_s):>6.2f} [{max(found_s):>4.1f}] "
              f"{statistics.median(total_s):>7.2f} [{max(total_s):>4.1f}] "
              f"{min(lengths):>3}-{max(lengths):<4} {shortest:>8}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=500)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--fault-examples", type=int, default=5000)
    args = ap.parse_args()
    throughput(args.examples, args.steps)
    first_counterexamples(args.fault_examples, args.steps, args.seeds)


if __name__ == "__main__":
    main()
