"""The verdict cache (checker/engines/cache.py): a decided Z3 run is answered from the cache
the second time, labelled as cached, its counterexamples replayed again; anything that
changes the question, an entry that no longer replays, and ``--no-cache`` ask the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from models import ladder

from checker.cli.main import main
from checker.engines import cache
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter

CLAIMS = ["acc_fits", "acc_below_8", "halve_exact"]


def test_a_decided_run_is_answered_from_the_cache_and_says_so(tmp_path: Path) -> None:
    first, stats = ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=4, cache=tmp_path))
    assert not stats.cached and len(list(tmp_path.glob("bmc-*.json"))) == 1
    again, stats = ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=4, cache=tmp_path))
    assert stats.cached
    assert [(v.invariant, v.kind) for v in again] == [(v.invariant, v.kind) for v in first]
    assert all("[cached answer" in v.scope and v.scope.startswith(w.scope) for v, w in zip(again, first))
    for v, w in zip(again, first):  # the traces are rebuilt by replay: the same steps and states
        assert (v.trace is None) == (w.trace is None)
        if v.trace is not None and w.trace is not None:
            assert v.trace.steps == w.trace.steps and v.trace.command == w.trace.command


def test_another_question_is_asked_again(tmp_path: Path) -> None:
    ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=4, cache=tmp_path))
    _, stats = ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=5, cache=tmp_path))
    assert not stats.cached  # another depth
    _, stats = ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS[:2], RunOptions(depth=4, cache=tmp_path))
    assert not stats.cached  # other claims
    assert cache.key_of("bmc", "d", {}, ["x"]) != cache.key_of("induction", "d", {}, ["x"])
    assert cache.key_of("bmc", "d", {}, ["x"]) != cache.key_of("bmc", "e", {}, ["x"])


def test_an_entry_whose_trace_does_not_replay_is_not_used(tmp_path: Path) -> None:
    ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=4, cache=tmp_path))
    [path] = tmp_path.glob("bmc-*.json")
    entry = json.loads(path.read_text())
    refuted = next(v for v in entry["verdicts"] if v["kind"] == "refuted")
    refuted["steps"] = refuted["steps"][:-1]  # one step short: the claim does not break at its end
    path.write_text(json.dumps(entry))
    verdicts, stats = ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=4, cache=tmp_path))
    assert not stats.cached and all("[cached" not in v.scope for v in verdicts)
    path.write_text("{not json")
    _, stats = ENGINES["bmc"].run(Interpreter(ladder()), CLAIMS, RunOptions(depth=4, cache=tmp_path))
    assert not stats.cached


def test_an_undecided_run_is_not_stored(tmp_path: Path) -> None:
    (v,), stats = ENGINES["induction"].run(Interpreter(ladder()), ["acc_fits"], RunOptions(k=1, cache=tmp_path))
    assert v.kind == "unknown" and not stats.cached
    assert list(tmp_path.iterdir()) == []


def test_the_command_line_uses_the_cache_unless_told_not_to(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--design", "merged", "--engine", "bmc", "--depth", "1", "--invariant", "index_trusted",
            "--format", "json"]
    runs = []
    for extra in ([], [], ["--no-cache"]):
        assert main(argv + extra) == 0
        runs.append(json.loads(capsys.readouterr().out))
    assert [r["stats"]["cached"] for r in runs] == [False, True, False]
    assert [r["results"][0]["verdict"] for r in runs] == ["proved"] * 3
    assert "[cached answer" in runs[1]["results"][0]["scope"]
