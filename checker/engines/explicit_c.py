"""The explicit engine's compiled backend: the model's C (:mod:`checker.interp.cgen`) and the
breadth-first search (``explicit_c.c``) in one shared library, driven level by level from
here.

It fills the same :class:`~checker.engines.explicit.Exploration` and violations as the
Python backend, in the same order (states numbered as found, successors in action and
parameter order), so both give the same states, transitions, depth, coverage and the same
shortest counterexamples; those are rebuilt and replayed on the concrete Python
interpreter by :func:`~checker.engines.explicit.verdicts_of`, as for the Python backend.
An observer that declares what it needs as a :class:`~checker.interp.watch.Watch` (a
projection's distinct moves, tallies at read sites) runs compiled into the search: C
gathers it and hands it back at the end (:meth:`CSearch.seen`), no Python is called per
transition.  Any other observer of every transition needs the Python backend.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import weakref
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

from checker.errors import ReportcheckError, UsageError
from checker.interp import cbuild
from checker.interp.cgen import MAX_BAD, CModel, generate, init_checks
from checker.interp.concrete import Interpreter, Transition
from checker.interp.layout import SpecCompileError
from checker.interp.symmetry import Symmetry
from checker.interp.watch import CELLS, Seen, Watch
from spec.ir import Model

if TYPE_CHECKING:
    from checker.engines.explicit import Explorer

BACKENDS = ("c", "python")
CDEF = """
typedef struct {
    int64_t nstates, cap, next, level_end, deadlocks, first_deadlock, max_states, graph_limit;
    int64_t nedges, edges_cap, tcap, bytes, peak_bytes, cur_sid;
    int32_t stopped, hit_limit, edges_on, stop_when_refuted, nviolated, n_stop, nslots, any;
    int32_t err, err_var, err_value, label_bytes;
    uint8_t *states; uint32_t *table; uint32_t *edges;
    int32_t *check_slot; int32_t *inv_slot; int64_t *viol_sid; int64_t *viol_lab; uint8_t *viol_set;
    uint64_t *fired; uint64_t *hits;
    int32_t idbits;
    uint64_t *watch; void *sets; uint8_t *psrc; int64_t watch_bytes;
    int64_t *level_start; int64_t nlevels, levels_cap;
    int64_t memo_sid, memo_parent, memo_label;
} rc_search;
int rc_state_len(void);
int rc_state_bytes(void);
int rc_label_bytes(void);
rc_search *rc_new(const uint8_t *init, int64_t max_states, int64_t graph_limit, const int32_t *check_slot,
                  const int32_t *inv_slot, int32_t nslots, int32_t n_stop, int32_t stop_when_refuted);
void rc_free(rc_search *c);
int rc_level(rc_search *c);
int rc_run(rc_search *c, int64_t budget);
int64_t rc_parent(rc_search *c, int64_t sid);
int64_t rc_via(rc_search *c, int64_t sid);
void rc_state(rc_search *c, int64_t sid, uint8_t *out);
int64_t rc_successors(const uint8_t *s, int64_t max, uint8_t *targets, int32_t *actions, uint32_t *labels,
                      int32_t *nbad, int32_t *bad, int32_t *err);
int64_t rc_moves(rc_search *c, int32_t j, uint8_t *out);
int rc_watch_counters(void);
int rc_graph(rc_search *c, int64_t *out);
void rc_canon(const uint8_t *s, uint8_t *out);
int rc_symmetric(void);
"""
BUDGET = 1 << 14  # states expanded per call into C (a tenth of a second on the quick library)
OPTIMISE_AFTER = 3.0  # seconds of search on the quick library before the optimised one is compiled
MAX_SUCCESSORS = 4096  # per state, for successors()


class CBackendError(ReportcheckError, RuntimeError):
    """The compiled model went outside a variable's range or domain (a bug in the spec)."""


class SearchOutOfMemory(UsageError):
    """The C search could not allocate its next block: the message names the fix."""


@functools.cache
def _runtime() -> str:
    return resources.files("checker.engines").joinpath("explicit_c.c").read_text()


@dataclass(frozen=True)
class CEngine:
    cmodel: CModel
    ffi: Any
    lib: Any
    level: str  # cbuild.QUICK or cbuild.OPTIMISED


# per model: per watch (by its key) and symmetry the generated C, and per level the compiled engine
_MODELS: weakref.WeakKeyDictionary[Model, dict[tuple[str, bool], CModel]] = weakref.WeakKeyDictionary()
_ENGINES: weakref.WeakKeyDictionary[Model, dict[tuple[str, str, bool], CEngine]] = weakref.WeakKeyDictionary()


def cmodel(interp: Interpreter, watch: Watch | None = None, symmetry: Symmetry | None = None) -> CModel:
    """The C of ``interp``'s model with ``watch`` compiled in, storing canonical states under
    ``symmetry`` if given (generated once per model, watch and symmetry)."""
    watch = watch or Watch()
    of = _MODELS.setdefault(interp.model, {})
    key = (watch.key, symmetry is not None)
    cm = of.get(key)
    if cm is None:
        cm = generate(interp.model, watch, symmetry)
        if list(cm.checks) != list(interp.checks):
            raise SpecCompileError("the C backend numbers the read sites differently from the Python backend")
        of[key] = cm
    return cm


def source(cm: CModel) -> str:
    """What is compiled: the model's C and the search."""
    return cm.source + "\n" + _runtime()


def engine(interp: Interpreter, watch: Watch | None = None, level: str = cbuild.OPTIMISED,
           symmetry: Symmetry | None = None) -> CEngine:
    """The compiled model of ``interp`` with ``watch`` compiled in (and ``symmetry``), at
    ``level`` (built once per source and level: later runs load the cached library).
    Raises cbuild.CompilerUnavailable."""
    watch = watch or Watch()
    of = _ENGINES.setdefault(interp.model, {})
    key = (watch.key, level, symmetry is not None)
    eng = of.get(key)
    if eng is None:
        cm = cmodel(interp, watch, symmetry)
        ffi, lib = cbuild.load(source(cm), CDEF, level)
        eng = of[key] = CEngine(cm, ffi, lib, level)
    return eng


def canonical(interp: Interpreter, symmetry: Symmetry, s: bytes, level: str = cbuild.QUICK) -> bytes:
    """The C search's canonical form of the flat state ``s`` (to compare with
    :meth:`Symmetry.canon`)."""
    eng = engine(interp, level=level, symmetry=symmetry)
    out = eng.ffi.new("uint8_t[]", eng.cmodel.length)
    eng.lib.rc_canon(eng.ffi.from_buffer("uint8_t[]", s), out)
    return bytes(eng.ffi.buffer(out, eng.cmodel.length))


def watchable(interp: Interpreter, watch: Watch) -> bool:
    """Whether the C backend can gather ``watch``: it does not run the init, so a read site
    watched there needs the Python backend."""
    return all(w.check >= init_checks(interp.model) for w in watch.sites)


def unavailable() -> str | None:
    """Why the C backend cannot run here (one line), or None."""
    return cbuild.available()


@functools.cache
def _warn(message: str) -> None:
    print(f"reportcheck: warning: {message}; using the Python backend of the explicit engine (slower)",
          file=sys.stderr)


def choose(backend: str | None, observed: bool = False) -> str:
    """The backend to run: ``backend`` if given (``c`` without a compiler is a usage error
    naming the fix), else ``c`` when a compiler works and ``python`` (with a one-line warning)
    when not.  ``observed``: an observer the C search cannot gather for (a Python callable
    of every transition) needs the Python backend."""
    if backend is not None and backend not in BACKENDS:
        raise UsageError(f"unknown backend {backend!r}; choose from: {', '.join(BACKENDS)}")
    if backend == "python" or observed:
        return "python"
    why = unavailable()
    if why is None:
        return "c"
    if backend == "c":
        raise UsageError(f"--backend c: {why}; or use --backend python")
    _warn(why)
    return "python"


def successors(interp: Interpreter, s: bytes, level: str = cbuild.QUICK) -> list[Transition]:
    """The C backend's successors of ``s`` (packed and unpacked again, as the search stores
    them), as the interpreter's :class:`Transition` records."""
    eng = engine(interp, level=level)
    ffi, lib, cm = eng.ffi, eng.lib, eng.cmodel
    n = MAX_SUCCESSORS
    targets = ffi.new("uint8_t[]", n * cm.length)
    actions, labels = ffi.new("int32_t[]", n), ffi.new("uint32_t[]", n)
    nbad, bad, err = ffi.new("int32_t[]", n), ffi.new("int32_t[]", n * MAX_BAD), ffi.new("int32_t[3]")
    count = lib.rc_successors(ffi.from_buffer("uint8_t[]", s), n, targets, actions, labels, nbad, bad, err)
    if count < 0:
        raise CBackendError(cm.error(err[0], err[1], err[2]))
    out = []
    raw = bytes(ffi.buffer(targets, count * cm.length))
    for k in range(count):
        a, args = cm.label(labels[k])
        assert a == actions[k]
        failed = tuple(bad[k * MAX_BAD + j] for j in range(nbad[k]))
        out.append(Transition(a, args, raw[k * cm.length:(k + 1) * cm.length], failed))
    return out


LEVEL_VAR = "REPORTCHECK_C_LEVEL"


def chosen_level() -> str | None:
    """The library level ``$REPORTCHECK_C_LEVEL`` asks for (``quick`` or ``optimised``), or
    None (unset or ``auto``): start quick, move to optimised on a long search."""
    value = os.environ.get(LEVEL_VAR, "auto")
    if value == "auto":
        return None
    if value not in cbuild.LEVELS:
        raise UsageError(f"${LEVEL_VAR}={value!r}: choose from auto, {', '.join(cbuild.LEVELS)}")
    return value


class Optimising:
    """The optimised library of a source, compiled in the background once a search on the
    quick library has run for :data:`OPTIMISE_AFTER` seconds.  A compiler that fails there
    leaves the search on the quick library (it built the same source, so nothing is lost
    but speed)."""

    def __init__(self, src: str) -> None:
        self.src = src
        self.build: cbuild.Build | None = None
        self.failed = False

    def ready(self, searched: float) -> bool:
        """Whether the optimised library is built and cached (``searched``: seconds the
        search has run so far)."""
        if self.failed or searched < OPTIMISE_AFTER:
            return False
        try:
            if self.build is None:
                if cbuild.cached(self.src, cbuild.OPTIMISED):  # another process built it meanwhile
                    return True
                self.build = cbuild.Build(self.src, cbuild.OPTIMISED)
                return False
            if not self.build.done():
                return False
            self.build.wait()
        except cbuild.CompilerUnavailable:
            self.failed = True
            return False
        return True

    def cancel(self) -> None:
        if self.build is not None:
            self.build.cancel()


class CSearch:
    """One breadth-first search in C for an :class:`Explorer`; keeps its states (in C) until
    it is garbage-collected, so counterexamples can be asked for afterwards (each step's
    parent found again by expanding the level before it).

    Which library it runs (``level``; None: the tiers below): when the optimised library of
    the model is cached, that one.  Otherwise the search starts at once on the quick library
    (a second to build) and, once it has run for :data:`OPTIMISE_AFTER` seconds, the
    optimised library is compiled beside it; when that is ready the search starts again on
    it, from the initial state.  So a search of a few seconds never waits for the optimising
    compiler, and a long one runs at full speed after at most the compilation's time.  Both
    libraries compile the same source: a restarted search is the same search, and only the
    progress shown goes back to the start."""

    def __init__(self, ex: Explorer, watch: Watch | None = None, level: str | None = None) -> None:
        self.ex = ex
        self.watch = watch or Watch()
        self.sym = ex.symmetry
        self.cm = cmodel(ex.search, self.watch, self.sym)
        self.level = level
        self.eng: CEngine | None = None
        self.ptr: Any = None

    def run(self) -> None:
        src = source(self.cm)
        level = self.level or chosen_level()
        search, watch, sym = self.ex.search, self.watch, self.sym
        if level is not None:
            self._search(engine(search, watch, level, sym), None)
        elif cbuild.cached(src, cbuild.OPTIMISED):
            self._search(engine(search, watch, cbuild.OPTIMISED, sym), None)
        else:
            optimising = Optimising(src)
            try:
                if not self._search(engine(search, watch, cbuild.QUICK, sym), optimising):
                    self._search(engine(search, watch, cbuild.OPTIMISED, sym), None)
            finally:
                optimising.cancel()

    def _search(self, eng: CEngine, optimising: Optimising | None) -> bool:
        """Run the search on ``eng``; False when it stopped to start again on the optimised
        library (``optimising`` is ready), True when it ran to its end."""
        self.eng, self.ptr = eng, None
        ex, ffi, lib, cm = self.ex, eng.ffi, eng.lib, self.cm
        interp, res = ex.search, ex.result  # the model restricted to what is read
        res.left_out = ex.left_out
        res.symmetric, res.symmetry = self.sym is not None, ex.symmetry_words
        names = list(dict.fromkeys(ex.invariants))
        slot = {name: k for k, name in enumerate(names)}
        check_slot = ffi.new("int32_t[]", [slot.get(inv, -1) for inv, _ in cm.checks] or [-1])
        inv_slot = ffi.new("int32_t[]", [slot.get(inv, -1) for inv in cm.state_invariants] or [-1])
        before = list(interp.compiled.hits)
        start = interp.initial()  # the init's read sites, if any, count as in the Python backend
        init_hits = [a - b for a, b in zip(interp.compiled.hits, before)]
        t0 = time.perf_counter()
        limit = ex.max_states if ex.max_states is not None else -1
        ptr = lib.rc_new(ffi.from_buffer("uint8_t[]", start), limit, ex.graph_limit, check_slot, inv_slot, len(names), len(ex.invariants),
                         int(ex.stop_when_refuted))
        if ptr == ffi.NULL:
            raise CBackendError("out of memory starting the search")
        self.ptr = ffi.gc(ptr, lib.rc_free)
        c, depth = self.ptr, 0
        while lib.rc_level(c):
            while (done := lib.rc_run(c, BUDGET)) == 0:
                if optimising is not None and optimising.ready(time.perf_counter() - t0):
                    return False
            if done < 0 and c.err == 5:
                raise SearchOutOfMemory(f"the explicit search ran out of memory after {c.nstates:,} states "
                                        f"({c.bytes / 2**30:.1f} GiB); give a smaller --max-states")
            if done < 0:
                raise CBackendError(f"{cm.error(c.err, c.err_var, c.err_value)} (C backend, after "
                                    f"{c.nstates:,} states)")
            depth += 1
            if ex.progress:
                ex.progress(c.nstates, depth, time.perf_counter() - t0)
            if optimising is not None and optimising.ready(time.perf_counter() - t0):
                return False
        res.backend = "c"
        res.states = c.nstates
        res.depth = depth - 1  # the last complete level, as the Python backend counts it
        fired = [c.fired[i] for i in range(len(interp.model.actions))]
        res.transitions = sum(fired)
        res.complete = not c.stopped
        res.hit_state_limit = bool(c.hit_limit)
        res.seconds = time.perf_counter() - t0
        res.bytes_per_state = c.bytes / c.nstates
        if ex.measure_memory:
            res.peak_mib = c.peak_bytes / 2**20
        res.deadlocks = c.deadlocks
        if c.first_deadlock >= 0:
            res.deadlock_example = [(interp.model.actions[int(a)].name, args)  # names, as in a trace
                                    for a, args in self.path(c.first_deadlock)]
        res.action_fired = {a.name: fired[i] for i, a in enumerate(interp.model.actions)}
        hits: dict[str, dict[str, int]] = {}
        for k, (inv, site) in enumerate(cm.checks):
            of = hits.setdefault(inv, {})
            of[site] = of.get(site, 0) + c.hits[k] + init_hits[k]
        res.site_hits = hits
        if c.edges_on and res.complete:  # the shape explicit.graph_summary gives with networkx, computed in C
            shape = ffi.new("int64_t[5]")
            if not lib.rc_graph(c, shape):
                raise SearchOutOfMemory("the explicit search ran out of memory summing up its state graph")
            res.graph = dict(zip(("nodes", "edges", "sccs", "terminal_sccs", "largest_scc"), map(int, shape)))
        for name, k in slot.items():
            if c.viol_set[k]:
                ex.violations[name] = (c.viol_sid[k], c.viol_lab[k])
        return True

    def seen(self) -> Seen:
        """What the search gathered for its watch: each projection's distinct moves (in the
        order first found), each watched site's counters per cell and value."""
        assert self.eng is not None, "seen() after run()"
        ffi, lib, c = self.eng.ffi, self.eng.lib, self.ptr
        out = Seen()
        for j, length in enumerate(self.cm.projection_lengths):
            n, size = lib.rc_moves(c, j, ffi.NULL), 2 * length + 4
            buf = ffi.new("uint8_t[]", max(1, n * size))
            lib.rc_moves(c, j, buf)
            raw = bytes(ffi.buffer(buf, n * size))
            out.moves.append({(raw[k:k + length], raw[k + length:k + 2 * length],
                               int.from_bytes(raw[k + 2 * length:k + size], "little", signed=True))
                              for k in range(0, n * size, size)})
        at = 0
        for w in self.watch.sites:
            out.tallies.append([[int(c.watch[at + cell * w.values + v]) for v in range(w.values)]
                                for cell in range(CELLS)])
            at += CELLS * w.values
        return out

    def path(self, sid: int, failing: str | None = None) -> list[tuple[int, tuple[int, ...]]]:
        """The steps from the initial state to state ``sid`` (action index, arguments); with
        ``failing``, one step more: the first from ``sid`` that fails a read site of that
        claim.  Under a symmetry the stored states are canonical forms: the concrete steps
        are found again along them (:func:`~checker.interp.symmetry.unfold`)."""
        assert self.eng is not None, "path() after run()"
        lib, ffi, out = self.eng.lib, self.eng.ffi, []
        if self.sym is not None:
            chain, buf = [], ffi.new("uint8_t[]", self.cm.length)
            while sid != -1:
                lib.rc_state(self.ptr, sid, buf)
                chain.append(bytes(ffi.buffer(buf, self.cm.length)))
                sid = self._parent(sid)
            return self.ex.unfold(chain[::-1], failing)
        while (p := self._parent(sid)) != -1:
            out.append(self.cm.label(lib.rc_via(self.ptr, sid)))
            sid = p
        return out[::-1]

    def state(self, sid: int) -> bytes:
        """The flat state ``sid`` as stored (its canonical form under a symmetry)."""
        assert self.eng is not None, "state() after run()"
        buf = self.eng.ffi.new("uint8_t[]", self.cm.length)
        self.eng.lib.rc_state(self.ptr, sid, buf)
        return bytes(self.eng.ffi.buffer(buf, self.cm.length))

    def _parent(self, sid: int) -> int:
        """The state that first reached ``sid`` (-1 for the initial state), found again by
        the search's C (no parent is stored)."""
        assert self.eng is not None
        p = int(self.eng.lib.rc_parent(self.ptr, sid))
        if p == -2:
            raise CBackendError(f"no state of the level before state {sid} steps to it (a bug of the C search)")
        return p

    def counterexample(self, invariant: str) -> list[tuple[str, tuple[int, ...]]]:
        sid, lab = self.ex.violations[invariant]
        if lab == -1:
            steps = self.path(sid)
        elif self.sym is not None:
            steps = self.path(-2 - sid, invariant)
        else:
            steps = [*self.path(-2 - sid), self.cm.label(lab)]
        names = [a.name for a in self.ex.search.model.actions]
        return [(names[a], args) for a, args in steps]
