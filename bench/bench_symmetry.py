"""What CPU symmetry would save on a model whose pcp-list owner ``cpu[pfn]`` had a "none"
value: the model as spec/ builds it sets ``cpu`` to the constant 0 when a page is on no pcp
list, which checker/interp/symmetry.py rightly refuses.  This bench rewrites a copy of the
IR -- ``cpu``'s domain becomes the CPUs then "none" (size ncpu + 1), every ``cpu := 0``
becomes ``cpu := none``, every comparison of ``cpu`` with 0 a comparison with none, and the
init sets every page's ``cpu`` to none -- asks the symmetry check about it, and explores it
to the same state limit without and with the reduction (C backend): the rewritten model
without reduction must count exactly the states the original does (the rewrite renames
a value nothing tells apart), and the reduced search its orbits.  A measurement for
deciding the spec change, not a model the tool checks.

    python bench/bench_symmetry.py --design merged --era 6.10 --config small --max-states 1000000
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import time

from spec.expr import Expr, Get, Lit, Name, Op, Quant
from spec.ir import Assign, Domain, For, ForEach, If, Model, Stmt


def rewrite(model: Model) -> Model:
    cpu = model.sorts["cpu"]
    none = cpu.size
    dom = Domain("cpu_or_none", cpu.size + 1, (*map(str, range(cpu.size)), "none"), size_name=cpu.size_name,
                 size_offset=1)

    def expr(e: Expr) -> Expr:
        if isinstance(e, Op):
            args = tuple(expr(a) for a in e.args)
            if e.op in ("eq", "ne") and any(isinstance(a, Get) and a.var == "cpu" for a in args):
                args = tuple(Lit(none) if isinstance(a, Lit) and a.value == 0 else a for a in args)
            return Op(e.op, args)
        if isinstance(e, Get):
            return Get(e.var, tuple(expr(i) for i in e.index))
        if isinstance(e, Quant):
            return dataclasses.replace(e, body=expr(e.body))
        return e

    def body(stmts: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        for st in stmts:
            if isinstance(st, Assign):
                value = expr(st.value)
                if st.var == "cpu" and isinstance(value, Lit) and value.value == 0:
                    value = Lit(none)
                out.append(Assign(st.var, tuple(expr(i) for i in st.index), value))
            elif isinstance(st, If):
                out.append(If(expr(st.cond), body(st.then), body(st.orelse)))
            elif isinstance(st, For):
                out.append(dataclasses.replace(st, start=expr(st.start), stop=expr(st.stop), body=body(st.body)))
            elif isinstance(st, ForEach):
                out.append(dataclasses.replace(st, body=tuple(a for a in body(st.body) if isinstance(a, Assign))))
            elif hasattr(st, "cond"):
                out.append(dataclasses.replace(st, cond=expr(st.cond)))  # type: ignore[arg-type]
            elif hasattr(st, "value"):
                out.append(dataclasses.replace(st, value=expr(st.value)))  # type: ignore[arg-type]
            else:
                out.append(st)
        return tuple(out)

    state_vars = tuple(dataclasses.replace(v, domain=dom) if v.name == "cpu" else v for v in model.state_vars)
    init = (*body(model.init), ForEach("q", "pfn", (Assign("cpu", (Name("q"),), Lit(none)),)))
    actions = tuple(dataclasses.replace(a, guard=tuple(expr(g) for g in a.guard), body=body(a.body))
                    for a in model.actions)
    invariants = tuple(dataclasses.replace(i, expr=None if i.expr is None else expr(i.expr))
                       for i in model.invariants)
    return dataclasses.replace(model, state_vars=state_vars, init=init, actions=actions, invariants=invariants,
                               spec_version=model.spec_version + "+cpu-or-none")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--design", default="merged")
    ap.add_argument("--era", default="")
    ap.add_argument("--config", default="small")
    ap.add_argument("--max-states", type=int, default=1_000_000)
    ap.add_argument("--orbits-to", type=int, default=0, help="count the full search's orbits within this depth")
    args = ap.parse_args()
    os.environ.setdefault("REPORTCHECK_C_LEVEL", "optimised")
    from checker.engines import explicit
    from checker.interp.concrete import Interpreter
    from checker.interp.symmetry import cpu_symmetry
    from spec import ModelKey, build_model

    original = build_model(ModelKey(args.design, None, args.era, args.config))
    rewritten = rewrite(original)
    levels: dict[str, list[int]] = {}
    for name, model, symmetry in (("original", original, False), ("cpu-or-none", rewritten, False),
                                  ("cpu-or-none, reduced", rewritten, None)):
        ends: list[int] = []
        ex = explicit.Explorer(Interpreter(model), [i.name for i in model.invariants], max_states=args.max_states,
                               graph_limit=0, stop_when_refuted=False, backend="c", symmetry=symmetry,
                               progress=lambda states, depth, seconds, ends=ends: ends.append(states))
        c0 = time.process_time()
        res = ex.run()
        levels[name] = [1, *ends[:res.depth]]  # the states within depth 0, 1, ..: the complete levels
        print(f"{name:22} {res.states:>12,} states, depth {res.depth}, {res.transitions:,} transitions, "
              f"complete {res.complete}, {time.process_time() - c0:.1f} cpu s; {res.symmetry}", flush=True)
        if name == "cpu-or-none" and args.orbits_to:
            interp = ex.search
            found = cpu_symmetry(interp.model, interp.initial())
            assert ex._c is not None and found.symmetry is not None
            within = levels[name][min(args.orbits_to, len(levels[name]) - 1)]
            orbits = {found.symmetry.canon(ex._c.state(sid)) for sid in range(within)}
            print(f"  orbits of the {within:,} states within depth {args.orbits_to} (of the full search): "
                  f"{len(orbits):,}", flush=True)
    full, reduced = levels["cpu-or-none"], levels["cpu-or-none, reduced"]
    assert full == levels["original"][:len(full)], "the rewrite changed the state space"
    for d in range(min(len(full), len(reduced))):
        print(f"within depth {d:2}: {full[d]:>12,} states, {reduced[d]:>12,} orbits, {full[d] / reduced[d]:.3f}x")

if __name__ == "__main__":
    main()
