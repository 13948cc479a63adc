"""``proof``: what it proves for a zone of every size, its counterexamples to induction,
time-outs and the claims it does not handle.  That it never proves what the explicit
engine refutes is checked in test_proof_designs.py and test_proof_faults.py."""

from __future__ import annotations

import json

import pytest

from checker import proof
from checker.cli import main
from checker.concrete import Interpreter
from spec import build_model


def test_merged_keeps_index_trusted_in_a_zone_of_every_size() -> None:
    """The headline: the read sites of ->index in the merged design (get_pcppage_migratetype)
    are trusted for any number of pages, pageblocks and CPUs, resting on the two pcp lemmas."""
    model = build_model("merged", None, True, "tiny")
    [v], stats = proof.check(Interpreter(model), ["index_trusted"])
    assert v.kind == "proved", v.scope
    assert v.scope.startswith("every zone size: any number of pages")
    needed = stats["claims"]["index_trusted"]["needed"]  # type: ignore[index]
    assert {"pcp_page_index_is_list_type", "freeing_page_index_is_set"} <= set(needed)
    assert stats["queries"] and stats["solver_seconds"] is not None


@pytest.mark.slow
def test_merged_trust_claims_hold_with_x86_64_orders_in_a_zone_of_every_size(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The kernel's own orders (MAX_ORDER 11, pageblock_order 9), through the CLI: the
    loop over a pageblock's 512 pages is cut with the claims as its invariant, the loops
    over orders are unrolled to 11.  A few minutes."""
    code = main(["check", "--design", "merged", "--engine", "proof", "--config", "x86-64", "--format", "json",
                 "--invariant", "index_trusted", "--invariant", "reported_implies_buddy"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0, out["results"]
    for r in out["results"]:
        assert r["verdict"] == "proved"
        assert "MAX_ORDER 11, pageblock_order 9" in r["scope"]
    assert {"pcp_page_index_is_list_type", "freeing_page_index_is_set"} <= set(
        out["stats"]["claims"]["index_trusted"]["needed"])


def test_a_tiny_timeout_is_unknown_with_exit_code_3(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--design", "merged", "--engine", "proof", "--invariant", "index_trusted",
                 "--timeout", "0.001", "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 3
    assert [v["verdict"] for v in out["results"]] == ["unknown"]
    assert "did not finish" in out["results"][0]["scope"]


def test_a_claim_that_is_not_per_page_is_unknown_not_proved() -> None:
    model = build_model("merged", None, True, "tiny")
    [v], _ = proof.check(Interpreter(model), ["free_counts"])
    assert v.kind == "unknown"
    assert "not a claim about every page" in v.scope
