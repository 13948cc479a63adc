"""Walks over the IR: the one place that knows which statements and expressions hold
which others.

Every analysis that only looks at the IR -- the names a guard reads, the read sites of
an action, the state a loop writes -- is a few lines over :func:`statements` or
:func:`subexprs`.  The interpreters (``checker.interp``: compiled Python, Z3 for one
configuration, Z3 for every size) extend :class:`Walker`, which sends each statement
to the hook for its kind.  It lives in ``spec/`` so that the spec's own checks can use it
too (``spec/`` imports nothing from ``checker/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Generic, TypeVar

from spec.expr import Expr, Get, Name, Op, Quant
from spec.ir import Action, Assign, Check, For, ForEach, If, Let, Stmt

Ctx = TypeVar("Ctx")
R = TypeVar("R")


# ------------------------------------------------------------------- expressions
def subexprs(e: Expr) -> Iterator[Expr]:
    """``e`` and every expression inside it (indices, arguments, quantifier bodies),
    parents before their children."""
    yield e
    inner: tuple[Expr, ...] = (e.index if isinstance(e, Get) else e.args if isinstance(e, Op)
                               else (e.body,) if isinstance(e, Quant) else ())
    for x in inner:
        yield from subexprs(x)


def reads(e: Expr) -> frozenset[str]:
    """The state variables an expression reads."""
    return frozenset(x.var for x in subexprs(e) if isinstance(x, Get))


def has_quantifier(e: Expr) -> bool:
    return any(isinstance(x, Quant) for x in subexprs(e))


def free_names(e: Expr) -> frozenset[str]:
    """Names (parameters, locals) an expression reads, less those its quantifiers bind."""
    if isinstance(e, Name):
        return frozenset((e.name,))
    if isinstance(e, Quant):
        return free_names(e.body) - {e.var}
    return frozenset().union(*(free_names(x) for x in (e.index if isinstance(e, Get)
                                                         else e.args if isinstance(e, Op) else ())))


# -------------------------------------------------------------------- statements
def statements(body: Iterable[Stmt]) -> Iterator[Stmt]:
    """Every statement of ``body`` and of the blocks inside it, in program order."""
    for st in body:
        yield st
        if isinstance(st, If):
            yield from statements(st.then)
            yield from statements(st.orelse)
        elif isinstance(st, (For, ForEach)):
            yield from statements(st.body)


def checks(body: Iterable[Stmt]) -> Iterator[Check]:
    """The read sites of ``body``, in program order."""
    return (st for st in statements(body) if isinstance(st, Check))


def action_checks(actions: Iterable[Action]) -> Iterator[tuple[Action, Check]]:
    """Every read site of every action, with its action."""
    return ((a, c) for a in actions for c in checks(a.body))


def site_reads(body: Iterable[Stmt]) -> frozenset[str]:
    """The state variables the read sites of ``body`` read."""
    return frozenset().union(*(reads(c.cond) for c in checks(body)))


def written(body: Iterable[Stmt]) -> tuple[set[str], set[str]]:
    """The state variables and the locals (``Let`` names, ``For`` variables) a block of
    statements may write."""
    vars_: set[str] = set()
    names: set[str] = set()
    for st in statements(body):
        if isinstance(st, Assign):
            vars_.add(st.var)
        elif isinstance(st, Let):
            names.add(st.name)
        elif isinstance(st, For):
            names.add(st.var)
    return vars_, names


# ---------------------------------------------------------------- interpreters
class Walker(Generic[Ctx, R]):
    """The skeleton every statement interpreter shares: :meth:`stmt` hands a statement
    and the interpreter's context (generated-code indentation, a symbolic store) to the
    hook for its kind; the hooks are the interpreter's."""

    def stmt(self, st: Stmt, ctx: Ctx) -> R:
        if isinstance(st, Assign):
            return self.assign(st, ctx)
        if isinstance(st, Let):
            return self.let(st, ctx)
        if isinstance(st, If):
            return self.if_(st, ctx)
        if isinstance(st, For):
            return self.for_(st, ctx)
        if isinstance(st, ForEach):
            return self.for_each(st, ctx)
        if isinstance(st, Check):
            return self.check(st, ctx)
        raise TypeError(f"not a statement of the IR: {st!r}")

    def assign(self, st: Assign, ctx: Ctx) -> R:
        raise NotImplementedError

    def let(self, st: Let, ctx: Ctx) -> R:
        raise NotImplementedError

    def if_(self, st: If, ctx: Ctx) -> R:
        raise NotImplementedError

    def for_(self, st: For, ctx: Ctx) -> R:
        raise NotImplementedError

    def for_each(self, st: ForEach, ctx: Ctx) -> R:
        raise NotImplementedError

    def check(self, st: Check, ctx: Ctx) -> R:
        raise NotImplementedError
