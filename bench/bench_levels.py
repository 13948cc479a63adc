"""How a configuration's reachable states grow level by level (C backend): per BFS level the
states stored so far, the level's size, its ratio to the one before, the C search's bytes
per state and CPU seconds, so one can judge how far an exhaustive search is.

    python bench/bench_levels.py --design merged --era 6.10 --config small [--max-states N]
"""

from __future__ import annotations

import argparse
import os
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--design", default="merged")
    ap.add_argument("--era", default="")
    ap.add_argument("--config", default="small")
    ap.add_argument("--max-states", type=int, default=None)
    ap.add_argument("--symmetry", default=None, help="on or off (default: the engine's)")
    args = ap.parse_args()
    os.environ.setdefault("REPORTCHECK_C_LEVEL", "optimised")
    from checker.engines import explicit, explicit_c
    from checker.interp.concrete import Interpreter
    from spec import ModelKey, build_model

    model = build_model(ModelKey(args.design, None, args.era, args.config))
    interp = Interpreter(model)
    last = [1, 1]  # states at the end of the previous level, the previous level's size
    c0 = [time.process_time()]

    def progress(states: int, depth: int, seconds: float) -> None:
        size = states - last[0]
        ratio = size / last[1] if last[1] else 0.0
        print(f"level {depth:3} states {states:>13,} level-size {size:>12,} x{ratio:5.2f} "
              f"cpu {time.process_time() - c0[0]:8.1f} s wall {seconds:8.1f} s", flush=True)
        last[0], last[1] = states, max(1, size)

    kw = {} if args.symmetry is None else {"symmetry": args.symmetry == "on"}
    ex = explicit.Explorer(interp, [i.name for i in model.invariants], max_states=args.max_states, graph_limit=0,
                           stop_when_refuted=False, backend="c", progress=progress, **kw)  # type: ignore[arg-type]
    explicit_c.engine(ex.search)
    c0[0] = time.process_time()
    res = ex.run()
    cpu = time.process_time() - c0[0]
    print(f"{args.design} {model.key.era} {args.config}: {res.states:,} states, depth {res.depth}, "
          f"{res.transitions:,} transitions, complete {res.complete}, {res.bytes_per_state:.1f} B/state, "
          f"{cpu:.1f} cpu s, {res.states / cpu:,.0f} states/cpu s, left out {res.left_out}")


if __name__ == "__main__":
    main()
