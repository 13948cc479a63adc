"""``VM_BUG_ON_PAGE()`` guards for every read of ``page->index``, derived from the spec.

Each ``index_trusted`` read site of a design is a ``Check`` whose condition says what
must hold when the kernel reads ``->index`` there.  Part of that condition reads ghost
state (``index_by``: who wrote the field last), which the kernel does not have; the guard
is the rest -- the part a kernel can evaluate on the page -- negated and written as C:

    VM_BUG_ON_PAGE(!PageReported(page) || !PageBuddy(page) || page->index != free_list_mt(page), page);

The same projection (:func:`visible`) is evaluated on the concrete interpreter
(:func:`fires`) to say, in the report, which traces each guard catches; the tests compile
the C text with gcc in a harness of stand-in ``struct page`` helpers and check that it
fires on exactly the same reads.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

from checker.engines.explicit import Watcher
from checker.errors import ReportcheckError
from checker.interp.compile import compile_predicate, index_read_page
from checker.interp.concrete import Interpreter
from checker.interp.watch import Seen, SiteWatch, Watch, cell
from spec.expr import Cfg, Expr, Get, Lit, Name, Op
from spec.ir import Check, Model
from spec.kernel import BUDDY, MIGRATE_TYPES, MIGRATETYPES, PCP
from spec.walk import action_checks, checks, reads

INVARIANT = "index_trusted"  # the claim every read of ->index makes

# The kernel's own names for what the spec reads of the page at a read site.
FLAG_TESTS = {("reported", 1): "PageReported(page)", ("where", BUDDY): "PageBuddy(page)",
              ("where", PCP): "page_on_pcp_list(page)"}
PAGE_FIELDS = {"index": "page->index", "order": "page_order(page)", "list_mt": "free_list_mt(page)"}
CONSTANTS = {"page_reporting_min_order": "PAGE_REPORTING_MIN_ORDER", "pageblock_order": "pageblock_order",
             "max_order": "MAX_ORDER"}


@dataclass(frozen=True)
class Placement:
    where: str  # where in the function the guard goes
    list_mt: str = ""  # a local of the function that names the list the page is on


# Where each guard goes in its kernel function (the site names the function).
PLACEMENTS = {
    "free_pcppages_bulk": Placement(
        "after `page = list_last_entry(list, struct page, lru);`, while `migratetype` is the pcp "
        "list being drained", "migratetype"),
    "free_unref_page_commit": Placement("before `migratetype = get_pcppage_migratetype(page);`"),
    "rmqueue_bulk": Placement("after `page = __rmqueue(zone, order, migratetype, alloc_flags);` "
                              "returns a page, before `is_migrate_cma(get_pcppage_migratetype(page))`"),
    "rmqueue": Placement("before `__mod_zone_freepage_state(zone, -(1 << order), "
                         "get_pcppage_migratetype(page));`"),
    "page_reporting_del_from_boundary": Placement("first, before `mt = get_pcppage_migratetype(page);`"),
    "page_reporting_pull_boundary": Placement("first, before `tail = &reported_boundary[page->index];`"),
}

# A debug helper the buddy-list guards call: the kernel keeps no record of which free list
# a page is on except the list itself, so CONFIG_DEBUG_VM walks it.
FREE_LIST_MT_C = """\
#ifdef CONFIG_DEBUG_VM
/* The migratetype of the free list page->lru is on: walk the list to its head. */
static int free_list_mt(struct page *page)
{
\tstruct free_area *area = &page_zone(page)->free_area[page_order(page)];
\tstruct list_head *pos;
\tint mt;

\tfor (pos = page->lru.next; pos != &page->lru; pos = pos->next)
\t\tfor (mt = 0; mt < MIGRATE_TYPES; mt++)
\t\t\tif (pos == &area->free_list[mt])
\t\t\t\treturn mt;
\treturn -1;\t/* not on a free list of its order */
}
#endif
"""


class GuardError(ReportcheckError, ValueError):
    """A read-site condition the translation to C does not cover (a spec change)."""


@dataclass(frozen=True)
class Guard:
    """The guard for one read site of one design."""

    design: str
    site: str  # the spec's read site: "<function>: <the read>"
    function: str
    placement: str
    page: str  # the spec's name for the page read
    claim: Expr  # the read-site condition without its ghost part
    c: str  # VM_BUG_ON_PAGE(<claim negated>, page);
    needs_free_list_mt: bool


def read_sites(model: Model) -> dict[str, Check]:
    """Every ``index_trusted`` read site of the model: site -> its first Check."""
    out: dict[str, Check] = {}
    for _, c in action_checks(model.actions):
        if c.invariant == INVARIANT:
            out.setdefault(c.site, c)
    return out


def _ghosts(model: Model) -> frozenset[str]:
    return frozenset(v.name for v in model.state_vars if v.ghost)


def _conjuncts(e: Expr) -> list[Expr]:
    if isinstance(e, Op) and e.op == "and":
        return [c for a in e.args for c in _conjuncts(a)]
    return [e]


def visible(cond: Expr, ghosts: frozenset[str]) -> Expr:
    """``cond`` with its conjuncts about ghost state dropped: what the kernel can test.
    A ghost read anywhere but a top-level conjunct cannot be dropped soundly."""
    if isinstance(cond, Op) and cond.op == "and":
        kept = [visible(a, ghosts) for a in _conjuncts(cond) if reads(a).isdisjoint(ghosts)]
        kept = [a for a in kept if not (isinstance(a, Lit) and a.value == 1)]
        if not kept:
            return Lit(1)
        return kept[0] if len(kept) == 1 else Op("and", tuple(kept))
    if not reads(cond).isdisjoint(ghosts):
        raise GuardError(f"a read-site condition reads ghost state outside a conjunct: {cond!r}")
    return cond


class _C:
    """IR expression -> C over ``page``, at one read site."""

    def __init__(self, page: Expr, placement: Placement) -> None:
        self.page = page
        self.placement = placement
        self.free_list_mt = False

    def is_page(self, e: Expr) -> bool:
        return isinstance(e, Name) and isinstance(self.page, Name) and e.name == self.page.name

    def value(self, e: Expr, mt: bool = False) -> str:
        """A C value; ``mt``: a migratetype, so literals are written as MIGRATE_* names."""
        if isinstance(e, Lit):
            if mt and 0 <= e.value < MIGRATE_TYPES:
                return "MIGRATE_" + MIGRATETYPES[e.value]
            if mt and e.value == MIGRATE_TYPES:
                return "MIGRATE_TYPES"
            return str(e.value)
        if isinstance(e, Cfg) and e.name in CONSTANTS:
            return CONSTANTS[e.name]
        if isinstance(e, Get) and len(e.index) == 1 and self.is_page(e.index[0]) and e.var in PAGE_FIELDS:
            if e.var == "list_mt" and self.placement.list_mt:
                return self.placement.list_mt
            self.free_list_mt |= e.var == "list_mt"
            return PAGE_FIELDS[e.var]
        if isinstance(e, Op) and e.op in ("add", "sub"):
            sym = "+" if e.op == "add" else "-"
            return f"{self.value(e.args[0], mt)} {sym} {self.value(e.args[1], mt)}"
        if isinstance(e, Op) and e.op == "mul":
            # (order - MIN) * MIGRATE_TYPES: the boundary slot arithmetic
            return f"({self.value(e.args[0])}) * {self.value(e.args[1], mt=True)}"
        raise GuardError(f"no C for {e!r}")

    @staticmethod
    def _is_mt(e: Expr) -> bool:
        return isinstance(e, Get) and e.var in ("index", "list_mt")

    def violated(self, e: Expr) -> str:
        """C that is true when ``e`` is false."""
        if isinstance(e, Op) and e.op == "and":
            return " || ".join(self._paren(self.violated(a), "||") for a in e.args)
        if isinstance(e, Op) and e.op == "or":
            return " && ".join(self._paren(self.violated(a), "&&") for a in e.args)
        if isinstance(e, Op) and e.op in ("eq", "ne", "lt", "le"):
            a, b = e.args
            flag = FLAG_TESTS.get((a.var, b.value)) if isinstance(a, Get) and isinstance(b, Lit) else None
            if flag is not None and isinstance(a, Get) and self.is_page(a.index[0]) and e.op in ("eq", "ne"):
                return "!" + flag if e.op == "eq" else flag
            mt = self._is_mt(a) or self._is_mt(b)
            negated = {"eq": "!=", "ne": "==", "lt": ">=", "le": ">"}[e.op]
            return f"{self.value(a, mt)} {negated} {self.value(b, mt)}"
        raise GuardError(f"no C for the condition {e!r}")

    @staticmethod
    def _paren(text: str, joiner: str) -> str:
        other = "&&" if joiner == "||" else "||"
        return f"({text})" if f" {other} " in text else text


def guards(model: Model) -> list[Guard]:
    """One guard per ``->index`` read site of the model (its design's pcp cache and
    reporting code decide which sites exist)."""
    return [g for g, _ in _guarded(model).values()]


# per model (a frozen IR value): each read site's guard and its claim as a predicate of the
# state and the page read (the replays of one model ask for them once per trace)
_GUARDED: weakref.WeakKeyDictionary[Model, dict[str, tuple[Guard, Callable[[bytes, int], bool]]]] = \
    weakref.WeakKeyDictionary()


def _guarded(model: Model) -> dict[str, tuple[Guard, Callable[[bytes, int], bool]]]:
    if model not in _GUARDED:
        _GUARDED[model] = {g.site: (g, compile_predicate(model, g.claim, g.page)) for g in _guards(model)}
    return _GUARDED[model]


def _guards(model: Model) -> list[Guard]:
    ghosts = _ghosts(model)
    out = []
    for site, check in read_sites(model).items():
        function = site.split(":", 1)[0].strip()
        placement = PLACEMENTS.get(function)
        if placement is None:
            raise GuardError(f"read site {site!r}: add its function to guards.PLACEMENTS")
        page = index_read_page(check.cond)
        if not isinstance(page, Name):
            raise GuardError(f"read site {site!r} does not read ->index of a named page")
        claim = visible(check.cond, ghosts)
        cx = _C(page, placement)
        cond = cx.violated(claim)
        out.append(Guard(model.design, site, function, placement.where, page.name, claim,
                         f"VM_BUG_ON_PAGE({cond}, page);", cx.free_list_mt))
    return out


@dataclass(frozen=True)
class Read:
    """One ``->index`` read reached on a replay: which site, the page, the state at the
    read, whether the spec's read-site claim failed there, and whether the guard fires."""

    site: str
    action: str
    args: dict[str, int]  # the action's parameters: the kernel function's arguments
    page: int
    state: bytes
    claim_failed: bool
    guard_fires: bool


def reads_of(interp: Interpreter, steps: list[tuple[str, tuple[int, ...]]]) -> list[list[Read]]:
    """Replay ``steps`` (the interpreter must probe: ``Interpreter(model, probe=True)``)
    and return, per step, every ``->index`` read it reached."""
    model = interp.model
    preds = {site: pred for site, (_, pred) in _guarded(model).items()}
    probes = interp.compiled.probes
    out: list[list[Read]] = []
    s = interp.initial()
    for name, args in steps:
        probes.clear()
        t = interp.step(s, name, args)
        params = {p.name: v for p, v in zip(model.action(name).params, args)}
        reads = []
        for k, page, state, held in probes:
            inv, site = interp.checks[k]
            if inv == INVARIANT:
                reads.append(Read(site, name, params, page, state, not held, not preds[site](state, page)))
        out.append(reads)
        s = t.target
    return out


@dataclass
class SiteTally:
    """How one guard did on every read of its site that an exploration reached."""

    reads: int = 0
    caught: int = 0  # claim fails, guard fires
    quiet: int = 0  # claim holds, guard silent
    missed: int = 0  # claim fails, guard silent: the value is right, its writer is not
    false_alarms: int = 0  # claim holds, guard fires
    missed_writers: dict[str, int] = field(default_factory=dict)  # who wrote ->index last, on the missed reads


def numbered_checks(model: Model, numbering: list[tuple[str, str]]) -> list[Check]:
    """Every read site of the model (the init's, then the actions'), by check id; checked
    against the interpreter's ``numbering``."""
    out = [*checks(model.init), *(c for _, c in action_checks(model.actions))]
    if [(c.invariant, c.site) for c in out] != list(numbering):
        raise GuardError("the read sites are numbered differently from the interpreter's (a change in spec.walk)")
    return out


class ReadTally(Watcher):
    """An explicit-engine observer: every ``->index`` read on every explored transition,
    the guard against the spec's claim.  The Python backend calls it on every transition
    (the interpreter must probe); the C backend evaluates the guard at each read site
    itself (:attr:`watch`: per site, the claim held x the guard's predicate, and who wrote
    ``->index`` last) and hands the counts to :meth:`absorb`."""

    def __init__(self, interp: Interpreter) -> None:
        self.interp = interp
        model = interp.model
        self.sites = {g.site: g for g in guards(model)}
        self.preds = {s: compile_predicate(model, g.claim, g.page) for s, g in self.sites.items()}
        self.tally = {s: SiteTally() for s in self.sites}
        self._site_of = {k: s for k, (inv, s) in enumerate(interp.checks) if inv == INVARIANT}
        self._by_at, self._by = interp.layout.offsets["index_by"], model.var("index_by").domain
        watched = []
        for k, check in enumerate(numbered_checks(model, interp.checks)):
            page = index_read_page(check.cond)  # the reads the interpreter probes
            site = self._site_of.get(k)
            if site is None or page is None or site not in self.sites:
                continue
            g = self.sites[site]
            watched.append((site, SiteWatch(k, g.page, page, g.claim, Get("index_by", (Name(g.page),)),
                                            self._by.size)))
        self._watched = [site for site, _ in watched]
        self.watch = Watch(sites=tuple(w for _, w in watched))

    def absorb(self, seen: Seen) -> None:
        for site, counts in zip(self._watched, seen.tallies):
            t = self.tally[site]
            caught, missed = sum(counts[cell(False, False)]), sum(counts[cell(False, True)])
            alarms, quiet = sum(counts[cell(True, False)]), sum(counts[cell(True, True)])
            t.reads += caught + missed + alarms + quiet
            t.caught, t.missed, t.false_alarms, t.quiet = (t.caught + caught, t.missed + missed,
                                                           t.false_alarms + alarms, t.quiet + quiet)
            for who, n in enumerate(counts[cell(False, True)]):
                if n:
                    name = self._by.label(who)
                    t.missed_writers[name] = t.missed_writers.get(name, 0) + n

    def __call__(self, source: bytes, action: int, target: bytes) -> None:
        probes = self.interp.compiled.probes
        if not probes:
            return
        for k, page, state, held in probes:
            site = self._site_of.get(k)
            if site is None:
                continue
            t = self.tally[site]
            t.reads += 1
            fires = not self.preds[site](state, page)
            if fires and not held:
                t.caught += 1
            elif not held:
                t.missed += 1
                who = self._by.label(state[self._by_at + page])
                t.missed_writers[who] = t.missed_writers.get(who, 0) + 1
            elif fires:
                t.false_alarms += 1
            else:
                t.quiet += 1
        probes.clear()
