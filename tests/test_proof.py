"""``proof``: what it proves for a zone of every size, its counterexamples to induction,
time-outs and the claims it does not handle.  That it never proves what the explicit
engine refutes is checked in test_proof_designs.py and test_proof_faults.py."""

from __future__ import annotations

import json

import pytest
from conftest import CACHED, explore, same_types_other_orders

from checker.cli.main import main
from checker.engines import proof
from checker.interp.concrete import Interpreter
from checker.results.verdict import UnknownReason
from spec import ModelKey, build_model


def test_merged_keeps_index_trusted_in_a_zone_of_every_size() -> None:
    """The headline: the read sites of ->index in the merged design (get_pcppage_migratetype)
    are trusted for any number of pages, pageblocks and CPUs and any MAX_ORDER, with
    pageblocks of two pages (the model's steal decision is the kernel's only at tiny's
    pageblock_order: spec.page_alloc exact_only_at), resting on the two pcp lemmas.  ``reported_implies_buddy`` is asked
    beside it: that is the whole of what test_proof_designs.py asks of merged (nothing of
    merged is refuted), which is deep so that merged's proof runs once in the default suite."""
    model = build_model(ModelKey("merged", None, CACHED, "tiny"))
    # in two worker processes, as `reportcheck check --engine proof` on two cores asks it
    # (the deep rows of test_proof_designs.py ask every design in one)
    (v, rib), stats = proof.check(Interpreter(model), ["index_trusted", "reported_implies_buddy"], workers=2)
    assert stats.workers == 2
    assert v.kind == "proved", v.scope
    assert rib.kind == "proved", stats.claims["reported_implies_buddy"]
    assert v.scope.startswith("every zone size and every MAX_ORDER: any number of pages")
    assert "pageblock_order = 1 (pageblocks of 2 pages, any MAX_ORDER > 1" in v.scope
    needed = stats.claims["index_trusted"].needed
    assert needed is not None and {"pcp_page_index_is_list_type", "freeing_page_index_is_set"} <= set(needed)
    assert stats.queries and stats.solver_seconds is not None
    for config in same_types_other_orders("tiny"):  # other orders, every reachable state
        there = explore("merged", CACHED, config, None, ("index_trusted", "reported_implies_buddy"))[0]
        assert there["index_trusted"].kind == there["reported_implies_buddy"].kind == "proved"


def test_the_orders_are_symbols_not_the_configuration_s() -> None:
    """MAX_ORDER and pageblock_order are parameters of the proof: the query reads the
    configuration's orders nowhere, so a configuration that differs only in its orders
    gives the very same proof obligations."""
    from checker.interp.universal import Universal

    for config in ("tiny", "tiny-span"):
        u = Universal(build_model(ModelKey("merged", None, CACHED, config)))
        assert {"max_order", "pageblock_order"} <= set(u.parameters)
        assert str(u.constant("npfn")) == str(Universal(build_model(ModelKey("merged", None, CACHED, "tiny"))).constant("npfn"))
        assert not isinstance(u.sort_size["order"], int)


def test_a_tiny_timeout_is_unknown_with_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--design", "merged", "--engine", "proof", "--invariant", "index_trusted",
                 "--timeout", "0.001", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert [v["verdict"] for v in out["results"]] == ["unknown"]
    assert "did not finish" in out["results"][0]["scope"]
    assert "while translating the spec" in out["results"][0]["scope"]  # the budget is asked before any query
    assert out["results"][0]["reason"] == "time_out"


def test_a_claim_that_is_not_per_page_is_unknown_not_proved() -> None:
    model = build_model(ModelKey("merged", None, CACHED, "tiny"))
    [v], _ = proof.check(Interpreter(model), ["free_counts"])
    assert v.kind == "unknown"
    assert "not a claim about every page" in v.scope
    assert v.reason is UnknownReason.NOT_A_PER_PAGE_CLAIM


def test_a_product_by_a_power_of_two_is_a_shift() -> None:
    """nblocks = nranges * (1 << (max_order - 1 - pageblock_order)) reaches the solver as a
    shift, not a 64-bit multiplier -- and the two are the same function of their operands."""
    import z3

    from checker.interp.universal import WIDTH, Universal

    def ops(t: z3.ExprRef) -> set[int]:
        seen, todo, out = set(), [t], set()
        while todo:
            e = todo.pop()
            if e.get_id() in seen or not z3.is_app(e):
                continue
            seen.add(e.get_id())
            out.add(e.decl().kind())
            todo += e.children()
        return out

    nblocks = Universal(build_model(ModelKey("merged", None, CACHED, "tiny"))).constant("nblocks")
    assert z3.Z3_OP_BSHL in ops(nblocks) and z3.Z3_OP_BMUL not in ops(nblocks)
    x, k = z3.BitVecs("x k", WIDTH)
    s = z3.Solver()
    s.add(x * (z3.BitVecVal(1, WIDTH) << k) != x << k)
    assert s.check() == z3.unsat


def test_the_proof_assumes_the_pageblock_order_its_steal_decision_is_written_for() -> None:
    """From v4.12 the steal decision reads the block's movable pages, a parameter of the
    model only for pageblock_order >= 2: a model is the kernel's at its configuration's
    pageblock_order only, and says so to the proof; v3.16 counts free pages only."""
    from checker.engines.proof import fixed_constant, scope_of

    tiny = build_model(ModelKey("merged", None, CACHED, "tiny"))
    assert fixed_constant(tiny, "pageblock_order") == 1
    assert "pageblock_order = 1 (pageblocks of 2 pages" in scope_of(tiny)
    assert fixed_constant(build_model(ModelKey("merged", None, CACHED, "pageblock4")), "pageblock_order") == 2
    old = build_model(ModelKey("none", None, "3.16", "tiny"))
    assert fixed_constant(old, "pageblock_order") is None
    assert "any 0 < pageblock_order < MAX_ORDER" in scope_of(old)


def test_a_time_out_in_the_workers_is_unknown_and_ends_them() -> None:
    """The budget runs out while two worker processes ask their steps: every claim is
    unknown with the reason time_out (never proved), and no worker outlives the run."""
    import multiprocessing

    model = build_model(ModelKey("v10", None, CACHED, "tiny"))
    verdicts, stats = proof.check(Interpreter(model), ["index_trusted", "reported_implies_buddy"], timeout=3.0,
                                  workers=2)
    assert stats.workers == 2
    assert [(v.kind, v.reason) for v in verdicts] == [("unknown", UnknownReason.TIME_OUT)] * 2
    assert not multiprocessing.active_children()
