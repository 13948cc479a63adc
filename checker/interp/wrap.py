"""The width audit of :mod:`checker.interp.universal`: can a term of the proof's queries
wrap at ``WIDTH`` bits in an execution of the spec?

The spec computes with Python's integers; the proof with signed bit-vectors of
``universal.WIDTH`` bits.  Truncation to W bits commutes with ``+``, ``-``, ``*``, ``<<``
and the bitwise operators, so a query's terms have the integer values of the spec's
execution they stand for as long as no sum, difference, product or left shift leaves the
signed range; then the comparisons, right shifts and equalities read exact values too,
and an unsat answer at W bits is the answer for the integers.  :func:`overflows` asks Z3,
for every such term that a query holds, whether it can leave the range where its value
matters (its path condition, or its element in its sort), given

- the zone in the proof's assumptions (``Universal.size_constraints``: the model's
  assumptions and every sort below ``SIZE_LIMIT`` elements);
- every value of the spec in the range the spec gives it: a state variable (and a sliced
  read) in its domain, which the concrete interpreter enforces on every write; an action's
  parameter and a loop counter between its bounds; a quantifier's witness in its sort
  (``find``: or NONE), a count between 0 and the sort's size;
- every local a cut loop carries in a range that :func:`carried_ranges` shows is a loop
  invariant (it holds on entry and after an iteration from any state where the ranges
  hold), chosen from a few intervals of orders, pfns and small numbers.

These hold in every execution of the spec by induction over its steps, once no term they
read wraps -- which is what the queries ask (the terms the loop invariants read are asked
too).  ``tests/test_proof_width.py`` runs the audit on the designs' steps.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import z3

from checker.interp.universal import Carried, Universal, as_int

Values = Callable[[z3.BitVecRef], z3.BoolRef]


def wraps(t: z3.ExprRef) -> z3.BoolRef:
    """That the operation at the top of ``t`` (a sum, difference, product or left shift
    of two bit-vectors) does *not* give the integer result of its operands.  A shift by a
    negative amount never happens (Python raises), so is not asked about."""
    if t.num_args() != 2:
        return z3.BoolVal(False)
    k, a, b = t.decl().kind(), t.arg(0), t.arg(1)
    if k == z3.Z3_OP_BADD:
        return z3.Not(z3.And(z3.BVAddNoOverflow(a, b, True), z3.BVAddNoUnderflow(a, b)))
    if k == z3.Z3_OP_BSUB:
        return z3.Not(z3.And(z3.BVSubNoOverflow(a, b), z3.BVSubNoUnderflow(a, b, True)))
    if k == z3.Z3_OP_BMUL:
        return z3.Not(z3.And(z3.BVMulNoOverflow(a, b, True), z3.BVMulNoUnderflow(a, b)))
    if k == z3.Z3_OP_BSHL:
        return z3.And(b >= 0, (a << b) >> b != a)
    return z3.BoolVal(False)


def _walk(terms: Sequence[z3.ExprRef], visit: Callable[[Any, Any], None]) -> set[int]:
    """The ids of every subterm of ``terms``, each visited once as (context, ast), on
    Z3's own pointers (a Python object per subterm costs more than the walk)."""
    if not terms:
        return set()
    ctx = terms[0].ctx.ref()
    seen: set[int] = set()
    todo = [t.as_ast() for t in terms]
    while todo:
        a = todo.pop()
        k = z3.Z3_get_ast_id(ctx, a)
        if k in seen:
            continue
        seen.add(k)
        if z3.Z3_get_ast_kind(ctx, a) == z3.Z3_APP_AST:
            visit(ctx, a)
            app = z3.Z3_to_app(ctx, a)
            todo += [z3.Z3_get_app_arg(ctx, app, i) for i in range(z3.Z3_get_app_num_args(ctx, app))]
    return seen


def subterms(terms: Sequence[z3.ExprRef]) -> set[int]:
    return _walk(terms, lambda ctx, a: None)


def leaves(ranges: dict[str, Values], terms: Sequence[z3.ExprRef]) -> list[z3.BoolRef]:
    """The range of every leaf of ``terms`` that stands for a value of the spec."""
    out: list[z3.BoolRef] = []
    context = terms[0].ctx if terms else None
    done: set[str] = set()
    new: list[z3.BoolRef] = []

    def visit(ctx: Any, a: Any) -> None:
        decl = z3.Z3_get_app_decl(ctx, z3.Z3_to_app(ctx, a))
        values = ranges.get(z3.Z3_get_symbol_string(ctx, z3.Z3_get_decl_name(ctx, decl)))
        if values is not None:
            e = z3.BitVecRef(a, context)
            if str(e.get_id()) not in done:
                done.add(str(e.get_id()))
                new.append(values(e))
    todo = list(terms)
    while todo:  # a range may read other values (a loop's counter): theirs too
        _walk(todo, visit)
        out += new
        todo, new = new, []
    return out


@dataclass(frozen=True)
class Invariant:
    """A range of a local a cut loop carries: of its value on entering the loop, at the
    loop's head, after an iteration from there, and after the loop; ``bounds``: the terms
    it computes (none may wrap)."""

    entry: Values
    head: Values
    end: Values
    after: Values
    bounds: tuple[z3.BitVecRef, ...] = ()


def invariants(u: Universal, loop: Carried) -> list[Invariant]:
    """The ranges a carried local may be shown to stay in, narrowest kinds first: a flag,
    an order (or -1), a small number, a pfn (or NONE), a count of pages, a value of a
    domain that grows with the zone (a boundary: a pfn + 2); then a count from
    0 that grows by at most 1, or by at most a max-order chunk, per iteration."""
    max_order, npfn = as_int(u.constant("max_order")), as_int(u.constant("npfn"))

    def between(lo: int, hi: z3.BitVecRef | int) -> Invariant:
        v: Values = lambda x: z3.And(x >= lo, x < hi)
        return Invariant(v, v, v, v)

    def steps(shift: z3.BitVecRef | int) -> Invariant:
        k = loop.counter - loop.start
        head, end, after = k << shift, (k + 1) << shift, (loop.stop - loop.start) << shift
        return Invariant(lambda x: x == 0, lambda x: z3.And(x >= 0, x <= head), lambda x: z3.And(x >= 0, x <= end),
                         lambda x: z3.And(x >= 0, x <= after), (k, head, k + 1, end, loop.stop - loop.start, after))
    domains = {v.domain.name: v.domain for v in u.model.state_vars if v.domain.size_name}  # a value kept in one
    return [between(0, 2), between(0, max_order), between(0, max_order + 1), between(-1, max_order),
            between(0, 16), between(-1, 16), between(0, npfn), between(-1, npfn), between(0, npfn + 1),
            between(-1, npfn + 1), *(between(0, as_int(u.domain_size(d))) for d in domains.values()),
            steps(0), steps(max_order - 1)]


def carried_ranges(u: Universal) -> tuple[dict[str, Values], list[tuple[z3.ExprRef, z3.BoolRef]]]:
    """A range for every local a cut loop carries, loop invariants of every cut loop at
    once (Houdini over :func:`invariants`: a local whose range fails on entry, after an
    iteration, or wraps takes the next one; none left: no range).  Returns the ranges by
    the names of the values they bound, and the (term, where) the checks read."""
    menus = [invariants(u, loop) for loop in u.loops]
    choice: dict[tuple[int, str], int] = {(k, n): 0 for k, loop in enumerate(u.loops) for n in loop.head}

    def ranges() -> dict[str, Values]:
        out = dict(u.ranges)
        for (k, n), c in choice.items():
            if c < len(menus[k]):
                loop, inv = u.loops[k], menus[k][c]
                out[str(loop.head[n])], out[str(loop.after[n])] = inv.head, inv.after
        return out

    s = z3.SolverFor("QF_UFBV")
    s.add(*u.size_constraints())

    def holds(loop: Carried, n: str, inv: Invariant, known: dict[str, Values]) -> bool:
        """Does ``inv`` hold of local ``n`` on entry and after an iteration, without a wrap?"""
        entry, end = as_int(loop.entry[n]), as_int(loop.end[n])
        known = {**known, str(loop.head[n]): inv.head}  # the range asked of, at the head
        s.push()
        s.add(z3.Or(z3.And(loop.entry_pc, z3.Not(inv.entry(entry))), z3.And(loop.end_pc, z3.Not(inv.end(end))),
                    *(wraps(t) for b in inv.bounds for t in arithmetic(b))),
              *leaves(known, [loop.entry_pc, entry, loop.end_pc, end, *inv.bounds]))
        r = s.check()
        s.pop()
        return bool(r == z3.unsat)

    changed = True
    while changed:
        changed = False
        known = ranges()
        for (k, n), c in choice.items():
            while c < len(menus[k]) and not holds(u.loops[k], n, menus[k][c], known):
                c += 1
            if c != choice[(k, n)]:
                choice[(k, n)] = c
                changed = True
                known = ranges()
    # the terms the invariants read: of the locals that have a range
    kept = [(u.loops[k], n) for (k, n), c in choice.items() if c < len(menus[k])]
    read = [(as_int(loop.entry[n]), loop.entry_pc) for loop, n in kept]
    read += [(as_int(loop.end[n]), loop.end_pc) for loop, n in kept]
    return ranges(), read


def arithmetic(t: z3.ExprRef) -> list[z3.ExprRef]:
    """The sums, differences, products and left shifts in ``t`` (itself included)."""
    out: list[z3.ExprRef] = []
    context = t.ctx

    def visit(ctx: Any, a: Any) -> None:
        kind = z3.Z3_get_decl_kind(ctx, z3.Z3_get_app_decl(ctx, z3.Z3_to_app(ctx, a)))
        if kind in (z3.Z3_OP_BADD, z3.Z3_OP_BSUB, z3.Z3_OP_BMUL, z3.Z3_OP_BSHL):
            out.append(z3.BitVecRef(a, context))
    _walk([t], visit)
    return out


def overflows(u: Universal, asserted: Sequence[z3.ExprRef]) -> list[tuple[z3.ExprRef, z3.BoolRef, z3.ModelRef | None]]:
    """Every sum, difference, product or left shift that ``asserted`` (a query's
    assertions) or a loop invariant of :func:`carried_ranges` reads and that can wrap where
    its value matters: (term, where, a model of the wrap).  Empty: none can."""
    assert u.audit is not None, "build the Universal with audit=True"
    ranges, read = carried_ranges(u)
    # every such term is built by Universal.op, which records where its value matters
    used = subterms([*asserted, *(t for t, _ in read)])
    asked = {(t.get_id(), g.get_id()): (t, g) for t, g in u.audit if t.get_id() in used}
    s = z3.SolverFor("QF_UFBV")
    s.add(*u.size_constraints())
    by_guard: dict[int, list[z3.ExprRef]] = {}
    guards: dict[int, z3.BoolRef] = {}
    for t, g in asked.values():
        by_guard.setdefault(g.get_id(), []).append(t)
        guards[g.get_id()] = g
    out: list[tuple[z3.ExprRef, z3.BoolRef, z3.ModelRef | None]] = []

    def ask(g: z3.BoolRef, terms: list[z3.ExprRef]) -> None:
        """Every term of ``terms`` that can wrap where ``g`` holds: all at once, then halves."""
        s.push()
        s.add(g, z3.Or([wraps(t) for t in terms]), *leaves(ranges, [g, *terms]))
        r = s.check()
        model = s.model() if r == z3.sat else None
        s.pop()
        if r == z3.unsat:
            return
        if len(terms) == 1:
            out.append((terms[0], g, model))
            return
        ask(g, terms[:len(terms) // 2])
        ask(g, terms[len(terms) // 2:])

    for k, terms in by_guard.items():
        ask(guards[k], terms)
    return out



def unbounded(u: Universal, asserted: Sequence[z3.ExprRef]) -> list[str]:
    """The names of the numbers in ``asserted`` that stand for values of the spec but have
    no range (the zone's parameters are bounded by the assumptions): a value the width
    argument does not bound.  Empty: every one is bounded."""
    ranges, _ = carried_ranges(u)
    out: set[str] = set()

    def visit(ctx: Any, a: Any) -> None:
        app = z3.Z3_to_app(ctx, a)
        decl = z3.Z3_get_app_decl(ctx, app)
        if z3.Z3_get_decl_kind(ctx, decl) != z3.Z3_OP_UNINTERPRETED:
            return
        if z3.Z3_get_sort_kind(ctx, z3.Z3_get_range(ctx, decl)) != z3.Z3_BV_SORT:
            return
        name = z3.Z3_get_symbol_string(ctx, z3.Z3_get_decl_name(ctx, decl))
        if name not in ranges and name not in u.parameters:
            out.add(name)
    _walk(list(asserted), visit)
    return sorted(out)
