"""Z3's fixedpoint engine (Spacer, PDR/IC3) on the project's transition relation: does it
decide what the explicit and Z3 engines decide?  Issue #20 asked to keep an ``--engine pdr``
if it decides something the others cannot; this prints what Spacer answers and how long
it took, so the decision can be re-measured.

The query is the one an engine would ask: the relation ``Inv`` over the states of one
configuration (checker/interp/symbolic.py, each element a bit-vector of its domain's
width) with ``Init => Inv`` and ``Inv and T => Inv'``, and "bad" = the claim's state
predicate fails or one of its read sites fails on a step.  unsat = the claim holds in every
reachable state; sat = a counterexample exists; unknown/timeout: neither.

    python bench/bench_spacer.py [--timeout S] [design:invariant ...]
"""

from __future__ import annotations

import argparse
import multiprocessing
import time

import z3

from checker.interp.symbolic import SymbolicModel
from spec import ModelKey, build_model

# what the explicit engine answers on tiny, for comparison (tests/test_explicit.py)
DEFAULT = ("merged:index_trusted", "v9:boundary_valid", "v10:reported_implies_buddy")


def ask(design: str, invariant: str, config: str, timeout: float) -> tuple[str, float, float]:
    sym = SymbolicModel(build_model(ModelKey(design, None, "", config)))
    pre, post = sym.state("pre"), sym.state("post")
    t0 = time.perf_counter()
    step = sym.step(pre, post, "T")
    built = time.perf_counter() - t0
    inv = z3.Function("Inv", *[x.sort() for x in pre], z3.BoolSort())
    fp = z3.Fixedpoint()
    fp.set(engine="spacer")
    fp.set("timeout", int(timeout * 1000))
    fp.register_relation(inv)
    fp.declare_var(*pre, *post, step.choice, *[c for cs in step.params.values() for c in cs])
    fp.rule(inv(*pre), sym.init(pre))
    fp.rule(inv(*post), z3.And(inv(*pre), step.relation))
    bad = []
    predicate = sym.state_invariant(invariant, pre)
    if predicate is not None:
        bad.append(z3.Not(predicate))
    if invariant in step.violations:
        bad.append(z3.And(step.relation, step.violations[invariant]))
    t0 = time.perf_counter()
    try:
        answer = str(fp.query(z3.And(inv(*pre), z3.Or(bad))))
    except z3.Z3Exception as e:  # a time-out is an exception in the fixedpoint API
        answer = f"unknown ({e})"
    return answer, built, time.perf_counter() - t0


def _ask_into(queue: multiprocessing.Queue[tuple[str, float, float]], design: str, invariant: str, config: str,
              timeout: float) -> None:
    queue.put(ask(design, invariant, config, timeout))


def ask_within(design: str, invariant: str, config: str, timeout: float) -> tuple[str, float, float]:
    """:func:`ask` in a child process, killed after ``timeout`` seconds: Spacer's own
    ``timeout`` was not honoured (a 200 s query ran for 9 minutes)."""
    queue: multiprocessing.Queue[tuple[str, float, float]] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_ask_into, args=(queue, design, invariant, config, timeout))
    t0 = time.perf_counter()
    child.start()
    child.join(timeout + 30)
    if child.is_alive():
        child.kill()
        child.join()
        return f"no answer (killed after {timeout + 30:.0f} s)", float("nan"), time.perf_counter() - t0
    return queue.get()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("claims", nargs="*", default=list(DEFAULT), help="design:invariant (default: %(default)s)")
    p.add_argument("--config", default="tiny")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per query (default 120)")
    args = p.parse_args()
    print(f"Spacer on config {args.config}, {args.timeout:.0f} s per query, z3 {z3.get_version_string()}")
    for claim in args.claims:
        design, invariant = claim.split(":")
        answer, built, seconds = ask_within(design, invariant, args.config, args.timeout)
        print(f"  {design:7} {invariant:28} {answer:40} T built in {built:.1f} s, query {seconds:.1f} s", flush=True)


if __name__ == "__main__":
    main()
