"""Explicit-state engine: breadth-first search of every reachable state.

Breadth-first order makes every counterexample a shortest one: a state invariant is
reported at the first (shallowest) state that breaks it, a read site at the first
transition, from the shallowest state, that fails it.  States are the compiled ``bytes``
encoding; each keeps its parent and the (interned) step that reached it, so a trace costs
nothing until it is asked for.
"""

from __future__ import annotations

import time
import tracemalloc
import weakref
from abc import ABC, abstractmethod
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from checker.engines import explicit_c
from checker.interp.concrete import Interpreter
from checker.interp.observed import restrict, unobserved
from checker.interp.symmetry import Symmetry, cpu_symmetry, unfold
from checker.interp.watch import Seen, Watch
from checker.results.stats import ExplicitStats, Progress
from checker.results.verdict import Undecided, UnknownReason, Vacuity, Verdict
from checker.trace.build import build_trace
from spec.ir import Model

ENGINE = "explicit"
Observer = Callable[[bytes, int, bytes], None]  # source, action index, target: every transition


class Watcher(ABC):
    """An observer of every transition that declares what it needs (``watch``), so the C
    backend can gather it in the search and hand it over once, at the end (``absorb``).
    The Python backend calls it on every transition instead; both must come to the same."""

    watch: Watch

    @abstractmethod
    def __call__(self, source: bytes, action: int, target: bytes) -> None: ...

    @abstractmethod
    def absorb(self, seen: Seen) -> None:
        """What the compiled search saw of ``watch``, over every transition it explored."""


class Watchers(Watcher):
    """Several watchers as one: their watches end to end."""

    def __init__(self, *parts: Watcher) -> None:
        self.parts = parts
        self.watch = sum((p.watch for p in parts), Watch())

    def __call__(self, source: bytes, action: int, target: bytes) -> None:
        for p in self.parts:
            p(source, action, target)

    def absorb(self, seen: Seen) -> None:
        for p, part in zip(self.parts, seen.split([p.watch for p in self.parts])):
            p.absorb(part)


@dataclass
class Exploration:
    states: int = 0
    transitions: int = 0
    depth: int = 0
    seconds: float = 0.0
    peak_mib: float = 0.0
    complete: bool = False
    hit_state_limit: bool = False
    deadlocks: int = 0
    deadlock_example: list[tuple[str, tuple[int, ...]]] | None = None
    action_fired: dict[str, int] = field(default_factory=dict)
    site_hits: dict[str, dict[str, int]] = field(default_factory=dict)  # claim -> read site -> times reached
    graph: dict[str, int] | None = None
    backend: str = "python"
    bytes_per_state: float | None = None  # C backend: allocated bytes (states, parents, table) per state
    left_out: tuple[str, ...] = ()  # state variables nothing reads, not stored (checker.interp.observed)
    symmetric: bool = False  # one state stored per orbit of the CPU permutations (checker.interp.symmetry)
    symmetry: str = ""  # what the symmetry check found: the reduction used, or why none

    def stats(self) -> ExplicitStats:
        return ExplicitStats(
            states=self.states, transitions=self.transitions, depth=self.depth,
            seconds=round(self.seconds, 3),
            states_per_second=round(self.states / self.seconds) if self.seconds else None,
            peak_mib=round(self.peak_mib, 1), complete=self.complete,
            stopped_at_state_limit=self.hit_state_limit,
            deadlocks=self.deadlocks, action_fired=self.action_fired,
            read_sites_reached=self.site_hits, graph=self.graph, backend=self.backend,
            bytes_per_state=None if self.bytes_per_state is None else round(self.bytes_per_state, 1),
            symmetry=self.symmetry or None)


# per full model: the interpreters of its restrictions (by the variables dropped, checked, probe)
_SEARCHED: weakref.WeakKeyDictionary[Model, dict[tuple[tuple[str, ...], bool, bool], Interpreter]] = \
    weakref.WeakKeyDictionary()


def searched(interp: Interpreter, dropped: tuple[str, ...]) -> Interpreter:
    """The interpreter of ``interp``'s model without the state variables ``dropped``
    (:func:`~checker.interp.observed.restrict`), compiled once per model; ``interp`` itself
    when nothing is dropped."""
    if not dropped:
        return interp
    key = (dropped, interp._checked, interp._probe)
    of = _SEARCHED.setdefault(interp.model, {})
    if key not in of:
        of[key] = Interpreter(restrict(interp.model, dropped), checked=interp._checked, probe=interp._probe)
    return of[key]


def widening(full: Interpreter, search: Interpreter) -> Callable[[bytes], bytes]:
    """A state of ``search`` (a restriction of ``full``'s model) in ``full``'s layout, the
    dropped variables 0: what an observer that reads only kept variables is given."""
    fl, sl = full.layout, search.layout
    parts = [(slice(fl.offsets[v.name], fl.offsets[v.name] + v.length),
              slice(sl.offsets[v.name], sl.offsets[v.name] + v.length)) for v in search.model.state_vars]

    def widen(s: bytes) -> bytes:
        out = bytearray(fl.length)
        for to, at in parts:
            out[to] = s[at]
        return bytes(out)

    return widen


class Explorer:
    def __init__(self, interp: Interpreter, invariants: list[str], max_states: int | None = None,
                 graph_limit: int = 150_000, progress: Progress | None = None,
                 measure_memory: bool = False, stop_when_refuted: bool = True,
                 observe: Observer | None = None, backend: str | None = None, restricted: bool = True,
                 symmetry: bool | None = None) -> None:
        """``backend``: ``c`` (compiled), ``python``, or None for ``c`` where a C compiler
        works (see :func:`explicit_c.choose`); an observer that is not a :class:`Watcher`
        (the C search can gather a watcher's watch itself) runs the Python backend.
        ``restricted``: search the model without the state variables that nothing reads
        (its guards, claims, read sites, a watcher's watch); a plain callable observer may
        read anything, so with one every variable is kept.  The verdicts are the same
        either way; the state counts are those of the states stored.
        ``symmetry``: store one state per orbit of the CPU permutations when the model is
        symmetric in its CPUs (:func:`~checker.interp.symmetry.cpu_symmetry`, checked on
        the IR; None and True: whenever it is, False: never).  No observer and no graph
        summary runs under it (they see concrete transitions); the verdicts and the
        lengths of the shortest counterexamples are the same, the state counts those of
        the orbits."""
        self.interp = interp
        model = interp.model
        if not restricted or (observe is not None and not isinstance(observe, Watcher)):
            self.left_out: tuple[str, ...] = ()
        else:
            self.left_out = tuple(unobserved(model, names=observe.watch.reads() if observe is not None else ()))
        self.search = searched(interp, self.left_out)  # what both backends explore
        self.symmetry: Symmetry | None = None
        cpus = self.search.model.sorts.get("cpu")
        if cpus is None or cpus.size < 2:  # nothing to permute, nothing to say
            self.symmetry_words = ""
        elif symmetry is False:
            self.symmetry_words = "CPU symmetry off"
        elif observe is not None:
            self.symmetry_words = "CPU symmetry not used: an observer sees every concrete transition"
        else:
            found = cpu_symmetry(self.search.model, self.search.initial())
            self.symmetry, self.symmetry_words = found.symmetry, found.reason
        self.backend = backend
        self._c: explicit_c.CSearch | None = None
        self.observe = observe
        self.stop_when_refuted = stop_when_refuted  # nothing left to decide
        self.invariants = invariants
        self.max_states = max_states
        self.graph_limit = graph_limit if self.symmetry is None else 0  # the quotient's graph is another graph
        self.progress = progress
        self.measure_memory = measure_memory
        self.result = Exploration()
        # first violation per invariant: (state id, label id) of the violating step;
        # label -1 means "the state itself" (a state invariant broken by that state)
        self.violations: dict[str, tuple[int, int]] = {}

    def run(self) -> Exploration:
        watcher = self.observe if isinstance(self.observe, Watcher) else None
        compiled = watcher is not None and explicit_c.watchable(self.interp, watcher.watch)
        if explicit_c.choose(self.backend, self.observe is not None and not compiled) == "c":
            self._c = explicit_c.CSearch(self, watcher.watch if watcher is not None else None)
            self._c.run()
            if watcher is not None:
                watcher.absorb(self._c.seen())
            return self.result
        interp, res = self.search, self.result
        res.left_out = self.left_out
        res.symmetric, res.symmetry = self.symmetry is not None, self.symmetry_words
        canon = self.symmetry.canon if self.symmetry is not None else None
        if self.measure_memory:
            tracemalloc.start()
        t0 = time.perf_counter()
        actions = interp.compiled.actions
        check_inv = [c[0] for c in interp.checks]
        state_invs = [(n, f) for n, f in interp.state_invariants.items() if n in self.invariants]
        wanted_sites = set(self.invariants)
        ids: dict[bytes, int] = {}
        states: list[bytes] = []
        parent = array("l")
        via = array("l")  # label id
        labels: list[tuple[int, tuple[int, ...]]] = []
        label_of: list[dict[tuple[int, ...], int]] = [{} for _ in actions]  # per action: args -> label
        fired = [0] * len(actions)
        edges: array[int] | None = array("l")
        limit = self.max_states if self.max_states is not None else -1
        violations = self.violations
        live = list(state_invs)  # state invariants not yet refuted: only these are evaluated
        observe = self.observe
        hits_before = list(interp.compiled.hits)  # a restriction's interpreter is shared by searches
        relay: Callable[[bytes], bytes] | None = None
        if observe is not None and interp is not self.interp:  # the observer reads the full layout
            relay = widening(self.interp, interp)
            full_probes, probes = self.interp.compiled.probes, interp.compiled.probes

        def add(s: bytes, p: int, lab: int) -> int:
            nonlocal live
            i = len(states)
            ids[s] = i
            states.append(s)
            parent.append(p)
            via.append(lab)
            for name, f in live:
                if not f(s):  # keep an earlier (shallower) read-site violation of the same claim
                    violations.setdefault(name, (i, -1))
                    live = [(n, g) for n, g in live if n != name]
            return i

        add(interp.initial(), -1, -1)
        frontier_start, depth = 0, 0
        stopped = False
        while frontier_start < len(states) and not stopped:
            frontier_end = len(states)
            for sid in range(frontier_start, frontier_end):
                s = states[sid]
                any_succ = False
                for ai, ca in enumerate(actions):
                    labs = label_of[ai]
                    succ = ca.succ(s)
                    if relay is not None and probes:  # the states at the ->index reads, as the observer reads them
                        full_probes.extend((k, page, relay(at), ok) for k, page, at, ok in probes)
                        probes.clear()
                    for args, target, failed in succ:
                        any_succ = True
                        fired[ai] += 1
                        if relay is not None:
                            observe(relay(s), ai, relay(target))  # type: ignore[misc]
                        elif observe is not None:
                            observe(s, ai, target)
                        lab = labs.get(args)
                        if lab is None:
                            lab = labs[args] = len(labels)
                            labels.append((ai, args))
                        for c in failed:
                            inv = check_inv[c]
                            if inv in wanted_sites and inv not in violations:
                                # the violating step itself: source sid, step lab
                                violations[inv] = (-2 - sid, lab)
                        if canon is not None:
                            target = canon(target)
                        tid = ids.get(target)
                        if tid is None:
                            if len(states) == limit:
                                stopped = True
                                res.hit_state_limit = True
                                continue
                            tid = add(target, sid, lab)
                        if edges is not None:
                            edges.append(sid)
                            edges.append(tid)
                if not any_succ:
                    res.deadlocks += 1
                    if res.deadlock_example is None:
                        res.deadlock_example = [(actions[int(a)].action.name, args)  # names, as in a trace
                                                for a, args in self._steps(sid, parent, via, labels, states)]
                if self.stop_when_refuted and len(violations) == len(self.invariants):
                    stopped = True
                    break
            frontier_start = frontier_end
            depth += 1
            if edges is not None and len(states) > self.graph_limit:
                edges = None
            if self.progress:
                self.progress(len(states), depth, time.perf_counter() - t0)
        # the last complete level: every state within it was added and checked, and (the
        # frontier loop does not break on the state limit) every transition from it was
        # checked for read sites; a stopped search got no further than the level it expanded
        res.states, res.depth = len(states), depth - 1
        res.transitions = sum(fired)
        res.complete = not stopped
        res.seconds = time.perf_counter() - t0
        if self.measure_memory:
            res.peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        res.action_fired = {ca.action.name: fired[i] for i, ca in enumerate(actions)}
        hits: dict[str, dict[str, int]] = {}
        for (inv, site), n, n0 in zip(interp.checks, interp.compiled.hits, hits_before):
            n -= n0
            of = hits.setdefault(inv, {})
            of[site] = of.get(site, 0) + n
        res.site_hits = hits
        if edges is not None and res.complete:
            res.graph = graph_summary(len(states), edges)
        self._parent, self._via, self._labels, self._states = parent, via, labels, states
        return res

    def unfold(self, chain: list[bytes], failing: str | None = None) -> list[tuple[int, tuple[int, ...]]]:
        """The concrete steps along the canonical states ``chain`` (from the initial state),
        one more failing a read site of the claim ``failing`` if given."""
        assert self.symmetry is not None
        interp = self.search
        checks = interp.checks

        def successors(s: bytes) -> list[tuple[int, tuple[int, ...], bytes, tuple[int, ...]]]:
            return [(t.action, t.args, t.target, t.failed) for t in interp.successors(s)]

        fails = None if failing is None else (lambda failed: any(checks[c][0] == failing for c in failed))
        return unfold(successors, self.symmetry.canon, interp.initial(), chain, fails)

    def _steps(self, sid: int, parent: array[int], via: array[int], labels: list[tuple[int, tuple[int, ...]]],
               states: list[bytes], failing: str | None = None) -> list[tuple[int | str, tuple[int, ...]]]:
        """The Python backend's steps to state ``sid`` (action index, arguments)."""
        if self.symmetry is None:
            return list(self.path(sid, parent, via, labels))
        chain = []
        while sid != -1:
            chain.append(states[sid])
            sid = parent[sid]
        return list(self.unfold(chain[::-1], failing))

    @staticmethod
    def path(sid: int, parent: array[int], via: array[int], labels: list[tuple[int, tuple[int, ...]]]
             ) -> list[tuple[str, tuple[int, ...]]]:
        out = []
        while parent[sid] != -1:
            out.append(labels[via[sid]])
            sid = parent[sid]
        return [(str(a), args) for a, args in reversed(out)]

    def counterexample(self, invariant: str) -> list[tuple[str, tuple[int, ...]]]:
        if self._c is not None:
            return self._c.counterexample(invariant)
        sid, lab = self.violations[invariant]
        names = [a.name for a in self.search.model.actions]
        if self.symmetry is not None:
            at, failing = (sid, None) if lab == -1 else (-2 - sid, invariant)
            return [(names[int(a)], args)
                    for a, args in self._steps(at, self._parent, self._via, self._labels, self._states, failing)]
        if lab == -1:
            steps = self.path(sid, self._parent, self._via, self._labels)
        else:
            steps = self.path(-2 - sid, self._parent, self._via, self._labels)
            steps.append((str(self._labels[lab][0]), self._labels[lab][1]))
        return [(names[int(a)], args) for a, args in steps]


def graph_summary(n: int, edges: array[int]) -> dict[str, int]:
    """Shape of the state graph (networkx): strongly connected components, how many are
    terminal (no way out), and the size of the largest."""
    import networkx as nx  # type: ignore[import-untyped]

    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(edges[0::2], edges[1::2]))
    cond = nx.condensation(g)
    sizes = [len(cond.nodes[c]["members"]) for c in cond.nodes]
    return {"nodes": n, "edges": g.number_of_edges(), "sccs": cond.number_of_nodes(),
            "terminal_sccs": sum(1 for c in cond.nodes if cond.out_degree(c) == 0),
            "largest_scc": max(sizes) if sizes else 0}


def check(interp: Interpreter, invariants: list[str], max_states: int | None = None,
          progress: Progress | None = None, measure_memory: bool = False,
          graph_limit: int = 150_000, backend: str | None = None) -> tuple[list[Verdict], Exploration]:
    return verdicts_of(Explorer(interp, invariants, max_states, graph_limit, progress, measure_memory,
                                backend=backend))


def vacuity_of(m: Model, inv: str, site_hits: dict[str, dict[str, int]]) -> Vacuity | None:
    """What a complete search did not reach of the claim ``inv``: its read sites never
    reached, or none in the model when the claim is nothing but read sites."""
    hits = site_hits.get(inv, {})
    predicate = next((i.expr for i in m.invariants if i.name == inv), None) is not None
    if not hits:
        return None if predicate else Vacuity(no_read_site=True, total=True)
    unreached = tuple(site for site, n in hits.items() if n == 0)
    if not unreached:
        return None
    return Vacuity(unreached, total=not predicate and len(unreached) == len(hits))


def sites_words(n_sites: int, vacuity: Vacuity | None, transitions: int) -> str:
    """What a complete search says of a claim's read sites: all of them checked on every
    transition, or only those it reached (the rest are the verdict's vacuity marker)."""
    unreached = len(vacuity.unreached) if vacuity is not None else 0
    if unreached == 0:
        return f"every read site on all {transitions:,} transitions"
    if unreached == n_sites:
        which = "its read site" if n_sites == 1 else f"none of its {n_sites} read sites"
        return f"{which} not reached on any of {transitions:,} transitions"
    return f"the {n_sites - unreached} of its {n_sites} read sites that were reached, on all {transitions:,} transitions"


def left_out_words(left_out: tuple[str, ...]) -> str:
    """What a scope says of the state variables the search did not store."""
    if not left_out:
        return ""
    names = ", ".join(left_out)
    return (f" (with {names} left out of the state: only ever written, never read by a guard, claim, read "
            f"site or observer, so no verdict depends on {'it' if len(left_out) == 1 else 'them'})")


def verdicts_of(ex: Explorer) -> tuple[list[Verdict], Exploration]:
    """Run the exploration and turn what it found into verdicts."""
    interp, invariants = ex.interp, ex.invariants
    res = ex.run()
    m = interp.model
    where = f"config {m.config.name}"
    left = left_out_words(res.left_out) + (
        ", counted up to a permutation of the CPUs (one state stored per orbit: the model is symmetric in them)"
        if res.symmetric else "")
    verdicts = []
    has_sites = {c[0] for c in interp.checks}
    for inv in invariants:
        if inv in ex.violations:
            trace = build_trace(interp, ex.counterexample(inv), inv)
            scope = (f"shortest counterexample: {len(trace.steps)} steps, found by breadth-first search "
                     f"of {res.states:,} states of {where}{left}")
            verdicts.append(Verdict.refuted(ENGINE, inv, scope, trace))
        elif res.complete:
            parts = [f"all {res.states:,} reachable states of {where}{left}"]
            vacuity = vacuity_of(m, inv, res.site_hits)
            if inv in has_sites:
                parts.append(sites_words(len(res.site_hits.get(inv, {})), vacuity, res.transitions))
            verdicts.append(Verdict.proved(ENGINE, inv, "; ".join(parts), vacuity=vacuity))
        else:
            d = res.depth  # the last complete level: the one being expanded when the limit struck
            sites = (f"; read sites checked on every transition from states within {d} steps"
                     if inv in has_sites else "")
            verdicts.append(Verdict.unknown(
                ENGINE, inv, f"no violation among the {res.states:,} states explored of {where}{left}: every state "
                f"reachable in at most {d} steps{sites}; the state limit stopped the search",
                Undecided(UnknownReason.STATE_LIMIT, depth=d, states=res.states)))
    return verdicts, res
