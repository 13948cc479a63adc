"""The IR's operators and statements over Z3 terms, shared by the two symbolic
translations (checker/interp/symbolic.py for one configuration, checker/interp/universal.py
for every size).

A value is a Python constant, folded exactly as the compiled Python computes it, or a Z3
term; a subclass says how to turn a value into a bit-vector or a boolean term and how to
choose between two values, and translates the leaves (names, state, quantifiers).
:class:`Statements` runs a body over a store the same way in both: locals, read sites and
the two sides of an ``If``; the stores, writes and loops are each translation's own."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

import z3

from checker.errors import ReportcheckError
from spec.expr import Cfg, Expr, Get, Lit, Name, Op, Quant, emptiness_test
from spec.ir import Assign, Check, For, If, Let, Stmt
from spec.walk import Walker

Term: TypeAlias = Any  # an int or bool (a folded constant) or a Z3 term; z3 has no types for mypy


class SymbolicError(ReportcheckError):
    """The IR holds something this interpreter cannot translate (a bug in the spec or here)."""


# the IR's binary operators, for Python ints and Z3 bit-vectors alike
ARITH: dict[str, Callable[[Any, Any], Any]] = {
    "lt": operator.lt, "le": operator.le, "add": operator.add, "sub": operator.sub, "mul": operator.mul,
    "xor": operator.xor, "bitand": operator.and_, "shl": operator.lshift, "shr": operator.rshift,
}


def truth(t: Term) -> bool | None:
    """The truth of a constant, None for a term."""
    return bool(t) if isinstance(t, int) else None


def numeral(t: Term) -> int | None:
    return int(t) if isinstance(t, int) else None


def same(a: Term, b: Term) -> bool:
    """Two values that are the same constant or the same term."""
    if isinstance(a, int) or isinstance(b, int):
        return isinstance(a, int) and isinstance(b, int) and int(a) == int(b)
    return bool(a.eq(b))


class Operators:
    """``op`` for every operator of the IR; ``expr`` and the conversions are the subclass's."""

    def expr(self, e: Expr, env: Any) -> Term:
        """``env`` has ``names`` (parameters and locals); the leaves are the subclass's."""
        if isinstance(e, Lit):
            return e.value
        if isinstance(e, Name):
            if e.name not in env.names:
                raise SymbolicError(f"unbound name {e.name!r}")
            return env.names[e.name]
        if isinstance(e, Cfg):
            return self.constant(e.name)
        if isinstance(e, Get):
            return self.read(e.var, e.index, env)
        if isinstance(e, Op):
            return self.op(e, env)
        if isinstance(e, Quant):
            return self.quant(e, env)
        raise SymbolicError(f"cannot translate {e!r}")

    def constant(self, name: str) -> Term:
        raise NotImplementedError

    def read(self, var: str, index: tuple[Expr, ...], env: Any) -> Term:
        raise NotImplementedError

    def quant(self, e: Quant, env: Any) -> Term:
        raise NotImplementedError

    def int_term(self, t: Term) -> z3.BitVecRef:
        raise NotImplementedError

    def bool_term(self, t: Term) -> z3.BoolRef:
        raise NotImplementedError

    def choose(self, c: z3.BoolRef, a: Term, b: Term) -> Term:
        raise NotImplementedError

    def op(self, e: Op, env: Any) -> Term:
        if e.op in ("and", "or"):
            return self.junction(e, env)
        test = emptiness_test(e)
        if test is not None:
            return self.expr(test, env)
        args = [self.expr(a, env) for a in e.args]
        if e.op == "not":
            t = truth(args[0])
            return (not t) if t is not None else z3.Not(self.bool_term(args[0]))
        if e.op == "ite":
            t = truth(args[0])
            if t is not None:
                return args[1] if t else args[2]
            return self.choose(self.bool_term(args[0]), args[1], args[2])
        if e.op in ("eq", "ne"):
            a, b = args
            if isinstance(a, int) and isinstance(b, int):
                eq: Term = int(a) == int(b)
            elif z3.is_expr(a) and z3.is_expr(b) and z3.is_bool(a) and z3.is_bool(b):
                eq = a == b
            else:
                eq = self.int_term(a) == self.int_term(b)
            if e.op == "eq":
                return eq
            return (not eq) if isinstance(eq, bool) else z3.Not(eq)
        return self.arith(e.op, args[0], args[1])

    def junction(self, e: Op, env: Any) -> Term:
        """and/or, short-circuited on constants as Python's ``and``/``or`` are."""
        is_and = e.op == "and"
        terms: list[z3.BoolRef] = []
        for a in e.args:
            v = self.expr(a, env)
            t = truth(v)
            if t is None:
                terms.append(self.bool_term(v))
            elif t != is_and:  # a false conjunct or a true disjunct decides
                return not is_and
        if not terms:
            return is_and
        return z3.And(terms) if is_and else z3.Or(terms)

    def arith(self, op: str, a: Term, b: Term) -> Term:
        """A binary operator: folded on two constants exactly as the compiled Python
        computes it, else the same operator on bit-vector terms (``>>`` is arithmetic)."""
        if op in ("min", "max"):
            if isinstance(a, int) and isinstance(b, int):
                return min(int(a), int(b)) if op == "min" else max(int(a), int(b))
            x, y = self.int_term(a), self.int_term(b)
            return z3.If(x <= y, x, y) if op == "min" else z3.If(x >= y, x, y)
        if op not in ARITH:
            raise SymbolicError(f"cannot translate operator {op!r}")
        if isinstance(a, int) and isinstance(b, int):
            return ARITH[op](int(a), int(b))
        if op == "add" and isinstance(b, int) and b == 0:
            return a
        if op == "add" and isinstance(a, int) and a == 0:
            return b
        if op == "mul" and isinstance(b, int) and b == 1:
            return a
        if op == "mul":
            for x, y in ((a, b), (b, a)):
                k = power_of_two_exponent(y)
                if k is not None:  # x * (1 << k) is x << k, bit for bit: a shift, not a multiplier
                    return ARITH["shl"](self.int_term(x), self.int_term(k))
        return ARITH[op](self.int_term(a), self.int_term(b))


def power_of_two_exponent(t: Term) -> Term | None:
    """k when ``t`` is ``1 << k`` (a term) or a positive power of two (a constant), else None.

    On bit-vectors of any width W, ``x * (1 << k)`` and ``x << k`` are the same function:
    for k < W both are x times 2^k modulo 2^W, and for k >= W both are 0 (``bvshl`` gives 0).
    The solver then sees a barrel shifter instead of a W x W multiplier."""
    if isinstance(t, bool):
        return None
    if isinstance(t, int):
        n = int(t)
        return n.bit_length() - 1 if n > 0 and n & (n - 1) == 0 and n > 1 else None
    if z3.is_app_of(t, z3.Z3_OP_BSHL):
        one = t.arg(0)
        if z3.is_bv_value(one) and one.as_long() == 1:
            return t.arg(1)
    return None


class Statements(Operators, Walker[Any, None]):
    """Statements over a store with ``names`` (locals) and ``pc`` (the path condition).

    A subclass writes state (:meth:`write`), records a failed read site
    (:meth:`violated`), makes the store of one side of an ``If`` (:meth:`fork`) and
    merges the two back (:meth:`join`), and runs ``For`` and ``ForEach`` its own way."""

    def stmts(self, body: Sequence[Stmt], env: Any) -> None:
        for st in body:
            self.stmt(st, env)

    def assign(self, st: Assign, env: Any) -> None:
        self.write(st.var, st.index, self.expr(st.value, env), env)

    def let(self, st: Let, env: Any) -> None:
        env.names[st.name] = self.expr(st.value, env)

    def check(self, st: Check, env: Any) -> None:
        """The read site fails where the path reaches it and its condition is false."""
        ok = self.expr(st.cond, env)
        if truth(ok) is not True:
            self.violated(st, z3.And(env.pc, z3.Not(self.bool_term(ok))), env)

    def if_(self, st: If, env: Any) -> None:
        """A condition the constants decide runs one side; else both, each on its own
        store, merged with ``If(cond, then, else)``."""
        c = self.expr(st.cond, env)
        known = truth(c)
        if known is not None:
            self.stmts(st.then if known else st.orelse, env)
            return
        cond = self.bool_term(c)
        then, orelse = self.fork(env, z3.And(env.pc, cond)), self.fork(env, z3.And(env.pc, z3.Not(cond)))
        self.stmts(st.then, then)
        self.stmts(st.orelse, orelse)
        self.join(env, cond, then, orelse)

    def unroll(self, st: For, start: int, stop: int, env: Any) -> None:
        for i in range(start, stop):
            env.names[st.var] = i
            self.stmts(st.body, env)

    def merge_names(self, cond: z3.BoolRef, then: dict[str, Term], orelse: dict[str, Term]) -> dict[str, Term]:
        """The locals after an If: a local bound in one branch only is not read after it
        (in order: the same terms every run)."""
        return {k: self.choose(cond, then[k], orelse[k]) for k in then if k in orelse}

    def write(self, var: str, index: tuple[Expr, ...], value: Term, env: Any) -> None:
        raise NotImplementedError

    def violated(self, st: Check, bad: z3.BoolRef, env: Any) -> None:
        raise NotImplementedError

    def fork(self, env: Any, pc: z3.BoolRef) -> Any:
        raise NotImplementedError

    def join(self, env: Any, cond: z3.BoolRef, then: Any, orelse: Any) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class Bits:
    """Signed bit-vectors of one width: the integers of one configuration."""

    width: int

    @staticmethod
    def for_config(npfn: int, max_order: int, largest_domain: int) -> Bits:
        """Wide enough that no value the model computes can wrap: the largest is a sum of
        chunk sizes over every page and order (at most npfn * 2^max_order), a position
        sum (at most 2 * npfn), or a domain value; doubled, plus the sign bit."""
        largest = max(npfn << max_order, 2 * npfn, largest_domain)
        return Bits((4 * largest).bit_length() + 1)

    def bv(self, value: int) -> z3.BitVecRef:
        return z3.BitVecVal(value, self.width)

    def as_int(self, t: Term) -> z3.BitVecRef:
        """The value as a bit-vector term."""
        if isinstance(t, int):
            return self.bv(int(t))
        if isinstance(t, z3.BoolRef):
            return z3.If(t, self.bv(1), self.bv(0))
        return t

    @staticmethod
    def as_bool(t: Term) -> z3.BoolRef:
        """The value as a Z3 boolean (non-zero is true, as in the compiled Python)."""
        if isinstance(t, int):
            return z3.BoolVal(bool(t))
        if isinstance(t, z3.BoolRef):
            return t
        return t != 0

    def merge(self, c: z3.BoolRef, a: Term, b: Term) -> Term:
        """``If(c, a, b)`` for two values, keeping equal constants constant."""
        if same(a, b):
            return a
        if isinstance(a, z3.BoolRef) and isinstance(b, z3.BoolRef):
            return z3.If(c, a, b)
        return z3.If(c, self.as_int(a), self.as_int(b))
