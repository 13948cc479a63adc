"""Fixture models: a few lines of IR each, small enough that every pinned number below can
be worked out by hand, yet using the constructs the allocator model is written in --
``For`` with configuration bounds, ``ForEach``, ``Find``, ``Count``, shifts, read sites
(``Check``) and a deadlock.  Each engine is run on them in milliseconds
(tests/test_fixture_models.py) instead of on the full allocator.

They are built from ``build_model`` with the behaviour replaced (``dataclasses.replace``),
so that whatever a Model records about its choice of design, era and configuration stays
what ``build_model`` writes there.

**ring**: four pages, one token.  ``pass_token(s)`` moves every page's token to the page
``p ^ (1 << s)`` at once (a ``ForEach``: if the right-hand sides were not all read before
the writes, the token would be lost), then ``holder`` is set to ``Find`` of the page with
the token.  Reachable: the token on each of the 4 pages, 2 transitions from each (8), no
deadlock.  ``one_token`` (a ``Count``) and ``token_at_holder`` (per page) hold;
``token_never_at_3`` breaks after ``pass_token(s=0), pass_token(s=1)`` (0 -> 1 -> 3, the
first 2-step path in breadth-first order); the read site of ``never_passes_from_2`` fails
on the first pass from page 2: ``pass_token(s=1), pass_token(s=0)``.

**ladder**: ``climb`` adds ``1 << o`` to ``acc`` for every order ``o`` up to ``level``
(a ``For`` over the orders 0 .. ``top`` - 1 with an ``If``), then raises ``level``:
``acc`` runs 0, 1, 4, 11.  At the top, ``halve`` shifts ``acc`` right while it is above 2:
11, 5, 2, and there no action is enabled.  Reachable: 6 states, 5 transitions, depth 5,
one deadlock, reached by climb x 3, halve x 2.  ``acc_fits`` (acc < 12) holds;
``acc_below_8`` breaks after climb x 3; the read site of ``halve_exact`` (acc even when
halved) fails on the first halve: climb x 3, halve.

**latch**: ``stage`` 0 and 1 ``toggle`` into each other; from stage 2 (unreachable) the
latch can ``hold`` (stay at 2) or ``escape`` to 3.  Reachable: 2 states, 2 transitions, no
deadlock; ``never_escapes`` (stage < 3) holds.  It is not 1-inductive (2 -escape-> 3), and
without the simple-path constraint no k makes it inductive (2 -hold-> 2 ... -escape-> 3);
with it, 2-induction proves it: a loop-free path s0 -> s1 -> 3 needs s1 = 2 and an s0 other
than 2 that steps to 2, and there is none.
"""

from __future__ import annotations

import dataclasses
import functools

from spec import ModelKey, build_model
from spec.expr import Cfg, Count, Expr, Find, Forall, Get, Implies, Lit, Name
from spec.ir import Action, Assign, Check, Domain, For, ForEach, If, Invariant, Let, Model, Param, StateVar

BOOL = Domain("bool", 2, ("false", "true"))


def _fixture(name: str, **behaviour: object) -> Model:
    """A Model carrying ``build_model``'s identity fields and the given behaviour."""
    base = build_model(ModelKey("merged"))
    plain: dict[str, object] = {"parameters": (), "definitions": {}, "assumptions": ()}
    return dataclasses.replace(base, spec_version=f"fixture-{name}", **{**plain, **behaviour})  # type: ignore[arg-type]


@functools.cache
def ring() -> Model:
    pfn = Domain("pfn", 4, sort=True, size_name="npfn")
    shift = Domain("shift", 2)
    token, holder = (lambda i: Get("token", (i,))), Get("holder", ())
    p, q, s = Name("p"), Name("q"), Name("s")
    pass_token = Action(
        "pass_token", "pass_token", "tests/models.py", "every page hands its token to page p ^ (1 << s)",
        (Param("s", shift),), (),
        (Check("never_passes_from_2", "pass_token: holder", holder != 2),
         ForEach("p", "pfn", (Assign("token", (p,), token(p ^ (Lit(1) << s))),)),
         Let("h", Find("q", "pfn", token(q) == 1)),
         Assign("holder", (), Name("h"))))
    return _fixture(
        # for the proof engine the zone is any number of groups of four pages
        "ring", constants={"npfn": 4, "nquads": 1}, sorts={"pfn": pfn},
        parameters=("nquads",), definitions={"npfn": Cfg("nquads") << 2}, assumptions=(Cfg("nquads") > 0,),
        state_vars=(StateVar("token", (pfn,), BOOL, "the page holds the token"),
                    StateVar("holder", (), pfn, "the page with the token, as last found")),
        init=(Assign("token", (Lit(0),), Lit(1)),),
        actions=(pass_token,),
        invariants=(
            Invariant("one_token", "exactly one page holds the token", Count("q", "pfn", token(q) == 1) == 1),
            Invariant("token_at_holder", "the token is on the holder and nowhere else",
                      Forall("p", "pfn", (token(p) == 1) == (p == holder))),
            Invariant("token_never_at_3", "page 3 never gets the token",
                      Forall("p", "pfn", Implies(p == 3, token(p) == 0))),
            Invariant("never_passes_from_2", "page 2 never passes the token on", None),
        ))


@functools.cache
def ladder() -> Model:
    level_d, acc_d, order_d = Domain("level", 4), Domain("acc", 16), Domain("order", 3)
    level, acc, o = Get("level", ()), Get("acc", ()), Name("o")
    climb = Action(
        "climb", "climb", "tests/models.py", "add 1 << o for every order o up to the level, then go up", (),
        (level < Cfg("top"),),
        (For("o", Lit(0), Cfg("top"), (If(o <= level, (Assign("acc", (), acc + (Lit(1) << o)),)),)),
         Assign("level", (), level + 1)))
    halve = Action(
        "halve", "halve", "tests/models.py", "at the top, halve acc while it is above 2", (),
        (level == Cfg("top"), acc > 2),
        (Check("halve_exact", "halve: acc", (acc & 1) == 0),
         Assign("acc", (), acc >> 1)))
    return _fixture(
        "ladder", constants={"top": 3}, sorts={"order": order_d},
        state_vars=(StateVar("level", (), level_d, "how many climbs"),
                    StateVar("acc", (), acc_d, "what the climbs added up")),
        init=(),
        actions=(climb, halve),
        invariants=(
            Invariant("acc_fits", "acc stays below 12", acc < 12),
            Invariant("acc_below_8", "acc stays below 8", acc < 8),
            Invariant("halve_exact", "halve only halves even numbers", None),
        ))


@functools.cache
def latch() -> Model:
    stage_d = Domain("stage", 4)
    stage = Get("stage", ())
    toggle = Action("toggle", "toggle", "tests/models.py", "stage 0 and 1 swap", (), (stage < 2,),
                    (Assign("stage", (), stage ^ 1),))
    hold = Action("hold", "hold", "tests/models.py", "stage 2 stays", (), (stage == 2,),
                  (Assign("stage", (), Lit(2)),))
    escape = Action("escape", "escape", "tests/models.py", "stage 2 escapes to 3", (), (stage == 2,),
                    (Assign("stage", (), Lit(3)),))
    return _fixture(
        "latch", constants={}, sorts={},
        state_vars=(StateVar("stage", (), stage_d, "where the latch is"),),
        init=(),
        actions=(toggle, hold, escape),
        invariants=(Invariant("never_escapes", "the latch never reaches stage 3", stage < 3),))


CPU = Domain("cpu", 2, sort=True, size_name="ncpu")
HELD = Domain("held", 4)


def _held(c: Expr) -> Get:
    return Get("held", (c,))


@functools.cache
def cpus() -> Model:
    """**cpus**: two CPUs share three pages: ``take(c)`` moves a free page to CPU ``c``,
    ``give(c)`` one back, ``move(c, d)`` one from ``c`` to the other CPU ``d`` (its read
    site ``move_leaves_one`` wants ``c`` to keep one).  The state is ``held[cpu]`` and
    ``free``: reachable are the 10 pairs (h0, h1) with h0 + h1 <= 3, 36 transitions, depth 3.
    Nothing names a particular CPU, so the CPU symmetry holds: the 6 orbits (h0 <= h1, the
    least flat state of each) and the 22 transitions leaving them.  ``never_all_on_one``
    breaks after take(0) x 3; the read site fails on take(0), move(0, 1); ``conserved``
    holds."""
    c, d, q = Name("c"), Name("d"), Name("q")
    free = Get("free", ())
    take = Action("take", "take", "tests/models.py", "CPU c takes a free page", (Param("c", CPU),), (free > 0,),
                  (Assign("held", (c,), _held(c) + 1), Assign("free", (), free - 1)))
    give = Action("give", "give", "tests/models.py", "CPU c frees a page", (Param("c", CPU),), (_held(c) > 0,),
                  (Assign("held", (c,), _held(c) - 1), Assign("free", (), free + 1)))
    move = Action("move", "move", "tests/models.py", "CPU c hands a page to CPU d",
                  (Param("c", CPU), Param("d", CPU)), (c != d, _held(c) > 0),
                  (Check("move_leaves_one", "move: held", _held(c) > 1),
                   Assign("held", (c,), _held(c) - 1), Assign("held", (d,), _held(d) + 1)))
    return _fixture(
        "cpus", constants={"ncpu": 2}, sorts={"cpu": CPU},
        state_vars=(StateVar("held", (CPU,), HELD, "the pages the CPU holds"),
                    StateVar("free", (), HELD, "the pages no CPU holds")),
        init=(Assign("free", (), Lit(3)),),
        actions=(take, give, move),
        invariants=(
            Invariant("never_all_on_one", "no CPU holds every page", Forall("q", "cpu", _held(q) < 3)),
            Invariant("conserved", "no CPU holds more than the free pages leave",
                      Forall("q", "cpu", _held(q) + free <= 3)),
            Invariant("move_leaves_one", "a CPU that hands a page on keeps one", None),
        ))


@functools.cache
def cpus_first_named() -> Model:
    """cpus with a claim about CPU 0 in particular: not symmetric (the check refuses)."""
    base = cpus()
    extra = Invariant("cpu0_bounded", "CPU 0 holds at most 3", _held(Lit(0)) <= 3)
    return dataclasses.replace(base, spec_version="fixture-cpus-first-named", invariants=(*base.invariants, extra))


@functools.cache
def cpus_last_taker() -> Model:
    """cpus remembering the last CPU that took a page (0 at first), which may not give one
    back: the initial state names CPU 0 (the check refuses)."""
    base = cpus()
    last = StateVar("last", (), CPU, "the CPU that took a page last")
    take, give, move = base.actions
    take = dataclasses.replace(take, body=(*take.body, Assign("last", (), Name("c"))))
    give = dataclasses.replace(give, guard=(*give.guard, Get("last", ()) != Name("c")))
    return dataclasses.replace(base, spec_version="fixture-cpus-last-taker", state_vars=(*base.state_vars, last),
                               actions=(take, give, move))


CPU_OR_NONE = Domain("cpu_or_none", 3, ("0", "1", "none"), size_name="ncpu", size_offset=1)


@functools.cache
def cpus_with_owner() -> Model:
    """cpus with ``owner``: the CPU that took a page last, or none (the value after the
    CPUs) at first and after a give; the owner may not give (``owner != c``).  Symmetric:
    no CPU is named, and "none" is not a CPU."""
    base = cpus()
    owner = StateVar("owner", (), CPU_OR_NONE, "the CPU that took the last page, or none")
    take, give, move = base.actions
    take = dataclasses.replace(take, body=(*take.body, Assign("owner", (), Name("c"))))
    give = dataclasses.replace(give, guard=(*give.guard, Get("owner", ()) != Name("c")),
                               body=(*give.body, Assign("owner", (), Lit(2))))
    return dataclasses.replace(base, spec_version="fixture-cpus-with-owner", state_vars=(*base.state_vars, owner),
                               init=(*base.init, Assign("owner", (), Lit(2))), actions=(take, give, move))
