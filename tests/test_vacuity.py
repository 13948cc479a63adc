"""The vacuity marker belongs to the verdict: every engine that proves a claim with no read
site in the model (a claim that is nothing but read sites) marks the proof vacuous, the
verdict cache keeps the marker (and bmc's bound), and the outputs show it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from models import ladder, ring

from checker.cli.main import main
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter
from checker.results.verdict import Vacuity, vacuity_in_model
from spec.ir import Invariant, Model

NOTHING = Vacuity(no_read_site=True, total=True)


def _with_unread_claim(m: Model) -> Model:
    """``m`` with a read-site claim of which it has no read site."""
    unread = Invariant("never_read", "a read site the model does not have", None)
    return dataclasses.replace(m, invariants=(*m.invariants, unread))


def test_the_model_alone_says_which_claims_have_nothing_to_check() -> None:
    m = _with_unread_claim(ladder())
    checks = Interpreter(m).checks
    assert vacuity_in_model(m, checks, "never_read") == NOTHING
    assert vacuity_in_model(m, checks, "halve_exact") is None  # it has a read site
    assert vacuity_in_model(m, checks, "acc_fits") is None  # a state predicate is checked in every state


@pytest.mark.parametrize("engine, options, model", [
    ("bmc", RunOptions(depth=3), ladder),
    ("induction", RunOptions(k=1), ladder),
    ("proof", RunOptions(), ring),
])
def test_a_z3_proof_of_a_claim_without_read_sites_is_marked(engine: str, options: RunOptions,
                                                              model: object) -> None:
    m = _with_unread_claim(model())  # type: ignore[operator]
    (v,), _ = ENGINES[engine].run(Interpreter(m), ["never_read"], options)
    assert v.kind == "proved" and v.vacuity == NOTHING
    assert v.word.endswith("(vacuous)")


def test_a_claim_that_is_checked_is_not_marked() -> None:
    (v,), _ = ENGINES["proof"].run(Interpreter(ring()), ["token_at_holder"], RunOptions())
    assert v.kind == "proved" and v.vacuity is None and v.word == "proved"


def test_the_verdict_cache_keeps_the_marker_and_the_bound(tmp_path: Path) -> None:
    m = _with_unread_claim(ladder())
    claims = ["acc_fits", "never_read"]
    first, stats = ENGINES["bmc"].run(Interpreter(m), claims, RunOptions(depth=3, cache=tmp_path))
    again, cached = ENGINES["bmc"].run(Interpreter(m), claims, RunOptions(depth=3, cache=tmp_path))
    assert not stats.cached and cached.cached
    assert [v.word for v in again] == [v.word for v in first] == [
        "no counterexample up to depth 3", "no counterexample up to depth 3 (vacuous)"]
    assert [(v.bound, v.vacuity) for v in again] == [(3, None), (3, NOTHING)]


def test_json_of_a_bounded_vacuous_proof(capsys: pytest.CaptureFixture[str]) -> None:
    """merged on 6.10 has no read site of index_trusted: bmc says so too."""
    argv = ["check", "--design", "merged", "--kernel", "6.10", "--engine", "bmc", "--depth", "1",
            "--invariant", "index_trusted", "--format", "json", "--no-cache"]
    assert main(argv) == 0
    (r,) = json.loads(capsys.readouterr().out)["results"]
    assert r["verdict"] == "proved" and r["shown_as"] == "no counterexample up to depth 1 (vacuous)"
    assert r["vacuity"]["no_read_site"] is True and r["vacuity"]["marker"] == "vacuous"
