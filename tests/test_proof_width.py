"""The proof's width: no term of its queries wraps at ``universal.WIDTH`` bits in an
execution of the spec (checker/interp/wrap.py), so Z3's answers on bit-vectors of that
width are the answers for the spec's integers."""

from __future__ import annotations

import dataclasses

import pytest
import z3
from conftest import CACHED
from models import ring

from checker.engines import proof
from checker.interp import wrap
from checker.interp.universal import SIZE_LIMIT, WIDTH, Universal
from spec import ModelKey, build_model
from spec.expr import Cfg
from spec.ir import Model


def audited(model: Model) -> tuple[Universal, list[z3.ExprRef]]:
    """The model's steps as the proof builds them, every session's assertions included."""
    p = proof.Prover(model, None, proof.SolverStats(), proof.candidates(model), audit=True)
    return p.u, [a for step in p.steps for a in proof.Session(p, step).solver.assertions()]


def described(bad: list[tuple[z3.ExprRef, z3.BoolRef, z3.ModelRef | None]]) -> str:
    return "; ".join(f"{str(t)[:200]} (e.g. {m})" for t, _, m in bad[:5])


# minutes per design (the steps, the sessions and a few thousand small queries): deep, but
# for the allocator alone on 3.16 (about 20 s), the one row whose shifts by pageblock_order
# are symbolic, which the default run keeps
@pytest.mark.parametrize(("design", "era"), [pytest.param(d, CACHED, marks=pytest.mark.deep)
                                             for d in ("merged", "v9", "v10", "none")] + [("none", "3.16")])
def test_no_term_of_the_proof_wraps_at_its_width(design: str, era: str) -> None:
    """Every sum, difference, product and shift the proof's queries hold stays in the
    signed range of WIDTH bits wherever its value matters, with the zone in the proof's
    assumptions and every value of the spec in the range the spec gives it; and every
    number the queries read is one of those values (a local carried by a cut loop has
    a range that is a loop invariant).  3.16 too: before v4.12 the steal decision reads
    no movable-page count, so its proof leaves pageblock_order free (any 0 <
    pageblock_order < MAX_ORDER), and its shifts by pageblock_order are symbolic.

    There the audit finds one kind of number of no range: the page count ("pages") that
    try_to_steal_freepages()'s move_freepages_block() carries through its walk over a
    block of 2^pageblock_order pages, now a cut loop.  It sums disjoint chunks of the
    block, so it stays within 2^pageblock_order < 2^39, but no loop invariant of the
    menu shows that without knowing the chunks are disjoint.  The proof stays sound:
    the translation makes the count a fresh number at the loop's head and after the
    loop, which may be any 42-bit value, its real one among them, and the only term
    that reads it after the loop is a comparison (which cannot wrap); no term wraps."""
    u, asserted = audited(build_model(ModelKey(design, None, era, "tiny")))
    assert u.audit
    stray = wrap.unbounded(u, asserted)
    if era == "3.16":
        assert stray and all(n.startswith("pages_") for n in stray), stray
    else:
        assert stray == []
    bad = wrap.overflows(u, asserted)
    assert not bad, f"{len(bad)} terms can wrap at {WIDTH} bits: {described(bad)}"


def test_a_definition_that_can_wrap_is_found() -> None:
    """The ring fixture defines npfn = nquads << 2 and bounds only npfn: a huge nquads
    wraps to a small npfn, which the audit finds; bounding nquads by the definition (as
    spec/catalog.py bounds nranges) leaves nothing to find."""
    model = ring()
    u, asserted = audited(model)
    bad = wrap.overflows(u, asserted)
    assert [str(t) for t, _, _ in bad] == ["nquads << 2"], described(bad)
    m = bad[0][2]
    assert m is not None and m.eval(z3.BitVec("nquads", WIDTH)).as_long() >= SIZE_LIMIT // 4
    fixed = dataclasses.replace(model, assumptions=(*model.assumptions, (Cfg("npfn") >> 2) == Cfg("nquads")))
    u, asserted = audited(fixed)
    assert wrap.overflows(u, asserted) == []
    assert wrap.unbounded(u, asserted) == []


def test_a_number_of_no_range_is_found() -> None:
    """A number the queries read that stands for no value the spec bounds is named."""
    u, asserted = audited(ring())
    stray = z3.BitVec("stray", WIDTH)
    assert wrap.unbounded(u, [*asserted, stray + 1 == 0]) == ["stray"]
