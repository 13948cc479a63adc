"""The page lifecycle: the explicit state graph projected onto one page.

Every reachable transition ``s -> t`` of a design is projected onto each page: the page's
lifecycle state in ``s`` (where it is, whether it is Reported, whether its free list is
MIGRATE_ISOLATE) and in ``t``.  Where the two differ, the transition's action is an edge
of the lifecycle graph, spelt as the counterexamples, ITF files and ``reportcheck replay``
spell it (``rmqueue_buddy``; the report names the kernel function where it differs:
``rmqueue()``).  Nothing is drawn by hand: the
graph is whatever the exploration reached.  :func:`svg` draws it (numbered edges, a legend
lists each edge's functions); edges that only a fault adds are dashed.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape

from checker.engines.explicit import Observer, Watcher, Watchers
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter
from checker.interp.watch import Projection, Seen, Watch
from checker.results.stats import ExplicitStats
from checker.results.verdict import Verdict
from spec.kernel import BUDDY, ISOLATE, WHERE

# lifecycle states in reading order: the picture places them round a circle in this order
ORDER = ("ALLOC", "ALLOC+Reported", "FREEING", "PCP", "BUDDY", "BUDDY+Reported", "REPORTING",
         "BUDDY+Reported (ISOLATE)", "BUDDY (ISOLATE)", "TAIL", "TAIL+Reported")

Edge = tuple[str, str, str]  # from, to, action (spelt as check, replay and ITF spell it: rmqueue_buddy)
PROJECTED = ("where", "reported", "list_mt")  # all that decides a page's lifecycle state


def page_states(interp: Interpreter, s: bytes) -> tuple[str, ...]:
    """Each page's lifecycle state in ``s``."""
    lay = interp.layout.offsets
    return _pages(b"".join(s[lay[v]:lay[v] + interp.model.var(v).length] for v in PROJECTED))


def _pages(key: bytes) -> tuple[str, ...]:
    """Each page's lifecycle state in a state projected onto PROJECTED (one page a byte)."""
    n = len(key) // 3
    out = []
    for p in range(n):
        where = key[p]
        name = WHERE[where] + ("+Reported" if key[n + p] else "")  # a Reported page off the free lists is a bug
        if where == BUDDY and key[2 * n + p] == ISOLATE:
            name += " (ISOLATE)"
        out.append(name)
    return tuple(out)


@dataclass
class Lifecycle:
    design: str
    edges: set[Edge] = field(default_factory=set)
    fault_edges: dict[Edge, list[str]] = field(default_factory=dict)  # edge -> faults that add it
    states: int = 0
    complete: bool = True  # every exploration behind it finished
    kernel_names: dict[str, str] = field(default_factory=dict)  # action -> its kernel function, where they differ

    def nodes(self) -> list[str]:
        used = {n for e in (*self.edges, *self.fault_edges) for n in e[:2]}
        return [n for n in ORDER if n in used] + sorted(used - set(ORDER))

    def grouped(self) -> list[tuple[str, str, list[str], list[str]]]:
        """(from, to, functions, faults) per arrow: the design's own edges first, then the
        arrows that only faults add (their functions, and which faults)."""
        own: dict[tuple[str, str], list[str]] = {}
        for a, b, fn in sorted(self.edges):
            own.setdefault((a, b), []).append(fn)
        extra: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
        for (a, b, fn), faults in sorted(self.fault_edges.items()):
            if (a, b) in own:
                continue  # an arrow the design has anyway: the fault adds a function to it
            fns, fs = extra.setdefault((a, b), ([], []))
            fns.append(fn)
            fs.extend(f for f in faults if f not in fs)
        rank = {n: i for i, n in enumerate(self.nodes())}
        rows: list[tuple[str, str, list[str], list[str]]] = [(a, b, fns, []) for (a, b), fns in own.items()]
        rows.sort(key=lambda r: (rank[r[0]], rank[r[1]]))
        more = [(a, b, fns, fs) for (a, b), (fns, fs) in extra.items()]
        more.sort(key=lambda r: (rank[r[0]], rank[r[1]]))
        return rows + more


class Collector(Watcher):
    """An explicit-engine observer that accumulates the projection.  Only the bytes of
    ``where``, ``reported`` and ``list_mt`` decide a page's state, so a transition that
    leaves them alone is skipped without naming any state.  The C backend gathers the
    distinct moves of that projection itself (:attr:`watch`) and hands them to
    :meth:`absorb`; the Python backend calls the collector on every transition."""

    def __init__(self, interp: Interpreter) -> None:
        self.interp = interp
        self.edges: set[Edge] = set()
        lay, model = interp.layout.offsets, interp.model
        if any(model.var(v).length != model.constants["npfn"] for v in PROJECTED):
            raise ValueError(f"the lifecycle projection needs {', '.join(PROJECTED)} with one element a page")
        self._slices = [slice(lay[v], lay[v] + model.var(v).length) for v in PROJECTED]
        self._names = [a.name for a in model.actions]  # one spelling of an action everywhere
        self._seen: set[tuple[bytes, bytes, int]] = set()
        self.watch = Watch(projections=(Projection(PROJECTED),))

    def _key(self, s: bytes) -> bytes:
        a, b, c = self._slices
        return s[a] + s[b] + s[c]

    def __call__(self, source: bytes, action: int, target: bytes) -> None:
        k0, k1 = self._key(source), self._key(target)
        if k0 == k1 or (k0, k1, action) in self._seen:
            return
        self._seen.add((k0, k1, action))
        self._move(k0, k1, action)

    def _move(self, k0: bytes, k1: bytes, action: int) -> None:
        fn = self._names[action]
        for a, b in zip(_pages(k0), _pages(k1)):
            if a != b:
                self.edges.add((a, b, fn))

    def absorb(self, seen: Seen) -> None:
        for k0, k1, action in seen.moves[0]:
            self._move(k0, k1, action)


def explore(interp: Interpreter, invariants: list[str], options: RunOptions | None = None,
            also: Observer | None = None) -> tuple[list[Verdict], ExplicitStats, set[Edge]]:
    """The explicit engine's verdicts and statistics, and the projection of every
    transition it explored (the search runs to the end: no early stop).  ``also``
    observes every transition too (a :class:`Watcher` runs in the C search; another
    observer needs the Python backend)."""
    collect = Collector(interp)
    observe: Observer
    if also is None or isinstance(also, Watcher):
        observe = Watchers(collect, *([also] if also is not None else []))
    else:
        def observe(source: bytes, action: int, target: bytes) -> None:
            collect(source, action, target)
            also(source, action, target)

    options = dataclasses.replace(options or RunOptions(), observe=observe, to_the_end=True)
    verdicts, stats = ENGINES["explicit"].run(interp, invariants, options)
    assert isinstance(stats, ExplicitStats)
    return verdicts, stats, collect.edges


# ------------------------------------------------------------------------ picture
WIDTH, HEIGHT = 900, 620
RX, RY = 330, 255  # the ellipse the states sit on
NODE_W, NODE_H = 170, 30


def _positions(nodes: list[str]) -> dict[str, tuple[float, float]]:
    cx, cy, n = WIDTH / 2, HEIGHT / 2, len(nodes)
    return {name: (cx + RX * math.cos(2 * math.pi * k / n - math.pi / 2),
                   cy + RY * math.sin(2 * math.pi * k / n - math.pi / 2)) for k, name in enumerate(nodes)}


def _clip(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float]:
    """The point where the line from the centre (x0, y0) to (x1, y1) leaves the node box."""
    dx, dy = x1 - x0, y1 - y0
    if dx == 0 and dy == 0:
        return x0, y0
    t = min(NODE_W / 2 / abs(dx) if dx else math.inf, NODE_H / 2 / abs(dy) if dy else math.inf)
    return x0 + dx * t, y0 + dy * t


# the layers of the picture, top to bottom, along a page's life: allocated, being freed, on
# a pcp list, on the buddy lists, handed to the device (or merged into a buddy: TAIL), back
# as Reported (unknown states go last); PCP above BUDDY keeps the arrows of one layer, whose
# labels dot cannot keep apart, few
LAYERS = (("ALLOC", "ALLOC+Reported"), ("FREEING", "FREEING+Reported"), ("PCP", "PCP+Reported"),
          ("BUDDY", "BUDDY (ISOLATE)"),
          ("REPORTING", "TAIL"), ("BUDDY+Reported", "BUDDY+Reported (ISOLATE)", "TAIL+Reported"))
DOT_TIMEOUT = 30  # seconds: dot lays out a dozen nodes in milliseconds


def _fill(name: str) -> str:
    return "#fdebd0" if "Reported" in name else "#e8f0fe" if name.startswith("BUDDY") else "#f4f4f4"


def dot_source(life: Lifecycle) -> str:
    """The lifecycle as a Graphviz graph: the states in layers along the lifecycle, each
    arrow labelled with its number and actions, dashed red where only a fault
    adds it."""
    def q(text: str) -> str:  # a DOT string: backslash, quote and newline escaped
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    nodes = life.nodes()
    out = [f"digraph {q('lifecycle ' + life.design)} {{",
           '  graph [rankdir=TB, newrank=true, nodesep=0.6, ranksep=0.8, fontname="sans-serif", bgcolor="white"];',
           '  node [shape=box, style="rounded,filled", fontname="sans-serif", fontsize=12, color="#333333"];',
           '  edge [fontname="sans-serif", fontsize=10, color="#444444", fontcolor="#444444"];']
    placed = set()
    for layer in LAYERS:
        here = [n for n in layer if n in nodes]
        placed.update(here)
        if here:
            out.append("  { rank=same; " + " ".join(f"{q(n)} [fillcolor={q(_fill(n))}];" for n in here) + " }")
    out += [f"  {q(n)} [fillcolor={q(_fill(n))}];" for n in nodes if n not in placed]
    for k, (a, b, fns, faults) in enumerate(life.grouped(), 1):
        label = f"{k}. " + "\n".join(fns)
        style = ', style=dashed, color="#c0392b", fontcolor="#c0392b"' if faults else ""
        out.append(f"  {q(a)} -> {q(b)} [label={q(label)}{style}];")
    out.append("}")
    return "\n".join(out)


def dot_svg(life: Lifecycle) -> str | None:
    """The picture laid out by Graphviz ``dot`` (an ``<svg>`` element to inline), or None
    where ``dot`` is missing or fails."""
    import shutil
    import subprocess

    exe = shutil.which("dot")
    if exe is None:
        return None
    try:
        done = subprocess.run([exe, "-Tsvg"], input=dot_source(life), capture_output=True, text=True,
                              timeout=DOT_TIMEOUT, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    start = done.stdout.find("<svg")
    if done.returncode != 0 or start < 0:
        return None
    body = re.sub(r"<!--.*?-->\n?", "", done.stdout[start:], flags=re.DOTALL)  # dot's comments name its version
    return body.replace("<svg ", f'<svg role="img" aria-label="page lifecycle of {escape(life.design)}" ', 1).strip()


def svg(life: Lifecycle) -> str:
    """The lifecycle as an SVG picture: laid out by Graphviz ``dot`` where it is installed
    (:func:`dot_svg`), else drawn here round an ellipse; numbered arrows (the legend in
    :meth:`Lifecycle.grouped` order), dashed red for arrows only a fault adds."""
    laid_out = dot_svg(life)
    return laid_out if laid_out is not None else circle_svg(life)


def circle_svg(life: Lifecycle) -> str:
    """The picture without Graphviz: the states round an ellipse, numbered arrows."""
    nodes = life.nodes()
    pos = _positions(nodes)
    marker = ('<marker id="{id}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
              'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{fill}"/></marker>')
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
            f'height="{HEIGHT}" role="img" aria-label="page lifecycle of {escape(life.design)}">'),
           "<defs>" + marker.format(id="arrow", fill="#444") + marker.format(id="arrow-fault", fill="#c0392b")
           + "</defs>"]
    for k, (a, b, _fns, faults) in enumerate(life.grouped(), 1):
        out.append(_arrow(k, pos[a], pos[b], bool(faults)))
    for name in nodes:
        x, y = pos[name]
        fill = "#fdebd0" if "Reported" in name else "#e8f0fe" if name.startswith("BUDDY") else "#f4f4f4"
        out.append(f'<g class="node"><rect x="{x - NODE_W / 2:.1f}" y="{y - NODE_H / 2:.1f}" width="{NODE_W}" '
                   f'height="{NODE_H}" rx="6" fill="{fill}" stroke="#333"/>'
                   f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12" '
                   f'font-family="sans-serif">{escape(name)}</text></g>')
    out.append("</svg>")
    return "\n".join(out)


def _arrow(k: int, a: tuple[float, float], b: tuple[float, float], fault: bool) -> str:
    (x0, y0), (x1, y1) = a, b
    # bend every arrow to its left, so a -> b and b -> a do not overlap
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy) or 1.0
    bend = 0.18 * length
    cx, cy = mx - dy / length * bend, my + dx / length * bend
    sx, sy = _clip(x0, y0, cx, cy)
    ex, ey = _clip(x1, y1, cx, cy)
    lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * ex, 0.25 * sy + 0.5 * cy + 0.25 * ey  # the curve's midpoint
    colour, marker, dash = ("#c0392b", "arrow-fault", ' stroke-dasharray="6 4"') if fault else ("#444", "arrow", "")
    return (f'<g class="edge{" fault" if fault else ""}"><path d="M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} '
            f'{ex:.1f},{ey:.1f}" fill="none" stroke="{colour}" stroke-width="1.4"{dash} marker-end="url(#{marker})"/>'
            f'<circle cx="{lx:.1f}" cy="{ly:.1f}" r="9" fill="white" stroke="{colour}"/>'
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="middle" font-size="10" font-family="sans-serif" '
            f'fill="{colour}">{k}</text></g>')


def merge_fault(life: Lifecycle, fault: str, edges: Iterable[Edge]) -> None:
    """Record the edges a faulty variant reaches that the design itself does not."""
    for e in edges:
        if e not in life.edges:
            life.fault_edges.setdefault(e, []).append(fault)
