"""The symbolic interpreter: Z3 terms for the initial state, the transition relation and
the invariants of a spec Model, derived from the same IR the concrete interpreter compiles.

No transition is written a second time here.  The translation is a symbolic execution
of each action body over one configuration:

- a state is one bit-vector per element of every state variable (``where[3]`` is one
  term), constrained to its domain;
- an action's parameters are fresh constants constrained to their domains, its guard is
  the conjunction of its guard expressions;
- statements run in order over an environment of terms; an ``If`` runs both branches
  and merges every element and local with ``If(cond, then, else)``; ``For`` loops have
  bounds fixed by the configuration and are unrolled; ``ForEach`` reads every right-hand
  side before writing; a read at a symbolic index is a chain of ``If`` over the
  elements, a write updates every element it may hit;
- quantifiers range over the configuration's sorts and are expanded (``find`` is the
  first match, as in the compiled Python);
- a ``Check`` (read site) contributes "the site is reached and its condition is false"
  to the violation term of its invariant.

Integers are signed bit-vectors (:class:`Bits`) so that the kernel's pfn arithmetic
(``pfn ^ (1 << order)``, ``pfn & buddy``, shifts) is exact; the width is chosen per
configuration so that no value the model computes can wrap.  A counterexample read back from a Z3 model is never shown as
it is: the engines rebuild it with :func:`checker.trace.build.build_trace`, which replays it
on the concrete interpreter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

from checker.interp.layout import Layout
from checker.interp.terms import Bits, Statements, SymbolicError, Term, numeral, same, truth
from spec.expr import Expr, Quant
from spec.ir import Action, Check, For, ForEach, Model

State = list[z3.BitVecRef]


@dataclass
class Env:
    """The symbolic store while a body runs: state elements, locals, path condition."""

    elems: list[Term]
    names: dict[str, Term]
    pc: z3.BoolRef
    violations: dict[str, list[z3.BoolRef]] = field(default_factory=dict)

    def copy(self, pc: z3.BoolRef) -> Env:
        """The store for one branch of an If: same values, its own path condition, and
        no violations yet (the branch's own are added to this store after the merge)."""
        return Env(list(self.elems), dict(self.names), pc)


@dataclass(frozen=True)
class StepTerms:
    """One symbolic transition s -> t: which action (``choice``), its parameters, the
    constraint that relates s and t, and per invariant the term "a read site failed"."""

    choice: z3.BitVecRef
    params: dict[str, tuple[z3.BitVecRef, ...]]  # action name -> its parameter constants
    relation: z3.BoolRef
    violations: dict[str, z3.BoolRef]


class SymbolicModel(Statements):
    """Z3 terms for one Model: states, ``init``, ``step`` (T), invariants."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.layout = Layout.of(model)
        cfg = model.config
        self.b = Bits.for_config(cfg.npfn, cfg.max_order, max(v.domain.size for v in model.state_vars))
        self.sort_size = {name: d.size for name, d in model.sorts.items()}
        self.domain_size: list[int] = []
        for v in model.state_vars:
            self.domain_size += [v.domain.size] * v.length
        # each element is stored in as few bits as its domain needs (where: 3, reported:
        # 1, ...) and widened when read: smaller multiplexers for the solver
        self.elem_width = [max(1, (size - 1).bit_length()) for size in self.domain_size]
        self.initial_values = self._run_init()

    # ----------------------------------------------------------------- states
    def state(self, tag: str) -> State:
        """A fresh state: one constant per element, named ``var[i]@tag``."""
        out: State = []
        for v in self.model.state_vars:
            for k in range(v.length):
                out.append(z3.BitVec(f"{v.name}[{k}]@{tag}", self.elem_width[len(out)]))
        return out

    def in_domain(self, s: State) -> z3.BoolRef:
        """Every element holds a value of its domain (what the byte encoding can hold)."""
        return z3.And([z3.ULT(x, size) for x, size, w in zip(s, self.domain_size, self.elem_width)
                       if size < (1 << w)])

    def init(self, s: State) -> z3.BoolRef:
        return z3.And([x == v for x, v in zip(s, self.initial_values)])

    def _run_init(self) -> list[int]:
        env = Env([0] * self.layout.length, {}, z3.BoolVal(True))
        self.stmts(self.model.init, env)
        out = []
        for x in env.elems:
            if not isinstance(x, int):
                raise SymbolicError("the initial state is not a constant")
            out.append(int(x))
        return out

    def values(self, m: z3.ModelRef, s: State) -> bytes:
        """The concrete state a Z3 model gives ``s``, in the compiled byte encoding."""
        out = bytearray()
        for x in s:
            v = m.eval(x, model_completion=True)
            out.append(v.as_long() & 0xFF if isinstance(v, z3.BitVecNumRef) else 0)
        return bytes(out)

    # -------------------------------------------------------------- invariants
    def state_invariant(self, name: str, s: Sequence[Term]) -> z3.BoolRef | None:
        """The invariant's state predicate over ``s``, or None if it only has read sites."""
        inv = next((i for i in self.model.invariants if i.name == name), None)
        if inv is None:
            raise SymbolicError(f"unknown invariant {name!r}")
        if inv.expr is None:
            return None
        env = Env(list(s), {}, z3.BoolVal(True))
        return self.b.as_bool(self.expr(inv.expr, env))

    # ------------------------------------------------------------- transitions
    def step(self, s: State, t: State, tag: str) -> StepTerms:
        """T(s, t): the chosen action is enabled in s, and t is what it computes.

        The relation is functional -- each element of t is an If-chain over the choice of
        action -- so that the solver can substitute t away instead of searching it."""
        actions = self.model.actions
        choice = z3.BitVec(f"action@{tag}", self.b.width)
        params: dict[str, tuple[z3.BitVecRef, ...]] = {}
        enabled_if_chosen: list[z3.BoolRef] = []
        nexts: list[list[Term]] = []
        violations: dict[str, list[z3.BoolRef]] = {}
        for i, a in enumerate(actions):
            consts, enabled, env = self.action(a, s, tag)
            params[a.name] = consts
            enabled_if_chosen.append(z3.Implies(choice == i, enabled))
            nexts.append([self.narrow(k, e) for k, e in enumerate(env.elems)])
            for inv, terms in env.violations.items():
                violations.setdefault(inv, []).append(z3.And(choice == i, enabled, z3.Or(terms)))
        equations = []
        for k, x in enumerate(t):
            value = nexts[-1][k]
            for i in reversed(range(len(actions) - 1)):
                value = z3.If(choice == i, nexts[i][k], value)
            equations.append(x == value)
        relation = z3.And(z3.ULT(choice, len(actions)), *enabled_if_chosen, *equations)
        return StepTerms(choice, params, relation, {k: z3.Or(v) for k, v in violations.items()})

    def action(self, a: Action, s: Sequence[Term], tag: str) -> tuple[tuple[z3.BitVecRef, ...], z3.BoolRef, Env]:
        consts = tuple(z3.BitVec(f"{a.name}.{p.name}@{tag}", self.b.width) for p in a.params)
        env = Env(list(s), {p.name: c for p, c in zip(a.params, consts)}, z3.BoolVal(True))
        domain = [z3.And(c >= 0, c < p.domain.size) for p, c in zip(a.params, consts)]
        enabled = z3.And(*domain, *(self.b.as_bool(self.expr(g, env)) for g in a.guard))
        env.pc = enabled
        self.stmts(a.body, env)
        return consts, enabled, env

    # ------------------------------------------------------------- statements
    # (the rest is checker.interp.terms.Statements')
    def for_(self, st: For, env: Env) -> None:
        """Bounds fixed by the configuration: unrolled."""
        self.unroll(st, self.bound(st.start, env), self.bound(st.stop, env), env)

    def for_each(self, st: ForEach, env: Env) -> None:
        """Every right-hand side is read before any element is written."""
        writes: list[tuple[str, tuple[Expr, ...], int, Term]] = []
        for v in range(self.size_of(st.sort)):
            env.names[st.var] = v
            for a in st.body:
                writes.append((a.var, a.index, v, self.int_value(self.expr(a.value, env))))
        for var, index, v, value in writes:
            env.names[st.var] = v
            self.write(var, index, value, env)

    def violated(self, st: Check, bad: z3.BoolRef, env: Env) -> None:
        env.violations.setdefault(st.invariant, []).append(bad)

    def int_value(self, t: Term) -> Term:
        """What an assignment stores: an int (True is 1), never a boolean term."""
        if isinstance(t, int):
            return int(t)
        return self.b.as_int(t)

    def fork(self, env: Env, pc: z3.BoolRef) -> Env:
        return env.copy(pc)

    def join(self, env: Env, cond: z3.BoolRef, then: Env, orelse: Env) -> None:
        env.elems = [self.merge_elem(k, cond, a, b) for k, (a, b) in enumerate(zip(then.elems, orelse.elems))]
        env.names = self.merge_names(cond, then.names, orelse.names)
        for side in (then, orelse):
            for k, terms in side.violations.items():
                env.violations.setdefault(k, []).extend(terms)

    def bound(self, e: Expr, env: Env) -> int:
        n = numeral(self.expr(e, env))
        if n is None:
            raise SymbolicError(f"loop bound {e!r} is not fixed by the configuration")
        return n

    def size_of(self, sort: str) -> int:
        if sort not in self.sort_size:
            raise SymbolicError(f"unknown sort {sort!r}")
        return self.sort_size[sort]

    # ------------------------------------------------------------ array access
    def offset(self, var: str, index: tuple[Expr, ...], env: Env) -> tuple[int, Term, int]:
        """(base, offset within the variable, number of elements)."""
        if var not in self.layout.offsets:
            raise SymbolicError(f"unknown state variable {var!r}")
        strides, sizes = self.layout.strides[var], self.layout.sizes[var]
        if len(index) != len(sizes):
            raise SymbolicError(f"{var} takes {len(sizes)} indices, got {len(index)}")
        off: Term = 0
        for i, st in zip(index, strides):
            off = self.arith("add", off, self.arith("mul", self.expr(i, env), st))
        n = 1
        for size in sizes:
            n *= size
        return self.layout.offsets[var], off, n

    def read(self, var: str, index: tuple[Expr, ...], env: Env) -> Term:
        base, off, n = self.offset(var, index, env)
        k = numeral(off)
        if k is not None:
            return self.widen(env.elems[base + min(max(k, 0), n - 1)])
        o = self.b.as_int(off)
        out = self.narrow(base + n - 1, env.elems[base + n - 1])
        for j in reversed(range(n - 1)):
            out = z3.If(o == j, self.narrow(base + j, env.elems[base + j]), out)
        return self.widen(out)

    def write(self, var: str, index: tuple[Expr, ...], value: Term, env: Env) -> None:
        value = self.int_value(value)
        base, off, n = self.offset(var, index, env)
        k = numeral(off)
        if k is not None:
            if 0 <= k < n:
                env.elems[base + k] = value if isinstance(value, int) else self.narrow(base + k, value)
            return
        o = self.b.as_int(off)
        for j in range(n):
            env.elems[base + j] = self.merge_elem(base + j, o == j, value, env.elems[base + j])

    # ------------------------------------------------------- narrow elements
    # An element holds a Python int or a bit-vector of its own width (elem_width); it is
    # widened when read.  Values written are in their domain -- the concrete interpreter
    # cannot store anything else, and tests/test_compile.py checks the spec's writes --
    # so cutting them to the element's width loses nothing.
    def narrow(self, k: int, t: Term) -> Term:
        """Element k's value at its own width (constants stay constants)."""
        w = self.elem_width[k]
        if isinstance(t, int):
            return z3.BitVecVal(int(t), w)
        t = self.b.as_int(t)
        return t if t.size() == w else z3.Extract(w - 1, 0, t)

    def widen(self, t: Term) -> Term:
        if isinstance(t, int):
            return t
        return z3.ZeroExt(self.b.width - t.size(), t) if t.size() < self.b.width else t

    def merge_elem(self, k: int, c: z3.BoolRef, a: Term, b: Term) -> Term:
        """``If(c, a, b)`` for element k, at its own width."""
        if same(a, b):
            return a
        na, nb = self.narrow(k, a), self.narrow(k, b)
        return na if na.eq(nb) else z3.If(c, na, nb)

    # ------------------------------------------------------------- expressions
    def constant(self, name: str) -> Term:
        if name not in self.model.constants:
            raise SymbolicError(f"unknown configuration constant {name!r}")
        return self.model.constants[name]

    # the conversions checker.interp.terms.Operators builds its operators with
    def int_term(self, t: Term) -> z3.BitVecRef:
        return self.b.as_int(t)

    def bool_term(self, t: Term) -> z3.BoolRef:
        return self.b.as_bool(t)

    def choose(self, c: z3.BoolRef, a: Term, b: Term) -> Term:
        return self.b.merge(c, a, b)

    def quant(self, e: Quant, env: Env) -> Term:
        n = self.size_of(e.sort)
        had = e.var in env.names
        saved = env.names.get(e.var)
        bodies = []
        for v in range(n):
            env.names[e.var] = v
            bodies.append(self.expr(e.body, env))
        if had and saved is not None:
            env.names[e.var] = saved
        else:
            env.names.pop(e.var, None)
        if e.kind in ("exists", "forall"):
            want = e.kind == "exists"  # the value that decides
            terms: list[z3.BoolRef] = []
            for b in bodies:
                t = truth(b)
                if t is None:
                    terms.append(self.b.as_bool(b))
                elif t == want:
                    return want
            if not terms:
                return not want
            return z3.Or(terms) if want else z3.And(terms)
        if e.kind == "count":
            total: Term = 0
            for b in bodies:
                t = truth(b)
                total = self.arith("add", total, int(t) if t is not None else self.b.as_int(self.b.as_bool(b)))
            return total
        if e.kind == "find":
            out: Term = -1
            for v in reversed(range(n)):
                t = truth(bodies[v])
                if t is True:
                    out = v
                elif t is None:
                    out = self.b.merge(self.b.as_bool(bodies[v]), v, out)
            return out
        raise SymbolicError(f"unknown quantifier {e.kind!r}")

