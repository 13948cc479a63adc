"""Z3 engine figures (checker/engines/bmc.py, checker/engines/induction.py), pcp cache on.

1. Bounded model checking: seconds per depth for each design on tiny and small, on
   ``no_page_lost`` (proved on tiny by the explicit engine, so no depth stops early).
   One ``bmc.check`` call per case with the budget as its timeout and a depth far beyond
   reach: the depths tried in increasing order until the budget runs out.  Each row is
   one depth: its seconds (building T for that step plus the query), the cumulative
   seconds and the cumulative number of Z3 queries.  The depth that was running when the
   budget ran out is shown as "timed out" with the seconds it had used.
2. k-induction with k=1 on tiny, per design, for ``reported_implies_buddy`` and
   ``index_trusted``: the outcome (proved / unknown: not inductive / refuted / timeout),
   the supporting claims the proof kept, seconds and queries.
3. ``proof`` (every zone size and every MAX_ORDER) per design and config (which gives
   the migratetypes and the reporting capacity), for ``index_trusted`` and
   ``reported_implies_buddy`` asked together: each claim's outcome, what it rests on, and
   the seconds and queries of the whole run (one Houdini search shared by both claims).

4. With ``--cex``: seconds for BMC to find v9's 9-step ``index_trusted`` counterexample on
   tiny (the deepest agreement case of tests/test_bmc_agreement.py).

Each case runs in its own process (a fresh Z3 context, nothing cached between cases).

    python bench/bench_symbolic.py [--budget S] [--timeout S] [--configs tiny small]
                                   [--designs v9 v10 merged] [--no-bmc] [--no-induction] [--no-proof]
                                   [--proof-configs tiny small] [--cex [--cex-budget S]]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from typing import Any

DESIGNS = ("v9", "v10", "merged")
BMC_CLAIM = "no_page_lost"
INDUCTION_CLAIMS = ("reported_implies_buddy", "index_trusted")
PROOF_CLAIMS = ("index_trusted", "reported_implies_buddy")
UNREACHABLE_DEPTH = 1000  # bmc.check's max depth: the budget, not the depth, ends a case
OUTCOMES = {"proved": "proved", "not inductive": "unknown (not inductive)", "refuted": "refuted",
            "timeout": "unknown (timeout)"}


def one_bmc(design: str, config: str, budget: float, incremental: bool = True) -> dict[str, object]:
    from checker.engines import bmc
    from checker.interp.concrete import Interpreter
    from checker.results.stats import stats_json
    from spec import DEFAULT_ERA, ModelKey, build_model

    interp = Interpreter(build_model(ModelKey(design, None, DEFAULT_ERA, config)))
    verdicts, stats = bmc.check(interp, [BMC_CLAIM], UNREACHABLE_DEPTH, budget, **fresh_kw(incremental))
    return {"verdict": verdicts[0].kind, "scope": verdicts[0].scope, "stats": stats_json(stats)}


def fresh_kw(incremental: bool) -> dict[str, bool]:
    """bmc.check's solver choice, passed only when it is not the default (so that the code
    before the incremental solver, which has no such argument, can be measured too)."""
    return {} if incremental else {"incremental": False}


def one_cex(design: str, claim: str, depth: int, budget: float, incremental: bool = True) -> dict[str, object]:
    from checker.engines import bmc
    from checker.interp.concrete import Interpreter
    from checker.results.stats import stats_json
    from spec import DEFAULT_ERA, ModelKey, build_model

    interp = Interpreter(build_model(ModelKey(design, None, DEFAULT_ERA, "tiny")))
    verdicts, stats = bmc.check(interp, [claim], depth, budget, **fresh_kw(incremental))
    v = verdicts[0]
    return {"verdict": v.kind, "steps": None if v.trace is None else len(v.trace.steps), "stats": stats_json(stats)}


def cex_table(budget: float, extra: list[str]) -> None:
    """Seconds to v9's shortest counterexample of index_trusted on tiny (9 steps)."""
    print(f"\nBMC to v9's 9-step index_trusted counterexample on tiny, pcp cache on, budget {budget:g} s")
    t0 = time.perf_counter()
    r = run_case(["--one-cex", "v9", "index_trusted", "9", str(budget), *extra], budget + 300)
    if isinstance(r, str):
        print(f"v9 index_trusted: {r}")
        return
    st = r["stats"]
    print(f"v9 index_trusted: {r['verdict']} ({r['steps']} steps), deepest decided depth {st['depth']}; engine "
          f"{st['seconds']:.1f} s (build {st['build_seconds']:.1f}, solver {st['solver_seconds']:.1f}, "
          f"{st['queries']} queries), process {time.perf_counter() - t0:.1f} s ({r['cpu_seconds']:.1f} s CPU); "
          f"per depth {st['seconds_per_depth']}")


def one_induction(design: str, claim: str, k: int, timeout: float) -> dict[str, object]:
    from checker.engines import induction
    from checker.interp.concrete import Interpreter
    from checker.results.stats import stats_json
    from spec import DEFAULT_ERA, ModelKey, build_model

    interp = Interpreter(build_model(ModelKey(design, None, DEFAULT_ERA, "tiny")))
    verdicts, stats = induction.check(interp, [claim], k, timeout)
    return {"verdict": verdicts[0].kind, "scope": verdicts[0].scope, "stats": stats_json(stats)}


def one_proof(design: str, config: str, timeout: float, jobs: int) -> dict[str, object]:
    from checker.engines import proof
    from checker.interp.concrete import Interpreter
    from checker.results.stats import stats_json
    from spec import DEFAULT_ERA, ModelKey, build_model

    interp = Interpreter(build_model(ModelKey(design, None, DEFAULT_ERA, config)))
    verdicts, stats = proof.check(interp, list(PROOF_CLAIMS), timeout, jobs)
    return {"verdicts": {v.invariant: v.kind for v in verdicts}, "stats": stats_json(stats)}


def run_case(argv: list[str], limit: float) -> dict[str, Any] | str:
    """The case's JSON, or a one-line reason it has none.  ``limit`` is a safety net for a
    step whose construction the engine's own timeout cannot interrupt."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        p = subprocess.run([sys.executable, __file__, *argv], check=False, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return f"killed after {limit:.0f} s"
    if p.returncode != 0:
        lines = p.stderr.strip().splitlines()
        return f"exit {p.returncode}: {lines[-1] if lines else 'no output'}"
    out: dict[str, Any] = json.loads(p.stdout)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # the case process's own CPU seconds: on a loaded machine wall seconds say more about the load
    out["cpu_seconds"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)
    return out


def machine() -> None:
    import z3

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), load average {load}; "
          f"python {platform.python_version()}, z3 {z3.get_version_string()}; {platform.platform()}")
    print(f"code: {code_version()}")


def code_version() -> str:
    """The commit measured, and whether the engine or the spec differ from it."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "checker", "spec"], cwd=root, check=True,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"commit {head}" + (", with uncommitted changes in checker/ or spec/" if dirty else "")


def bmc_table(designs: list[str], configs: list[str], budget: float, extra: list[str]) -> None:
    print(f"\nBMC on {BMC_CLAIM}, pcp cache on: depths 0, 1, ... in one bmc.check call with timeout {budget:g} s")
    print(f"{'design':8} {'config':6} {'depth':>5} {'seconds':>9} {'cumulative':>10} {'queries':>7}")
    summaries = []
    for config in configs:
        for design in designs:
            t0 = time.perf_counter()
            r = run_case(["--one-bmc", design, config, str(budget), *extra], budget + 300)
            if isinstance(r, str):
                print(f"{design:8} {config:6}  {r}", flush=True)
                continue
            st = r["stats"]
            per_depth: list[float] = st["seconds_per_depth"]
            cumulative = 0.0
            for d, s in enumerate(per_depth):
                cumulative += s
                # one claim: one query per depth (checked against the engine's count below)
                print(f"{design:8} {config:6} {d:>5} {s:>9.2f} {cumulative:>10.2f} {d + 1:>7}")
            timed_out = r["verdict"] == "unknown"
            if timed_out:
                partial = st["seconds"] - cumulative  # includes the engine's setup (milliseconds)
                print(f"{design:8} {config:6} {len(per_depth):>5} {'timed out':>9} {st['seconds']:>10.2f} "
                      f"{st['queries']:>7}   (ran {partial:.2f} s of the depth)")
            # one claim: one query per depth, plus the one that ran out of time (if it was sent)
            allowed = {len(per_depth), len(per_depth) + 1} if timed_out else {len(per_depth)}
            if st["queries"] not in allowed:
                print(f"  note: the engine counted {st['queries']} queries, not one per depth")
            summaries.append(f"{design:8} {config:6} {r['verdict']:8} deepest decided depth {st['depth']:>2}; "
                             f"build {st['build_seconds']:.2f} s, solver {st['solver_seconds']:.2f} s, "
                             f"engine {st['seconds']:.2f} s, process {time.perf_counter() - t0:.2f} s "
                             f"({r['cpu_seconds']:.1f} s CPU)")
            sys.stdout.flush()
    print("\n" + "\n".join(summaries))


def induction_table(designs: list[str], k: int, timeout: float) -> None:
    print(f"\nk-induction, k={k}, config tiny, pcp cache on, timeout {timeout:g} s per case")
    print(f"{'design':8} {'claim':23} {'outcome':24} {'seconds':>8} {'solver s':>8} {'queries':>7}  supports kept")
    for design in designs:
        for claim in INDUCTION_CLAIMS:
            r = run_case(["--one-induction", design, claim, str(k), str(timeout)], timeout + 300)
            if isinstance(r, str):
                print(f"{design:8} {claim:23} {r}", flush=True)
                continue
            st = r["stats"]
            detail = st["claims"][claim]
            outcome = OUTCOMES.get(detail["outcome"], detail["outcome"])
            supports = detail.get("supports", detail.get("candidate_supports"))
            kept = "-" if supports is None else (", ".join(supports) or "none")
            print(f"{design:8} {claim:23} {outcome:24} {st['seconds']:>8.2f} {st['solver_seconds']:>8.2f} "
                  f"{st['queries']:>7}  {kept}", flush=True)
            if "counterexample_to_induction" in detail:
                cti = detail["counterexample_to_induction"]
                args = ", ".join(f"{a}={b}" for a, b in cti["args"].items())
                print(f"{'':8} {'':23} counterexample to induction: {cti['action']}({args})", flush=True)


def proof_table(designs: list[str], configs: list[str], timeout: float, jobs: list[int]) -> None:
    print(f"\nproof for every zone size and MAX_ORDER, pcp cache on, timeout {timeout:g} s per case; "
          "jobs: worker processes asking the steps (CPU s: the case's processes together)")
    print(f"{'design':8} {'config':9} {'jobs':>4} {'seconds':>8} {'CPU s':>8} {'queries':>7}  claim: outcome (rests on)")
    for design in designs:
        for config, n in ((c, n) for c in configs for n in jobs):
            r = run_case(["--one-proof", design, config, str(timeout), str(n)], timeout + 300)
            if isinstance(r, str):
                print(f"{design:8} {config:9} {n:>4} {r}", flush=True)
                continue
            st = r["stats"]
            parts = []
            for claim, kind in r["verdicts"].items():
                needed = st["claims"][claim].get("needed")
                spec_claims = [n for n in needed or [] if " is a " not in n]
                rests = ", ".join(spec_claims) or ("domain bounds only" if needed else "no other claim")
                parts.append(f"{claim}: {kind}" + (f" ({rests})"
                                                    if needed is not None else ""))
            print(f"{design:8} {config:9} {st['workers']:>4} {st['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} {st['queries']:>7}  "
                  + "; ".join(parts), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--budget", type=float, default=60.0, help="seconds per BMC case (default 60)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per induction case (default 120)")
    ap.add_argument("--k", type=int, default=1, help="largest k for induction (default 1)")
    ap.add_argument("--configs", nargs="+", default=["tiny", "small"], choices=["tiny", "small"],
                    help="BMC configurations (default tiny small)")
    ap.add_argument("--designs", nargs="+", default=list(DESIGNS), choices=DESIGNS)
    ap.add_argument("--no-bmc", action="store_true", help="skip the BMC table")
    ap.add_argument("--no-induction", action="store_true", help="skip the induction table")
    ap.add_argument("--no-proof", action="store_true", help="skip the proof table")
    ap.add_argument("--proof-configs", nargs="+", default=["tiny", "small"],
                    choices=["tiny", "tiny-span", "small"],
                    help="configurations whose migratetypes and capacity the proof uses (default tiny small; "
                    "the orders are symbols)")
    ap.add_argument("--proof-timeout", type=float, default=600.0, help="seconds per proof case (default 600)")
    ap.add_argument("--proof-jobs", nargs="+", type=int, default=[1, 2], metavar="N",
                    help="worker processes for the proof's steps, one row each (default 1 2)")
    ap.add_argument("--one-proof", nargs=4, metavar=("DESIGN", "CONFIG", "TIMEOUT", "JOBS"), help=argparse.SUPPRESS)
    ap.add_argument("--one-bmc", nargs=3, metavar=("DESIGN", "CONFIG", "BUDGET"), help=argparse.SUPPRESS)
    ap.add_argument("--cex", action="store_true", help="also time BMC to v9's 9-step index_trusted counterexample")
    ap.add_argument("--cex-budget", type=float, default=600.0, help="seconds for that case (default 600)")
    ap.add_argument("--fresh-solver", action="store_true",
                    help="bmc: every query on a fresh solver instead of the incremental one (to compare)")
    ap.add_argument("--one-cex", nargs=4, metavar=("DESIGN", "CLAIM", "DEPTH", "BUDGET"), help=argparse.SUPPRESS)
    ap.add_argument("--one-induction", nargs=4, metavar=("DESIGN", "CLAIM", "K", "TIMEOUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one_bmc:
        d, c, budget = args.one_bmc
        print(json.dumps(one_bmc(d, c, float(budget), not args.fresh_solver)))
        return
    if args.one_cex:
        d, claim, depth, budget = args.one_cex
        print(json.dumps(one_cex(d, claim, int(depth), float(budget), not args.fresh_solver)))
        return
    if args.one_induction:
        d, claim, k, timeout = args.one_induction
        print(json.dumps(one_induction(d, claim, int(k), float(timeout))))
        return
    if args.one_proof:
        d, c, timeout, n = args.one_proof
        print(json.dumps(one_proof(d, c, float(timeout), int(n))))
        return
    machine()
    extra = ["--fresh-solver"] if args.fresh_solver else []
    if args.fresh_solver:
        print("bmc: every query on a fresh bit-blasting solver (--fresh-solver), T still translated once")
    if not args.no_bmc:
        bmc_table(args.designs, args.configs, args.budget, extra)
    if args.cex:
        cex_table(args.cex_budget, extra)
    if not args.no_induction:
        induction_table(args.designs, args.k, args.timeout)
    if not args.no_proof:
        proof_table(args.designs, args.proof_configs, args.proof_timeout, args.proof_jobs)
    print(f"\nload average at the end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
