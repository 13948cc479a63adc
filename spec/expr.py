"""Expression trees: the language in which guards, effects and invariants are written.

Every engine reads these trees: the concrete interpreter compiles them to Python, the
symbolic engines translate them to solver terms.  Nothing here evaluates anything but
the configuration constants (:func:`constant_value`).

Python operators build trees (``a == b`` is an ``Op``, not a bool), like z3 or SQLAlchemy;
use :func:`And`, :func:`Or`, :func:`Not` and :func:`Ite` for the boolean structure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

ExprLike = Union["Expr", int, bool]


class Expr:
    """Base of every expression node.  Nodes are immutable and compared by identity."""

    __slots__ = ()
    __hash__ = object.__hash__

    def __eq__(self, other: ExprLike) -> Expr:  # type: ignore[override]
        return Op("eq", (self, lift(other)))

    def __ne__(self, other: ExprLike) -> Expr:  # type: ignore[override]
        return Op("ne", (self, lift(other)))

    def __lt__(self, other: ExprLike) -> Expr:
        return Op("lt", (self, lift(other)))

    def __le__(self, other: ExprLike) -> Expr:
        return Op("le", (self, lift(other)))

    def __gt__(self, other: ExprLike) -> Expr:
        return Op("lt", (lift(other), self))

    def __ge__(self, other: ExprLike) -> Expr:
        return Op("le", (lift(other), self))

    def __add__(self, other: ExprLike) -> Expr:
        return Op("add", (self, lift(other)))

    def __radd__(self, other: ExprLike) -> Expr:
        return Op("add", (lift(other), self))

    def __sub__(self, other: ExprLike) -> Expr:
        return Op("sub", (self, lift(other)))

    def __rsub__(self, other: ExprLike) -> Expr:
        return Op("sub", (lift(other), self))

    def __neg__(self) -> Expr:
        return Op("sub", (Lit(0), self))

    def __mul__(self, other: ExprLike) -> Expr:
        return Op("mul", (self, lift(other)))

    def __rmul__(self, other: ExprLike) -> Expr:
        return Op("mul", (lift(other), self))

    def __xor__(self, other: ExprLike) -> Expr:
        return Op("xor", (self, lift(other)))

    def __rxor__(self, other: ExprLike) -> Expr:
        return Op("xor", (lift(other), self))

    def __and__(self, other: ExprLike) -> Expr:
        """Bitwise and of integers (``pfn & buddy_pfn``); use :func:`And` for booleans."""
        return Op("bitand", (self, lift(other)))

    def __lshift__(self, other: ExprLike) -> Expr:
        return Op("shl", (self, lift(other)))

    def __rlshift__(self, other: ExprLike) -> Expr:
        return Op("shl", (lift(other), self))

    def __rshift__(self, other: ExprLike) -> Expr:
        return Op("shr", (self, lift(other)))

    def __bool__(self) -> bool:
        raise TypeError(
            "an expression has no truth value while the spec is being built: "
            "use And/Or/Not/Ite instead of Python's and/or/not/if"
        )


@dataclass(frozen=True, eq=False, slots=True)
class Lit(Expr):
    """An integer (booleans are 0 and 1)."""

    value: int


@dataclass(frozen=True, eq=False, slots=True)
class Name(Expr):
    """An action parameter, a local of an effect, or a bound variable of a quantifier."""

    name: str


@dataclass(frozen=True, eq=False, slots=True)
class Cfg(Expr):
    """A constant of the configuration (``max_order``, ``pageblock_order``, ...)."""

    name: str


@dataclass(frozen=True, eq=False, slots=True)
class Get(Expr):
    """Read of one element of a state variable: ``where[pfn]``, ``nr_free[order]``."""

    var: str
    index: tuple[Expr, ...]


@dataclass(frozen=True, eq=False, slots=True)
class Op(Expr):
    """An operator applied to arguments; the operator names are listed in OPERATORS."""

    op: str
    args: tuple[Expr, ...]

    def __post_init__(self) -> None:
        arity = OPERATORS.get(self.op)
        if arity is None:
            raise ValueError(f"unknown operator {self.op!r}; known: {', '.join(OPERATORS)}")
        if arity >= 0 and len(self.args) != arity:
            raise ValueError(f"operator {self.op!r} takes {arity} arguments, got {len(self.args)}")


@dataclass(frozen=True, eq=False, slots=True)
class Quant(Expr):
    """A quantifier over a sort of the configuration (pfn, block, cpu, ...).

    kind ``exists`` / ``forall``: a boolean; ``count``: how many elements satisfy ``body``;
    ``find``: the element satisfying ``body`` (the spec guarantees at most one), or -1.
    """

    kind: str
    var: str
    sort: str
    body: Expr


# operator -> arity (-1: any number of arguments)
OPERATORS: dict[str, int] = {
    "eq": 2, "ne": 2, "lt": 2, "le": 2,
    "add": 2, "sub": 2, "mul": 2, "xor": 2, "bitand": 2, "shl": 2, "shr": 2,
    "min": 2, "max": 2,
    "not": 1, "and": -1, "or": -1, "ite": 3,
}
QUANTIFIERS = ("exists", "forall", "count", "find")

TRUE = Lit(1)
FALSE = Lit(0)
NONE = Lit(-1)  # "no page": the answer of Find when nothing matches


def lift(value: ExprLike) -> Expr:
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool):
        return Lit(int(value))
    if isinstance(value, int):
        return Lit(value)
    raise TypeError(f"cannot use {value!r} in a spec expression")


def And(*args: ExprLike) -> Expr:
    items = tuple(lift(a) for a in args)
    return items[0] if len(items) == 1 else Op("and", items) if items else TRUE


def Or(*args: ExprLike) -> Expr:
    items = tuple(lift(a) for a in args)
    return items[0] if len(items) == 1 else Op("or", items) if items else FALSE


def Not(arg: ExprLike) -> Expr:
    return Op("not", (lift(arg),))


def Implies(a: ExprLike, b: ExprLike) -> Expr:
    return Or(Not(a), b)


def Ite(cond: ExprLike, then: ExprLike, orelse: ExprLike) -> Expr:
    return Op("ite", (lift(cond), lift(then), lift(orelse)))


def Min(a: ExprLike, b: ExprLike) -> Expr:
    return Op("min", (lift(a), lift(b)))


def Max(a: ExprLike, b: ExprLike) -> Expr:
    return Op("max", (lift(a), lift(b)))


def In(value: ExprLike, choices: tuple[int, ...] | list[int]) -> Expr:
    """``value`` is one of the constant ``choices``."""
    return Or(*(lift(value) == c for c in choices)) if choices else FALSE


def Exists(var: str, sort: str, body: ExprLike) -> Expr:
    return Quant("exists", var, sort, lift(body))


def Forall(var: str, sort: str, body: ExprLike) -> Expr:
    return Quant("forall", var, sort, lift(body))


def Count(var: str, sort: str, body: ExprLike) -> Expr:
    return Quant("count", var, sort, lift(body))


def Find(var: str, sort: str, body: ExprLike) -> Expr:
    return Quant("find", var, sort, lift(body))


class StateVarRef:
    """``where[p]`` sugar: indexing a reference builds a :class:`Get`."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __getitem__(self, index: ExprLike | tuple[ExprLike, ...]) -> Get:
        items = index if isinstance(index, tuple) else (index,)
        return Get(self.name, tuple(lift(i) for i in items))

    @property
    def value(self) -> Get:
        """The value of a scalar (zero-dimensional) variable."""
        return Get(self.name, ())


def emptiness_test(e: Op) -> Expr | None:
    """``0 < Count(v, s, b)`` as ``Exists(v, s, b)`` and ``Count(v, s, b) == 0`` as its
    negation, or None: the same claim without counting, which every engine can decide at
    the first witness (and a solver without adders)."""
    a, b = e.args if len(e.args) == 2 else (None, None)
    if e.op == "lt" and isinstance(a, Lit) and a.value == 0 and isinstance(b, Quant) and b.kind == "count":
        return Quant("exists", b.var, b.sort, b.body)
    if e.op == "eq" and isinstance(a, Quant) and a.kind == "count" and isinstance(b, Lit) and b.value == 0:
        return Not(Quant("exists", a.var, a.sort, a.body))
    return None


_ARITH: dict[str, Callable[[int, int], int]] = {
    "eq": lambda a, b: int(a == b), "ne": lambda a, b: int(a != b), "lt": lambda a, b: int(a < b),
    "le": lambda a, b: int(a <= b), "add": lambda a, b: a + b, "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b, "xor": lambda a, b: a ^ b, "bitand": lambda a, b: a & b,
    "shl": lambda a, b: a << b, "shr": lambda a, b: a >> b, "min": min, "max": max,
}


def constant_value(expr: Expr, constants: dict[str, int]) -> int:
    """The value of an expression over configuration constants and literals only (the
    definitions and assumptions of spec.catalog); ValueError on anything that reads state,
    a name or a quantifier, or on a constant not in ``constants``."""
    if isinstance(expr, Lit):
        return expr.value
    if isinstance(expr, Cfg):
        if expr.name not in constants:
            raise ValueError(f"constant {expr.name!r} is used before it is defined")
        return constants[expr.name]
    if isinstance(expr, Op):
        args = [constant_value(a, constants) for a in expr.args]
        if expr.op in _ARITH:
            return int(_ARITH[expr.op](args[0], args[1]))
        if expr.op == "not":
            return int(not args[0])
        if expr.op == "and":
            return int(all(args))
        if expr.op == "or":
            return int(any(args))
        return args[1] if args[0] else args[2]  # ite
    raise ValueError(f"not a constant expression: {expr!r}")
