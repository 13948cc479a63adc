"""Design review figures: how long ``reportcheck report`` takes, in all and per engine job.

Runs the default report (every design, config tiny, the default engines, every fault) the
way the command does, in --jobs worker processes, and prints the wall time of each stage
and the seconds of each job.  Nothing is written.

    python bench/bench_report.py [--jobs N] [--engine E ...]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from checker.outputs import document
from checker.review import run as review
from checker.review import sections as review_doc
from spec import DEFAULT_CONFIG, DESIGNS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", action="append", default=[])
    args = ap.parse_args()
    engines = args.engine or list(review.DEFAULT_ENGINES)
    t0 = time.perf_counter()
    r = review.gather(list(DESIGNS), DEFAULT_CONFIG, engines, Path("counterexamples"), args.jobs)
    t1 = time.perf_counter()
    blocks = review_doc.build(r)
    html, md = document.html(blocks, review_doc.TITLE), document.markdown(blocks)
    t2 = time.perf_counter()
    print(f"{'job':50} {'seconds':>8}")
    for res in sorted(r.results, key=lambda x: -x.seconds):
        print(f"{res.job.label:50} {res.seconds:8.1f}")
    print(f"\nengines, replay and guards: {t1 - t0:.1f} s on {args.jobs} workers "
          f"(CPU in engine jobs: {sum(x.seconds for x in r.results):.1f} s)")
    print(f"writing: {t2 - t1:.1f} s; index.html {len(html) / 1024:.0f} KiB, report.md {len(md) / 1024:.0f} KiB")
    print(f"total: {t2 - t0:.1f} s; {len(r.counterexamples)} counterexamples, {len(r.guards)} guards")


if __name__ == "__main__":
    main()
