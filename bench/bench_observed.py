"""The explicit jobs of the default report, observed (lifecycle projection and guard tally):
``run_job`` per design and fault on tiny, each in this process, with the seconds it took,
the backend that ran, the states and the number of lifecycle edges and ->index reads tallied.

    python bench/bench_observed.py [--backend c|python] [--config tiny]
"""

from __future__ import annotations

import argparse
import dataclasses
import time

from checker.review import run as review
from spec import DEFAULT_CONFIG, DESIGNS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("c", "python"), default=None)
    ap.add_argument("--config", default=DEFAULT_CONFIG)
    args = ap.parse_args()
    if args.backend is not None:
        review.REPORT_OPTIONS = dataclasses.replace(review.REPORT_OPTIONS, backend=args.backend)
    total = 0.0
    print(f"{'job':50} {'backend':7} {'states':>9} {'edges':>5} {'reads':>8} {'seconds':>8}")
    for job in review.jobs_for(list(DESIGNS), ["explicit"], args.config):
        t0 = time.perf_counter()
        r = review.run_job(job)
        dt = time.perf_counter() - t0
        total += dt
        stats = r.stats
        backend = getattr(stats, "backend", "?")
        states = getattr(stats, "states", 0)
        reads = sum(t.reads for t in r.reads.values())
        print(f"{job.label:50} {backend:7} {states:>9,} {len(r.edges):>5} {reads:>8,} {dt:>8.1f}"
              + (f"  error: {r.error}" if r.error else ""), flush=True)
    print(f"total: {total:.1f} s")


if __name__ == "__main__":
    main()
