"""Generate C from a spec Model: the same successor functions as :mod:`checker.interp.compile`,
over the same flat state (one byte an element), plus a bit-packed encoding of that state.

The packed state takes the bits the domains need: consecutive elements, a few at a time,
form one mixed-radix number (:func:`packing`; a domain of one value takes nothing), so a
state of v9 on config tiny takes 115 bits (15 bytes) instead of the flat state's 55.  Each action becomes
``succ_<i>(s)``: its parameters enumerated in the Python backend's order, each guard
conjunct tested as soon as its parameters are bound (:func:`compile.guard_levels`), and
for every binding that passes, the body run on a copy ``n`` of the state, then
``emit(action, label, n, bad, nbad)``.  ``bad`` lists the read-site checks that failed,
numbered exactly as the Python backend numbers them (:attr:`CModel.checks` is compared with
the interpreter's).  ``emit`` is the caller's (the search, or the successor collector).

With a :class:`~checker.interp.watch.Watch`, each watched read site also counts, in
``g_watch`` (when the search sets it), the cell (claim held, predicate holds) and the
value the observer asked for, on the state at the read; the projections become the
tables ``proj_len``, ``proj_start``, ``proj_at`` the search gathers moves with.

Every dynamic index and every written value is range-checked (a spec bug would otherwise
corrupt a neighbouring field of the packed state): the first failure is kept in ``g_err``
and the search stops with an error naming the variable.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.interp.compile import guard_levels
from checker.interp.layout import Layout, SpecCompileError
from checker.interp.symmetry import Symmetry
from checker.interp.watch import CELLS, SiteWatch, Watch
from spec.expr import Cfg, Expr, Get, Lit, Name, Op, Quant, emptiness_test
from spec.ir import Action, Assign, Check, For, ForEach, If, Let, Model, Stmt

C_BINARY = {"eq": "==", "ne": "!=", "lt": "<", "le": "<=", "add": "+", "sub": "-", "mul": "*",
            "xor": "^", "bitand": "&"}
C_CALL = {"shl": "SHL", "shr": "SHR", "min": "IMIN", "max": "IMAX"}
MAX_BAD = 64  # failed read sites one transition may record
# error kinds the generated code reports (g_err)
ERRORS = {1: "reads or writes {var} at index {value}, outside its range",
          2: "writes {value} to {var}, outside its domain",
          3: "shifts by {value}, outside 0..30",
          4: "fails more than 64 read sites in one transition",
          7: "gives the watched value {value}, outside the range its observer declared"}

PRELUDE = r"""
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the packed state is laid out for a little-endian machine"
#endif
static int g_err, g_err_var, g_err_value;
static void fail(int kind, int var, int value) {
    if (!g_err) { g_err = kind; g_err_var = var; g_err_value = value; }
}
static inline int IX(int v, int size, int var) {
    if (__builtin_expect((unsigned)v >= (unsigned)size, 0)) { fail(1, var, v); return 0; }
    return v;
}
static inline int WR(int v, int size, int var) {
    if (__builtin_expect((unsigned)v >= (unsigned)size, 0)) { fail(2, var, v); return 0; }
    return v;
}
static inline int SHL(int a, int b) {
    if (__builtin_expect((unsigned)b > 30, 0)) { fail(3, -1, b); return 0; }
    return (int)((unsigned)a << b);
}
static inline int SHR(int a, int b) {
    if (__builtin_expect((unsigned)b > 30, 0)) { fail(3, -1, b); return 0; }
    return a >> b;
}
static inline int WV(int v, int size) {
    if (__builtin_expect((unsigned)v >= (unsigned)size, 0)) { fail(7, -1, v); return 0; }
    return v;
}
static inline int IMIN(int a, int b) { return a < b ? a : b; }
static inline int IMAX(int a, int b) { return a > b ? a : b; }
"""


@dataclass(frozen=True)
class CModel:
    """The generated C of one model and what its caller needs to drive it."""

    source: str
    length: int  # bytes of the flat (unpacked) state, as the Python backend's
    bits: int  # bits of the packed state
    checks: tuple[tuple[str, str], ...]  # check id -> (invariant, site)
    state_invariants: tuple[str, ...]  # inv_table order
    label_base: tuple[int, ...]  # per action: its first label
    param_sizes: tuple[tuple[int, ...], ...]  # per action: the sizes of its parameters
    nlabels: int
    var_names: tuple[str, ...]
    watch_counters: int = 0  # the counters of every watched read site: CELLS * values each
    projection_lengths: tuple[int, ...] = ()  # per projection: the bytes of a projected state
    symmetric: bool = False  # the search stores canonical states (checker.interp.symmetry)

    @property
    def packed_bytes(self) -> int:
        return max(1, (self.bits + 7) // 8)

    @property
    def words(self) -> int:
        return max(1, (self.bits + 63) // 64)

    def label(self, lab: int) -> tuple[int, tuple[int, ...]]:
        """The (action, arguments) a label stands for (inverse of the generated encoding)."""
        a = max(i for i, base in enumerate(self.label_base) if base <= lab)
        rest, args = lab - self.label_base[a], []
        for size in reversed(self.param_sizes[a]):
            args.append(rest % size)
            rest //= size
        return a, tuple(reversed(args))

    def error(self, kind: int, var: int, value: int) -> str:
        name = self.var_names[var] if 0 <= var < len(self.var_names) else "?"
        return "spec " + ERRORS.get(kind, "error {value}").format(var=name, value=value)


class _CGen:
    def __init__(self, model: Model, sites: tuple[SiteWatch, ...] = ()) -> None:
        self.model = model
        # check id -> (watched site, its first counter)
        self.watched: dict[int, list[tuple[SiteWatch, int]]] = {}
        self.counters = 0
        for w in sites:
            self.watched.setdefault(w.check, []).append((w, self.counters))
            self.counters += CELLS * w.values
        self.layout = Layout.of(model)
        self.sort_size = {name: d.size for name, d in model.sorts.items()}
        self.var_index = {v.name: k for k, v in enumerate(model.state_vars)}
        self.var_domain = {v.name: v.domain.size for v in model.state_vars}
        self.checks: list[tuple[str, str]] = []
        self.tmp = 0

    def fresh(self, stem: str) -> str:
        self.tmp += 1
        return f"_{stem}{self.tmp}"

    # ------------------------------------------------------------ expressions
    def expr(self, e: Expr, src: str) -> str:
        if isinstance(e, Lit):
            return str(e.value) if e.value >= 0 else f"({e.value})"
        if isinstance(e, Name):
            return "v_" + e.name
        if isinstance(e, Cfg):
            if e.name not in self.model.constants:
                raise SpecCompileError(f"unknown configuration constant {e.name!r}")
            return str(self.model.constants[e.name])
        if isinstance(e, Get):
            return f"{src}[{self.offset(e.var, e.index, src)}]"
        if isinstance(e, Op):
            test = emptiness_test(e)
            if test is not None:
                return self.expr(test, src)
            a = [self.expr(x, src) for x in e.args]
            if e.op in C_BINARY:
                return f"({a[0]} {C_BINARY[e.op]} {a[1]})"
            if e.op in C_CALL:
                return f"{C_CALL[e.op]}({a[0]}, {a[1]})"
            if e.op == "not":
                return f"(!{a[0]})"
            if e.op in ("and", "or"):
                return "(" + (" && " if e.op == "and" else " || ").join(f"({x} != 0)" for x in a) + ")"
            if e.op == "ite":
                return f"({a[0]} ? {a[1]} : {a[2]})"
        if isinstance(e, Quant):
            return self.quant(e, src)
        raise SpecCompileError(f"cannot compile {e!r}")

    def quant(self, e: Quant, src: str) -> str:
        if e.sort not in self.sort_size:
            raise SpecCompileError(f"unknown sort {e.sort!r}; sorts: {', '.join(self.sort_size)}")
        n, v, body, r = self.sort_size[e.sort], "v_" + e.var, self.expr(e.body, src), self.fresh("r")
        loop = f"for (int {v} = 0; {v} < {n}; {v}++)"
        if e.kind == "exists":
            return f"({{ int {r} = 0; {loop} if ({body}) {{ {r} = 1; break; }} {r}; }})"
        if e.kind == "forall":
            return f"({{ int {r} = 1; {loop} if (!({body})) {{ {r} = 0; break; }} {r}; }})"
        if e.kind == "count":
            return f"({{ int {r} = 0; {loop} if ({body}) {r}++; {r}; }})"
        if e.kind == "find":
            return f"({{ int {r} = -1; {loop} if ({body}) {{ {r} = {v}; break; }} {r}; }})"
        raise SpecCompileError(f"cannot compile quantifier {e.kind!r}")

    def offset(self, var: str, index: tuple[Expr, ...], src: str) -> str:
        if var not in self.layout.offsets:
            raise SpecCompileError(f"unknown state variable {var!r}")
        base, strides, sizes = self.layout.offsets[var], self.layout.strides[var], self.layout.sizes[var]
        if len(index) != len(sizes):
            raise SpecCompileError(f"{var} takes {len(sizes)} indices, got {len(index)}")
        terms, const = [], base
        for i, size, st in zip(index, sizes, strides):
            if isinstance(i, Lit):
                if not 0 <= i.value < size:
                    raise SpecCompileError(f"{var}[{i.value}] is out of range 0..{size - 1}")
                const += i.value * st
            else:
                ix = f"IX({self.expr(i, src)}, {size}, {self.var_index[var]})"
                terms.append(ix if st == 1 else f"{ix} * {st}")
        return " + ".join([str(const)] * bool(const or not terms) + terms)

    # ------------------------------------------------------------- statements
    def stmts(self, body: tuple[Stmt, ...] | list[Stmt], ind: str) -> list[str]:
        out: list[str] = []
        for st in body:
            out += self.stmt(st, ind)
        return out

    def write(self, a: Assign, ind: str) -> str:
        val = f"WR({self.expr(a.value, 'n')}, {self.var_domain[a.var]}, {self.var_index[a.var]})"
        return f"{ind}n[{self.offset(a.var, a.index, 'n')}] = (uint8_t){val};"

    def stmt(self, st: Stmt, ind: str) -> list[str]:
        if isinstance(st, Assign):
            return [self.write(st, ind)]
        if isinstance(st, Let):
            return [f"{ind}v_{st.name} = {self.expr(st.value, 'n')};"]
        if isinstance(st, If):
            out = [f"{ind}if ({self.expr(st.cond, 'n')}) {{", *self.stmts(st.then, ind + "    ")]
            if st.orelse:
                out += [f"{ind}}} else {{", *self.stmts(st.orelse, ind + "    ")]
            return out + [ind + "}"]
        if isinstance(st, For):
            k, hi = self.fresh("k"), self.fresh("hi")
            return [f"{ind}{{ int {hi} = {self.expr(st.stop, 'n')};",
                    f"{ind}for (int {k} = {self.expr(st.start, 'n')}; {k} < {hi}; {k}++) {{",
                    f"{ind}    v_{st.var} = {k};", *self.stmts(st.body, ind + "    "), f"{ind}}} }}"]
        if isinstance(st, ForEach):
            if st.sort not in self.sort_size:
                raise SpecCompileError(f"unknown sort {st.sort!r}; sorts: {', '.join(self.sort_size)}")
            n, v = self.sort_size[st.sort], "v_" + st.var
            out, names = [f"{ind}{{"], []
            for a in st.body:  # every right-hand side is read before any element is written
                t = self.fresh("t")
                names.append(t)
                val = f"WR({self.expr(a.value, 'n')}, {self.var_domain[a.var]}, {self.var_index[a.var]})"
                out += [f"{ind}int {t}o[{n}], {t}v[{n}];",
                        (f"{ind}for (int {v} = 0; {v} < {n}; {v}++) {{ {t}o[{v}] = {self.offset(a.var, a.index, 'n')}; "
                         f"{t}v[{v}] = {val}; }}")]
            for t in names:
                out.append(f"{ind}for (int _j = 0; _j < {n}; _j++) n[{t}o[_j]] = (uint8_t){t}v[_j];")
            return out + [f"{ind}}}"]
        if isinstance(st, Check):
            self.checks.append((st.invariant, st.site))
            c = len(self.checks) - 1
            failed = f"{{ if (nbad < MAX_BAD) bad[nbad++] = {c}; else fail(4, -1, {c}); }}"
            if c not in self.watched:
                return [f"{ind}g_hits[{c}]++;", f"{ind}if (!({self.expr(st.cond, 'n')})) {failed}"]
            ok = self.fresh("ok")
            out = [f"{ind}g_hits[{c}]++;", f"{ind}{{ int {ok} = ({self.expr(st.cond, 'n')}) != 0;",
                   f"{ind}if (!{ok}) {failed}"]
            for w, base in self.watched[c]:  # the site's observers, on the state at the read
                at = self.fresh("at")
                out += [f"{ind}if (g_watch) {{ int {at} = {self.expr(w.bind, 'n')}; {{ int v_{w.name} = {at};",
                        f"{ind}    int _cell = {ok} * 2 + (({self.expr(w.predicate, 'n')}) != 0);",
                        f"{ind}    g_watch[{base} + _cell * {w.values} + WV({self.expr(w.value, 'n')}, {w.values})]++; }} }}"]
            return out + [f"{ind}}}"]
        raise SpecCompileError(f"cannot compile statement {st!r}")

    # ---------------------------------------------------------------- actions
    def action(self, i: int, a: Action, label_base: int) -> list[str]:
        levels = [[self.expr(g, "s") for g in level] for level in guard_levels(a)]
        body = self.stmts(a.body, "")
        names = sorted(locals_of(a.body) - {p.name for p in a.params})
        out = [f"static void succ_{i}(const uint8_t *s) {{"]
        ind = "    "
        out += [f"{ind}if (!({c})) return;" for c in levels[0]]
        for k, p in enumerate(a.params):
            out.append(f"{ind}for (int v_{p.name} = 0; v_{p.name} < {p.domain.size}; v_{p.name}++) {{")
            ind += "    "
            out += [f"{ind}if (!({c})) continue;" for c in levels[k + 1]]
        label, stride = [], 1
        for p in reversed(a.params):
            label.append(f"v_{p.name}" if stride == 1 else f"v_{p.name} * {stride}")
            stride *= p.domain.size
        out += [f"{ind}uint8_t n[{self.layout.length}]; int32_t bad[MAX_BAD]; int nbad = 0;",
                f"{ind}memcpy(n, s, {self.layout.length});"]
        out += [f"{ind}int v_{x} = 0; (void)v_{x};" for x in names]
        out += [ind + line for line in body]
        out.append(f"{ind}emit({i}, {' + '.join([str(label_base), *reversed(label)])}, n, bad, nbad);")
        for _ in a.params:
            ind = ind[:-4]
            out.append(ind + "}")
        return out + ["}", ""]


def locals_of(body: tuple[Stmt, ...] | list[Stmt]) -> set[str]:
    """The names a body binds with Let or For (a C local each, declared before the body)."""
    out: set[str] = set()
    for st in body:
        if isinstance(st, Let):
            out.add(st.name)
        elif isinstance(st, For):
            out |= {st.var} | locals_of(st.body)
        elif isinstance(st, If):
            out |= locals_of(st.then) | locals_of(st.orelse)
    return out


GROUP_LIMIT = 1 << 24  # the most values one group of elements may take (its number fits 24 bits)
GROUP_SIZE = 8  # the most elements in a group (the unpacking's chain of divisions stays short)


def packing(model: Model) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
    """The packed state's groups: (first bit, bits, its elements as (offset in the flat state,
    values)).  Consecutive elements that take values (a domain of one value takes none) are
    grouped, a few at a time, into one mixed-radix number: ``((e0 * n1 + e1) * n2 + e2)...``,
    which takes ``ceil(log2(n0 * n1 * ...))`` bits -- less than a bit field each (3 elements
    of 6 values take 8 bits, not 9) and within a bit of what the domains need."""
    elements, at = [], 0
    for v in model.state_vars:
        for _ in range(v.length):
            if v.domain.size > 1:
                elements.append((at, v.domain.size))
            at += 1
    out: list[tuple[int, int, tuple[tuple[int, int], ...]]] = []
    bit, product = 0, 1
    group: list[tuple[int, int]] = []

    def close() -> None:
        nonlocal bit, group, product
        if group:
            width = (product - 1).bit_length()
            out.append((bit, width, tuple(group)))
            bit, group, product = bit + width, [], 1

    for at, size in elements:
        if product * size > GROUP_LIMIT or len(group) == GROUP_SIZE:
            close()
        group.append((at, size))
        product *= size
    close()
    return out


def pack_code(model: Model, words: int) -> list[str]:
    """``pack(n, w)`` and ``unpack(w, n)`` between the flat and the packed state."""
    length = Layout.of(model).length
    pack = ["static inline void pack(const uint8_t *n, uint64_t *w) {", "    uint64_t g;"]
    pack += [f"    w[{k}] = 0;" for k in range(words)]
    unpack = ["static inline void unpack(const uint64_t *w, uint8_t *n) {", "    uint32_t g;",
              f"    memset(n, 0, {length});"]
    for bit, width, elements in packing(model):
        word, sh, mask = bit // 64, bit % 64, (1 << width) - 1
        number = f"(uint64_t)n[{elements[0][0]}]"
        for at, size in elements[1:]:
            number = f"({number} * {size} + n[{at}])"
        pack += [f"    g = {number};", f"    w[{word}] |= g << {sh};"]
        part = f"(w[{word}] >> {sh})"
        if sh + width > 64:  # the group straddles two words
            pack.append(f"    w[{word + 1}] |= g >> {64 - sh};")
            part = f"({part} | (w[{word + 1}] << {64 - sh}))"
        unpack.append(f"    g = (uint32_t)({part} & {mask});")
        for at, size in reversed(elements[1:]):
            unpack.append(f"    n[{at}] = (uint8_t)(g % {size}u); g /= {size}u;")
        unpack.append(f"    n[{elements[0][0]}] = (uint8_t)g;")
    return pack + ["}", ""] + unpack + ["}", ""]


def init_checks(model: Model) -> int:
    """How many read sites the init has (numbered first; the C backend does not run the init)."""
    g = _CGen(model)
    g.stmts(model.init, "")
    return len(g.checks)


def projection_code(model: Model, watch: Watch) -> tuple[list[str], tuple[int, ...]]:
    """The flat-state offsets each projection gathers (``proj_at`` from ``proj_start[j]``,
    ``proj_len[j]`` of them), and those lengths."""
    lay = Layout.of(model)
    lengths: list[int] = []
    starts: list[int] = []
    at: list[int] = []
    for p in watch.projections:
        starts.append(len(at))
        for var in p.variables:
            if var not in lay.offsets:
                raise SpecCompileError(f"a projection names the unknown state variable {var!r}")
            length = model.var(var).length
            at += range(lay.offsets[var], lay.offsets[var] + length)
        lengths.append(len(at) - starts[-1])
    n = len(lengths)
    return ([f"#define NPROJ {n}", f"#define PROJ_MAXLEN {max(lengths, default=0)}",
             f"static const int32_t proj_len[{max(1, n)}] = {{{', '.join(map(str, lengths)) or '0'}}};",
             f"static const int32_t proj_start[{max(1, n)}] = {{{', '.join(map(str, starts)) or '0'}}};",
             f"static const int32_t proj_at[{max(1, len(at))}] = {{{', '.join(map(str, at)) or '0'}}};", ""],
            tuple(lengths))


def symmetry_code(length: int, sym: Symmetry | None) -> list[str]:
    """``canon(n)``: the flat state ``n`` replaced by the least of its orbit under ``sym``'s
    permutations (bytes compared, as :meth:`Symmetry.canon`); nothing without ``sym``."""
    if sym is None:
        return ["#define NPERM 0", "static inline void canon(uint8_t *n) { (void)n; }", ""]
    rows = ",\n    ".join("{" + ", ".join(map(str, d)) + "}" for d in sym.dst)
    vals = ", ".join("{" + ", ".join(map(str, p)) + "}" for p in sym.perms)
    valued = [k for k, v in enumerate(sym.valued) if v]
    return [f"#define NPERM {len(sym.perms)}",
            f"static const uint16_t perm_dst[NPERM][{length}] = {{\n    {rows}}};",
            f"static const uint8_t perm_val[NPERM][{len(sym.perms[0])}] = {{{vals}}};",
            f"static const uint16_t perm_valued[{max(1, len(valued))}] = {{{', '.join(map(str, valued)) or '0'}}};",
            f"#define NVALUED {len(valued)}",
            "static void canon(uint8_t *n) {",
            f"    uint8_t best[{length}], m[{length}];",
            "    int moved = 0;",
            "    for (int p = 0; p < NPERM; p++) {",
            f"        uint8_t v[{length}];",
            f"        memcpy(v, n, {length});",
            "        for (int j = 0; j < NVALUED; j++) v[perm_valued[j]] = perm_val[p][n[perm_valued[j]]];",
            f"        for (int k = 0; k < {length}; k++) m[perm_dst[p][k]] = v[k];",
            f"        if (memcmp(m, moved ? best : n, {length}) < 0) {{ memcpy(best, m, {length}); moved = 1; }}",
            "    }",
            f"    if (moved) memcpy(n, best, {length});",
            "}", ""]


def generate(model: Model, watch: Watch | None = None, symmetry: Symmetry | None = None) -> CModel:
    """The C of ``model``: the prelude, pack/unpack, one successor function per action,
    ``expand(s)`` calling them in order, and the state invariants in ``inv_table``; with
    ``watch``, its read sites counted in ``g_watch`` and its projections' tables; with
    ``symmetry``, ``canon(n)`` that the search applies to every state before storing it."""
    watch = watch or Watch()
    g = _CGen(model, watch.sites)
    g.stmts(model.init, "")  # numbers the init's read sites first, as the Python backend does
    if any(w.check < len(g.checks) for w in watch.sites):
        raise SpecCompileError("a watched read site is in the init, which the C backend does not run")
    bits = sum(width for _, width, _ in packing(model))
    words = max(1, (bits + 63) // 64)
    bases, sizes, nlabels = [], [], 0
    actions: list[str] = []
    for i, a in enumerate(model.actions):
        bases.append(nlabels)
        sizes.append(tuple(p.domain.size for p in a.params))
        actions += g.action(i, a, nlabels)
        count = 1
        for p in a.params:
            count *= p.domain.size
        nlabels += count
    head = [PRELUDE, f"#define STATE_LEN {g.layout.length}", f"#define STATE_BITS {bits}",
            f"#define STATE_WORDS {words}", f"#define STATE_BYTES {max(1, (bits + 7) // 8)}",
            f"#define NACTIONS {len(model.actions)}", f"#define NLABELS {nlabels}",
            f"#define NCHECKS {max(1, len(g.checks))}", f"#define MAX_BAD {MAX_BAD}", "static uint64_t g_hits[NCHECKS];",
            f"#define NWATCH {max(1, g.counters)}", "static uint64_t *g_watch;  /* the watched sites' counters, or 0 */",
            *projection_code(model, watch)[0],
            "static void emit(int action, uint32_t label, const uint8_t *n, const int32_t *bad, int nbad);", ""]
    invs, names = [], []
    for k, inv in enumerate(model.invariants):
        if inv.expr is not None:
            invs += [f"static int inv_{k}(const uint8_t *s) {{ return ({g.expr(inv.expr, 's')}) != 0; }}"]
            names.append((k, inv.name))
    table = ", ".join(f"inv_{k}" for k, _ in names) or "0"
    tail = ["static void expand(const uint8_t *s) {", *(f"    succ_{i}(s);" for i in range(len(model.actions))),
            "}", "", *invs, f"#define NSTATEINV {len(names)}",
            f"static int (*const inv_table[{max(1, len(names))}])(const uint8_t *) = {{{table}}};", ""]
    source = "\n".join(head + pack_code(model, words) + symmetry_code(g.layout.length, symmetry) + actions + tail)
    if len(g.checks) < max((w.check + 1 for w in watch.sites), default=0):
        raise SpecCompileError("a watched read site does not exist")
    return CModel(source, g.layout.length, bits, tuple(g.checks), tuple(n for _, n in names), tuple(bases),
                  tuple(sizes), nlabels, tuple(v.name for v in model.state_vars), g.counters,
                  projection_code(model, watch)[1], symmetry is not None)
