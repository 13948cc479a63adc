"""The command line: catalogue, verdict JSON, exit codes and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from checker.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_has_every_section(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {"designs", "faults", "eras", "configs", "invariants", "engines", "actions"}
    assert {d["name"] for d in data["designs"]} == {"none", "v9", "v10", "merged"}
    assert {f["name"] for f in data["faults"]} >= {
        "v9-unguarded-index-read", "merge-keeps-reported", "retype-keeps-stale-index",
        "alloc-keeps-reported", "pcp-index-not-set"}
    assert all(f["design"] in {"v9", "v10", "merged"} and f["description"] for f in data["faults"])
    assert {"tiny", "small"} <= {c["name"] for c in data["configs"]}
    assert "index_trusted" in {i["name"] for i in data["invariants"]}
    assert all(a["kernel_file"].startswith("mm/") for a in data["actions"])


def test_list_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list")
    assert code == 0 and "free_pcppages_bulk" in out and "v9-unguarded-index-read" in out


def test_check_json_shape_and_exit_code_of_a_refutation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--fault", "pcp-index-not-set", "--invariant", "index_trusted",
                       "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert {"design", "fault", "config", "era", "pcp_cache", "engine", "results", "stats"} <= set(data)
    assert data["design"] == "merged" and data["fault"] == "pcp-index-not-set" and data["engine"] == "explicit"
    (r,) = data["results"]
    assert r["invariant"] == "index_trusted" and r["verdict"] == "refuted" and "config tiny" in r["scope"]
    assert [s["action"] for s in r["trace"]["steps"]][-1] == "free_unref_page_commit"
    assert all({"action", "args"} <= set(s) for s in r["trace"]["steps"])


def test_check_exit_zero_when_every_invariant_is_proved(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--design", "merged", "--invariant", "index_trusted",
                       "--invariant", "reported_implies_buddy", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [r["verdict"] for r in data["results"]] == ["proved", "proved"]
    assert data["results"][0]["scope"].startswith("all ") and "reachable states of config tiny" in data["results"][0]["scope"]


def test_state_limit_gives_unknown_and_exit_3(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--design", "merged", "--invariant", "index_trusted",
                       "--max-states", "50", "--format", "json")
    assert code == 3
    assert json.loads(out)["results"][0]["verdict"] == "unknown"


def test_text_output_shows_the_trace_as_kernel_operations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--fault", "pcp-index-not-set", "--invariant", "index_trusted")
    assert code == 1
    assert "free_unref_page_prepare(pfn=" in out and "read site fails: index_trusted" in out
    assert "reproduce: reportcheck check --design merged --fault pcp-index-not-set" in out


BAD = [
    (["check", "--design", "v11"], "unknown design 'v11'; choose from: none, v9, v10, merged"),
    (["check", "--fault", "nope"], "unknown fault 'nope'; choose from:"),
    (["check", "--config", "huge"], "unknown configuration 'huge'; choose from: tiny"),
    (["check", "--invariant", "bogus"], "unknown invariant 'bogus' for design v9; choose from: index_trusted"),
    (["check", "--design", "v10", "--fault", "pcp-index-not-set"],
     "fault 'pcp-index-not-set' belongs to design 'merged', not 'v10'"),
    (["check", "--engine", "spin"], "unknown engine 'spin'; choose from: explicit"),
    (["check", "--pcp-cache", "maybe"], "argument --pcp-cache: invalid choice"),
    (["check", "--max-states", "0"], "--max-states must be a positive number"),
    (["check", "--depth", "3"], "--depth is an option of engine bmc, not of explicit: drop it or add --engine bmc"),
    (["check", "--engine", "bmc", "--examples", "3"],
     "--examples is an option of engine hypothesis, not of bmc: drop it or add --engine hypothesis"),
    (["check", "--engine", "proof", "--timeout", "1", "--k", "2"],
     "--k is an option of engine induction, not of proof: drop it or add --engine induction"),
    (["frobnicate"], "invalid choice"),
]


@pytest.mark.parametrize("argv,message", BAD, ids=[" ".join(a) for a, _ in BAD])
def test_bad_input_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("reportcheck: error: ")
    assert message in err
    assert "Traceback" not in err


def test_console_entry_point_runs_as_a_module() -> None:
    proc = subprocess.run([sys.executable, "-m", "checker", "check", "--design", "nope"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and proc.stderr.startswith("reportcheck: error: unknown design")


@pytest.mark.parametrize("design", ["v9", "v10", "merged"])
def test_every_design_gets_a_verdict_on_small_through_json(capsys: pytest.CaptureFixture[str], design: str) -> None:
    code, out, _ = run(capsys, "check", "--design", design, "--config", "small", "--max-states", "2000",
                       "--format", "json")
    data = json.loads(out)
    assert data["config"] == "small" and code in (1, 3)
    assert {r["verdict"] for r in data["results"]} <= {"refuted", "unknown"}
    assert any(r["verdict"] == "refuted" and r["invariant"] == "free_list_matches_pageblock" for r in data["results"])


SMALL_FAULTS = [("v9-unguarded-index-read", "index_trusted", 3), ("merge-keeps-reported", "reported_implies_buddy", 8),
                ("retype-keeps-stale-index", "index_trusted", 5), ("alloc-keeps-reported", "reported_implies_buddy", 9),
                ("pcp-index-not-set", "index_trusted", 4)]


@pytest.mark.parametrize("fault,invariant,length", SMALL_FAULTS)
def test_every_fault_is_refuted_on_small(capsys: pytest.CaptureFixture[str], fault: str, invariant: str,
                                         length: int) -> None:
    code, out, _ = run(capsys, "check", "--fault", fault, "--config", "small", "--invariant", invariant,
                       "--format", "json")
    (r,) = json.loads(out)["results"]
    assert code == 1 and r["verdict"] == "refuted" and len(r["trace"]["steps"]) == length


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from checker.io.itf import tool_version

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out == f"reportcheck {tool_version()}\n"


def test_check_help_describes_the_command_its_verdicts_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert e.value.code == 0
    assert "Check the claims (invariants) of one design" in out
    assert "no counterexample up to depth K" in out and "(vacuous)" in out
    for line in ("  0  every checked claim proved in its scope", "  1  at least one claim refuted",
                 "  2  bad input", "  3  undecided (unknown) with nothing refuted"):
        assert line in out


def test_the_catalogue_directory_option_has_one_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """check --save --catalogue DIR, catalogue --catalogue DIR, report --catalogue DIR."""
    argv = ["check", "--fault", "v9-unguarded-index-read", "--invariant", "index_trusted", "--save",
            "--catalogue", str(tmp_path)]
    assert main(argv) == 1
    assert (tmp_path / "v9-v9-unguarded-index-read" / "index_trusted.itf.json").is_file()
    capsys.readouterr()
    assert main(["catalogue", "--catalogue", str(tmp_path)]) == 0
    assert "1 of 1 stored counterexamples reproduce" in capsys.readouterr().out
    assert main(["check", "--catalogue", str(tmp_path)]) == 2
    assert "--catalogue names where --save writes; add --save" in capsys.readouterr().err
