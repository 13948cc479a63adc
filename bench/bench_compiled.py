"""The explicit engine's two backends side by side: for each design and era (pcp cache on:
kernels up to 6.9, off: 6.10 and later) on tiny, the Python and the C backend each in its own
process (so peak RSS is its own): reachable states, depth, search seconds (wall and CPU),
states per CPU second, bytes per state (C: what the search allocated -- packed states,
parents, labels, hash table -- over the states; both: peak RSS over the states) and the
process's total seconds (model build, C build or cache load, search).

Then ``small`` on the C backend within a memory bound (--small-gib): explored to the end, or
stopped at the state limit that bound allows, which the row says. A stopped row proves
nothing: its verdicts are 'unknown'.

    python bench/bench_compiled.py [--designs v9,v10,merged] [--no-python] [--small-gib 4]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one(design: str, config: str, cache: bool, backend: str, limit: int | None) -> dict[str, object]:
    t0 = time.perf_counter()
    from checker.engines import explicit, explicit_c
    from checker.interp.concrete import Interpreter
    from spec import ModelKey, build_model, era_of_pcp_cache

    model = build_model(ModelKey(design, None, era_of_pcp_cache(cache), config))
    interp = Interpreter(model)
    if backend == "c":
        explicit_c.engine(interp)  # built, or loaded from the cache
    ex = explicit.Explorer(interp, [i.name for i in model.invariants], max_states=limit, graph_limit=0,
                           stop_when_refuted=False, backend=backend)
    c0 = time.process_time()
    res = ex.run()
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"design": design, "config": config, "pcp_cache": cache, "backend": backend, "states": res.states,
            "transitions": res.transitions, "depth": res.depth, "complete": res.complete,
            "seconds": round(res.seconds, 2), "cpu_seconds": round(cpu, 2),
            "states_per_cpu_second": round(res.states / cpu) if cpu else None,
            "bytes_per_state": round(res.bytes_per_state, 1) if res.bytes_per_state else None,
            "rss_bytes_per_state": round(rss / res.states, 1), "peak_rss_mib": round(rss / 2**20),
            "total_seconds": round(time.perf_counter() - t0, 2)}


def row(r: dict[str, object], note: str) -> str:
    bps = r["bytes_per_state"] if r["bytes_per_state"] is not None else "-"
    return (f"{r['design']:7} {r['config']:6} {'on' if r['pcp_cache'] else 'off':4} {r['backend']:7} "
            f"{r['states']:>12,} {r['depth']:>5} {r['seconds']:>8} {r['cpu_seconds']:>8} "
            f"{r['states_per_cpu_second']:>11,} {bps:>8} {r['rss_bytes_per_state']:>9} {r['total_seconds']:>8}  {note}")


def run_one(design: str, config: str, cache: bool, backend: str, limit: int | None) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--one", design, config, "on" if cache else "off", backend,
                          str(limit) if limit else "none"], capture_output=True, text=True, check=True).stdout
    r: dict[str, object] = json.loads(out)
    return r


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--designs", default="v9,v10,merged")
    ap.add_argument("--no-python", action="store_true", help="C rows only")
    ap.add_argument("--small-gib", type=float, default=4.0, help="memory bound for small (C backend)")
    ap.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        d, c, cache, backend, limit = args.one
        print(json.dumps(one(d, c, cache == "on", backend, None if limit == "none" else int(limit))))
        return
    print(f"{'design':7} {'config':6} {'pcp':4} {'backend':7} {'states':>12} {'depth':>5} {'search s':>8} "
          f"{'cpu s':>8} {'states/cpu s':>11} {'B/state':>8} {'RSS B/st':>9} {'total s':>8}  note")
    designs = args.designs.split(",")
    for design in designs:
        for cache in (True, False):
            rates = {}
            for backend in ("python", "c") if not args.no_python else ("c",):
                r = run_one(design, "tiny", cache, backend, None)
                rates[backend] = r["states_per_cpu_second"]
                note = "all reachable states"
                if backend == "c" and "python" in rates:
                    note += f"; {int(rates['c']) / int(rates['python']):.0f}x the Python backend"  # type: ignore[call-overload]
                print(row(r, note), flush=True)
    from checker.interp.cgen import generate
    from spec import ModelKey, build_model, era_of_pcp_cache

    packed = generate(build_model(ModelKey("merged", None, era_of_pcp_cache(True), "small"))).packed_bytes
    per_state = packed + 4 + 2 + 4 / 0.53  # state, parent, label, table at its emptiest after a growth
    limit = int(args.small_gib * 2**30 / per_state / 1.5)  # the state arrays grow by half
    for design in designs:
        for cache in (True, False):
            r = run_one(design, "small", cache, "c", limit)
            note = "all reachable states (exhausted)" if r["complete"] else \
                f"stopped at the {limit:,}-state bound ({args.small_gib} GiB): not exhausted, proves nothing"
            print(row(r, note), flush=True)


if __name__ == "__main__":
    main()
