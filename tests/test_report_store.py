"""Stored report results (checker/review/store.py): a second report of the same question
reuses what the first found -- labelled, its traces replayed again -- and anything that
changes the question, an entry that no longer replays, or ``--no-cache`` runs the engine."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from models import ladder

from checker.cli.main import main
from checker.engines.jobs import Job
from checker.engines.registry import ENGINES, RunOptions
from checker.interp.concrete import Interpreter
from checker.results.verdict import UnknownReason
from checker.review import run as review
from checker.review import store
from spec import ModelKey

V10 = Job("explicit", ModelKey("v10"))


def _same(a: review.JobResult, b: review.JobResult) -> None:
    assert [(v.invariant, v.kind, v.word, v.vacuity, v.undecided, v.bound, v.notes) for v in a.verdicts] == \
        [(v.invariant, v.kind, v.word, v.vacuity, v.undecided, v.bound, v.notes) for v in b.verdicts]
    for v, w in zip(a.verdicts, b.verdicts):
        assert (v.trace is None) == (w.trace is None)
        if v.trace is not None and w.trace is not None:  # rebuilt by replay: the same steps, states and reads
            assert v.trace.steps == w.trace.steps and v.trace.command == w.trace.command
    assert a.stats == b.stats and a.edges == b.edges and a.reads == b.reads and a.complete == b.complete


def test_a_second_explicit_job_is_the_stored_result(tmp_path: Path) -> None:
    options = dataclasses.replace(review.REPORT_OPTIONS, cache=tmp_path)
    first = review.run_job(V10, options)
    assert first.stored == "" and len(list(tmp_path.glob("report-explicit-*.json"))) == 1
    again = review.run_job(V10, options)
    assert again.stored != ""
    _same(first, again)
    assert all("[stored result of a report run on" in v.scope and v.scope.startswith(w.scope)
               for v, w in zip(again.verdicts, first.verdicts))
    assert review._done(again).endswith(f"(stored result of {again.stored})")


def test_another_question_is_run_again(tmp_path: Path) -> None:
    options = dataclasses.replace(review.REPORT_OPTIONS, cache=tmp_path)
    review.run_job(V10, options)
    assert review.run_job(V10, dataclasses.replace(options, max_states=50_000)).stored == ""  # another option
    assert review.run_job(Job("explicit", ModelKey("v9")), options).stored == ""  # another model
    interp = Interpreter(ladder())
    bmc = Job("bmc", ModelKey("merged"))
    assert store.path_of(tmp_path, bmc, interp, RunOptions(depth=3)) != store.path_of(tmp_path, bmc, interp,
                                                                                        RunOptions(depth=4))
    # an option the engine does not take is not part of its question
    assert store.path_of(tmp_path, bmc, interp, RunOptions(depth=3)) == store.path_of(tmp_path, bmc, interp,
                                                                                       RunOptions(depth=3, k=2))


def test_an_entry_that_does_not_replay_or_parse_is_not_used(tmp_path: Path) -> None:
    options = dataclasses.replace(review.REPORT_OPTIONS, cache=tmp_path)
    review.run_job(V10, options)
    [path] = tmp_path.glob("report-explicit-*.json")
    entry = json.loads(path.read_text())
    refuted = next(v for v in entry["verdicts"] if v["kind"] == "refuted")
    refuted["steps"] = refuted["steps"][:-1]  # one step short: the claim does not break at its end
    path.write_text(json.dumps(entry))
    assert review.run_job(V10, options).stored == ""  # and the entry is written again, whole
    assert review.run_job(V10, options).stored != ""
    path.write_text("{not json")
    assert review.run_job(V10, options).stored == ""
    path.write_text("[" * 100_000 + "]" * 100_000)  # nested too deeply for the JSON parser
    assert review.run_job(V10, options).stored == ""


def test_an_undecided_verdict_keeps_its_reason_and_counterexample_to_induction(tmp_path: Path) -> None:
    """1-induction does not prove ladder's acc_fits: the stored verdict is the same unknown,
    with the same counterexample to induction."""
    interp = Interpreter(ladder())
    verdicts, stats = ENGINES["induction"].run(interp, ["acc_fits", "acc_below_8"], RunOptions(k=1))
    assert verdicts[0].reason is UnknownReason.NOT_INDUCTIVE and verdicts[0].undecided is not None
    assert verdicts[0].undecided.cti is not None
    path = tmp_path / "entry.json"
    store.store(path, interp, store.Stored(verdicts, stats, set(), {}, True))
    hit = store.load(path, "induction", interp)
    assert hit is not None and hit.stats == stats
    assert [v.undecided for v in hit.verdicts] == [v.undecided for v in verdicts]
    assert [v.kind for v in hit.verdicts] == [v.kind for v in verdicts]


def test_a_time_out_is_not_stored(tmp_path: Path) -> None:
    interp = Interpreter(ladder())
    (v,), stats = ENGINES["bmc"].run(interp, ["acc_fits"], RunOptions(depth=4))
    timed_out = dataclasses.replace(v, kind="unknown", undecided=review.Verdict.unknown(
        "bmc", "acc_fits", "", store.Undecided(UnknownReason.TIME_OUT)).undecided, bound=None)
    store.store(tmp_path / "entry.json", interp, store.Stored([timed_out], stats, set(), {}, True))
    assert not (tmp_path / "entry.json").exists()


def test_a_second_report_says_which_jobs_it_reused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "--out", str(tmp_path / "out"), "--design", "v10", "--engine", "explicit", "--no-faults",
            "--jobs", "1"]
    assert main(argv) == 0
    first = (tmp_path / "out" / "report.md").read_text()
    assert "stored results of earlier report runs" not in first
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "explicit v10: " in err and "(stored result of " in err
    second = (tmp_path / "out" / "report.md").read_text()
    assert "1 of 1 engine jobs are stored results of earlier report runs" in second
    assert "`reportcheck report --no-cache` runs them again" in second
    assert main([*argv, "--no-cache"]) == 0
    assert "stored results of earlier report runs" not in (tmp_path / "out" / "report.md").read_text()
