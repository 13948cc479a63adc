"""The spec's IR as Z3 terms for a zone of *any* size: the translation behind ``proof``.

The spec writes the size of the zone and its orders as configuration constants
(``Cfg("npfn")``, ``Cfg("max_order")``, ...), never as literals, and walks pages,
pageblocks, CPUs and orders with quantifiers, ``ForEach`` and loops bounded by those
constants.  Here the model's parameters (the number of max-order ranges and CPUs,
MAX_ORDER and pageblock_order) are symbols and the other constants their definitions, so
one query speaks about every zone and every MAX_ORDER at once:

- a page, pageblock or CPU is a number below its symbolic count; pfn arithmetic
  (``pfn ^ (1 << order)``, shifts) is exact (see "Width" below);
- a per-page state variable is a Z3 array, a write a ``Store``, a ``ForEach`` a
  ``Lambda``; scalars are bit-vectors;
- quantifiers over a sort are over-approximated soundly: ``exists``/``forall`` become a
  fresh boolean with a witness on the side that decides it, and instances on the other
  side for every page term the query mentions; ``count`` is a fresh number that is zero
  exactly when the ``exists`` is false; ``find`` is a fresh page that matches, or NONE
  when no page the query mentions matches.  The translation thus allows *more*
  behaviours than the spec has, never fewer, so an unsat answer is a proof;
- a ``For`` with numeric bounds (the reporting capacity) is unrolled; a loop bounded by a
  symbol (a list walk, the orders up to MAX_ORDER, the pageblocks of a chunk) is cut: the
  claims must hold when it is entered and after one iteration from any state that
  satisfies them, and the state after the loop is any state that satisfies them.

Width: every number is a signed bit-vector of ``WIDTH`` = 42 bits, not the kernel's 64-bit
``unsigned long``.  The spec computes with integers; truncation to W bits commutes with
``+``, ``-``, ``*``, ``<<`` and the bitwise operators, so a term has its integer value as
long as no sum, difference, product or left shift on the way leaves [-2^41, 2^41), and then
the comparisons, right shifts and equalities read exact values.  The assumptions are the
session's constraints (:meth:`Universal.size_constraints`): the model's (``nranges > 0``,
``ncpu > 0``, ``0 < pageblock_order < max_order``, ``npfn >> (max_order - 1) == nranges``
-- the zone is whole max-order chunks and no shift of the definitions wraps -- and its
builders' ``exact_only_at``) and every sort below ``SIZE_LIMIT`` = 2^40 elements.  Under
them max_order - 1 < 40, so a chunk ``1 << order`` is below 2^39, and every value the spec
holds is below 2^40 + 2 (a pfn, a position, a count, a domain value: the concrete
interpreter refuses a write outside its domain) or a local that a cut loop carries,
which is bounded by a loop invariant (an order, a pfn, a count that grows by at most a
max-order chunk over the 2^pageblock_order pages of a block); the largest sum formed, a
pfn plus a chunk, stays below 2^41.  :mod:`checker.interp.wrap` asks Z3 that of every such
term the queries hold, under the constraints above (``tests/test_proof_width.py``); 42 is
the narrowest width that holds a sum of two numbers below ``SIZE_LIMIT``.  A field whose
domain has a fixed size is, before a step, a number of the bits that size needs
(:func:`field_bits`: a migratetype 3, a flag 1), zero-extended where it is read: every
value the spec gives it is one of them, since a write outside the domain is an error.

A :class:`Step` is one action from an arbitrary state at which the candidate claims are
*assumed* (at the start and after each cut) and *demanded* (at the end, at each loop
entry and after each iteration); ``checker.engines.proof`` asks Z3 whether a demand can fail.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import z3

from checker.interp.terms import Bits, Statements, SymbolicError, Term, numeral, truth
from spec.expr import NONE, Expr, Name, Op, Quant
from spec.ir import Action, Check, Domain, For, ForEach, Model
from spec.walk import free_names, written

WIDTH = 42  # the narrowest width the assumptions allow (module docstring, "Width")
UNIT = "unit"  # the sort of a claim about scalars: instantiated once
# Every sort below 2^40 elements (a zone of up to 4 PiB of 4 KiB pages), so that no sum of
# pfns, chunk sizes or positions wraps at WIDTH bits (module docstring, checker/interp/wrap.py).
SIZE_LIMIT = 1 << 40
WRAPPING = ("add", "sub", "mul", "shl")  # the operators whose bit-vector result can wrap
UNROLL_LIMIT = 16  # a longer loop with fixed bounds is cut like a loop over the zone
BV = z3.BitVecSort(WIDTH)


@dataclass(frozen=True)
class ExactBits(Bits):
    """Bits whose constants are exact: a number outside the signed range is an error,
    not the number modulo 2^width."""

    def bv(self, value: int) -> z3.BitVecRef:
        if not -(1 << (self.width - 1)) <= value < 1 << (self.width - 1):
            raise SymbolicError(f"the constant {value} does not fit the proof's {self.width}-bit numbers")
        return super().bv(value)


BITS = ExactBits(WIDTH)  # the values of checker.interp.symbolic, at the proof's width
bv, as_int, as_bool, merge = BITS.bv, BITS.as_int, BITS.as_bool, BITS.merge


@dataclass(frozen=True)
class Write:
    """One write to a per-element variable: ``var[index] := value`` when ``cond``; or,
    with ``index`` None, a ``ForEach``: ``var[t] := value(t)`` for every ``t`` of ``sort``."""

    cond: z3.BoolRef
    index: Term
    value: Term | Callable[[Term], Term]
    sort: str = ""


@dataclass(frozen=True)
class Mem:
    """A per-element variable as its value before the step (an uninterpreted function of
    the element, or zero) and the writes since, in order.  A read is an ``If`` chain over
    the writes that may hit it -- built here, so that the solver sees plain bit-vector
    terms (and folds the many writes of constants) instead of array stores."""

    base: z3.FuncDeclRef | None  # None: every element is 0
    writes: tuple[Write, ...] = ()

    def then(self, w: Write) -> Mem:
        return Mem(self.base, self.writes + (w,))


@dataclass
class Store:
    """State variables (arrays or scalars), locals and the path condition of one branch."""

    vars: dict[str, Term]
    names: dict[str, Term]
    pc: z3.BoolRef
    version: int = 0  # bumped by every write: a quantifier is translated once per version
    # for an expression at an element (a claim's or a quantifier's body, a ForEach's value):
    # that the element is in its sort, where the value matters (None: wherever pc holds)
    within: z3.BoolRef | None = None

    def branch(self, pc: z3.BoolRef) -> Store:
        return Store(dict(self.vars), dict(self.names), pc, self.version)

    @property
    def guard(self) -> z3.BoolRef:
        """Where the value of an expression over this store matters (the width audit)."""
        return self.pc if self.within is None else self.within


@dataclass(frozen=True)
class Carried:
    """The locals a cut loop carries from one iteration to the next (for the width audit,
    which bounds their values by a loop invariant): their values on entering the loop
    (where ``entry_pc`` holds), the fresh values at the loop's head, their values after
    an iteration from there (where ``end_pc`` holds), and the fresh values after the loop
    (one of the head's values)."""

    entry: dict[str, Term]
    entry_pc: z3.BoolRef
    head: dict[str, z3.BitVecRef]
    end: dict[str, Term]
    end_pc: z3.BoolRef
    after: dict[str, z3.BitVecRef]
    counter: z3.BitVecRef  # the loop's counter at its head, from start below stop
    start: z3.BitVecRef
    stop: z3.BitVecRef


@dataclass(frozen=True)
class Claim:
    """A per-element claim ``forall var in sort: body`` (a spec invariant or a domain bound)."""

    name: str
    var: str
    sort: str
    body: Expr


@dataclass
class Step:
    """One action (or the initial state) translated for the inductive check."""

    action: str
    params: dict[str, z3.BitVecRef]
    assumed: list[dict[str, Term]] = field(default_factory=list)  # states where claims hold
    demanded: list[tuple[z3.BoolRef, dict[str, Term], str]] = field(default_factory=list)  # (pc, state, where)
    violations: dict[str, list[tuple[z3.BoolRef, str]]] = field(default_factory=dict)  # claim -> (bad, site)
    constraints: list[z3.BoolRef] = field(default_factory=list)
    pre: dict[str, Term] | None = None
    # per sort: every index term the step mentions (instances are made for them)
    terms: dict[str, list[Term]] = field(default_factory=dict)
    term_keys: dict[str, set[object]] = field(default_factory=dict)
    # deferred instances of quantifiers: (sort, make(t) -> constraint)
    pending: list[tuple[str, Callable[[Term], z3.BoolRef]]] = field(default_factory=list)
    memo: dict[tuple[object, ...], Term] = field(default_factory=dict)
    # instances made once and reused by every query of the step (Houdini asks many)
    made: dict[tuple[object, ...], z3.BoolRef] = field(default_factory=dict)


class Universal(Statements):
    """Z3 terms for one Model with the zone's size left symbolic."""

    def __init__(self, model: Model, sliced: frozenset[str] = frozenset(), audit: bool = False) -> None:
        self.model = model
        # the width audit (:func:`overflows`): every sum, difference, product and left
        # shift built, with where its value matters; and the range of every leaf term that
        # stands for a value of the spec (by the name of its Z3 declaration)
        self.audit: list[tuple[z3.BitVecRef, z3.BoolRef]] | None = [] if audit else None
        self.ranges: dict[str, Callable[[z3.BitVecRef], z3.BoolRef]] = {}
        self.loops: list[Carried] = []  # the locals each cut loop carries (the width audit)
        # state variables the proof does not track: a read gives any value, a write is
        # dropped (sound: it only adds behaviours; it keeps list positions and counters,
        # which no per-page claim reads, out of the queries)
        self.sliced = sliced
        self.vars = {v.name: v for v in model.state_vars}
        if model.config.zone_boundary:
            raise SymbolicError("two zones (zone_boundary): their boot state is the configuration's own list of "
                                "free chunks, not one for every zone size; check two zones with --engine explicit")
        for v in model.state_vars:
            if len(v.dims) > 1:
                raise SymbolicError(f"{v.name}: a proof for every size handles arrays of one dimension")
        # the zone's size and its orders: the model's parameters are symbols, the other
        # constants are their definitions (npfn = nblocks << pageblock_order, ...)
        self.parameters = {n: z3.BitVec(n, WIDTH) for n in model.parameters}
        self.defined: dict[str, Term] = {}
        self.sort_size: dict[str, Term] = {}
        for d in [*model.sorts.values(), *(p.domain for a in model.actions for p in a.params)]:
            self.sort_size[d.name] = self.domain_size(d)
        self.sort_size[UNIT] = 1  # the "sort" of a scalar's claim: one element
        # what a counterexample to induction reports of the zone
        self.sizes: dict[str, z3.BitVecRef] = {n: as_int(self.constant(n)) for n in ("npfn", "nblocks", "ncpu", "max_order", "pageblock_order")
                      if n in self.parameters or n in model.definitions}
        self._fresh = itertools.count()
        self.step: Step | None = None  # the step being translated
        self._selected: dict[tuple[int, object], tuple[Mem, Term, Term]] = {}
        self._in_sort: dict[tuple[str, object], tuple[Term, z3.BoolRef]] = {}  # keeps t alive: its id stays its

    # ------------------------------------------------------------------ sizes
    def size_constraints(self) -> list[z3.BoolRef]:
        """What every zone the proof covers satisfies: the model's assumptions (whole
        max-order chunks, 0 < pageblock_order < MAX_ORDER, a CPU at least), and sorts
        below SIZE_LIMIT elements."""
        store = Store({}, {}, z3.BoolVal(True))
        out = [as_bool(self.expr(a, store)) for a in self.model.assumptions]
        for size in self.sort_size.values():
            if not isinstance(size, int):
                out += [z3.ULT(size, SIZE_LIMIT)]
        return out

    def domain_size(self, d: Domain) -> Term:
        if not d.size_name:
            return d.size
        size = self.constant(d.size_name)
        if d.size_offset and self.audit is not None:
            self.audit.append((as_int(size) + d.size_offset, z3.BoolVal(True)))
        return size + d.size_offset if d.size_offset else size

    def in_domain(self, d: Domain) -> Callable[[z3.BitVecRef], z3.BoolRef]:
        """The values of ``d``: what the concrete interpreter lets a variable of that
        domain hold (a write outside is an error there)."""
        size = self.domain_size(d)
        return lambda x: z3.And(widened(x) >= 0, widened(x) < as_int(size))

    def fresh(self, stem: str, values: Callable[[z3.BitVecRef], z3.BoolRef] | None = None) -> z3.BitVecRef:
        """A fresh number; ``values``: the spec's values it stands for (the width audit)."""
        t = z3.BitVec(f"{stem}!{next(self._fresh)}", WIDTH)
        if values is not None:
            self.ranges[str(t)] = values
        return t

    def version(self) -> int:
        """A new store version (unique across branches, so a memoised quantifier is only
        reused for the very same state)."""
        return next(self._fresh)

    def note_term(self, sort: str, t: Term) -> None:
        step = self.step
        if step is None or sort not in self.sort_size:
            return
        key = _key(t)
        seen = step.term_keys.setdefault(sort, set())
        if key not in seen:
            seen.add(key)
            step.terms.setdefault(sort, []).append(t)

    def in_sort(self, sort: str, t: Term) -> z3.BoolRef:
        """``0 <= t < size``, once per sort and term (the instances ask it thousands of times)."""
        key = (sort, _key(t))
        hit = self._in_sort.get(key)
        if hit is None:
            size = self.sort_size[sort]
            hit = self._in_sort[key] = (t, z3.And(as_int(t) >= 0, as_int(t) < as_int(size)))
        return hit[1]

    def sort_values(self, sort: str) -> Callable[[z3.BitVecRef], z3.BoolRef]:
        return lambda x: self.in_sort(sort, x)

    def within(self, outer: z3.BoolRef | None, sort: str, t: Term) -> z3.BoolRef | None:
        """Where an expression at element ``t`` of ``sort`` matters, for the width audit:
        ``t`` in its sort (and the enclosing element in its own).  None when not auditing."""
        if self.audit is None:
            return None
        here = self.in_sort(sort, t)
        return here if outer is None else z3.And(outer, here)

    # ----------------------------------------------------------------- states
    def fresh_state(self, tag: str) -> dict[str, Term]:
        out: dict[str, Term] = {}
        for v in self.model.state_vars:
            if v.name in self.sliced:
                continue
            bits = field_bits(v.domain)
            out[v.name] = (Mem(z3.Function(f"{v.name}@{tag}", BV, z3.BitVecSort(bits))) if v.dims
                           else widened(z3.BitVec(f"{v.name}@{tag}", bits)))
            self.ranges[f"{v.name}@{tag}"] = self.in_domain(v.domain)
        return out

    def zero_state(self) -> dict[str, Term]:
        return {v.name: (Mem(None) if v.dims else 0) for v in self.model.state_vars
                if v.name not in self.sliced}

    # ------------------------------------------------------------- the steps
    def begin(self, action: str) -> Step:
        self.step = Step(action, {})
        self.note_term(UNIT, 0)
        for name, size in self.sort_size.items():  # small fixed sorts: every element
            if isinstance(size, int) and size <= 16:
                for k in range(size):
                    self.note_term(name, k)
        return self.step

    def init_step(self) -> Step:
        """The initial state, run from the all-zero state like the concrete interpreter."""
        step = self.begin("init")
        store = Store(self.zero_state(), {}, z3.BoolVal(True))
        self.stmts(self.model.init, store)
        step.demanded.append((store.pc, store.vars, "the initial state"))
        return step

    def action_steps(self, a: Action) -> list[Step]:
        """The action's steps, one per choice of its small fixed parameters (a migratetype,
        an order): each is a constant, so the branches for the other values fold away and
        the queries stay small.  Parameters that range over a sort stay symbolic."""
        fixed = [p for p in a.params if not p.domain.size_name and p.domain.size <= 8]
        out = []
        for values in itertools.product(*(range(p.domain.size) for p in fixed)):
            step = self.action_step(a, dict(zip((p.name for p in fixed), values)))
            if step is not None:
                out.append(step)
        return out

    def action_step(self, a: Action, chosen: dict[str, int]) -> Step | None:
        step = self.begin(a.name)
        pre = self.fresh_state("pre")
        step.pre = pre
        step.assumed.append(pre)
        names: dict[str, Term] = {}
        for p in a.params:
            c: Term = chosen[p.name] if p.name in chosen else z3.BitVec(f"{a.name}.{p.name}", WIDTH)
            self.ranges[f"{a.name}.{p.name}"] = self.in_domain(p.domain)
            step.params[p.name] = c
            names[p.name] = c
            if not isinstance(c, int):
                step.constraints.append(self.in_sort(p.domain.name, c))
            self.note_term(p.domain.name, c)
        store = Store(dict(pre), names, z3.BoolVal(True))
        guard = [self.expr(g, store) for g in a.guard]
        if any(truth(g) is False for g in guard):
            return None  # never enabled with these parameters
        terms = [as_bool(g) for g in guard if truth(g) is None]
        store.pc = z3.And(*terms) if terms else z3.BoolVal(True)
        step.constraints.append(store.pc)
        self.stmts(a.body, store)
        step.demanded.append((store.pc, store.vars, f"after {a.name}"))
        return step

    # ------------------------------------------------------------- statements
    # (the rest is checker.interp.terms.Statements')
    def violated(self, st: Check, bad: z3.BoolRef, store: Store) -> None:
        assert self.step is not None
        self.step.violations.setdefault(st.invariant, []).append((bad, st.site))

    def fork(self, store: Store, pc: z3.BoolRef) -> Store:
        return store.branch(pc)

    def join(self, store: Store, cond: z3.BoolRef, then: Store, orelse: Store) -> None:
        store.vars = {k: self.merge_var(cond, then.vars[k], orelse.vars[k]) for k in store.vars}
        store.names = self.merge_names(cond, then.names, orelse.names)
        store.version = self.version()

    def for_(self, st: For, store: Store) -> None:
        start, stop = self.expr(st.start, store), self.expr(st.stop, store)
        lo, hi = numeral(start), numeral(stop)
        if lo is not None and hi is not None and hi - lo <= UNROLL_LIMIT:
            self.unroll(st, lo, hi, store)
            return
        # a loop as long as the zone, or longer than UNROLL_LIMIT (the pages of a
        # pageblock): cut it (the claims are its loop invariant)
        assert self.step is not None
        step = self.step
        step.demanded.append((store.pc, dict(store.vars), f"on entering a loop of {step.action}"))
        written_vars, written_names = written(st.body)
        carried = sorted(n for n in written_names if n in store.names and n != st.var)
        entry, entry_pc = {n: store.names[n] for n in carried}, store.pc
        self.havoc(store, written_vars, written_names | {st.var}, "loop")
        i = store.names[st.var]
        self.ranges[str(i)] = lambda x: z3.And(as_int(start) <= x, x < as_int(stop))
        inside = store.branch(z3.And(store.pc, as_int(start) <= i, i < as_int(stop)))
        head = {n: store.names[n] for n in carried}
        self.stmts(st.body, inside)
        step.demanded.append((inside.pc, dict(inside.vars), f"after an iteration of a loop of {step.action}"))
        self.havoc(store, written_vars, written_names | {st.var}, "after_loop")
        self.ranges[str(store.names[st.var])] = self.ranges[str(i)]  # its last value, if read
        if self.audit is not None and carried:
            self.loops.append(Carried(entry, entry_pc, head, {n: inside.names[n] for n in carried}, inside.pc,
                                      {n: store.names[n] for n in carried}, i, as_int(start), as_int(stop)))

    def havoc(self, store: Store, vars_: set[str], names: set[str], tag: str) -> None:
        """Any values of the locals ``names``; with state variables in ``vars_``, any
        state in which the claims hold (assumed)."""
        assert self.step is not None
        cut = vars_ - self.sliced
        if cut:
            fresh = self.fresh_state(f"{tag}{next(self._fresh)}")
            for v in cut:
                store.vars[v] = fresh[v]
        for n in names:
            store.names[n] = self.fresh(n)
        store.version = self.version()
        if cut:
            self.step.assumed.append(dict(store.vars))

    def merge_var(self, c: z3.BoolRef, a: Term, b: Term) -> Term:
        if not isinstance(a, Mem):
            return merge(c, a, b)
        assert isinstance(b, Mem)
        if a.base is not b.base:  # a loop was cut in one branch: read both, choose
            return Mem(None, (Write(z3.BoolVal(True), None,
                                    lambda t: merge(c, self.select(a, t), self.select(b, t))),))
        k = 0  # both branches extend the writes before the If
        while k < min(len(a.writes), len(b.writes)) and a.writes[k] is b.writes[k]:
            k += 1
        return Mem(a.base, a.writes[:k] + tuple(Write(z3.And(c, w.cond), w.index, w.value, w.sort)
                                                for w in a.writes[k:])
                   + tuple(Write(z3.And(z3.Not(c), w.cond), w.index, w.value, w.sort) for w in b.writes[k:]))

    def for_each(self, st: ForEach, store: Store) -> None:
        """Every right-hand side reads the state before the ForEach (a frozen copy)."""
        before = Store(dict(store.vars), dict(store.names), store.pc, store.version)
        new: dict[str, Term] = {}
        for a in st.body:
            if len(a.index) != 1 or not isinstance(a.index[0], Name) or a.index[0].name != st.var:
                raise SymbolicError(f"ForEach over {st.sort} must write {a.var}[{st.var}]")
            if a.var in self.sliced:
                continue

            def value(t: Term, e: Expr = a.value) -> Term:
                inner = Store(before.vars, {**before.names, st.var: t}, before.pc, before.version,
                              self.within(None, st.sort, t))
                return as_int(self.expr(e, inner))

            mem = store.vars[a.var]
            assert isinstance(mem, Mem)
            new[a.var] = mem.then(Write(z3.BoolVal(True), None, value, st.sort))
        store.vars.update(new)
        store.version = self.version()

    # ------------------------------------------------------------ array access
    def index_of(self, var: str, index: tuple[Expr, ...], store: Store) -> Term:
        v = self.vars.get(var)
        if v is None:
            raise SymbolicError(f"unknown state variable {var!r}")
        if len(index) != len(v.dims):
            raise SymbolicError(f"{var} takes {len(v.dims)} indices, got {len(index)}")
        i = self.expr(index[0], store)
        self.note_term(v.dims[0].name, i)
        return i

    def read(self, var: str, index: tuple[Expr, ...], store: Store) -> Term:
        if var in self.sliced:
            return self.fresh(f"{var}?", self.in_domain(self.vars[var].domain))
        if not index:
            return store.vars[var]
        return self.select(store.vars[var], self.index_of(var, index, store))

    def select(self, mem: Mem, t: Term) -> Term:
        """``mem[t]``: the last write that hits ``t``, else the value before the step.
        Memoised: the instances of every claim and quantifier read the same elements of
        the same stores over and over (the entry keeps ``mem`` and ``t`` alive, so that
        their ids stay theirs)."""
        key = (id(mem), _key(t))
        hit = self._selected.get(key)
        if hit is not None:
            return hit[2]
        out = self._select(mem, t)
        self._selected[key] = (mem, t, out)
        return out

    def _select(self, mem: Mem, t: Term) -> Term:
        out: Term = 0 if mem.base is None else widened(mem.base(as_int(t)))
        for w in mem.writes:
            if w.index is None:  # a ForEach (or, without a sort, a choice of two whole states)
                assert callable(w.value)
                hit_all = z3.And(w.cond, self.in_sort(w.sort, t)) if w.sort else w.cond
                out = w.value(t) if z3.is_true(hit_all) else merge(hit_all, w.value(t), out)
                continue
            if isinstance(w.index, int) and isinstance(t, int):
                if int(w.index) != int(t):
                    continue
                hit: z3.BoolRef = w.cond
            else:
                hit = z3.And(w.cond, as_int(w.index) == as_int(t))
            out = w.value if z3.is_true(hit) else merge(hit, w.value, out)
        return out

    def write(self, var: str, index: tuple[Expr, ...], value: Term, store: Store) -> None:
        if var in self.sliced:
            return
        value = as_int(value) if not isinstance(value, (int, bool)) else int(value)
        if not index:
            store.vars[var] = value
        else:
            i = self.index_of(var, index, store)
            mem = store.vars[var]
            assert isinstance(mem, Mem)
            store.vars[var] = mem.then(Write(z3.BoolVal(True), i, value))
        store.version = self.version()

    # ------------------------------------------------------------- expressions
    def constant(self, name: str) -> Term:
        """A parameter of the model is a symbol, a defined constant its definition; the
        other constants (the reporting capacity) are the configuration's."""
        if name in self.parameters:
            return self.parameters[name]
        if name in self.model.definitions:
            if name not in self.defined:
                self.defined[name] = self.expr(self.model.definitions[name], Store({}, {}, z3.BoolVal(True)))
            return self.defined[name]
        if name not in self.model.constants:
            raise SymbolicError(f"unknown configuration constant {name!r}")
        return self.model.constants[name]

    # the conversions checker.interp.terms.Operators builds its operators with
    def int_term(self, t: Term) -> z3.BitVecRef:
        return as_int(t)

    def bool_term(self, t: Term) -> z3.BoolRef:
        return as_bool(t)

    def choose(self, c: z3.BoolRef, a: Term, b: Term) -> Term:
        return merge(c, a, b)

    def op(self, e: Op, env: Store) -> Term:
        out = super().op(e, env)
        if self.audit is not None and e.op in WRAPPING and z3.is_bv(out):
            self.audit.append((out, env.guard))
        return out

    # ------------------------------------------------------------- quantifiers
    def quant(self, e: Quant, store: Store) -> Term:
        """A quantifier over a sort of unknown size, over-approximated (module docstring)."""
        free = sorted(free_names(e))
        step = self.step
        assert step is not None
        key = (id(e), store.version, tuple(_key(store.names[n]) for n in free))
        if key in step.memo:
            return step.memo[key]
        if e.sort not in self.sort_size:
            raise SymbolicError(f"unknown sort {e.sort!r}")
        snapshot = Store(dict(store.vars), dict(store.names), store.pc, store.version)

        def body(t: Term) -> z3.BoolRef:
            inner = Store(snapshot.vars, {**snapshot.names, e.var: t}, snapshot.pc, snapshot.version,
                          self.within(snapshot.within, e.sort, t))
            return z3.And(self.in_sort(e.sort, t), as_bool(self.expr(e.body, inner)))

        n = next(self._fresh)
        if e.kind in ("exists", "count", "find"):
            some = z3.Bool(f"{e.kind}!{n}")
            in_sort = self.sort_values(e.sort)
            witness = (self.fresh(f"witness_{e.var}", in_sort) if e.kind != "find" else
                       self.fresh(f"found_{e.var}", lambda x: z3.Or(in_sort(x), x == NONE.value)))
            self.note_term(e.sort, witness)
            step.constraints.append(z3.Implies(some, body(witness)))
            def witnessed(t: Term) -> z3.BoolRef:  # a match makes the answer "some"
                return z3.Implies(body(t), some)

            step.pending.append((e.sort, witnessed))
            if e.kind == "exists":
                result: Term = some
            elif e.kind == "find":
                step.constraints.append(z3.Implies(z3.Not(some), witness == bv(NONE.value)))
                result = witness
            else:
                count = self.fresh(f"count_{e.var}", lambda x: z3.And(x >= 0, x <= as_int(self.sort_size[e.sort])))
                step.constraints += [count >= 0, (count == 0) == z3.Not(some)]
                result = count
        elif e.kind == "forall":
            every = z3.Bool(f"forall!{n}")
            witness = self.fresh(f"witness_{e.var}", self.sort_values(e.sort))
            self.note_term(e.sort, witness)
            step.constraints.append(z3.Implies(z3.Not(every), z3.And(self.in_sort(e.sort, witness),
                                                                      z3.Not(body(witness)))))
            def holds_at(t: Term) -> z3.BoolRef:  # "every" holds at each element of the sort
                return z3.Implies(z3.And(every, self.in_sort(e.sort, t)), body(t))

            step.pending.append((e.sort, holds_at))
            result = every
        else:
            raise SymbolicError(f"unknown quantifier {e.kind!r}")
        step.memo[key] = result
        return result

    # ------------------------------------------------------------ instances
    def claim_at(self, claim: Claim, state: dict[str, Term], t: Term) -> z3.BoolRef:
        """The claim's body for element ``t`` of its sort in ``state``."""
        store = Store(state, {claim.var: t}, z3.BoolVal(True), self.version(), self.within(None, claim.sort, t))
        return as_bool(self.expr(claim.body, store))

    def instances(self, step: Step, claims: Sequence[Claim],
                  rounds: int = 3) -> tuple[dict[str, list[z3.BoolRef]], list[z3.BoolRef]]:
        """The assumed claims and the pending quantifier instances at every term the query
        mentions (new terms appear as instances are made: a few rounds, then stop --
        fewer instances only weaken the assumptions, which keeps the query sound).
        Returns the instances of each claim and those of the quantifiers."""
        self.step = step
        by_claim: dict[str, list[z3.BoolRef]] = {c.name: [] for c in claims}
        out: list[z3.BoolRef] = []
        done: set[tuple[int, object, int]] = set()
        pending_done: set[tuple[int, object]] = set()
        for _ in range(rounds):
            before = sum(len(v) for v in step.terms.values())
            for ci, c in enumerate(claims):
                for t in list(step.terms.get(c.sort, [])):
                    for si, state in enumerate(step.assumed):
                        k = (ci, _key(t), si)
                        if k in done:
                            continue
                        done.add(k)
                        key = ("claim", c.name, _key(t), si)
                        if key not in step.made:
                            step.made[key] = z3.Implies(self.in_sort(c.sort, t), self.claim_at(c, state, t))
                        by_claim[c.name].append(step.made[key])
            for pi in range(len(step.pending)):
                sort, make = step.pending[pi]
                for t in list(step.terms.get(sort, [])):
                    k2 = (pi, _key(t))
                    if k2 in pending_done:
                        continue
                    pending_done.add(k2)
                    key2 = ("pending", pi, _key(t))
                    if key2 not in step.made:
                        step.made[key2] = make(t)
                    out.append(step.made[key2])
            if sum(len(v) for v in step.terms.values()) == before:
                break
        return by_claim, out


def field_bits(d: Domain) -> int:
    """The bits a value of ``d`` needs: a domain of fixed size holds 0 .. size - 1, so its
    values before a step are any number of that many bits (every value the spec can give it
    is one: the concrete interpreter refuses a write outside); a domain that grows with the
    zone, WIDTH."""
    return WIDTH if d.size_name else max(1, (d.size - 1).bit_length())


def widened(t: z3.BitVecRef) -> z3.BitVecRef:
    """A field's value as a WIDTH-bit number (zero-extended: it is not negative)."""
    return t if t.size() == WIDTH else z3.ZeroExt(WIDTH - t.size(), t)


def _key(t: Term) -> object:
    return ("i", int(t)) if isinstance(t, (int, bool)) else ("t", t.get_id())

