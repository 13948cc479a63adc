"""Which state variables a model can observe: the cone of influence of its claims.

A variable is observed when a guard, a claim (state invariant), a read site, a branch
condition, a loop bound or a ``Let`` reads it, or when an assignment to an observed
variable reads it (in its value or its index); ``extra`` adds what an observer reads.
Every other variable is only ever written into variables like itself: no guard, claim or
read site can tell two states apart that differ only there, so a search may leave it out
of the state without changing any verdict, counterexample or read-site tally (only the
number of states it counts).  Branch conditions, loop bounds and ``Let`` values are taken
as observed whatever they decide (a coarser, simpler and still sound cone).

This is the analysis the issue's "only what is read is stored" needs; the search does not
drop these variables from its state yet.
"""

from __future__ import annotations

from collections.abc import Iterable

from spec.expr import Expr
from spec.ir import Assign, Check, For, If, Let, Model
from spec.walk import reads, statements


def observed(model: Model, extra: Iterable[Expr] = ()) -> frozenset[str]:
    """The state variables of ``model`` that its guards, claims and read sites (and
    ``extra``) depend on."""
    seen: set[str] = set().union(*(reads(e) for e in extra))
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


def unobserved(model: Model, extra: Iterable[Expr] = ()) -> list[str]:
    """The state variables a search could leave out of the state, in layout order."""
    keep = observed(model, extra)
    return [v.name for v in model.state_vars if v.name not in keep]
