"""Which state variables a model can observe: the cone of influence of its claims.

A variable is observed when a guard, a claim (state invariant), a read site, a branch
condition, a loop bound or a ``Let`` reads it, or when an assignment to an observed
variable reads it (in its value or its index); ``extra`` adds what an observer reads.
Every other variable is only ever written into variables like itself: no guard, claim or
read site can tell two states apart that differ only there, so a search may leave it out
of the state without changing any verdict, counterexample or read-site tally (only the
number of states it counts).  Branch conditions, loop bounds and ``Let`` values are taken
as observed whatever they decide (a coarser, simpler and still sound cone).

The explicit engine searches :func:`restrict` of a model to what it observes: the same
model with the unobserved variables gone from its state and every assignment to them gone
from its bodies (both backends compile that model, so both store, hash and count the
smaller state).  It is sound because the cone is closed: guards, conditions, loop bounds,
``Let`` values, read sites, claims and every value written into a kept variable read only
kept variables, so two full states with the same kept part enable the same steps, fail the
same read sites, satisfy the same claims, and step to states with the same kept part.  The
map from a full state to its kept part is therefore a bisimulation onto the restricted
model: the reachable kept parts are exactly the restricted model's reachable states, with
the same transitions (label for label), depths, read-site hits and verdicts; a step
sequence enabled in one is enabled in the other, so a counterexample found on the
restricted model is rebuilt and replayed on the full model, every variable shown.  What
is lost: the range checks of the values written into the dropped variables (a spec bug
there goes unnoticed by the search; replay still runs them on a trace's steps).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from spec.expr import Expr
from spec.ir import Assign, Check, For, ForEach, If, Let, Model, Stmt
from spec.walk import reads, statements


def observed(model: Model, extra: Iterable[Expr] = (), names: Iterable[str] = ()) -> frozenset[str]:
    """The state variables of ``model`` that its guards, claims and read sites (and
    ``extra``, and the variables ``names``) depend on."""
    seen: set[str] = set(names).union(*(reads(e) for e in extra))
    seen |= set().union(*(reads(i.expr) for i in model.invariants if i.expr is not None))
    seen |= set().union(*(reads(g) for a in model.actions for g in a.guard))
    assigns: list[Assign] = []
    for body in (model.init, *(a.body for a in model.actions)):
        for st in statements(body):
            if isinstance(st, Assign):
                assigns.append(st)
            elif isinstance(st, (Check, If)):
                seen |= reads(st.cond)
            elif isinstance(st, For):
                seen |= reads(st.start) | reads(st.stop)
            elif isinstance(st, Let):
                seen |= reads(st.value)
    grew = True
    while grew:  # the values written into observed variables are observed
        grew = False
        for a in assigns:
            if a.var in seen:
                new = reads(a.value).union(*(reads(i) for i in a.index)) - seen
                if new:
                    seen |= new
                    grew = True
    return frozenset(seen)


def unobserved(model: Model, extra: Iterable[Expr] = (), names: Iterable[str] = ()) -> list[str]:
    """The state variables a search can leave out of the state, in layout order."""
    keep = observed(model, extra, names)
    return [v.name for v in model.state_vars if v.name not in keep]


def restrict(model: Model, dropped: Iterable[str]) -> Model:
    """``model`` without the state variables ``dropped`` and every assignment to them
    (sound only for variables :func:`unobserved` names: see the module's docstring).
    Nothing else changes: the actions, their parameters and labels, and the read sites,
    numbered as before."""
    gone = frozenset(dropped)
    if not gone:
        return model
    unknown = gone - {v.name for v in model.state_vars}
    if unknown:
        raise KeyError(f"no state variable {', '.join(sorted(unknown))}")

    def body(stmts: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        for st in stmts:
            if isinstance(st, Assign):
                if st.var not in gone:
                    out.append(st)
            elif isinstance(st, If):
                out.append(dataclasses.replace(st, then=body(st.then), orelse=body(st.orelse)))
            elif isinstance(st, For):
                out.append(dataclasses.replace(st, body=body(st.body)))
            elif isinstance(st, ForEach):
                kept = tuple(a for a in st.body if a.var not in gone)
                if kept:
                    out.append(dataclasses.replace(st, body=kept))
            else:
                out.append(st)
        return tuple(out)

    return dataclasses.replace(
        model, state_vars=tuple(v for v in model.state_vars if v.name not in gone), init=body(model.init),
        actions=tuple(dataclasses.replace(a, body=body(a.body)) for a in model.actions))
