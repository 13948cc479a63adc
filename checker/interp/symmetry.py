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
- a domain sized like the CPU sort plus an offset (``size_name`` ``ncpu``, ``size_offset``
  k > 0: the CPUs, then k fixed values such as "no CPU") holds a CPU or a fixed value: a
  permutation maps its CPUs and keeps the rest; a literal at or above the number of CPUs
  may be compared with it, chosen with it or written into it, never used as a CPU;
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


def with_fixed(model: Model, dom: Domain) -> list[Domain]:
    """The domains of ``model`` that are the CPUs and fixed values after them: sized
    ``dom``'s size constant plus an offset (``ncpu + 1``: the CPUs and "no CPU")."""
    out = []
    for v in model.state_vars:
        d = v.domain
        if d != dom and dom.size_name and d.size_name == dom.size_name and d.size_offset > 0 \
                and d.size == dom.size + d.size_offset and d not in out:
            out.append(d)
    for a in model.actions:
        for prm in a.params:
            d = prm.domain
            if d != dom and dom.size_name and d.size_name == dom.size_name and d.size_offset > 0 \
                    and d.size == dom.size + d.size_offset and d not in out:
                out.append(d)
    return out


def _tables(model: Model, dom: Domain, sort: str) -> Symmetry:
    lay = Layout.of(model)
    fixed = with_fixed(model, dom)
    width = max([dom.size, *(d.size for d in fixed)])
    perms = [(*p, *range(dom.size, width)) for p in itertools.permutations(range(dom.size))
             if list(p) != list(range(dom.size))]
    valued: list[bool] = []
    for v in model.state_vars:
        valued += [v.domain == dom or v.domain in fixed] * v.length
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


NO, CPU, OPT = 0, 1, 2  # not a CPU; a CPU; a CPU or one of the fixed values after the CPUs


class _Typer:
    """Types every expression of the model's actions and claims as a CPU, a CPU or a fixed
    value (a domain :func:`with_fixed` names: ``cpu_or_none``), or neither; the first use
    that breaks the rules of the module's docstring is the problem.  A literal at or above
    the number of CPUs is a fixed value: it may be compared with, chosen with or written
    into a CPU-or-fixed value, which every permutation leaves as it is."""

    def __init__(self, model: Model, dom: Domain, sort: str) -> None:
        self.model, self.dom, self.sort = model, dom, sort
        self.fixed = with_fixed(model, dom)
        self.vars = {v.name: v for v in model.state_vars}
        self.where = ""

    def kind_of(self, d: Domain) -> int:
        return CPU if d == self.dom else OPT if d in self.fixed else NO

    def first_problem(self) -> str | None:
        try:
            for inv in self.model.invariants:
                if inv.expr is not None:
                    self.where = f"claim {inv.name}"
                    self.boolean(inv.expr, {})
            for a in self.model.actions:
                env = {p.name: self.kind_of(p.domain) for p in a.params}
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

    def is_fixed(self, e: Expr) -> bool:
        return isinstance(e, Lit) and e.value >= self.dom.size

    def joins(self, kind: int, e: Expr, k: int) -> bool:
        """Whether ``e`` (of kind ``k``) may meet a value of kind ``kind`` (compared, or in
        the other branch of a choice)."""
        if kind == NO:
            return k == NO
        return k != NO or self.is_fixed(e)  # a fixed value: no CPU equals it, every permutation keeps it

    # ------------------------------------------------------------ expressions
    def boolean(self, e: Expr, env: dict[str, int]) -> None:
        if self.cpu(e, env):
            self.fail(f"a {self.sort} used as a truth value ({_show(e)})")

    def cpu(self, e: Expr, env: dict[str, int]) -> int:
        """The kind of ``e`` (raises _Problem on a use the rules forbid)."""
        if isinstance(e, (Lit, Cfg)):
            return NO
        if isinstance(e, Name):
            return env.get(e.name, NO)
        if isinstance(e, Get):
            self.index(e.var, e.index, env)
            return self.kind_of(self.vars[e.var].domain)
        if isinstance(e, Quant):
            if e.sort == self.sort and e.kind == "find":
                self.fail(f"Find over the {self.sort}s (its first match depends on their numbering)")
            inner = {**env, e.var: CPU if e.sort == self.sort else NO}
            if self.cpu(e.body, inner):
                self.fail(f"a {self.sort} as a quantifier's body ({_show(e)})")
            return NO
        if isinstance(e, Op):
            kinds = [self.cpu(x, env) for x in e.args]
            if e.op in ("eq", "ne"):
                (a, b), (ka, kb) = e.args, kinds
                if not (self.joins(ka, b, kb) or self.joins(kb, a, ka)):
                    self.fail(f"a {self.sort} compared with a value that is not one ({_show(e)})")
                return NO
            if e.op == "ite":
                if kinds[0]:
                    self.fail(f"a {self.sort} as a condition ({_show(e)})")
                (_, a, b), (_, ka, kb) = e.args, kinds
                if not (self.joins(ka, b, kb) or self.joins(kb, a, ka)):
                    self.fail(f"a choice between a {self.sort} and a value that is not one ({_show(e)})")
                return NO if ka == kb == NO else CPU if ka == kb == CPU else OPT
            if any(kinds):
                self.fail(f"'{e.op}' applied to a {self.sort} ({_show(e)})")
            return NO
        self.fail(f"an expression the check does not know ({e!r})")
        return NO

    def index(self, var: str, index: tuple[Expr, ...], env: dict[str, int]) -> None:
        v = self.vars.get(var)
        if v is None:
            self.fail(f"unknown state variable {var!r}")
            return
        for i, d in zip(index, v.dims):
            k = self.cpu(i, env)
            if d == self.dom and k != CPU:
                self.fail(f"{var} indexed by a value that is not a {self.sort} parameter or variable ({_show(i)})")
            if d != self.dom and k != NO:
                self.fail(f"{var} indexed by a {self.sort} where its index is a {d.name} ({_show(i)})")

    # ------------------------------------------------------------- statements
    def body(self, stmts: Iterable[Stmt], env: dict[str, int]) -> dict[str, int]:
        for st in stmts:
            env = self.stmt(st, env)
        return env

    def stmt(self, st: Stmt, env: dict[str, int]) -> dict[str, int]:
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
                kinds = {then.get(name), orelse.get(name)}  # None: not bound on that branch
                if kinds & {CPU, OPT} and len(kinds) > 1:
                    self.fail(f"the local {name} is a {self.sort} on one branch only")
                merged[name] = max(k or NO for k in kinds)
            env = merged
        elif isinstance(st, For):
            if self.cpu(st.start, env) or self.cpu(st.stop, env):
                self.fail(f"a loop bounded by a {self.sort}")
            inner = self.body(st.body, {**env, st.var: NO})
            if any(inner.get(n) and not env.get(n) for n in inner):
                self.fail(f"a {self.sort} local bound inside a loop")
        elif isinstance(st, ForEach):
            inner = {**env, st.var: CPU if st.sort == self.sort else NO}
            for a in st.body:
                self.assign(a, inner)
        return env

    def assign(self, a: Assign, env: dict[str, int]) -> None:
        self.index(a.var, a.index, env)
        target, k = self.kind_of(self.vars[a.var].domain), self.cpu(a.value, env)
        ok = k == NO if target == NO else k == CPU if target == CPU else k != NO or self.is_fixed(a.value)
        if not ok:
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
