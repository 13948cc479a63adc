"""JUnit and SARIF output: SARIF validated against the official 2.1.0 schema, JUnit checked
for the structure CI tools read; traces as kernel operations, spec lines, stable fingerprints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import explore

from checker.cli.main import main
from checker.outputs.junit import junit_xml
from checker.outputs.locations import SPEC_ROOT, action_location
from checker.outputs.outcomes import RunReport, report_from
from checker.outputs.sarif import sarif_log
from spec import DESIGNS, ModelKey, build_model

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
V9_REFUTED = {"index_trusted": 9, "free_list_matches_pageblock": 4, "boundary_valid": 4, "boundary_lookup_sound": 13, "reported_index_trusted": 6,
              "reported_run_at_tail": 7}


def assert_valid_sarif(log: dict[str, Any]) -> None:
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def v9_report() -> RunReport:
    verdicts, res = explore("v9")
    return report_from(build_model(ModelKey("v9")), "explicit", list(verdicts.values()), res.stats(), res.seconds)


def test_the_shipped_schema_is_the_official_sarif_2_1_0_schema() -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    # it rejects what SARIF forbids, so a pass below means something
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}
    assert list(jsonschema.Draft4Validator(SCHEMA).iter_errors(bad))


def test_sarif_of_v9_validates_with_one_rule_per_invariant_and_one_result_per_refutation() -> None:
    log = sarif_log([v9_report()])
    assert_valid_sarif(log)
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [i.name for i in build_model(ModelKey("v9")).invariants]
    fails = [r for r in run["results"] if r["kind"] == "fail"]
    assert {r["ruleId"]: len(r["codeFlows"][0]["threadFlows"][0]["locations"]) for r in fails} == V9_REFUTED
    for r in fails:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"] and r["level"] == "error"
    # a proof that reached none of its read sites is a result to review, not a pass
    (vacuous,) = [r for r in run["results"] if r["kind"] == "review"]
    assert vacuous["ruleId"] == "no_mixed_merge" and vacuous["level"] == "none"
    assert vacuous["properties"]["vacuity"] == "vacuous"
    assert "proved (vacuous)" in vacuous["message"]["text"]
    # located where a reviewer looks: each action holding a read site never reached
    assert vacuous["locations"], "code scanning drops a result without a location"
    for loc in vacuous["locations"]:
        phys = loc["physicalLocation"]
        line = (SPEC_ROOT / phys["artifactLocation"]["uri"]).read_text().splitlines()[phys["region"]["startLine"] - 1]
        (logical,) = loc["logicalLocations"]
        assert f'"{logical["name"]}"' in line or "Action(" in line, line
        assert loc["message"]["text"].startswith("never reached: __free_one_page: merging buddies")


def test_sarif_code_flow_steps_carry_state_spec_line_and_kernel_file() -> None:
    verdicts, _ = explore("v9")
    trace = verdicts["index_trusted"].trace
    assert trace is not None
    (res,) = [r for r in sarif_log([v9_report()])["runs"][0]["results"] if r["ruleId"] == "index_trusted"]
    steps = res["codeFlows"][0]["threadFlows"][0]["locations"]
    for k, (tfl, step) in enumerate(zip(steps, trace.steps, strict=True), 1):
        assert tfl["executionOrder"] == k
        assert tfl["state"] == {var: {"text": ", ".join(vals)} for var, vals in step.state.items()}
        phys = tfl["location"]["physicalLocation"]
        line = (SPEC_ROOT / phys["artifactLocation"]["uri"]).read_text().splitlines()[phys["region"]["startLine"] - 1]
        assert f'"{step.action}"' in line, line
        (logical,) = tfl["location"]["logicalLocations"]
        assert logical["fullyQualifiedName"] == f"{step.kernel_file}:{step.kernel_name}"
    assert [t["location"]["logicalLocations"][0]["name"] for t in steps][-1] == "undo_isolate_page_range"
    assert steps[-1]["location"]["logicalLocations"][0]["fullyQualifiedName"].startswith("mm/page_isolation.c:")
    assert steps[-1]["importance"] == "essential"
    assert res["locations"][0] == steps[-1]["location"]
    # the failing read explained: in the result's message and as the record (also in the step)
    [read] = [f for f in trace.steps[-1].failed_sites if f.claim == "index_trusted"]
    assert res["properties"]["failed_reads"] == [read.record()] == steps[-1]["properties"]["failed_sites"]
    assert "->index read MIGRATE_MOVABLE" in res["message"]["text"]
    assert "last written at step 5 by page_reporting_drain()" in res["message"]["text"]


def test_every_action_of_every_design_has_a_spec_line() -> None:
    for d in DESIGNS:
        for a in build_model(ModelKey(d)).actions:
            loc = action_location(d, a.name)
            assert loc is not None and loc.path.startswith("spec/"), (d, a.name)


def test_sarif_fingerprints_are_stable_across_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """A fresh exploration that checks only boundary_valid (and stops early) yields the
    same finding and trace fingerprints as the full exploration of v9."""
    code = main(["check", "--design", "v9", "--invariant", "boundary_valid", "--format", "sarif"])
    fresh = json.loads(capsys.readouterr().out)
    assert code == 1
    assert_valid_sarif(fresh)
    (res,) = fresh["runs"][0]["results"]
    (full,) = [r for r in sarif_log([v9_report()])["runs"][0]["results"] if r["ruleId"] == "boundary_valid"]
    assert res["partialFingerprints"] == full["partialFingerprints"]
    assert set(res["partialFingerprints"]) == {"reportcheckFinding/v1", "reportcheckTrace/v1"}


def junit_root(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    for suite in root.iter("testsuite"):
        assert {"name", "tests", "failures", "errors", "skipped", "time"} <= set(suite.attrib)
        cases = suite.findall("testcase")
        assert int(suite.get("tests", "")) == len(cases)
        assert int(suite.get("failures", "")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("skipped", "")) == sum(c.find("skipped") is not None for c in cases)
        for c in cases:
            assert {"classname", "name", "time"} <= set(c.attrib)
            float(c.get("time", ""))
    return root


def test_junit_of_v9_has_a_case_per_invariant_with_the_trace_as_failure_text() -> None:
    root = junit_root(junit_xml([v9_report()]))
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "design v9, era 5.3, config tiny, engine explicit"
    suite_props = suite.find("properties")
    assert suite_props is not None
    props = {p.get("name"): p.get("value") for p in suite_props}
    assert props["design"] == "v9" and props["engine"] == "explicit"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert set(cases) == {f"{i.name} [explicit]" for i in build_model(ModelKey("v9")).invariants}
    assert {n.split(" ")[0] for n, c in cases.items() if c.find("failure") is not None} == set(V9_REFUTED)
    case = cases["index_trusted [explicit]"]
    assert case.get("classname") == "reportcheck.v9.explicit"
    values = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert values["engine"] == "explicit" and values["verdict"] == "refuted"
    assert values["scope"].startswith("shortest counterexample: 9 steps") and values["trace_steps"] == "9"
    text = case.findtext("failure") or ""
    assert " 1. rmqueue_bulk(cpu=0, migratetype=UNMOVABLE)  mm/page_alloc.c" in text
    assert " 9. undo_isolate_page_range(range=1)  mm/page_isolation.c" in text
    assert "read site fails: index_trusted at page_reporting_del_from_boundary" in text
    assert cases["free_counts [explicit]"].find("failure") is None
    # the vacuous proof passes, and says it is vacuous
    vac = cases["no_mixed_merge [explicit]"]
    vac_values = {p.get("name"): p.get("value") for p in vac.iter("property")}
    assert vac.find("failure") is None and vac_values["vacuity"] == "vacuous"
    assert vac_values["verdict"] == "proved" and vac_values["shown_as"] == "proved (vacuous)"
    assert "read site never reached: __free_one_page" in (vac.findtext("system-out") or "")


def test_fail_on_vacuous_fails_the_vacuous_proof() -> None:
    verdicts, stats = explore("v9", invariants=("no_mixed_merge", "free_counts"))
    model = build_model(ModelKey("v9"))
    report = report_from(model, "explicit", list(verdicts.values()), stats.stats(), 0.0, fail_on_vacuous=True)
    status = {o.verdict.invariant: o.status for o in report.outcomes}
    assert status == {"no_mixed_merge": "failed", "free_counts": "passed"}
    [o] = [o for o in report.outcomes if o.status == "failed"]
    assert o.message.startswith("no_mixed_merge: proved (vacuous), and fail_on_vacuous is set: ")


def test_check_format_junit_exit_code_and_failure(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", "--fault", "pcp-index-not-set", "--invariant", "index_trusted", "--format", "junit"])
    root = junit_root(capsys.readouterr().out)
    assert code == 1
    assert root.get("tests") == "1" and root.get("failures") == "1"
    (case,) = root.iter("testcase")
    assert case.get("classname") == "reportcheck.merged-pcp-index-not-set.explicit"
    assert "4. free_unref_page_commit(pfn=0, cpu=0)  mm/page_alloc.c" in (case.findtext("failure") or "")


# ------------------------------------------------------------------ the user's kernel tree
# each kernel function modelled, written as the kernel writes it: a forward declaration
# first (not the definition), a mention in a comment, the return type on a line of its own
KERNEL_FILES = {
    "mm/page_alloc.c": ("__free_pages_ok", "drain_all_pages", "free_one_page", "free_pcppages_bulk",
                        "free_unref_page_commit", "free_unref_page_prepare", "rmqueue", "rmqueue_bulk",
                        "rmqueue_pcplist"),
    "mm/page_isolation.c": ("start_isolate_page_range", "test_pages_isolated", "undo_isolate_page_range"),
    "mm/page_reporting.c": ("page_reporting_cycle", "page_reporting_drain", "page_reporting_process"),
}


def kernel_tree(root: Path, files: tuple[str, ...] = tuple(KERNEL_FILES)) -> dict[tuple[str, str], int]:
    """A kernel tree under ``root`` with ``files``; (file, function) -> the line that defines it."""
    lines_of: dict[tuple[str, str], int] = {}
    for rel in files:
        lines = ["// SPDX-License-Identifier: GPL-2.0-only", "#include <linux/mm.h>", ""]
        for fn in KERNEL_FILES[rel]:
            lines += [f"static void {fn}(struct zone *zone,", "\t\tint migratetype);", ""]
        for fn in KERNEL_FILES[rel]:
            lines += [f"/* {fn}() is called with the zone lock held */", "static void", f"{fn}(struct zone *zone,"]
            lines_of[(rel, fn)] = len(lines)
            lines += ["\t\tint migratetype)", "{", f"\tother_{fn}(zone);", "}", ""]
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("\n".join(lines) + "\n")
    return lines_of


def test_sarif_steps_point_at_the_kernel_files_of_the_users_tree(tmp_path: Path) -> None:
    from checker.outputs.locations import KernelTree

    defined = kernel_tree(tmp_path)
    verdicts, _ = explore("v9")
    trace = verdicts["index_trusted"].trace
    assert trace is not None
    log = sarif_log([v9_report()], kernel_tree=KernelTree.at(tmp_path, "--kernel-tree"))
    assert_valid_sarif(log)
    (run,) = log["runs"]
    assert run["originalUriBaseIds"]["KERNELROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == SPEC_ROOT.as_uri() + "/"
    (res,) = [r for r in run["results"] if r["ruleId"] == "index_trusted"]
    related = {r["id"]: r for r in res["relatedLocations"]}
    steps = res["codeFlows"][0]["threadFlows"][0]["locations"]
    for tfl, step in zip(steps, trace.steps, strict=True):
        phys = tfl["location"]["physicalLocation"]
        assert phys["artifactLocation"] == {"uri": step.kernel_file, "uriBaseId": "KERNELROOT"}
        line = phys["region"]["startLine"]
        assert line == defined[(step.kernel_file, step.kernel_name)]
        assert (tmp_path / step.kernel_file).read_text().splitlines()[line - 1].startswith(f"{step.kernel_name}(")
        # the spec line that models it: a related location of the result
        (rel,) = tfl["location"]["relationships"]
        spec = related[rel["target"]]["physicalLocation"]
        assert spec["artifactLocation"]["uriBaseId"] == "SRCROOT"
        text = (SPEC_ROOT / spec["artifactLocation"]["uri"]).read_text().splitlines()
        assert f'"{step.action}"' in text[spec["region"]["startLine"] - 1]
    assert res["locations"][0] == steps[-1]["location"]
    assert len(related) == len({s.action for s in trace.steps})


def test_a_kernel_file_the_tree_lacks_stays_at_the_spec_line(tmp_path: Path) -> None:
    from checker.outputs.locations import KernelTree

    kernel_tree(tmp_path, ("mm/page_alloc.c",))
    log = sarif_log([v9_report()], kernel_tree=KernelTree.at(tmp_path, "--kernel-tree"))
    assert_valid_sarif(log)
    (res,) = [r for r in log["runs"][0]["results"] if r["ruleId"] == "index_trusted"]
    for tfl in res["codeFlows"][0]["threadFlows"][0]["locations"]:
        kernel_file = tfl["properties"]["kernel_file"]
        base = tfl["location"]["physicalLocation"]["artifactLocation"]["uriBaseId"]
        assert base == ("KERNELROOT" if kernel_file == "mm/page_alloc.c" else "SRCROOT"), kernel_file
        assert ("relationships" in tfl["location"]) == (base == "KERNELROOT")


def test_check_takes_a_kernel_tree_for_sarif_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kernel_tree(tmp_path)
    argv = ["check", "--design", "v9", "--invariant", "boundary_valid"]
    assert main([*argv, "--format", "sarif", "--kernel-tree", str(tmp_path)]) == 1
    log = json.loads(capsys.readouterr().out)
    assert_valid_sarif(log)
    (res,) = log["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "KERNELROOT"
    for extra, message in ((["--kernel-tree", str(tmp_path)], "--kernel-tree is where SARIF points"),
                           (["--format", "sarif", "--kernel-tree", str(tmp_path / "nope")], "not a directory"),
                           (["--format", "sarif", "--kernel-tree", str(tmp_path / "mm")], "no mm/ directory"),
                           (["--format", "sarif", "--kernel-tree", "~no-such-user-here/linux"], "not a directory")):
        assert main([*argv, *extra]) == 2
        out, err = capsys.readouterr()
        assert out == "" and message in err and len(err.strip().splitlines()) == 1
