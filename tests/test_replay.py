"""reportcheck replay: a stored trace still violates, replays cleanly on a fixed design, or
diverges -- each with its exit code and sentence; the step-by-step output."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from checker.cli.main import main
from checker.io.itf import load
from checker.trace.replay import DIVERGES, replay
from spec import FAULTS

ROOT = Path(__file__).resolve().parent.parent / "counterexamples"
UNGUARDED = ROOT / "v9-v9-unguarded-index-read" / "index_trusted.itf.json"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def edited(tmp_path: Path, source: Path, change: Any) -> Path:
    data = json.loads(source.read_text())
    change(data)
    path = tmp_path / source.name
    path.write_text(json.dumps(data))
    return path


def test_a_stored_trace_still_violates_step_by_step(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", str(UNGUARDED))
    lines = out.splitlines()
    assert code == 1 and err == ""
    assert lines[-1] == f"{UNGUARDED}: still violates index_trusted at step 3 of 3 as recorded"
    assert "   1. rmqueue_bulk(cpu=0, migratetype=UNMOVABLE)  mm/page_alloc.c" in lines
    assert any(line.strip().startswith("where[0]: BUDDY -> PCP;") for line in lines)
    # the replay says which page's ->index was read, what it held and what the site expects
    assert "      read site fails: index_trusted at page_reporting_del_from_boundary: " \
           "mt = get_pcppage_migratetype(page)" in lines
    assert "        pfn 2: ->index read MIGRATE_UNMOVABLE (written as stale); the reader assumed " \
           "MIGRATE_MOVABLE (list_mt[2]), written as reported_mt" in lines
    assert "        ->index has not been written since the initial state" in lines
    assert "      breaks: index_trusted" in lines


def test_the_unmodified_design_rejects_the_faults_trace(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "replay", str(UNGUARDED), "--design", "v9")
    assert code == 0
    assert "replaying on: design v9, era 5.3, config tiny (another model" in out
    assert out.splitlines()[-1] == f"{UNGUARDED}: replays to the end (3 steps) and violates nothing"


FAULT_FILES = sorted(p for name, f in FAULTS.items() for p in ROOT.glob(f"{f.design}-{name}*/*.itf.json"))


def test_every_fault_has_a_stored_trace() -> None:
    assert {load(p).trace.fault for p in FAULT_FILES} == set(FAULTS)


@pytest.mark.parametrize("path", FAULT_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fault_trace_is_harmless_on_the_unmodified_design(path: Path) -> None:
    loaded = load(path)
    t = loaded.trace
    assert t.fault is not None
    res = replay(t, replace(t.key, fault=None))
    assert res.outcome != "diverges" and t.invariant not in res.first_broken, res.sentence()


def test_the_cached_era_race_is_gone_without_the_pcp_cache(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "merged" / "free_list_matches_pageblock.itf.json"
    code, out, _ = run(capsys, "replay", str(path), "--pcp-cache", "off", "--invariant", "free_list_matches_pageblock")
    assert code == 0, out
    assert out.splitlines()[-1] == f"{path}: replays to the end (4 steps) and violates nothing"


def test_another_designs_worker_diverges_where_its_action_is_not_enabled(
        capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "v9" / "index_trusted.itf.json"
    code, out, _ = run(capsys, "replay", str(path), "--design", "merged")
    assert code == DIVERGES
    assert out.splitlines()[-1] == (f"{path}: diverges at step 4 of 9: action not enabled: "
                                    "page_reporting_cycle() is not enabled in this state")


def test_an_action_the_target_design_lacks_diverges(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "merged-alloc-keeps-reported" / "reported_implies_buddy.itf.json"
    code, out, _ = run(capsys, "replay", str(path), "--design", "v9")
    assert code == DIVERGES
    assert out.splitlines()[-1] == f"{path}: diverges at step 3 of 7: design v9 has no action page_reporting_process"


def test_a_recorded_state_that_differs_diverges_with_the_difference(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(d: Any) -> None:
        d["states"][2]["nr_free_pages"] = {"#bigint": "1"}
    path = edited(tmp_path, UNGUARDED, change)
    code, out, _ = run(capsys, "replay", str(path))
    assert code == DIVERGES
    assert out.splitlines()[-1] == f"{path}: diverges at step 2 of 3: state differs: nr_free_pages: recorded 1, computed 4"


def test_an_action_that_is_not_enabled_diverges(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(d: Any) -> None:
        d["states"][1]["#meta"].update(action="page_reporting_drain", args={})
    path = edited(tmp_path, UNGUARDED, change)
    code, out, _ = run(capsys, "replay", str(path))
    assert code == DIVERGES
    assert out.splitlines()[-1] == (f"{path}: diverges at step 1 of 3: action not enabled: "
                                    "page_reporting_drain() is not enabled in this state")


def test_another_spec_digest_replays_by_name_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(d: Any) -> None:
        d["#meta"]["spec_digest"] = "0123456789abcdef"
    path = edited(tmp_path, UNGUARDED, change)
    code, out, err = run(capsys, "replay", str(path))
    assert code == 1 and out.splitlines()[-1].endswith("still violates index_trusted at step 3 of 3 as recorded")
    assert err.startswith(f"reportcheck: warning: {path}: the file was made by spec 0123456789abcdef")
    assert "replaying by action names" in err


def test_a_claim_the_target_design_lacks_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "v9" / "boundary_valid.itf.json"
    code, _, err = run(capsys, "replay", str(path), "--design", "merged")
    assert "boundary_valid is not a claim of design merged" in err
    assert code in (0, 1, DIVERGES)


@pytest.mark.parametrize("argv,expected", [
    (("--design", "v11"), "unknown design 'v11'"),
    (("--design", "v9", "--fault", "merge-keeps-reported"), "fault 'merge-keeps-reported' belongs to design 'merged', not 'v9'"),
    (("--invariant", "all_good"), "unknown invariant 'all_good' for design v9"),
])
def test_bad_replay_options_are_one_line_exit_2(argv: tuple[str, ...], expected: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "replay", str(UNGUARDED), *argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and expected in err, err
