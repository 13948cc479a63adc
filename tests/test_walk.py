"""spec.walk: the one walk over the IR, on a few statements written by hand."""

from __future__ import annotations

import pytest

from spec.expr import Exists, Get, Lit, Name
from spec.ir import Assign, Check, For, ForEach, If, Let, Stmt
from spec.walk import Walker, checks, free_names, has_quantifier, reads, site_reads, statements, written

P = Name("pfn")
BODY: tuple[Stmt, ...] = (
    Let("order", Get("order", (P,))),
    If(Get("where", (P,)) == 1,
       (Check("index_trusted", "f: reads ->index", Get("index", (P,)) == Get("list_mt", (P,))),),
       (Assign("where", (P,), Lit(2)),)),
    For("i", Lit(0), Lit(3), (Check("counts", "g: reads nr_free", Get("nr_free", (Name("i"),)) >= 0),
                              Let("n", Name("i")))),
    ForEach("q", "pfn", (Assign("reported", (Name("q"),), Lit(0)),)),
)


def test_statements_are_walked_in_program_order_into_every_block() -> None:
    kinds = [type(st).__name__ for st in statements(BODY)]
    assert kinds == ["Let", "If", "Check", "Assign", "For", "Check", "Let", "ForEach", "Assign"]
    assert [c.invariant for c in checks(BODY)] == ["index_trusted", "counts"]


def test_what_a_block_reads_at_its_read_sites_and_writes() -> None:
    assert site_reads(BODY) == {"index", "list_mt", "nr_free"}
    assert written(BODY) == ({"where", "reported"}, {"order", "i", "n"})


def test_expression_reads_see_through_indices_and_quantifiers() -> None:
    e = Exists("q", "pfn", Get("where", (Get("index", (Name("q"),)),)) == Name("mt"))
    assert reads(e) == {"where", "index"}
    assert has_quantifier(e) and not has_quantifier(Get("where", (P,)) == 1)
    assert free_names(e) == {"mt"}


def test_the_walker_hands_each_statement_to_its_hook() -> None:
    class Names(Walker[list[str], None]):
        def let(self, st: Let, ctx: list[str]) -> None:
            ctx.append(st.name)

        def for_(self, st: For, ctx: list[str]) -> None:
            ctx.append(st.var)
            for inner in st.body:
                self.stmt(inner, ctx)

        def check(self, st: Check, ctx: list[str]) -> None:
            ctx.append(st.site)

    seen: list[str] = []
    for st in (BODY[0], BODY[2]):
        Names().stmt(st, seen)
    assert seen == ["order", "i", "g: reads nr_free", "n"]
    with pytest.raises(NotImplementedError):
        Names().stmt(BODY[3], seen)  # no hook for ForEach
