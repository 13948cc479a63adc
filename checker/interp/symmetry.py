"""CPU symmetry: whether a model treats the values of its ``cpu`` sort alike, checked on the
IR, and the canonical form of a state under the permutations of those values.

A permutation ``pi`` of the CPUs acts on a state by moving every element of a variable
indexed by the CPU sort from index ``c`` to ``pi(c)`` and by mapping every value of a
variable whose domain is the CPU sort through ``pi``.  When every ``pi`` is an automorphism
of the model -- it maps the initial state to itself, a step ``s -a(args)-> t`` to the step
``pi(s) -a(pi(args))-> pi(t)`` with the same read sites failing, and keeps every claim's
truth -- a breadth-first search may store one state of each orbit (its canonical form:
the least of ``pi(s)`` over every ``pi``, bytes compared) and still decide every claim: an
orbit is reached at the depth of each of its states, so shortest counterexamples keep
their length, and a path between canonical states unfolds into a concrete one by taking,
step by step from the initial state, a concrete successor whose canonical form is the
next (:func:`unfold`): it exists because the concrete state at each step is a permutation
of the canonical one.

:func:`cpu_symmetry` checks that sufficient condition on the IR, generically, by typing
every expression as a CPU or not:

- CPUs are the parameters whose domain is the CPU sort (an action's steps are enumerated
  for every CPU), the variables of quantifiers and ``ForEach`` over it, reads of
  variables whose domain is it, ``Let`` locals bound to a CPU, and ``Ite`` of two CPUs;
- a CPU may only be compared for (in)equality with another CPU, index a CPU dimension,
  be written into a CPU variable or bound by ``Let``; nothing else (no literal, no order,
  no arithmetic, no ``Find`` over the CPUs, whose "first" depends on the numbering) --
  and a CPU dimension is indexed only by a CPU;
- the initial state is checked to be fixed by every permutation (it is computed, so the
  init's statements need no typing).

Under these rules every expression evaluates on ``pi(s)`` (with its CPU locals mapped) to
``pi`` of its value when it is a CPU, and to its value otherwise: the induction over the
expression is the proof, rule by rule.  When the check fails the reason names the first
construct that breaks it, and the search stores every state.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from checker.errors import ReportcheckError
from checker.interp.layout import Layout
from spec.expr import Cfg, Expr, Get, Lit, Name, Op, Quant
from spec.ir import Assign, Check, Domain, For, ForEach, If, Let, Model, Stmt

SORT = "cpu"


@dataclass(frozen=True)
class Symmetry:
    """The permutations of the CPU sort as maps of the flat state: for each permutation
    other than the identity, ``dst[k]`` is where element ``k`` goes and ``values`` the
    permuted CPU numbers; ``valued[k]`` says element ``k`` holds a CPU (its value is mapped)."""

    sort: str
    size: int
    perms: tuple[tuple[int, ...], ...]
    dst: tuple[tuple[int, ...], ...]
    valued: tuple[bool, ...]

    def apply(self, s: bytes, p: int) -> bytes:
        """``s`` under the ``p``-th permutation."""
        out = bytearray(len(s))
        values, dst = self.perms[p], self.dst[p]
        for k, v in enumerate(s):
            out[dst[k]] = values[v] if self.valued[k] else v
        return bytes(out)

    def canon(self, s: bytes) -> bytes:
        """The least state of ``s``'s orbit (bytes compared), as the C search computes it."""
        best = s
        for p in range(len(self.perms)):
            m = self.apply(s, p)
            best = min(best, m)
        return best

    def describe(self) -> str:
        return f"{self.sort} symmetry: one state stored per orbit of the {len(self.perms) + 1} permutations " \
               f"of the {self.size} CPUs"


@dataclass(frozen=True)
class SymmetryCheck:
    """What :func:`cpu_symmetry` found: the symmetry, or None and why not."""

    symmetry: Symmetry | None
    reason: str


def cpu_symmetry(model: Model, initial: bytes, sort: str = SORT) -> SymmetryCheck:
    """The CPU symmetry of ``model`` (its initial state ``initial``) if the IR shows it."""
    dom = model.sorts.get(sort)
    if dom is None:
        return SymmetryCheck(None, f"no {sort} sort")
    if dom.size < 2:
        return SymmetryCheck(None, f"{dom.size} {sort}: nothing to permute")
    typer = _Typer(model, dom, sort)
    problem = typer.first_problem()
    if problem is not None:
        return SymmetryCheck(None, f"not symmetric in the {sort}s: {problem}")
    sym = _tables(model, dom, sort)
    images = [sym.apply(initial, p) for p in range(len(sym.perms))]
    if any(m != initial for m in images):
        lay = Layout.of(model)
        moved = [v.name for v in model.state_vars
                 if any(m[lay.offsets[v.name]:lay.offsets[v.name] + v.length]
                        != initial[lay.offsets[v.name]:lay.offsets[v.name] + v.length] for m in images)]
        return SymmetryCheck(None, f"not symmetric in the {sort}s: the initial state gives "
                                   f"{', '.join(moved)} a particular {sort}")
    return SymmetryCheck(sym, sym.describe())


def _tables(model: Model, dom: Domain, sort: str) -> Symmetry:
    lay = Layout.of(model)
    perms = [p for p in itertools.permutations(range(dom.size)) if list(p) != list(range(dom.size))]
    valued: list[bool] = []
    for v in model.state_vars:
        valued += [v.domain == dom] * v.length
    dsts = []
    for p in perms:
        dst = [0] * lay.length
        for v in model.state_vars:
            sizes, strides, base = lay.sizes[v.name], lay.strides[v.name], lay.offsets[v.name]
            for idx in itertools.product(*(range(n) for n in sizes)):
                at = base + sum(i * st for i, st in zip(idx, strides))
                moved = [p[i] if d == dom else i for i, d in zip(idx, v.dims)]
                dst[at] = base + sum(i * st for i, st in zip(moved, strides))
        dsts.append(tuple(dst))
    return Symmetry(sort, dom.size, tuple(perms), tuple(dsts), tuple(valued))


class _Problem(ReportcheckError):
    """A construct the symmetry check refuses (caught: it becomes the reason)."""


class _Typer:
    """Types every expression of the model's actions and claims as a CPU or not; the
    first use that breaks the rules of the module's docstring is the problem."""

    def __init__(self, model: Model, dom: Domain, sort: str) -> None:
        self.model, self.dom, self.sort = model, dom, sort
        self.vars = {v.name: v for v in model.state_vars}
        self.where = ""

    def first_problem(self) -> str | None:
        try:
            for inv in self.model.invariants:
                if inv.expr is not None:
                    self.where = f"claim {inv.name}"
                    self.boolean(inv.expr, {})
            for a in self.model.actions:
                env = {p.name: p.domain == self.dom for p in a.params}
                self.where = f"{a.name}'s guard"
                for g in a.guard:
                    self.boolean(g, env)
                self.where = a.name
                self.body(a.body, dict(env))
        except _Problem as e:
            return f"{self.where}: {e}"
        return None

    def fail(self, what: str) -> None:
        raise _Problem(what)

    # ------------------------------------------------------------ expressions
    def boolean(self, e: Expr, env: dict[str, bool]) -> None:
        if self.cpu(e, env):
            self.fail(f"a {self.sort} used as a truth value ({_show(e)})")

    def cpu(self, e: Expr, env: dict[str, bool]) -> bool:
        """Whether ``e`` is a CPU (raises _Problem on a use the rules forbid)."""
        if isinstance(e, (Lit, Cfg)):
            return False
        if isinstance(e, Name):
            return env.get(e.name, False)
        if isinstance(e, Get):
            self.index(e.var, e.index, env)
            return self.vars[e.var].domain == self.dom
        if isinstance(e, Quant):
            if e.sort == self.sort and e.kind == "find":
                self.fail(f"Find over the {self.sort}s (its first match depends on their numbering)")
            inner = {**env, e.var: e.sort == self.sort}
            if self.cpu(e.body, inner):
                self.fail(f"a {self.sort} as a quantifier's body ({_show(e)})")
            return False
        if isinstance(e, Op):
            kinds = [self.cpu(x, env) for x in e.args]
            if e.op in ("eq", "ne"):
                if kinds[0] != kinds[1]:
                    self.fail(f"a {self.sort} compared with a value that is not one ({_show(e)})")
                return False
            if e.op == "ite":
                if kinds[0]:
                    self.fail(f"a {self.sort} as a condition ({_show(e)})")
                if kinds[1] != kinds[2]:
                    self.fail(f"a choice between a {self.sort} and a value that is not one ({_show(e)})")
                return kinds[1]
            if any(kinds):
                self.fail(f"'{e.op}' applied to a {self.sort} ({_show(e)})")
            return False
        self.fail(f"an expression the check does not know ({e!r})")
        return False

    def index(self, var: str, index: tuple[Expr, ...], env: dict[str, bool]) -> None:
        v = self.vars.get(var)
        if v is None:
            self.fail(f"unknown state variable {var!r}")
            return
        for i, d in zip(index, v.dims):
            is_cpu = self.cpu(i, env)
            if d == self.dom and not is_cpu:
                self.fail(f"{var} indexed by a value that is not a {self.sort} parameter or variable ({_show(i)})")
            if d != self.dom and is_cpu:
                self.fail(f"{var} indexed by a {self.sort} where its index is a {d.name} ({_show(i)})")

    # ------------------------------------------------------------- statements
    def body(self, stmts: Iterable[Stmt], env: dict[str, bool]) -> dict[str, bool]:
        for st in stmts:
            env = self.stmt(st, env)
        return env

    def stmt(self, st: Stmt, env: dict[str, bool]) -> dict[str, bool]:
        if isinstance(st, Assign):
            self.assign(st, env)
        elif isinstance(st, Let):
            env = {**env, st.name: self.cpu(st.value, env)}
        elif isinstance(st, Check):
            self.boolean(st.cond, env)
        elif isinstance(st, If):
            self.boolean(st.cond, env)
            then, orelse = self.body(st.then, dict(env)), self.body(st.orelse, dict(env))
            merged = dict(env)
            for name in then.keys() | orelse.keys():
                kinds = {then.get(name), orelse.get(name)}
                if True in kinds and kinds != {True}:
                    self.fail(f"the local {name} is a {self.sort} on one branch only")
                merged[name] = True in kinds
            env = merged
        elif isinstance(st, For):
            if self.cpu(st.start, env) or self.cpu(st.stop, env):
                self.fail(f"a loop bounded by a {self.sort}")
            inner = self.body(st.body, {**env, st.var: False})
            if any(inner.get(n) and not env.get(n) for n in inner):
                self.fail(f"a {self.sort} local bound inside a loop")
        elif isinstance(st, ForEach):
            inner = {**env, st.var: st.sort == self.sort}
            for a in st.body:
                self.assign(a, inner)
        return env

    def assign(self, a: Assign, env: dict[str, bool]) -> None:
        self.index(a.var, a.index, env)
        target = self.vars[a.var].domain == self.dom
        if self.cpu(a.value, env) != target:
            what = "which is not a " + self.sort if target else "a " + self.sort + " into a " + \
                self.vars[a.var].domain.name
            self.fail(f"{a.var}[...] := {_show(a.value)}, {what}")


INFIX = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "add": "+", "sub": "-", "mul": "*", "xor": "^",
         "bitand": "&", "shl": "<<", "shr": ">>", "and": "and", "or": "or"}


def _text(e: Expr) -> str:
    if isinstance(e, Lit):
        return str(e.value)
    if isinstance(e, (Name, Cfg)):
        return e.name
    if isinstance(e, Get):
        return f"{e.var}[{', '.join(map(_text, e.index))}]" if e.index else e.var
    if isinstance(e, Quant):
        return f"{e.kind} {e.var} in {e.sort}: {_text(e.body)}"
    if isinstance(e, Op) and e.op in INFIX:
        return "(" + f" {INFIX[e.op]} ".join(map(_text, e.args)) + ")"
    if isinstance(e, Op):
        return f"{e.op}({', '.join(map(_text, e.args))})"
    return repr(e)


def _show(e: Expr) -> str:
    text = _text(e)
    return text if len(text) <= 80 else text[:77] + "..."


def unfold(successors: Callable[[bytes], Iterable[tuple[int, tuple[int, ...], bytes, tuple[int, ...]]]],
           canon: Callable[[bytes], bytes], initial: bytes, chain: list[bytes],
           failing: Callable[[tuple[int, ...]], bool] | None = None) -> list[tuple[int, tuple[int, ...]]]:
    """The concrete steps along a path of canonical states ``chain`` (its first the
    canonical initial state): from ``initial``, at each step the first concrete successor
    whose canonical form is the next state of the chain; with ``failing``, one step more:
    the first successor whose failed read sites ``failing`` accepts.  ``successors(s)``
    gives (action, args, target, failed read sites) in the search's order."""
    s, steps = initial, []
    if canon(s) != chain[0]:
        raise ValueError("the chain does not start at the initial state")
    for c in chain[1:]:
        for action, args, target, _ in successors(s):
            if canon(target) == c:
                steps.append((action, args))
                s = target
                break
        else:
            raise ValueError("no concrete successor has the canonical form of the next state")
    if failing is not None:
        for action, args, _, failed in successors(s):
            if failing(failed):
                steps.append((action, args))
                break
        else:
            raise ValueError("no concrete successor fails the read site")
    return steps
