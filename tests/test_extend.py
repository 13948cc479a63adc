"""Designs and faults written outside the package (spec/extend.py, checker/io/spec_modules.py):
the README's worked example, run as a user would, through check, replay, catalogue, ci, list,
report and the pytest plugin."""

from __future__ import annotations

import json
import shlex
import shutil
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.cli.main import main
from checker.interp.concrete import interpreter
from checker.io import spec_modules
from spec import DESIGNS, ERAS, FAULTS, eras
from spec.designs.merged import Merged
from spec.expr import Lit
from spec.extend import register_design, register_fault
from spec.validate import SpecError

pytest_plugins = ["pytester"]

EXTENSIONS = Path(__file__).parent / "extensions"
FAULT_FILE = EXTENSIONS / "drain_marks_merged.py"
DESIGN_FILE = EXTENSIONS / "eager_notify.py"


@pytest.fixture(autouse=True)
def registry() -> Iterator[None]:
    """Each test starts from the package's designs and faults and leaves them so."""
    saved = (dict(DESIGNS), dict(FAULTS), dict(ERAS), dict(eras.FIRST_ERA), dict(spec_modules._loaded))
    yield
    for live, old in zip((DESIGNS, FAULTS, ERAS, eras.FIRST_ERA, spec_modules._loaded), saved, strict=True):
        live.clear()
        live.update(old)  # type: ignore[attr-defined]
    interpreter.cache_clear()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_fault_from_a_file_is_refuted_and_its_reproduce_line_runs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--spec-module", str(FAULT_FILE), "--fault", "drain-marks-merged",
                       "--config", "tiny-span", "--invariant", "reported_implies_buddy", "--format", "json")
    assert code == 1
    (r,) = json.loads(out)["results"]
    assert r["verdict"] == "refuted" and len(r["trace"]["steps"]) == 8
    assert r["trace"]["steps"][-1]["action"] == "page_reporting_drain"
    command = r["trace"]["command"]
    argv = shlex.split(command)
    assert argv[:4] == ["reportcheck", "check", "--spec-module", str(FAULT_FILE.resolve())]
    assert run(capsys, *argv[1:])[0] == 1  # the line a user copies works as it is


def test_a_design_from_a_file_is_listed_and_checked_on_its_parents_eras(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json", "--spec-module", str(DESIGN_FILE))
    data = json.loads(out)
    assert code == 0 and "merged-eager-notify" in {d["name"] for d in data["designs"]}
    assert [e["name"] for e in data["eras"] if "merged-eager-notify" in e["designs"]] == \
        [e["name"] for e in data["eras"] if "merged" in e["designs"]]
    code, out, _ = run(capsys, "check", "--spec-module", str(DESIGN_FILE), "--design", "merged-eager-notify",
                       "--invariant", "index_trusted", "--invariant", "reported_implies_buddy", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["era"] == "5.7" and [r["verdict"] for r in data["results"]] == ["proved", "proved"]


def test_a_stored_trace_names_its_module_and_replay_asks_for_it(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    module = tmp_path / "mine.py"
    shutil.copy(FAULT_FILE, module)
    assert run(capsys, "check", "--spec-module", str(module), "--fault", "drain-marks-merged", "--config",
               "tiny-span", "--invariant", "reported_implies_buddy", "--save", "--catalogue", str(tmp_path / "cx"))[0] == 1
    (stored,) = (tmp_path / "cx").glob("*/*.itf.json")
    assert json.loads(stored.read_text())["#meta"]["spec_modules"] == [str(module.resolve())]
    spec_modules._loaded.clear()
    del FAULTS["drain-marks-merged"]  # a new process: nothing loaded, nothing built
    interpreter.cache_clear()
    code, _, err = run(capsys, "replay", str(stored))
    assert code == 2 and f"it was made with --spec-module {module.resolve()}: add that option" in err
    assert err.count("\n") == 1
    code, out, _ = run(capsys, "replay", "--spec-module", str(module), str(stored))
    assert code == 1 and "still violates reported_implies_buddy" in out
    assert run(capsys, "catalogue", "--spec-module", str(module), "--catalogue", str(tmp_path / "cx"))[0] == 0


def test_ci_loads_the_tables_spec_modules_in_every_worker(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(FAULT_FILE, tmp_path / "mine.py")
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.reportcheck]
        spec_modules = ["mine.py"]

        [[tool.reportcheck.faults]]
        fault = "drain-marks-merged"
        refuted = ["reported_implies_buddy"]
        configs = ["tiny-span"]

        [[tool.reportcheck.faults]]
        fault = "v9-unguarded-index-read"
        refuted = ["index_trusted"]
        """))
    code, out, err = run(capsys, "ci", "--pyproject", str(tmp_path / "pyproject.toml"), "--jobs", "2")
    assert code == 0, err
    assert "2 runs, 2 verdicts, 0 failures" in out


@pytest.mark.parametrize(("source", "expected"), [
    ("no_such_file.py", "no such file; give the path of your design's Python file"),
    ("no_such_module_xyz", "no module of that name; install it, add its directory to PYTHONPATH"),
    ("json", "it registers no design or fault; decorate a builder class"),
])
def test_a_bad_spec_module_is_one_line_exit_2(source: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "list", "--spec-module", source)
    assert code == 2 and expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_an_error_inside_the_module_names_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("import spec\n\nx = 1 / 0\n")
    code, _, err = run(capsys, "list", "--spec-module", str(broken))
    assert code == 2 and "ZeroDivisionError: division by zero (broken.py:3); fix the module" in err
    builder = tmp_path / "builder.py"
    builder.write_text("from spec.designs.merged import Merged\nfrom spec.extend import design\n\n\n"
                       "@design('mine-x', title='x')\nclass Mine(Merged):\n"
                       "    def page_reporting_notify_free(self, o):\n        return [Name(1)]\n")
    code, _, err = run(capsys, "list", "--spec-module", str(builder))
    assert code == 2 and "its model does not build: NameError: name 'Name' is not defined (builder.py:8)" in err
    assert "mine-x" not in DESIGNS  # a refused registration leaves nothing behind


def test_an_unknown_fault_says_how_to_load_ones_own(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", "--fault", "cycle-rereports")
    assert code == 2 and "or, for one of your own, load its module with --spec-module FILE" in err


@pytest.mark.parametrize(("register", "expected"), [
    (lambda: register_design("merged", "x", Merged), "design name 'merged' is already a design"),
    (lambda: register_design("Bad Name", "x", Merged), "use lower-case letters, digits"),
    (lambda: register_design("mine", "x", object), "derived from spec.page_isolation.Allocator"),  # type: ignore[arg-type]
    (lambda: register_fault("f", "nope", "x", Merged), "unknown design 'nope'"),
    (lambda: register_fault("f", "merged", "x", Merged), "must be a subclass of Merged"),
    (lambda: register_fault("f", "merged", "x", type("Same", (Merged,), {})), "replaces no method of Merged"),
    (lambda: register_fault("f", "merged", "x", type("Bad", (Merged,), {"page_order_unchanged": lambda s, p, o: 1 / 0})),
     "fault f: its model does not build: ZeroDivisionError: division by zero (test_extend.py:"),
])
def test_registration_refuses_what_a_model_cannot_be_built_from(register: object, expected: str) -> None:
    with pytest.raises(SpecError) as e:
        register()  # type: ignore[operator]
    assert expected in str(e.value)
    assert "f" not in FAULTS and "mine" not in DESIGNS


def test_a_registered_fault_replaces_one_kernel_function() -> None:
    class Marks(Merged):
        def page_order_unchanged(self, page: object, o: object) -> Lit:  # type: ignore[override]
            return Lit(1)

    f = register_fault("marks", "merged", "drain marks merged pages", Marks)
    assert f.source is None and FAULTS["marks"] is f


def test_the_pytest_plugin_loads_the_ini_spec_modules(pytester: pytest.Pytester) -> None:
    shutil.copy(FAULT_FILE, pytester.path / "mine.py")
    pytester.makeini("[pytest]\nreportcheck_spec_modules = mine.py\n")
    pytester.makepyfile(test_mine="""
        import pytest

        @pytest.mark.reportcheck("merged", "reported_implies_buddy", fault="drain-marks-merged",
                                 config="tiny-span", expect="refuted")
        def test_the_fault_is_caught():
            pass
        """)
    result = pytester.runpytest("-p", "no:cacheprovider", "-n", "0")
    result.assert_outcomes(passed=1)
