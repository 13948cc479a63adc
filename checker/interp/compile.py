"""Compile a spec Model to Python functions over a flat ``bytes`` state.

The state is every state variable laid out end to end, one byte per element (every
domain has at most 256 values).  Each action becomes two functions generated from the
same IR: ``succ(s)`` enumerates parameter values (testing each guard conjunct as soon as
the parameters it reads are bound) and returns the enabled transitions; ``step(s, *args)``
runs one given transition.  Invariants become ``inv(s) -> bool``.  The generated source is
kept on the result for debugging (``CompiledModel.source``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any

from checker.interp.layout import Layout, SpecCompileError
from spec.expr import Cfg, Expr, Get, Lit, Name, Op, Quant, emptiness_test
from spec.ir import Action, Assign, Check, For, ForEach, If, Let, Model, Stmt
from spec.walk import Walker, free_names, subexprs

BINARY = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "add": "+", "sub": "-", "mul": "*",
          "xor": "^", "bitand": "&", "shl": "<<", "shr": ">>"}


@dataclass
class CompiledAction:
    action: Action
    succ: Callable[[bytes], list[tuple[tuple[int, ...], bytes, tuple[int, ...]]]]
    step: Callable[..., tuple[bytes, tuple[int, ...]] | None]


@dataclass
class CompiledModel:
    model: Model
    layout: Layout
    init: Callable[[], bytes]
    actions: list[CompiledAction]
    invariants: dict[str, Callable[[bytes], bool]]  # state predicates only
    checks: list[tuple[str, str]]  # check id -> (invariant, site)
    hits: list[int]  # check id -> how many times the read site was reached
    source: str
    # with ``probe``: one (check id, page, state at the read, claim held) per ->index read
    # site reached;
    # the caller empties it
    probes: list[tuple[int, int, bytes, bool]]


class _Gen(Walker[str, list[str]]):
    def __init__(self, model: Model, checked: bool, probe: bool = False, detail: bool = False) -> None:
        self.model = model
        self.layout = Layout.of(model)
        self.checked = checked
        self.probe = probe
        self.detail = detail
        self.sort_size = {name: d.size for name, d in model.sorts.items()}
        self.var_domain = {v.name: v.domain.size for v in model.state_vars}
        self.checks: list[tuple[str, str]] = []
        self.tmp = 0

    # ------------------------------------------------------------ expressions
    def expr(self, e: Expr, src: str) -> str:
        if isinstance(e, Lit):
            return repr(e.value)
        if isinstance(e, Name):
            return "v_" + e.name
        if isinstance(e, Cfg):
            if e.name not in self.model.constants:
                raise SpecCompileError(f"unknown configuration constant {e.name!r}")
            return repr(self.model.constants[e.name])
        if isinstance(e, Get):
            return f"{src}[{self.offset(e.var, e.index, src)}]"
        if isinstance(e, Op):
            fast = self.count_test(e, src)
            if fast is not None:
                return fast
            a = [self.expr(x, src) for x in e.args]
            if e.op in BINARY:
                return f"({a[0]} {BINARY[e.op]} {a[1]})"
            if e.op in ("min", "max"):
                return f"{e.op}({a[0]}, {a[1]})"
            if e.op == "not":
                return f"(not {a[0]})"
            if e.op in ("and", "or"):
                return "(" + f" {e.op} ".join(a) + ")"
            if e.op == "ite":
                return f"({a[1]} if {a[0]} else {a[2]})"
        if isinstance(e, Quant):
            n = self.size_of_sort(e.sort)
            v, body = "v_" + e.var, self.expr(e.body, src)
            if e.kind == "exists":
                return f"any({body} for {v} in range({n}))"
            if e.kind == "forall":
                return f"all({body} for {v} in range({n}))"
            if e.kind == "count":
                return f"sum(1 for {v} in range({n}) if {body})"
            if e.kind == "find":
                return f"next(({v} for {v} in range({n}) if {body}), -1)"
        raise SpecCompileError(f"cannot compile {e!r}")

    def count_test(self, e: Op, src: str) -> str | None:
        """``Count(..) > 0`` and ``Count(..) == 0`` stop at the first witness."""
        test = emptiness_test(e)
        return None if test is None else self.expr(test, src)

    def size_of_sort(self, sort: str) -> int:
        if sort not in self.sort_size:
            raise SpecCompileError(f"unknown sort {sort!r}; sorts: {', '.join(self.sort_size)}")
        return self.sort_size[sort]

    def offset(self, var: str, index: tuple[Expr, ...], src: str) -> str:
        if var not in self.layout.offsets:
            raise SpecCompileError(f"unknown state variable {var!r}")
        base, strides, sizes = self.layout.offsets[var], self.layout.strides[var], self.layout.sizes[var]
        if len(index) != len(sizes):
            raise SpecCompileError(f"{var} takes {len(sizes)} indices, got {len(index)}")
        if all(isinstance(i, Lit) for i in index):
            consts = [i.value for i in index if isinstance(i, Lit)]
            for c, size in zip(consts, sizes):
                if not 0 <= c < size:
                    raise SpecCompileError(f"{var}[{c}] is out of range 0..{size - 1}")
            return str(base + sum(c * st for c, st in zip(consts, strides)))
        parts = [self.expr(i, src) for i in index]
        if self.checked:
            triples = ", ".join(f"({p}, {size}, {st})" for p, size, st in zip(parts, sizes, strides))
            return f"_ix({var!r}, {base}, ({triples},))"
        terms = [p if st == 1 else f"{p} * {st}" for p, st in zip(parts, strides)]
        return f"{base} + " + " + ".join(terms) if base else " + ".join(terms)

    # ------------------------------------------------------------- statements
    def stmts(self, body: tuple[Stmt, ...] | list[Stmt], ind: str) -> list[str]:
        out: list[str] = []
        for st in body:
            out += self.stmt(st, ind)
        return out or [ind + "pass"]

    # the hooks of spec.walk.Walker: each statement as lines of Python at indentation ``ind``
    def assign(self, st: Assign, ind: str) -> list[str]:
        val = self.expr(st.value, "n")
        if self.checked:
            val = f"_val({st.var!r}, {val}, {self.var_domain[st.var]})"
        return [f"{ind}n[{self.offset(st.var, st.index, 'n')}] = {val}"]

    def let(self, st: Let, ind: str) -> list[str]:
        return [f"{ind}v_{st.name} = {self.expr(st.value, 'n')}"]

    def if_(self, st: If, ind: str) -> list[str]:
        out = [f"{ind}if {self.expr(st.cond, 'n')}:", *self.stmts(st.then, ind + "    ")]
        if st.orelse:
            out += [f"{ind}else:", *self.stmts(st.orelse, ind + "    ")]
        return out

    def for_(self, st: For, ind: str) -> list[str]:
        return [f"{ind}for v_{st.var} in range({self.expr(st.start, 'n')}, {self.expr(st.stop, 'n')}):",
                *self.stmts(st.body, ind + "    ")]

    def for_each(self, st: ForEach, ind: str) -> list[str]:
        n = self.size_of_sort(st.sort)
        out, names = [], []
        for a in st.body:
            self.tmp += 1
            t = f"_t{self.tmp}"
            names.append(t)
            val = self.expr(a.value, "n")
            if self.checked:
                val = f"_val({a.var!r}, {val}, {self.var_domain[a.var]})"
            out.append(f"{ind}{t} = [({self.offset(a.var, a.index, 'n')}, {val}) for v_{st.var} in range({n})]")
        for t in names:
            out.append(f"{ind}for _o, _v in {t}: n[_o] = _v")
        return out

    def check(self, st: Check, ind: str) -> list[str]:
        self.checks.append((st.invariant, st.site))
        k = len(self.checks) - 1
        page = index_read_page(st.cond)
        if self.detail:
            page_e, read_e, expected_e = read_site_parts(st.cond)
            parts = ", ".join("None" if e is None else self.expr(e, "n") for e in (page_e, read_e, expected_e))
            # the values are labelled in the domain of the variable they must equal, if one
            labels = repr(expected_e.var if isinstance(expected_e, Get) else "index")
            parts += f", {labels}"
            # what the last write of ->index meant at the read (the ghost index_by), and
            # what a conjunct of the condition says it must mean (index_by[page] == BY_X)
            by_now = (self.expr(Get("index_by", (page_e,)), "n")
                      if page_e is not None and "index_by" in self.layout.offsets else "None")
            parts += f", {by_now}, {index_by_required(st.cond)!r}"
            return [f"{ind}_hits[{k}] += 1", f"{ind}if not {self.expr(st.cond, 'n')}: bad.append(({k}, {parts}))"]
        if self.probe and page is not None:
            return [f"{ind}_hits[{k}] += 1", f"{ind}_ok = {self.expr(st.cond, 'n')}",
                    f"{ind}if not _ok: bad.append({k})",
                    f"{ind}_probes.append(({k}, {self.expr(page, 'n')}, bytes(n), bool(_ok)))"]
        return [f"{ind}_hits[{k}] += 1", f"{ind}if not {self.expr(st.cond, 'n')}: bad.append({k})"]

    # ---------------------------------------------------------------- actions
    def action(self, i: int, a: Action) -> list[str]:
        params = [p.name for p in a.params]
        levels = [[self.expr(g, "s") for g in level] for level in guard_levels(a)]
        body = self.stmts(a.body, "")
        out = [f"def succ_{i}(s):", "    out = []"]
        ind = "    "
        for cond in levels[0]:
            out.append(f"{ind}if not {cond}: return out")
        for k, p in enumerate(a.params):
            out.append(f"{ind}for v_{p.name} in range({p.domain.size}):")
            ind += "    "
            for cond in levels[k + 1]:
                out.append(f"{ind}if not {cond}: continue")
        out += [f"{ind}n = list(s)", f"{ind}bad = []"]
        out += [ind + line for line in body]
        args = "(" + "".join(f"v_{p}, " for p in params) + ")"
        out += [f"{ind}out.append(({args}, bytes(n), tuple(bad)))", "    return out", ""]
        guard = " and ".join(c for lv in levels for c in lv) or "True"
        out += [f"def step_{i}(s, {', '.join('v_' + p for p in params)}):" if params else f"def step_{i}(s):",
                f"    if not ({guard}): return None", "    n = list(s)", "    bad = []"]
        out += ["    " + line for line in body]
        out += ["    return bytes(n), tuple(bad)", ""]
        return out


def guard_levels(a: Action) -> list[list[Expr]]:
    """The guard conjuncts of ``a`` by the number of parameters they read: level k holds
    those that can be tested once the first k parameters are bound (every backend tests
    each conjunct as early as that)."""
    params = [p.name for p in a.params]
    levels: list[list[Expr]] = [[] for _ in range(len(params) + 1)]
    for g in a.guard:
        used = free_names(g)
        unknown = used - set(params)
        if unknown:
            raise SpecCompileError(f"guard of {a.name} reads unbound {', '.join(sorted(unknown))}")
        levels[max((params.index(u) + 1 for u in used), default=0)].append(g)
    return levels


def _ix(var: str, base: int, triples: tuple[tuple[int, int, int], ...]) -> int:
    off = base
    for i, size, stride in triples:
        if not 0 <= i < size:
            raise IndexError(f"spec reads or writes {var} at index {i}, outside 0..{size - 1}")
        off += i * stride
    return off


def _val(var: str, value: int, size: int) -> int:
    if not 0 <= value < size:
        raise ValueError(f"spec writes {value} to {var}, outside its domain 0..{size - 1}")
    return value


def index_read_page(cond: Expr) -> Expr | None:
    """The page whose ``->index`` a read-site condition reads, if it reads one."""
    read = _index_get(cond)
    return None if read is None else read.index[0]


def read_site_parts(cond: Expr) -> tuple[Expr | None, Expr | None, Expr | None]:
    """What a read site's condition reads, as far as it says so generically: the page
    whose ``->index`` it reads, that ``->index`` read, and the value a conjunct of the
    condition says it must equal (``index[page] == x``).  None where the condition does
    not have that form (the value expected is never guessed from a disjunction or an
    inequality)."""
    read = _index_get(cond)
    if read is None:
        return None, None, None
    same = repr(read)  # Expr's == builds an expression: compare structure by repr
    expected = [b if repr(a) == same else a for c in _conjuncts(cond) if isinstance(c, Op) and c.op == "eq"
                for a, b in [c.args] if same in (repr(a), repr(b))]
    return read.index[0], read, expected[0] if len(expected) == 1 else None


def index_by_required(cond: Expr) -> int | None:
    """The meaning of ``->index`` a read-site condition requires, where one conjunct
    says it (``index_by[page] == BY_X``); None otherwise."""
    read = _index_get(cond)
    if read is None:
        return None
    page = repr(read.index[0])
    found = [b.value for c in _conjuncts(cond) if isinstance(c, Op) and c.op == "eq"
             for a, b in [c.args] if isinstance(a, Get) and a.var == "index_by"
             and repr(a.index[0]) == page and isinstance(b, Lit)]
    return found[0] if len(found) == 1 else None


def _conjuncts(e: Expr) -> list[Expr]:
    if isinstance(e, Op) and e.op == "and":
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def _index_get(cond: Expr) -> Get | None:
    """The first ``->index`` read of a condition."""
    return next((x for x in subexprs(cond) if isinstance(x, Get) and x.var == "index"), None)


def compile_model(model: Model, checked: bool = False, probe: bool = False, detail: bool = False) -> CompiledModel:
    """``checked``: bounds-check every dynamic index and every written value (slower;
    the tests use it to catch spec bugs that would otherwise read a neighbour).
    ``probe``: record the state at every ``->index`` read site reached (``probes``).
    ``detail``: a failed read site is recorded as ``(check id, page, value read, value
    expected, variable, index_by at the read, index_by required)`` (each value an int or
    None, see :func:`read_site_parts` and :func:`index_by_required`; ``variable`` names the
    state variable whose domain labels the two values: the one the read must equal, else
    ``index``) instead of its id alone; the interpreter uses it to
    describe the failed reads of a trace's steps."""
    layout, checks, source, code = _generated(model, checked, probe, detail)
    hits = [0] * len(checks)
    probes: list[tuple[int, int, bytes, bool]] = []
    namespace: dict[str, Any] = {"_ix": _ix, "_val": _val, "_hits": hits, "_probes": probes}
    exec(code, namespace)  # noqa: S102 - our own generated code
    actions = [CompiledAction(a, namespace[f"succ_{i}"], namespace[f"step_{i}"]) for i, a in enumerate(model.actions)]
    invs = {inv.name: namespace[f"inv_{k}"] for k, inv in enumerate(model.invariants) if inv.expr is not None}
    return CompiledModel(model, layout, namespace["init"], actions, invs, list(checks), hits, source, probes)


Generated = tuple[Layout, tuple[tuple[str, str], ...], str, CodeType]
# per model (a frozen IR value, built once per key: spec.catalog.build_model) and mode, the
# generated source compiled to bytecode; each compile_model() runs it in a namespace of its
# own, so every CompiledModel has its own functions, hit counters and probes
_GENERATED: weakref.WeakKeyDictionary[Model, dict[tuple[bool, bool, bool], Generated]] = weakref.WeakKeyDictionary()


def _generated(model: Model, checked: bool, probe: bool, detail: bool) -> Generated:
    of = _GENERATED.setdefault(model, {})
    mode = (checked, probe, detail)
    if mode not in of:
        g = _Gen(model, checked, probe, detail)
        lines = ["def init():", f"    n = [0] * {g.layout.length}", "    bad = []"]
        lines += ["    " + x for x in g.stmts(model.init, "")]
        lines += ["    return bytes(n)", ""]
        for i, a in enumerate(model.actions):
            lines += g.action(i, a)
        for k, inv in enumerate(model.invariants):
            if inv.expr is not None:
                lines += [f"def inv_{k}(s):", f"    return bool({g.expr(inv.expr, 's')})", ""]
        source = "\n".join(lines)
        of[mode] = (g.layout, tuple(g.checks), source, compile(source, f"<reportcheck model {model.design}>", "exec"))
    return of[mode]


def compile_predicate(model: Model, expr: Expr, name: str) -> Callable[[bytes, int], bool]:
    """``expr`` as a function of the state and the value of its one free name ``name``."""
    g = _Gen(model, checked=False)
    source = f"def pred(n, v_{name}):\n    return bool({g.expr(expr, 'n')})\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "<reportcheck predicate>", "exec"), namespace)  # noqa: S102 - our own generated code
    fn: Callable[[bytes, int], bool] = namespace["pred"]
    return fn
