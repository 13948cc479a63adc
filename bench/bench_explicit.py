"""Explicit engine figures: for each design (pcp cache on and off) on tiny and small, the
reachable states, transitions, seconds, states per second and peak memory.

Each case runs in its own process so that its peak resident memory is its own.
small is far too large to exhaust in Python; it is explored up to --small-limit states
(say so in any figure you quote).

    python bench/bench_explicit.py [--small-limit N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(design: str, config: str, cache: bool, limit: int | None) -> dict[str, object]:
    from checker.engines import explicit
    from checker.interp.concrete import Interpreter
    from spec import ModelKey, build_model, era_of_pcp_cache

    model = build_model(ModelKey(design, None, era_of_pcp_cache(cache), config))
    t0 = time.perf_counter()
    interp = Interpreter(model)
    compile_s = time.perf_counter() - t0
    ex = explicit.Explorer(interp, [i.name for i in model.invariants], max_states=limit, graph_limit=0,
                           stop_when_refuted=False)
    res = ex.run()
    return {"design": design, "config": config, "pcp_cache": cache, "states": res.states,
            "transitions": res.transitions, "depth": res.depth, "complete": res.complete,
            "seconds": round(res.seconds, 2), "compile_seconds": round(compile_s, 2),
            "states_per_second": round(res.states / res.seconds) if res.seconds else None,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--small-limit", type=int, default=300_000)
    ap.add_argument("--one", nargs=4, metavar=("DESIGN", "CONFIG", "CACHE", "LIMIT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        d, c, cache, limit = args.one
        print(json.dumps(one(d, c, cache == "on", None if limit == "none" else int(limit))))
        return
    print(f"{'design':8} {'config':6} {'cache':5} {'states':>10} {'transitions':>12} {'depth':>5} "
          f"{'seconds':>8} {'states/s':>9} {'peak MiB':>9}  note")
    for config, limit in (("tiny", "none"), ("small", str(args.small_limit))):
        for design in ("v9", "v10", "merged"):
            for cache in ("on", "off"):
                out = subprocess.run([sys.executable, __file__, "--one", design, config, cache, limit],
                                     capture_output=True, text=True, check=True).stdout
                r = json.loads(out)
                note = "all reachable states" if r["complete"] else f"stopped at {limit} states"
                print(f"{design:8} {config:6} {cache:5} {r['states']:>10,} {r['transitions']:>12,} {r['depth']:>5} "
                      f"{r['seconds']:>8} {r['states_per_second']:>9,} {r['peak_rss_mib']:>9}  {note}", flush=True)


if __name__ == "__main__":
    main()
