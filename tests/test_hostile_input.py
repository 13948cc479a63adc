"""Hostile input, broken pipes and planted links (issue 18): every case the issue lists.

The promises: nothing is written where it should not be (no write through a planted link,
every file or none, no output over the configuration, the catalogue or outside the
project, no ``.hypothesis/`` in the user's directory, no worker outliving the command);
bad input is one line on stderr, exit code 2, and nothing is run; a closed pipe ends the
output quietly with the verdict's exit code; a full or closed stdout is one line; a scope
names only what was covered.  The fuzz tests at the end drive the argument parser and the
``[tool.reportcheck]`` loader with generated input and allow only success or the one-line
error.
"""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.ci import config as ci_config
from checker.cli.main import build_parser, main
from checker.engines import proof
from checker.errors import UsageError
from checker.interp.concrete import Interpreter
from checker.io.itf import load, write_all
from checker.io.safe_write import write_files
from spec import ModelKey, build_model, era_of_pcp_cache
from spec.ir import Check, For, If, Model, Stmt

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "counterexamples"
STORED = CATALOGUE / "v9" / "index_trusted.itf.json"
FAST_FAULT = ("check", "--fault", "v9-unguarded-index-read", "--invariant", "index_trusted")
as_root = pytest.mark.skipif(os.geteuid() == 0, reason="permissions do not bind root")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code: int, err: str, *words: str) -> None:
    """Exit 2, exactly one line on stderr (no traceback), naming ``words``."""
    assert code == 2, err
    assert err.startswith("reportcheck: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    for w in words:
        assert w in err, err


def no_temporaries(directory: Path) -> None:
    assert not [p for p in directory.rglob("*") if p.name.endswith(".tmp")], list(directory.rglob("*"))


# ==================================================================== safe writes
def test_save_does_not_write_through_a_link_planted_at_the_temporary(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious")
    target_dir = tmp_path / "out" / "v9-v9-unguarded-index-read"
    target_dir.mkdir(parents=True)
    planted = target_dir / "index_trusted.itf.json.tmp"
    planted.symlink_to(victim)
    code, _, err = run(capsys, *FAST_FAULT, "--save", str(tmp_path / "out"))
    assert code == 1, err
    assert victim.read_text() == "precious"
    assert planted.is_symlink() and os.readlink(planted) == str(victim)
    assert load(target_dir / "index_trusted.itf.json").trace.invariant == "index_trusted"


def test_report_outputs_are_not_written_through_planted_links(tmp_path: Path) -> None:
    """``report`` writes index.html and report.md with the same helper (checker.cli.report)."""
    victim = tmp_path / "victim"
    victim.write_text("precious")
    out = tmp_path / "report"
    out.mkdir()
    for name in ("index.html.tmp", "report.md.tmp"):
        (out / name).symlink_to(victim)
    write_files({out / "index.html": "<html></html>", out / "report.md": "# review\n"})
    assert victim.read_text() == "precious"
    assert (out / "index.html").read_text() == "<html></html>" and (out / "report.md").read_text() == "# review\n"


def test_force_with_a_second_target_that_is_a_directory_writes_nothing(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("check", "--design", "v9", "--invariant", "index_trusted", "--invariant", "boundary_valid",
            "--save", str(tmp_path), "--force")
    first = tmp_path / "v9" / "index_trusted.itf.json"
    first.parent.mkdir()
    first.write_text("old")
    (tmp_path / "v9" / "boundary_valid.itf.json").mkdir()
    code, out, err = run(capsys, *argv)
    one_line_error(code, err, "boundary_valid.itf.json is a directory")
    assert out == "" and first.read_text() == "old"
    no_temporaries(tmp_path)


def test_a_failed_write_removes_every_temporary_and_writes_no_target(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    files = {tmp_path / "a" / "x.itf.json": "x", tmp_path / "b" / "y.itf.json": "y"}
    with pytest.raises(UsageError, match="cannot write: No space left on device"):
        write_all(files, force=False)
    assert not any(p.exists() for p in files)
    no_temporaries(tmp_path)


PYPROJECT = '[project]\nname = "downstream"\n\n[tool.reportcheck]\n'
FAST_TARGET = """
[[tool.reportcheck.faults]]
fault = "v9-unguarded-index-read"
refuted = ["index_trusted"]
"""


def ci(tmp_path: Path, capsys: pytest.CaptureFixture[str], table: str) -> tuple[int, str, str]:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT + textwrap.dedent(table) + FAST_TARGET)
    code = main(["ci", "--pyproject", str(path)])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("output", "words"), [
    ('output = { json = "pyproject.toml" }', "is the configuration file itself"),
    ('output = { json = "counterexamples/v9/index_trusted.itf.json" }', "inside the catalogue"),
    ('catalogue = "stored"\noutput = { json = "stored/x.json" }', "inside the catalogue"),
    ('output = { junit = "out/r.xml", json = "out/r.xml" }', "name the same file"),
    ('output = { json = "../../x.json" }', "outside the project"),
    ('output = { json = "/tmp/reportcheck-outside.json" }', "outside the project"),
])
def test_ci_refuses_outputs_over_the_configuration_the_catalogue_each_other_or_outside(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], output: str, words: str) -> None:
    project = tmp_path / "a" / "b"
    project.mkdir(parents=True)
    stored = project / "counterexamples" / "v9"
    stored.mkdir(parents=True)
    (stored / "index_trusted.itf.json").write_text("stored")
    code, out, err = ci(project, capsys, output + "\n")
    one_line_error(code, err, words)
    assert out == ""  # nothing ran
    assert (project / "pyproject.toml").read_text().startswith(PYPROJECT)
    assert (stored / "index_trusted.itf.json").read_text() == "stored"
    assert not (tmp_path / "x.json").exists() and not Path("/tmp/reportcheck-outside.json").exists()


def test_the_hypothesis_engine_writes_no_hypothesis_directory_into_the_cwd(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", "--engine", "hypothesis", "--design", "v9", "--invariant", "index_trusted",
                       "--examples", "3", "--steps", "3", "--seed", "1")
    assert code in (1, 3), err
    assert list(tmp_path.iterdir()) == []


# -------------------------------------------------------------- worker processes
POOL_SCRIPT = """
import os, sys, time
from concurrent.futures import ProcessPoolExecutor
from checker.engines.worker import init_worker

def job(pidfile):
    with open(pidfile, "w") as f:
        f.write(str(os.getpid()))
    time.sleep(600)

if __name__ == "__main__":
    with ProcessPoolExecutor(1, initializer=init_worker, initargs=(os.getpid(),)) as pool:
        fut = pool.submit(job, sys.argv[1])
        if sys.argv[2] == "interrupt":
            while not os.path.exists(sys.argv[1]) or not open(sys.argv[1]).read():
                time.sleep(0.05)
            os.kill(int(open(sys.argv[1]).read()), 2)
            try:
                fut.result()
            except Exception as e:
                print("worker ended:", type(e).__name__)
        else:
            time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has ended; only reaping is left


def _wait_for(predicate: Any, seconds: float = 60.0) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return bool(predicate())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_end_when_the_parent_is_killed(tmp_path: Path) -> None:
    script, pidfile = tmp_path / "pool.py", tmp_path / "worker.pid"
    script.write_text(POOL_SCRIPT)
    parent = subprocess.Popen([sys.executable, str(script), str(pidfile), "kill"])
    try:
        assert _wait_for(lambda: pidfile.exists() and pidfile.read_text() != "")
        worker = int(pidfile.read_text())
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert _wait_for(lambda: not _alive(worker)), "the worker outlived its parent"
    finally:
        parent.kill()
        parent.wait()


def test_sigint_ends_a_worker_without_a_traceback(tmp_path: Path) -> None:
    script, pidfile = tmp_path / "pool.py", tmp_path / "worker.pid"
    script.write_text(POOL_SCRIPT)
    done = subprocess.run(check=False, args=[sys.executable, str(script), str(pidfile), "interrupt"], capture_output=True,
                          text=True, timeout=120)
    assert "worker ended: BrokenProcessPool" in done.stdout
    assert "Traceback" not in done.stderr and "KeyboardInterrupt" not in done.stderr, done.stderr


# ==================================================================== bad input
@pytest.mark.parametrize("argv", [
    ("check", "--design", ""),
    ("replay", str(STORED), "--design", ""),
    ("check", "--save", ""),
    ("report", "--out", ""),
    ("check", "--fault", ""),
    ("ci", "--pyproject", ""),
])
def test_an_empty_value_is_refused_not_taken_as_the_default(capsys: pytest.CaptureFixture[str],
                                                             argv: tuple[str, ...]) -> None:
    code, out, err = run(capsys, *argv)
    one_line_error(code, err, "must not be empty")
    assert out == ""


@pytest.mark.parametrize("engine", ["bmc", "induction"])
@pytest.mark.parametrize("timeout", ["nan", "inf", "1e308", "-inf"])
def test_a_timeout_that_is_not_a_finite_positive_number_is_refused(capsys: pytest.CaptureFixture[str],
                                                                   engine: str, timeout: str) -> None:
    code, out, err = run(capsys, "check", "--design", "v9", "--engine", engine, "--timeout", timeout)
    one_line_error(code, err, "--timeout")
    assert out == ""


@pytest.mark.parametrize(("line", "words"), [
    ("time_budget = nan", "time_budget"),
    ("time_budget = inf", "time_budget"),
    ("time_budget = 1e308", "time_budget"),
    ("options.bmc = { timeout = nan }", "timeout"),
    ("options.bmc = { timeout = inf }", "timeout"),
    ("configs = " + "[" * 3000 + "]" * 3000, "nested too deeply"),
])
def test_bad_numbers_and_deep_nesting_in_the_toml_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                              line: str, words: str) -> None:
    code, out, err = ci(tmp_path, capsys, line + "\n")
    one_line_error(code, err, words)
    assert out == ""


def test_save_into_a_directory_name_too_long_is_refused_before_running(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *FAST_FAULT, "--save", str(tmp_path / ("d" * 300)))
    one_line_error(code, err, "File name too long")
    assert out == ""


@as_root
def test_save_into_a_directory_without_permission_is_refused(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, out, err = run(capsys, *FAST_FAULT, "--save", str(locked))
    one_line_error(code, err, "no write permission")
    assert out == ""


def test_report_out_under_a_file_is_refused_before_running(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    code, _, err = run(capsys, "report", "--catalogue", str(CATALOGUE), "--out", str(tmp_path / "file" / "report"))
    one_line_error(code, err, "is not a directory")


def test_report_whose_index_html_is_a_directory_is_refused_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "report" / "index.html").mkdir(parents=True)
    code, _, err = run(capsys, "report", "--catalogue", str(CATALOGUE), "--out", str(tmp_path / "report"))
    one_line_error(code, err, "index.html is a directory")


@as_root
def test_report_out_under_a_read_only_parent_is_refused_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    code, _, err = run(capsys, "report", "--catalogue", str(CATALOGUE), "--out", str(locked / "report"))
    one_line_error(code, err, "no write permission")


@pytest.mark.parametrize(("prepare", "output", "words"), [
    (lambda p: (p / "out").mkdir(), 'output = { json = "out" }', "is a directory"),
    (lambda p: (p / "out").write_text("x"), 'output = { json = "out/r.json" }', "is not a directory"),
])
def test_ci_outputs_that_cannot_be_written_are_refused_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], prepare: Any, output: str, words: str) -> None:
    prepare(tmp_path)
    code, out, err = ci(tmp_path, capsys, output + "\n")
    one_line_error(code, err, words)
    assert out == ""


@as_root
def test_ci_outputs_into_a_read_only_directory_are_refused_before_running(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").mkdir(mode=0o500)
    code, out, err = ci(tmp_path, capsys, 'output = { json = "out/r.json" }\n')
    one_line_error(code, err, "no write permission")
    assert out == ""


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "fifo.itf.json"
    os.mkfifo(path)
    return path


def test_a_fifo_as_a_trace_is_refused_at_once(fifo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "replay", str(fifo))
    one_line_error(code, err, "not a regular file")


def test_a_fifo_as_pyproject_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "pyproject.toml")
    code, _, err = run(capsys, "ci", "--pyproject", str(tmp_path / "pyproject.toml"))
    one_line_error(code, err, "not a regular file")


def test_a_fifo_inside_the_catalogue_is_a_failed_file_not_a_hang(fifo: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "catalogue", "--root", str(fifo.parent))
    assert code == 1 and "FAIL" in out and "not a regular file" in out


def test_a_fifo_inside_the_report_catalogue_is_a_problem_not_a_hang(fifo: Path) -> None:
    from checker.review.run import stored_counterexamples

    stored, problems = stored_counterexamples(fifo.parent, ["v9"])
    assert stored == [] and len(problems) == 1 and "not a regular file" in problems[0]


def test_dev_zero_as_a_trace_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "replay", "/dev/zero")
    one_line_error(code, err, "not a regular file")


def test_a_file_over_the_size_cap_is_refused() -> None:
    from checker.io.safe_read import read_regular

    with pytest.raises(UsageError, match="too large"):
        read_regular(STORED, "trace file", limit=100)


def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad\nname.itf.json"
    path.write_text("{}")
    code, _, err = run(capsys, "replay", str(path))
    one_line_error(code, err, "bad\\nname")


def test_catalogue_root_that_does_not_exist_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "catalogue", "--root", "/nonexistent")
    one_line_error(code, err, "--catalogue /nonexistent is not a directory")
    assert out == ""


def _first_bigint(data: dict[str, Any]) -> dict[str, Any]:
    todo: list[Any] = [data["states"][1]]
    while todo:
        x = todo.pop()
        if isinstance(x, dict) and "#bigint" in x:
            return x
        todo.extend(x.values() if isinstance(x, dict) else x if isinstance(x, list) else [])
    raise AssertionError("no integer in state 1")


def _set_bigint(value: object) -> Any:
    def change(data: dict[str, Any]) -> None:
        _first_bigint(data)["#bigint"] = value
    return change


def _loosen_arg(loosen: Any) -> Any:
    """Write the first numeric argument of a step the loose way ``loosen`` does (same value)."""
    def change(data: dict[str, Any]) -> None:
        args = next(s["#meta"]["args"] for s in data["states"][1:] if any(v.isdigit() for v in s["#meta"]["args"].values()))
        key = next(k for k, v in args.items() if v.isdigit())
        args[key] = loosen(args[key])
    return change


@pytest.mark.parametrize(("change", "words"), [
    (_set_bigint("+0"), "not an ITF integer"),
    (_set_bigint(1), "not an ITF integer"),
    (_set_bigint("١"), "not an ITF integer"),
    (_set_bigint("0_1"), "not an ITF integer"),
    (_set_bigint(" 1 "), "not an ITF integer"),
    (_set_bigint("01"), "not an ITF integer"),
    (_loosen_arg(lambda v: "".join(chr(0x660 + int(d)) for d in v)), "is not a value"),  # Arabic-Indic
    (_loosen_arg(lambda v: f" {v} "), "is not a value"),
    (lambda d: d.__setitem__("params", 5), "params: must be a list"),
    (lambda d: d["vars"].append(d["vars"][0]), "twice"),
])
def test_the_itf_loader_is_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any,
                                  words: str) -> None:
    data = json.loads((CATALOGUE / "v10" / "index_trusted.itf.json").read_text())
    assert load(CATALOGUE / "v10" / "index_trusted.itf.json")  # the unchanged file loads
    change(data)
    path = tmp_path / "t.itf.json"
    path.write_text(json.dumps(data))
    code, out, err = run(capsys, "replay", str(path))
    one_line_error(code, err, words)
    assert out == ""


# ==================================================================== output streams
COMMAND = [sys.executable, "-c", "from checker.cli.main import run; run()"]


def _into_closed_pipe(*argv: str) -> subprocess.CompletedProcess[str]:
    """Run with standard output a pipe nobody reads: every write fails with EPIPE, as
    under ``| head -1`` once head has its line (deterministic, unlike a real head)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(check=False, args=[*COMMAND, *argv], stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=300, cwd=ROOT)
    finally:
        os.close(write_end)


@pytest.mark.parametrize(("argv", "code"), [
    (("list", "--json"), 0),
    (("check", "--design", "v9", "--format", "json", "--max-states", "5"), 3),
    (("check", "--design", "v9", "--max-states", "5"), 3),
    (("catalogue", "--root", str(CATALOGUE)), 0),
    (("replay", str(CATALOGUE / "v10" / "index_trusted.itf.json"), "--design", "v9"), 0),
    (("replay", str(STORED)), 1),
])
def test_a_closed_pipe_is_a_quiet_exit_with_the_verdicts_code(argv: tuple[str, ...], code: int) -> None:
    done = _into_closed_pipe(*argv)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr


def test_a_closed_stdout_is_one_line() -> None:
    done = subprocess.run(check=False, args=["bash", "-c", 'exec "$@" >&-', "bash", *COMMAND, "list"], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "standard output is closed" in done.stderr, done.stderr


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_a_full_stdout_is_one_line() -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(check=False, args=[*COMMAND, "list", "--json"], stdout=full, stderr=subprocess.PIPE, text=True,
                              timeout=120, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr == "reportcheck: error: cannot write standard output: No space left on device\n"


# ==================================================================== soundness of scopes
def _explicit_json(capsys: pytest.CaptureFixture[str], max_states: int) -> tuple[int, dict[str, Any]]:
    code, out, _ = run(capsys, "check", "--design", "v9", "--invariant", "free_list_matches_pageblock",
                       "--max-states", str(max_states), "--format", "json")
    return code, json.loads(out)


def test_a_state_limit_names_the_last_complete_level(capsys: pytest.CaptureFixture[str]) -> None:
    """163 states are exactly levels 0-3 of v9; with 202 the search reaches a 4-step
    counterexample, so "every state within 4 steps" at 163 would be a false claim."""
    code, data = _explicit_json(capsys, 163)
    [r] = data["results"]
    assert code == 3 and r["verdict"] == "unknown"
    assert "every state reachable in at most 3 steps" in r["scope"], r["scope"]
    assert data["stats"]["depth"] == 3
    code, data = _explicit_json(capsys, 202)
    [r] = data["results"]
    assert code == 1 and r["verdict"] == "refuted"
    assert len(r["trace"]["steps"]) == 4


def _relabel(body: tuple[Stmt, ...], old: str, new: str) -> tuple[Stmt, ...]:
    out: list[Stmt] = []
    for stmt in body:
        if isinstance(stmt, Check) and stmt.invariant == old:
            stmt = replace(stmt, invariant=new)
        elif isinstance(stmt, If):
            stmt = replace(stmt, then=_relabel(stmt.then, old, new), orelse=_relabel(stmt.orelse, old, new))
        elif isinstance(stmt, For):
            stmt = replace(stmt, body=_relabel(stmt.body, old, new))
        out.append(stmt)
    return tuple(out)


def _with_read_site(model: Model, site_of: str, claim: str) -> Model:
    """``model`` with the read sites of ``site_of`` made read sites of ``claim``."""
    return replace(model, actions=tuple(replace(a, body=_relabel(a.body, site_of, claim)) for a in model.actions))


@pytest.mark.deep  # two proofs of v9 (Houdini over every candidate claim); the fixture case is fast
def test_proof_checks_the_read_sites_of_a_per_element_claim() -> None:
    """v9 keeps pcp_page_index_is_list_type as a per-element claim (proved), and its
    get_pcppage_migratetype() read sites of index_trusted fail (the explicit engine refutes
    them).  Made read sites of pcp_page_index_is_list_type, they must stop its proof."""
    base = build_model(ModelKey("v9", None, era_of_pcp_cache(True), "tiny"))
    [kept], _ = proof.check(Interpreter(base), ["pcp_page_index_is_list_type"])
    assert kept.kind == "proved", kept.scope
    model = _with_read_site(base, "index_trusted", "pcp_page_index_is_list_type")
    interp = Interpreter(model)
    assert any(c[0] == "pcp_page_index_is_list_type" for c in interp.checks)
    [v], stats = proof.check(interp, ["pcp_page_index_is_list_type"])
    assert v.kind == "unknown", v.scope
    assert "pcp_page_index_is_list_type" not in (stats.claims["pcp_page_index_is_list_type"].inductive_claims or [])


# ==================================================================== fuzz
WORDS = ["list", "check", "replay", "catalogue", "ci", "report", "--json", "--design", "--fault", "--config",
         "--invariant", "--engine", "--format", "--max-states", "--depth", "--k", "--timeout", "--examples",
         "--steps", "--seed", "--save", "--force", "--pcp-cache", "--root", "--regenerate", "--jobs", "--out",
         "--catalogue", "--no-faults", "--pyproject", "v9", "v10", "merged", "tiny", "explicit", "bmc", "json",
         "nan", "inf", "-1", "0", "1e308", "", " ", "\n", "on", "off", "-", "--", "x\ny"]


def _namespace_problem(argv: list[str]) -> str | None:
    try:
        build_parser().parse_args(argv)
    except UsageError as e:
        return str(e)
    except SystemExit as e:  # --help (or an abbreviation of it) prints help and exits 0
        assert e.code == 0
    return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=8)), max_size=8))
def test_fuzz_the_argument_parser_gives_success_or_one_line(argv: list[str]) -> None:
    """Only parsing (nothing is run): a parse either succeeds or raises UsageError, which
    ``main`` prints as one line; never another exception."""
    problem = _namespace_problem(argv)
    assert problem is None or problem


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(argv=st.lists(st.one_of(st.sampled_from(["--design", "--save", "--out", "--timeout", "--fault", "--max-states"]),
                          st.sampled_from(["", "nan", "inf", "1e308", "-3", "x\ny", "v9"])), min_size=1, max_size=4),
       command=st.sampled_from(["check", "report", "replay", "catalogue"]))
def test_fuzz_bad_values_through_main_are_one_line_and_run_nothing(
        argv: list[str], command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Values that must be refused (empty, not finite, negative, unknown, a newline) are
    refused before anything runs: exit 2 and one line."""
    argv = [command, *argv]
    if command == "replay":
        argv.insert(1, "/nonexistent.itf.json")
    # an argument that is refused last, after every check of the fuzzed values: nothing runs
    argv += {"check": ["--config", "no-such-config"], "report": ["--catalogue", "/nonexistent"],
             "catalogue": ["--root", "/nonexistent"], "replay": []}[command]
    code = main(argv)
    _, err = capsys.readouterr()
    one_line_error(code, err)


TOML_VALUES = st.recursive(
    st.one_of(st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True, allow_infinity=True),
              st.text(max_size=10), st.sampled_from(["v9", "tiny", "explicit", "bmc", "index_trusted", "on"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["design", "fault", "refuted", "configs", "engines", "timeout", "depth", "json", "junit", "bmc", "x"]),
        inner, max_size=3)),
    max_leaves=12)
TOP = st.dictionaries(st.sampled_from(list(ci_config.TOP_KEYS) + ["bogus"]), TOML_VALUES, max_size=5)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          database=None)
@given(table=TOP, junk=st.text(max_size=30))
def test_fuzz_the_toml_loader_gives_a_config_or_one_line(tmp_path: Path, table: dict[str, Any], junk: str) -> None:
    """Generated [tool.reportcheck] tables (and junk after them): ``load`` gives a config
    or raises UsageError with a one-line message; it never runs anything."""
    path = tmp_path / "pyproject.toml"
    body = "\n".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in table.items())
    path.write_text(f"{PYPROJECT}{body}\n{junk}", encoding="utf-8")
    try:
        cfg = ci_config.load(path)
    except UsageError as e:
        assert "\n" not in str(e), str(e)
        return
    assert cfg.targets


def test_read_only_files_are_regular(tmp_path: Path) -> None:
    """The reading helper returns a regular file's bytes (the positive case of the FIFO tests)."""
    from checker.io.safe_read import read_regular

    path = tmp_path / "f"
    path.write_bytes(b"abc")
    os.chmod(path, stat.S_IRUSR)
    assert read_regular(path) == b"abc"
