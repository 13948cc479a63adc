"""Counterexamples as ITF files: the round trip through itf-py, check --save, and bad input
(including Hypothesis-generated malformed files: only the one-line error may escape)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import itf_py  # type: ignore[import-untyped]
import pytest
from conftest import CACHED, UNCACHED, explore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli.main import main
from checker.engines.registry import ENGINES
from checker.io.itf import TraceFileError, default_path, dump, load, parse
from checker.results.verdict import Trace
from spec import ModelKey

FAULT, INV = "v9-unguarded-index-read", "index_trusted"


def fault_trace() -> Trace:
    verdicts, _ = explore("v9", CACHED, "tiny", FAULT, (INV,))
    trace = verdicts[INV].trace
    assert trace is not None
    return trace


@pytest.fixture(scope="module")
def text() -> str:
    return dump(fault_trace(), "explicit")


def test_round_trip_gives_back_the_same_trace(tmp_path: Path, text: str) -> None:
    path = tmp_path / "t.itf.json"
    path.write_text(text)
    loaded = load(path)
    assert loaded.trace == fault_trace()
    assert (loaded.engine, loaded.violated_at) == ("explicit", 3)
    # the file keeps a failed read as "claim at site" and as the record that explains it:
    # loaded, it is that record again (page, values by name, the step that wrote ->index)
    [read] = loaded.trace.steps[-1].failed_sites
    assert read.key == (INV, "page_reporting_del_from_boundary: mt = get_pcppage_migratetype(page)")
    assert read.record() == fault_trace().steps[-1].failed_sites[0].record()
    assert (read.page, read.value_read, read.value_expected) == ("2", "MIGRATE_UNMOVABLE", "MIGRATE_MOVABLE")
    assert json.loads(text)["#meta"]["failed_read"] == read.record()
    assert dump(loaded.trace, loaded.engine) == text


def test_the_file_is_itf_as_itf_py_reads_it(text: str) -> None:
    data = json.loads(text)
    t = itf_py.trace_from_json(data)
    assert t.meta["format"] == "ITF" and t.meta["invariant"] == INV and t.meta["fault"] == FAULT
    assert {"format_version", "tool_version", "spec_digest", "design", "era", "pcp_cache", "config", "engine",
            "command"} <= set(t.meta)
    assert (t.meta["era"], t.meta["pcp_cache"]) == (ModelKey("v9", None, CACHED).era, True)
    assert t.meta["command"].startswith("reportcheck check --design v9 --fault v9-unguarded-index-read")
    assert len(t.states) == 4 and set(t.vars) == set(t.states[0].values)
    assert [s.meta.get("action") for s in t.states] == [None, "rmqueue_bulk", "free_pcppages_bulk",
                                                         "page_reporting_cycle"]
    assert t.states[1].meta["args"] == {"cpu": "0", "migratetype": "UNMOVABLE"}
    # integers are ITF big integers, booleans JSON booleans, other values their labels
    assert data["states"][0]["nr_free_pages"] == {"#bigint": "4"}
    assert data["states"][0]["zone_active"] is False and data["states"][0]["worker"] == "idle"
    assert t.states[3].values["worker"] == "in_report"


def test_default_path_names_design_fault_era_and_config() -> None:
    t = fault_trace()
    assert default_path(Path("cx"), t) == Path("cx/v9-v9-unguarded-index-read/index_trusted.itf.json")
    off = replace(t, key=ModelKey("merged", None, UNCACHED, "tiny-span"))
    assert default_path(Path("cx"), off) == Path("cx/merged-6.10-tiny-span/index_trusted.itf.json")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


SAVE = ("check", "--fault", "pcp-index-not-set", "--invariant", "index_trusted")


def test_check_save_writes_once_and_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *SAVE, "--save", str(tmp_path))
    path = tmp_path / "merged-pcp-index-not-set" / "index_trusted.itf.json"
    assert code == 1 and err.strip() == f"reportcheck: saved {path}"
    first = path.read_bytes()
    assert load(path).trace.steps[-1].action == "free_unref_page_commit"
    path.write_text("changed")
    code, out, err = run(capsys, *SAVE, "--save", str(tmp_path))
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "already exists" in err and "--force" in err
    assert path.read_text() == "changed"
    code, _, err = run(capsys, *SAVE, "--save", str(tmp_path), "--force", "--format", "json")
    assert code == 1 and path.read_bytes() == first


def test_check_save_keeps_json_output_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *SAVE, "--format", "json", "--save", str(tmp_path))
    assert code == 1 and json.loads(out)["results"][0]["verdict"] == "refuted" and "saved" in err


def test_check_save_with_no_counterexample_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--design", "merged", "--invariant", "no_page_lost", "--max-states", "50",
                       "--save", str(tmp_path))
    assert code == 3 and "nothing saved" in err and list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------ bad input
def edit(text: str, change: Any) -> str:
    data = json.loads(text)
    change(data)
    return json.dumps(data)


def set_in(keys: tuple[Any, ...], value: Any) -> Any:
    def f(data: Any) -> None:
        for k in keys[:-1]:
            data = data[k]
        data[keys[-1]] = value
    return f


def drop(keys: tuple[Any, ...]) -> Any:
    def f(data: Any) -> None:
        for k in keys[:-1]:
            data = data[k]
        del data[keys[-1]]
    return f


BAD: dict[str, tuple[Any, str]] = {
    "empty": (lambda t: "", "empty file"),
    "truncated": (lambda t: t[: len(t) // 2], "truncated JSON"),
    "not json": (lambda t: "states: [1, 2]\n", "not valid JSON"),
    "not utf-8": (lambda t: "\udcff", "not UTF-8"),
    "json list": (lambda t: "[1, 2]", "not an ITF trace"),
    "no meta": (lambda t: edit(t, drop(("#meta",))), "#meta: missing"),
    "not ours": (lambda t: '{"vars": [], "states": [{}]}', "#meta: missing"),
    "unknown design": (lambda t: edit(t, set_in(("#meta", "design"), "v11")), "unknown design 'v11'"),
    "unknown action": (lambda t: edit(t, set_in(("states", 2, "#meta", "action"), "free_everything")),
                       "state 2 #meta: unknown action 'free_everything'"),
    "unknown invariant": (lambda t: edit(t, set_in(("#meta", "invariant"), "all_good")),
                          "#meta.invariant: unknown invariant 'all_good'"),
    "argument outside its domain": (lambda t: edit(t, set_in(("states", 1, "#meta", "args", "cpu"), "7")),
                                    "state 1 #meta: rmqueue_bulk: '7' is not a value of cpu"),
    "missing field": (lambda t: edit(t, drop(("states", 3, "worker"))), "state 3: missing field 'worker'"),
    "mistyped field": (lambda t: edit(t, set_in(("states", 1, "zone_active"), "yes")),
                       "state 1: zone_active must be a boolean (bool), got a string"),
    "wrong length": (lambda t: edit(t, set_in(("states", 0, "where"), ["BUDDY"])),
                     "state 0: where must be a list of 4 values, got a list of 1"),
    "value outside domain": (lambda t: edit(t, set_in(("states", 0, "nr_free_pages"), {"#bigint": "99"})),
                             "state 0: nr_free_pages = 99 is outside count 0..4"),
    "bad bigint": (lambda t: edit(t, set_in(("states", 0, "nr_free_pages"), {"#bigint": "many"})),
                   "not an ITF trace"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_file_is_one_line_exit_2(case: str, tmp_path: Path, text: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    make, expected = BAD[case]
    path = tmp_path / "bad.itf.json"
    content = make(text)
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    code, out, err = run(capsys, "replay", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"reportcheck: error: {path}: ")
    assert expected in err, err


def test_unreadable_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path, expected in ((tmp_path / "missing.itf.json", "cannot read: No such file or directory"),
                           (tmp_path, "is a directory, not a trace file")):
        code, out, err = run(capsys, "replay", str(path))
        assert code == 2 and out == "" and err.strip() == f"reportcheck: error: {path}: {expected}", err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 10**20) | st.floats(allow_nan=True) | st.text(max_size=8)
    | st.sampled_from(["BUDDY", "v9", "#bigint", "tag", "value", "#meta", "index_trusted", "rmqueue_bulk"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["#bigint", "#tup", "#set", "#map", "tag", "value", "#meta", "x", "1 a", "action", "args"])
        | st.text(max_size=4), inner, max_size=4),
    max_leaves=12)


def paths_in(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += paths_in(v, prefix + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += paths_in(v, prefix + (i,))
    return out


def only_the_clear_error_escapes(content: bytes) -> None:
    path = Path("mutant.itf.json")
    try:
        parse(path, content)
    except TraceFileError as e:
        msg = str(e)
        assert msg.startswith(f"{path}: ") and "\n" not in msg and len(msg) < 2000, msg


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_mutated_files_fail_only_with_the_clear_error(text: str, data: st.DataObject) -> None:
    doc = json.loads(text)
    where = data.draw(st.sampled_from(paths_in(doc)))
    if data.draw(st.booleans()):
        set_in(where, data.draw(json_values))(doc)
    else:
        drop(where)(doc) if isinstance(where[-1], str) else set_in(where, None)(doc)
    only_the_clear_error_escapes(json.dumps(doc).encode())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(0, 10**6))
def test_every_truncation_is_the_clear_error(text: str, cut: int) -> None:
    body = text.rstrip()
    with pytest.raises(TraceFileError):
        parse(Path("t.itf.json"), body[: cut % len(body)].encode())


@settings(max_examples=150, deadline=None)
@given(content=st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_bytes_and_json_are_the_clear_error(content: bytes) -> None:
    path = Path("noise.itf.json")
    with pytest.raises(TraceFileError) as e:
        parse(path, content)
    assert str(e.value).startswith(f"{path}: ") and "\n" not in str(e.value)


# the engines that search from the initial state (induction and proof report counterexamples
# to induction, which start anywhere, and never a trace to save)
@pytest.mark.parametrize("engine", sorted(set(ENGINES) - {"induction", "proof"}))
def test_every_engines_counterexample_saves_and_replays(engine: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    knobs = {"seed": ["--seed", "1"], "depth": ["--depth", "4"]}  # each to the engine that takes it
    given = [x for k, v in knobs.items() if k in ENGINES[engine].takes for x in v]
    code, _, _ = run(capsys, *SAVE, "--engine", engine, *given, "--save", str(tmp_path))
    assert code == 1
    path = tmp_path / "merged-pcp-index-not-set" / "index_trusted.itf.json"
    loaded = load(path)
    assert loaded.engine == engine and loaded.trace.invariant == "index_trusted"
    code, out, _ = run(capsys, "replay", str(path))
    assert code == 1 and "as recorded" in out.splitlines()[-1]
