"""The explicit engine's two backends side by side: for each design on every release it
existed on (spec.eras.ERAS) on tiny, the Python and the C backend each in its own process
(so peak RSS is its own): states stored (what nothing reads is left out:
checker/interp/observed.py), depth, search seconds (wall and CPU), states per CPU second,
bytes per state (C: what the search allocated -- packed states, parents, labels, hash
table -- over the states; both: peak RSS over the states) and the process's total seconds
(model build, C build or cache load, search).  The C library is the optimised one
(``$REPORTCHECK_C_LEVEL=optimised``, built before the search is timed).

Then ``small``, each design on its first release, on both backends cut at --small-states
(the same states on both), and on the C backend within a memory bound (--small-gib):
explored to the end, or stopped at the state limit that bound allows, which the row says.
A stopped row proves nothing: its verdicts are 'unknown'.

    python bench/bench_compiled.py [--designs none,v9,v10,merged] [--eras 5.3,6.10] [--no-python]
                                   [--small-states 200000] [--small-gib 4]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def one(design: str, config: str, era: str, backend: str, limit: int | None) -> dict[str, object]:
    t0 = time.perf_counter()
    os.environ.setdefault("REPORTCHECK_C_LEVEL", "optimised")
    from checker.engines import explicit, explicit_c
    from checker.interp.concrete import Interpreter
    from spec import ModelKey, build_model

    model = build_model(ModelKey(design, None, era, config))
    interp = Interpreter(model)
    ex = explicit.Explorer(interp, [i.name for i in model.invariants], max_states=limit, graph_limit=0,
                           stop_when_refuted=False, backend=backend)
    if backend == "c":
        explicit_c.engine(ex.search)  # built, or loaded from the cache
    c0 = time.process_time()
    res = ex.run()
    cpu = time.process_time() - c0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"design": design, "config": config, "era": era, "backend": backend, "states": res.states,
            "transitions": res.transitions, "depth": res.depth, "complete": res.complete,
            "seconds": round(res.seconds, 2), "cpu_seconds": round(cpu, 2),
            "states_per_cpu_second": round(res.states / cpu) if cpu else None,
            "bytes_per_state": round(res.bytes_per_state, 1) if res.bytes_per_state else None,
            "rss_bytes_per_state": round(rss / res.states, 1), "peak_rss_mib": round(rss / 2**20),
            "total_seconds": round(time.perf_counter() - t0, 2)}


def row(r: dict[str, object], note: str) -> str:
    bps = r["bytes_per_state"] if r["bytes_per_state"] is not None else "-"
    return (f"{r['design']:7} {r['config']:6} {r['era']:5} {r['backend']:7} "
            f"{r['states']:>12,} {r['depth']:>5} {r['seconds']:>8} {r['cpu_seconds']:>8} "
            f"{r['states_per_cpu_second']:>11,} {bps:>8} {r['rss_bytes_per_state']:>9} {r['total_seconds']:>8}  {note}")


def run_one(design: str, config: str, era: str, backend: str, limit: int | None) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--one", design, config, era, backend,
                          str(limit) if limit else "none"], capture_output=True, text=True, check=True).stdout
    r: dict[str, object] = json.loads(out)
    return r


def main() -> None:
    from spec import DESIGNS, ERAS

    ap = argparse.ArgumentParser()
    ap.add_argument("--designs", default=",".join(DESIGNS))
    ap.add_argument("--eras", default=",".join(ERAS))
    ap.add_argument("--no-python", action="store_true", help="C rows only")
    ap.add_argument("--small-states", type=int, default=200_000, help="the state limit of small on both backends")
    ap.add_argument("--small-gib", type=float, default=4.0, help="memory bound for small (C backend); 0: none")
    ap.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        d, c, era, backend, limit = args.one
        print(json.dumps(one(d, c, era, backend, None if limit == "none" else int(limit))))
        return
    print(f"{'design':7} {'config':6} {'era':5} {'backend':7} {'states':>12} {'depth':>5} {'search s':>8} "
          f"{'cpu s':>8} {'states/cpu s':>11} {'B/state':>8} {'RSS B/st':>9} {'total s':>8}  note")
    designs = args.designs.split(",")
    backends = ("python", "c") if not args.no_python else ("c",)
    for era in args.eras.split(","):
        for design in designs:
            if design not in ERAS[era].designs:
                continue
            rates = {}
            for backend in backends:
                r = run_one(design, "tiny", era, backend, None)
                rates[backend] = r["states_per_cpu_second"]
                note = "all reachable states"
                if backend == "c" and "python" in rates:
                    note += f"; {int(rates['c']) / int(rates['python']):.0f}x the Python backend"  # type: ignore[call-overload]
                print(row(r, note), flush=True)
    firsts = {d: next(e for e in ERAS if d in ERAS[e].designs) for d in designs}
    for design in designs:
        rates = {}
        for backend in backends:
            r = run_one(design, "small", firsts[design], backend, args.small_states)
            rates[backend] = r["states_per_cpu_second"]
            note = f"stopped at {args.small_states:,} states: proves nothing"
            if backend == "c" and "python" in rates:
                note += f"; {int(rates['c']) / int(rates['python']):.0f}x the Python backend"  # type: ignore[call-overload]
            print(row(r, note), flush=True)
    if not args.small_gib:
        return
    from checker.interp.cgen import generate
    from spec import ModelKey, build_model

    for design in designs:
        packed = generate(build_model(ModelKey(design, None, firsts[design], "small"))).packed_bytes
        per_state = packed + 4 + 2 + 4 / 0.53  # state, parent, label, table at its emptiest after a growth
        limit = int(args.small_gib * 2**30 / per_state / 1.5)  # the state arrays grow by half
        r = run_one(design, "small", firsts[design], "c", limit)
        note = "all reachable states (exhausted)" if r["complete"] else \
            f"stopped at the {limit:,}-state bound ({args.small_gib} GiB): not exhausted, proves nothing"
        print(row(r, note), flush=True)


if __name__ == "__main__":
    main()
