"""``reportcheck ci``: expectations from [tool.reportcheck], outputs, exit codes, bad input."""

from __future__ import annotations

import json
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from test_ci_formats import assert_valid_sarif, junit_root

from checker.cli.main import main
from checker.engines.registry import ENGINES
from checker.results.stats import EngineStats
from checker.results.verdict import Verdict

OUTPUT = 'output = { junit = "out/junit.xml", sarif = "out/reportcheck.sarif", json = "out/results.json" }\n'
FAST_FAULT = """
[[tool.reportcheck.faults]]
fault = "v9-unguarded-index-read"
refuted = ["index_trusted"]
"""


def ci(tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "downstream"\n\n[tool.reportcheck]\n' + textwrap.dedent(table))
    code = main(["ci", "--pyproject", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def outputs(tmp_path: Path) -> tuple[ET.Element, dict[str, object], dict[str, object]]:
    out = tmp_path / "out"
    return (junit_root((out / "junit.xml").read_text()), json.loads((out / "reportcheck.sarif").read_text()),
            json.loads((out / "results.json").read_text()))


def test_expectations_met_exit_0_and_every_output_validates(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ci(tmp_path, capsys, "time_budget = 600\n" + OUTPUT + """
        [[tool.reportcheck.designs]]
        design = "v10"
        invariants = ["index_trusted", "reported_implies_buddy", "boundary_valid"]
        refuted = ["index_trusted", "boundary_valid"]
        """ + FAST_FAULT)
    assert code == 0, err
    assert "reportcheck ci: 2 runs, 4 verdicts, 0 failures" in out and err == ""
    junit, sarif, data = outputs(tmp_path)
    assert junit.get("tests") == "5" and junit.get("failures") == "0"  # 4 verdicts + the time budget
    assert [s.get("name") for s in junit.iter("testsuite")] == [
        "design v10, era 5.3, config tiny, engine explicit",
        "design v9, fault v9-unguarded-index-read, era 5.3, config tiny, engine explicit", "time budget"]
    assert_valid_sarif(sarif)
    results = sarif["runs"][0]["results"]  # type: ignore[index]
    assert sorted((r["ruleId"], r["properties"]["design"], r["level"]) for r in results) == [
        ("boundary_valid", "v10", "warning"), ("index_trusted", "v10", "warning"), ("index_trusted", "v9", "warning")]
    assert data["passed"] is True and data["exit_code"] == 0 and data["failures"] == []
    runs = data["runs"]
    assert isinstance(runs, list)
    assert [(r["verdict"], r["expected"], r["status"]) for r in runs[0]["results"]] == [
        ("refuted", "refuted", "passed"), ("proved", "holds", "passed"), ("refuted", "refuted", "passed")]


def test_a_changed_verdict_fails_with_exit_1_and_the_trace(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ci(tmp_path, capsys, OUTPUT + """
        [[tool.reportcheck.designs]]
        design = "v9"
        invariants = ["boundary_valid"]
        refuted = []
        [[tool.reportcheck.designs]]
        design = "v10"
        invariants = ["reported_implies_buddy"]
        refuted = ["reported_implies_buddy"]
        """)
    assert code == 1
    assert "FAIL design v9, era 5.3, config tiny, engine explicit: boundary_valid: refuted, but it is expected to hold" in err
    assert "reported_implies_buddy: proved, but it is expected to be refuted" in err
    assert " 4. start_isolate_page_range(range=0)  mm/page_isolation.c" in out
    junit, sarif, data = outputs(tmp_path)
    assert junit.get("failures") == "2" and data["passed"] is False and data["exit_code"] == 1
    assert_valid_sarif(sarif)
    (result,) = sarif["runs"][0]["results"]  # type: ignore[index]
    assert result["ruleId"] == "boundary_valid" and result["level"] == "error"
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False  # type: ignore[index]


def test_a_fault_no_engine_refutes_survives(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = ci(tmp_path, capsys, "options.explicit = { max_states = 20 }\n" + FAST_FAULT)
    assert code == 1
    assert "(v9-unguarded-index-read), config tiny: the fault survives" in err


def test_undecided_fails_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = """
        options.explicit = { max_states = 20 }
        [[tool.reportcheck.designs]]
        design = "merged"
        invariants = ["free_counts"]
        refuted = []
        """
    assert ci(tmp_path, capsys, table)[0] == 0
    code, _, err = ci(tmp_path, capsys, "fail_on_unknown = true\n" + table)
    assert code == 3 and "free_counts: undecided (expected: holds)" in err


def test_a_vacuous_proof_fails_only_when_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """merged on 6.10 has no read site of index_trusted: bmc proves it of nothing, and the
    verdict's marker says so; ``fail_on_vacuous = true`` makes that a failure."""
    table = """
        engines = ["bmc"]
        options.bmc = { depth = 1 }
        [[tool.reportcheck.designs]]
        design = "merged"
        era = "6.10"
        invariants = ["index_trusted"]
        refuted = []
        """
    code, out, err = ci(tmp_path, capsys, table)
    assert code == 0 and "1 vacuous" in out + err
    assert ("index_trusted: no counterexample up to depth 1 (vacuous): the model has no read site of this claim "
            "(fail_on_vacuous = true makes this a failure)") in out + err
    code, out, err = ci(tmp_path, capsys, "fail_on_vacuous = true\n" + table)
    assert code == 1
    assert "index_trusted: no counterexample up to depth 1 (vacuous), and fail_on_vacuous is set" in out + err


def test_sarif_finds_the_kernel_files_in_the_kernel_tree_named(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from test_ci_formats import kernel_tree

    kernel_tree(tmp_path / "linux")
    code, _, _ = ci(tmp_path, capsys, 'kernel_tree = "linux"\n' + OUTPUT + FAST_FAULT)
    assert code == 0
    _, sarif, _ = outputs(tmp_path)
    (run,) = sarif["runs"]  # type: ignore[index]
    assert run["originalUriBaseIds"]["KERNELROOT"]["uri"] == (tmp_path / "linux").resolve().as_uri() + "/"
    (res,) = [r for r in run["results"] if r["ruleId"] == "index_trusted"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "KERNELROOT"
    code, _, err = ci(tmp_path, capsys, 'kernel_tree = "nowhere"\n' + OUTPUT + FAST_FAULT)
    assert code == 2 and "[tool.reportcheck] kernel_tree =" in err and "not a directory" in err


def test_the_time_budget_stops_further_runs_with_exit_5(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ci(tmp_path, capsys, "time_budget = 0.000001\n" + OUTPUT + FAST_FAULT + FAST_FAULT)
    assert code == 5
    assert "time budget of 1e-06 s exceeded" in err and "1 run(s) not started" in err
    assert "reportcheck ci: 1 runs" in out
    junit, _, data = outputs(tmp_path)
    (case,) = [c for c in junit.iter("testcase") if c.get("classname") == "reportcheck.time_budget"]
    assert case.find("failure") is not None and data["exit_code"] == 5


def test_runs_in_workers_give_the_same_outputs_in_the_plans_order(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """--jobs 2: the solver runs start first, but the log, JUnit, SARIF and JSON list the runs
    as the table does, with the verdicts of one run after another."""
    table = OUTPUT + """
        engines = ["explicit", "bmc"]
        options.bmc = { depth = 1 }
        [[tool.reportcheck.designs]]
        design = "v10"
        invariants = ["index_trusted", "reported_implies_buddy"]
        refuted = ["index_trusted"]
        """ + FAST_FAULT

    def outcome(*args: str) -> tuple[object, ...]:
        code, out, err = ci(tmp_path, capsys, table, *args)
        junit, _, data = outputs(tmp_path)
        runs = [(r["engine"], r["design"], r["fault"], [(v["invariant"], v["verdict"], v["status"]) for v in r["results"]])
                for r in data["runs"]]  # type: ignore[union-attr]
        return code, err, [s.get("name") for s in junit.iter("testsuite")], runs, out.count("engine bmc")

    one, two = outcome("--no-cache"), outcome("--no-cache", "--jobs", "2")  # the second would reuse bmc's answers
    assert one == two and one[4] == 2
    # bmc to depth 1 refutes neither (5 and 3 steps): both failures, in the table's order
    assert one[0] == 1 and str(one[1]).index("engine bmc: index_trusted") < str(one[1]).index("fault v9-unguarded")


def test_in_workers_the_time_budget_stops_the_runs_not_yet_started(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = ci(tmp_path, capsys, "time_budget = 0.000001\n" + OUTPUT + FAST_FAULT * 3, "--jobs", "2")
    assert code == 5
    assert "time budget of 1e-06 s exceeded" in err and "2 run(s) not started" in err
    assert "reportcheck ci: 1 runs" in out


def test_jobs_below_one_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = ci(tmp_path, capsys, OUTPUT + FAST_FAULT, "--jobs", "0")
    assert code == 2 and err.strip().endswith("--jobs must be at least 1") and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_a_contradiction_outranks_the_time_budget(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = ci(tmp_path, capsys, "time_budget = 0.000001\noptions.explicit = { max_states = 20 }\n" + FAST_FAULT)
    assert code == 1 and "the fault survives" in err and "time budget" in err


def test_an_empty_catalogue_fails_with_exit_4(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "stored").mkdir()
    code, _, err = ci(tmp_path, capsys, 'catalogue = "stored"\n' + OUTPUT + FAST_FAULT)
    assert code == 4
    assert "no counterexamples" in err
    junit, _, data = outputs(tmp_path)
    assert any(c.get("classname") == "reportcheck.catalogue" and c.find("failure") is not None
               for c in junit.iter("testcase"))
    assert data["catalogue"] and not data["catalogue"][0]["ok"]  # type: ignore[index]


@pytest.mark.parametrize("engine", sorted(set(ENGINES) - {"explicit"}))
def test_other_engines_run_through_ci_when_registered(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      engine: str) -> None:
    knobs = {"timeout": 5, "depth": 1, "k": 1, "examples": 5, "steps": 5, "seed": 1}
    options = ", ".join(f"{k} = {v}" for k, v in knobs.items() if k in ENGINES[engine].takes)
    code, out, err = ci(tmp_path, capsys, f"""
        engines = ["{engine}"]
        options.{engine} = {{ {options} }}
        [[tool.reportcheck.designs]]
        design = "v9"
        invariants = ["free_list_matches_pageblock"]
        refuted = ["free_list_matches_pageblock"]
        """)
    assert code in (0, 1) and f"engine {engine}: 1 invariants" in out, err


BAD = [
    ("", "no [tool.reportcheck] table in"),
    ("[tool.reportcheck\n", "malformed TOML"),
    ("[tool.reportcheck]\nconfigz = []\n", "[tool.reportcheck]: unknown key 'configz'; valid keys: configs, engines"),
    ("[tool.reportcheck]\ntime_budget = \"soon\"\n", "time_budget must be a positive number of seconds, not 'soon'"),
    ("[tool.reportcheck]\nengines = [\"spin\"]\n", "engines: unknown engine 'spin'; choose from: explicit"),
    ("[tool.reportcheck]\nengines = \"explicit\"\n", "engines must be an array of strings, not a string"),
    ("[tool.reportcheck]\noutput = { html = \"x\" }\n", "[tool.reportcheck] output: unknown key 'html'"),
    ("[tool.reportcheck]\noptions.explicit = { depht = 3 }\n", "options.explicit: unknown key 'depht'; valid keys:"),
    ("[tool.reportcheck]\noptions.explicit = { max_states = 0 }\n", "max_states must be a positive integer, not 0"),
    ("[tool.reportcheck]\noptions.explicit = { depth = 3 }\n",
     "options.explicit: engine explicit does not take depth (an option of bmc); move it to [tool.reportcheck] options.bmc"),
    ("[tool.reportcheck]\ndesigns = { design = \"v9\" }\n", "designs must be an array of tables"),
    ("[tool.reportcheck]\n", "nothing to check"),
    ("[tool.reportcheck]\nfail_on_vacuous = \"yes\"\n", "fail_on_vacuous must be true or false, not 'yes'"),
    ("[[tool.reportcheck.designs]]\ndesign = \"v11\"\nrefuted = []\n",
     "[[tool.reportcheck.designs]] #1: design: unknown design 'v11'; choose from: none, v9, v10, merged"),
    ("[[tool.reportcheck.designs]]\ndesign = \"v9\"\n", "#1 (v9): missing key 'refuted'"),
    ("[[tool.reportcheck.designs]]\ndesign = \"v9\"\nrefuted = [\"bogus\"]\n",
     "#1 (v9): refuted: unknown invariant for design v9 'bogus'; choose from: index_trusted"),
    ("[[tool.reportcheck.designs]]\ndesign = \"v9\"\nrefuted = []\npcp_cache = true\n",
     'pcp_cache must be "on" or "off", not True'),
    ("[[tool.reportcheck.designs]]\ndesign = \"v9\"\nrefuted = [\"index_trusted\"]\ninvariants = [\"free_counts\"]\n",
     "refuted names index_trusted, which invariants leaves out"),
    ("[[tool.reportcheck.faults]]\nfault = \"nope\"\nrefuted = [\"index_trusted\"]\n",
     "[[tool.reportcheck.faults]] #1: fault: unknown fault 'nope'; choose from: v9-unguarded-index-read"),
    ("[[tool.reportcheck.faults]]\nfault = \"pcp-index-not-set\"\nrefuted = []\n", "refuted must not be empty"),
    ("[[tool.reportcheck.faults]]\nfault = \"pcp-index-not-set\"\nrefuted = [\"index_trusted\"]\nconfigs = [\"huge\"]\n",
     "configs: unknown configuration 'huge'; choose from: tiny"),
]


@pytest.mark.parametrize("text,message", BAD, ids=[m for _, m in BAD])
def test_bad_input_is_one_line_naming_the_key_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         text: str, message: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "downstream"\n\n' + text)
    code = main(["ci", "--pyproject", str(path)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("reportcheck: error: ") and "Traceback" not in err
    assert message in err


def test_bad_input_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = ci(tmp_path, capsys, OUTPUT + "fail_on_unknown = 1\n" + FAST_FAULT)
    assert code == 2 and "fail_on_unknown must be true or false, not 1" in err
    assert not (tmp_path / "out").exists()


def test_a_missing_pyproject_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["ci", "--pyproject", str(tmp_path / "nope.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "nope.toml: no such file" in err and err.count("\n") == 1


def test_stored_traces_replay_and_a_tampered_one_fails_with_exit_4(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(__file__).parent.parent / "counterexamples" / "v9" / "free_list_matches_pageblock.itf.json"
    if not src.exists():
        pytest.skip(f"no stored counterexample at {src}")
    dst = tmp_path / "stored" / "v9" / src.name
    dst.parent.mkdir(parents=True)
    text = src.read_text()
    dst.write_text(text)
    code, out, err = ci(tmp_path, capsys, 'catalogue = "stored"\n' + FAST_FAULT)
    assert code == 0, err
    assert "1 of 1 stored traces reproduce" in out
    assert text.count('"violated_at": 4') == 1
    dst.write_text(text.replace('"violated_at": 4', '"violated_at": 3'))
    code, out, err = ci(tmp_path, capsys, 'catalogue = "stored"\n' + OUTPUT + FAST_FAULT)
    assert code == 4 and "0 of 1 stored traces reproduce" in out
    assert "FAIL stored trace v9/free_list_matches_pageblock.itf.json: " in err
    junit, _, data = outputs(tmp_path)
    assert data["exit_code"] == 4 and data["catalogue"] == [  # type: ignore[comparison-overlap]
        {"path": "v9/free_list_matches_pageblock.itf.json", "ok": False, "message": data["catalogue"][0]["message"]}]  # type: ignore[index]
    (case,) = [c for c in junit.iter("testcase") if c.get("classname") == "reportcheck.catalogue"]
    assert case.get("name") == "v9/free_list_matches_pageblock.itf.json" and case.find("failure") is not None


def test_the_projects_own_table_pins_every_explicit_verdict() -> None:
    """The [tool.reportcheck] table that .ci/run uses parses and expects exactly what the
    explicit engine finds (the explorations are the suite's cached ones)."""
    from conftest import explore

    from checker.ci.config import load
    from spec import DESIGNS, ERAS, FAULTS

    repo = Path(__file__).parent.parent
    cfg = load(repo / "pyproject.toml")
    assert cfg.catalogue == repo / "counterexamples" and cfg.time_budget is not None
    assert set(cfg.outputs) == {"junit", "sarif", "json"}
    designs = [t for t in cfg.targets if t.fault is None and t.engines != ("proof",)]
    proofs = [t for t in cfg.targets if t.engines == ("proof",)]
    assert [(t.design, t.refuted) for t in proofs] == [("merged", frozenset())]  # every size
    assert sorted((t.design, t.era) for t in designs) == sorted((d, e) for d in DESIGNS for e in ERAS
                                                                 if d in ERAS[e].designs)
    assert sorted(t.fault for t in cfg.targets if t.fault) == sorted(FAULTS)
    for t in designs:
        assert t.configs == ("tiny",) and "explicit" in t.engines
        verdicts, _ = explore(t.design, t.era)
        assert set(t.invariants) == set(verdicts)
        assert {n for n, v in verdicts.items() if v.kind == "refuted"} == t.refuted, t.where


def test_an_engine_that_fails_is_one_failure_line_and_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine bug does not end ``ci`` with a traceback: the run says which engine
    failed and why, the other runs go on, and the exit code is 3."""
    from checker.engines import registry as engines

    def broken(*_args: object) -> tuple[list[Verdict], EngineStats]:
        raise RuntimeError("solver exploded")

    monkeypatch.setitem(engines.ENGINES, "explicit", engines.Engine("explicit", "broken for the test", broken))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.reportcheck]\nconfigs = ["tiny"]\nengines = ["explicit"]\n\n'
                         '[[tool.reportcheck.designs]]\ndesign = "merged"\nrefuted = []\n')
    code = main(["ci", "--pyproject", str(pyproject)])
    out = capsys.readouterr().out
    assert code == 3
    assert "engine explicit: the engine failed: RuntimeError: solver exploded" in out
