"""What an observer of a search needs to see, declared as data so that a compiled backend
can gather it itself instead of calling Python on every transition.

A :class:`Watch` names two kinds of thing:

- a :class:`Projection` onto some state variables: the distinct ``(source, target,
  action)`` triples of the explored transitions whose source and target differ on those
  variables (each projected state is the variables' elements end to end, in the order
  named, one byte an element, as in the flat state);
- a :class:`SiteWatch` at one read site (a ``Check``, by its id): at every time the site
  is reached, with ``name`` bound to ``bind`` (evaluated on the state at the read), a count
  per cell ``(claim held, predicate holds)`` of each value of ``value``.

:class:`Seen` is what comes back, in the watch's order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spec.expr import Expr
from spec.walk import reads

Move = tuple[bytes, bytes, int]  # projected source, projected target, action index
CELLS = 4  # per watched site: held * 2 + predicate holds


@dataclass(frozen=True)
class Projection:
    variables: tuple[str, ...]


@dataclass(frozen=True)
class SiteWatch:
    check: int  # the read site's check id, numbered as the interpreter numbers them
    name: str  # the name ``predicate`` and ``value`` read
    bind: Expr  # what ``name`` stands for at the read (over the state and the action's names)
    predicate: Expr
    value: Expr  # tallied per cell: a histogram of 0 .. values - 1
    values: int


@dataclass(frozen=True)
class Watch:
    projections: tuple[Projection, ...] = ()
    sites: tuple[SiteWatch, ...] = ()

    def __add__(self, other: Watch) -> Watch:
        return Watch(self.projections + other.projections, self.sites + other.sites)

    def reads(self) -> frozenset[str]:
        """The state variables the watch reads: every projection's, and those its sites'
        expressions read (a search must keep them in its state)."""
        out = {v for p in self.projections for v in p.variables}
        for w in self.sites:
            out |= reads(w.bind) | reads(w.predicate) | reads(w.value)
        return frozenset(out)

    @property
    def key(self) -> str:
        """A text that tells watches apart (an Expr's == builds an expression, so a Watch
        is compared by this)."""
        return repr(self)


@dataclass
class Seen:
    moves: list[set[Move]] = field(default_factory=list)  # per projection
    tallies: list[list[list[int]]] = field(default_factory=list)  # per site: per cell, per value

    def split(self, watches: list[Watch]) -> list[Seen]:
        """What each of ``watches`` saw, when this is what their sum saw."""
        out, p, s = [], 0, 0
        for w in watches:
            np, ns = len(w.projections), len(w.sites)
            out.append(Seen(self.moves[p:p + np], self.tallies[s:s + ns]))
            p, s = p + np, s + ns
        return out


def cell(held: bool, holds: bool) -> int:
    """The cell of a read: whether the read site's claim held, whether the predicate holds."""
    return int(held) * 2 + int(holds)
