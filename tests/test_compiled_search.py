"""The explicit engine's two backends agree exactly: the C search gives the Python search's
reachable states, transitions, depth, deadlocks, action and read-site hit counts, state
graph, and verdicts -- each counterexample the same steps (so the same shortest length) --
for every design, pcp cache on and off, and fault on tiny, every design on tiny-span, and
runs cut short by the state limit or by every claim being refuted.

The Python runs are the cost here (13-16k states/s): every row runs to a state limit in the
default run, a few to the end, and the rest to the end under ``-m deep``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.engines import explicit, explicit_c
from checker.errors import UsageError
from checker.interp import cbuild
from checker.interp.concrete import Interpreter
from spec import DESIGNS, ERAS, FAULTS, ModelKey, build_model, era_of_pcp_cache

pytestmark = pytest.mark.skipif(explicit_c.unavailable() is not None, reason="no C compiler")


def both(key: ModelKey, invariants: tuple[str, ...] = (), max_states: int | None = None,
         graph_limit: int = 150_000) -> tuple[explicit.Exploration, ...]:
    """Run both backends and assert that they agree on everything; returns (python, c)."""
    model = build_model(key)
    names = list(invariants) or [i.name for i in model.invariants]
    out = []
    verdicts = []
    for backend in ("python", "c"):
        v, res = explicit.check(Interpreter(model), names, max_states, graph_limit=graph_limit, backend=backend)
        assert res.backend == backend
        out.append(res)
        verdicts.append(v)
    py, c = out
    assert (c.states, c.transitions, c.depth, c.complete, c.hit_state_limit) == \
        (py.states, py.transitions, py.depth, py.complete, py.hit_state_limit)
    assert (c.deadlocks, c.deadlock_example) == (py.deadlocks, py.deadlock_example)
    assert c.action_fired == py.action_fired
    assert c.site_hits == py.site_hits
    assert c.graph == py.graph
    assert verdicts[1] == verdicts[0]  # kinds, scopes, notes, and every trace step by step
    return py, c


# every design on every release it existed on, each fault on its design's first release
# and on 6.10 where the design is there, every design on tiny-span
FULL = [ModelKey(d, None, e) for d in DESIGNS for e in ERAS if d in ERAS[e].designs]
# by default: every design on every release, but the allocator alone (none) only where no
# reporting design existed or on the release where it first did (its actions are merged's
# without the reporting hooks); the rest of FULL is bounded in the deep run
BOUNDED_KEYS = [pytest.param(k, marks=[pytest.mark.deep]) if k.design == "none" and k.era not in ("3.16", "5.3", "5.7")
                and k.fault is None and k.config == "tiny" else k for k in FULL]
FULL += [ModelKey(f.design, f.name, e) for f in FAULTS.values() for e in ("", "6.10")
         if e == "" or f.design in ERAS[e].designs]
FULL += [ModelKey(d, None, "", "tiny-span") for d in DESIGNS]
FULL += [ModelKey("merged", "merge-keeps-reported", "", "tiny-span")]
BOUNDED = 10_000


@pytest.mark.deep  # a minute or more each on the Python backend
@pytest.mark.parametrize("key", FULL, ids=ModelKey.slug)
def test_both_backends_explore_the_same_state_space(key: ModelKey) -> None:
    """To the end on both backends.  The default run takes v10 on tiny to the end with its
    state graph (below), every row to BOUNDED states on both backends, and every row to the
    end on the C backend against the counts the Python backend pinned (tests/test_explicit.py,
    tests/test_eras.py)."""
    c = both(key)[1]
    assert c.complete


@pytest.mark.parametrize("key", BOUNDED_KEYS, ids=lambda k: k.slug() if isinstance(k, ModelKey) else None)
def test_both_backends_explore_the_same_first_states(key: ModelKey) -> None:
    """Every row, cut at the same state limit: the same states in the same order (so the
    same transitions, depth, coverage and verdicts of the levels reached)."""
    c = both(key, max_states=BOUNDED)[1]
    assert c.states == BOUNDED and c.hit_state_limit


def test_both_backends_agree_on_v10_tiny_with_its_state_graph() -> None:
    c = both(ModelKey("v10"))[1]
    assert c.complete and c.graph is not None and c.states == 110_725


@pytest.mark.parametrize("limit", [1, 2, 3000, 40_000])
def test_both_backends_stop_at_the_same_state_limit(limit: int) -> None:
    c = both(ModelKey("merged", None, "", "small"), ("reported_implies_buddy", "index_trusted"), max_states=limit)[1]
    assert not c.complete and c.hit_state_limit and c.states == limit


def test_both_backends_stop_when_every_claim_is_refuted() -> None:
    c = both(ModelKey("v9"), ("index_trusted", "boundary_valid"))[1]
    assert not c.complete and not c.hit_state_limit and c.states < 458_951


def test_both_backends_stop_at_a_broken_state_invariant_without_a_graph() -> None:
    c = both(ModelKey("merged", "alloc-keeps-reported"), ("reported_implies_buddy",), graph_limit=0)[1]
    assert c.graph is None and not c.complete


# ----------------------------------------------------------------- command line
def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object], str]:
    from checker.cli.main import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.startswith("{") else {}, err


CHECK = ("check", "--design", "v10", "--invariant", "reported_implies_buddy", "--format", "json")


@pytest.mark.parametrize("backend", ["c", "python"])
def test_check_runs_the_backend_asked_for(capsys: pytest.CaptureFixture[str], backend: str) -> None:
    code, data, err = run(capsys, *CHECK, "--backend", backend, "--max-states", "5000")
    stats = data["stats"]
    assert isinstance(stats, dict) and stats["backend"] == backend and stats["states"] == 5000
    assert code == 3 and err == ""


def test_check_uses_the_c_backend_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, data, err = run(capsys, *CHECK)
    stats = data["stats"]
    assert isinstance(stats, dict) and stats["backend"] == "c" and stats["complete"]
    assert isinstance(stats["bytes_per_state"], float)
    assert code == 0 and err == ""


@pytest.fixture
def no_compiler(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("REPORTCHECK_CC", "/nonexistent/cc")
    cbuild.available.cache_clear()
    explicit_c._warn.cache_clear()
    yield
    monkeypatch.undo()
    cbuild.available.cache_clear()


def test_without_a_compiler_the_python_backend_runs_after_one_warning(
        capsys: pytest.CaptureFixture[str], no_compiler: None) -> None:
    code, data, err = run(capsys, *CHECK, "--max-states", "2000")
    stats = data["stats"]
    assert isinstance(stats, dict) and stats["backend"] == "python"
    assert err.count("\n") == 1 and err.startswith("reportcheck: warning: $REPORTCHECK_CC names")
    assert "using the Python backend" in err and code == 3


def test_without_a_compiler_asking_for_c_is_one_error_line(capsys: pytest.CaptureFixture[str],
                                                            no_compiler: None) -> None:
    code, data, err = run(capsys, *CHECK, "--backend", "c")
    assert code == 2 and data == {} and err.count("\n") == 1
    assert err.startswith("reportcheck: error: --backend c: ") and "--backend python" in err


def test_a_second_build_of_the_same_model_is_loaded_from_the_cache() -> None:
    model = build_model(ModelKey("merged", None, era_of_pcp_cache(False), "tiny"))
    source = explicit_c.source(explicit_c.cmodel(Interpreter(model)))
    path = cbuild.build(source, cbuild.QUICK)
    stamp = path.stat().st_mtime_ns
    assert cbuild.build(source, cbuild.QUICK) == path and path.stat().st_mtime_ns == stamp
    assert cbuild.library_path(source, cbuild.OPTIMISED) != path  # each level its own library


def _ring_search(monkeypatch: pytest.MonkeyPatch, level: str) -> tuple[explicit.Explorer, explicit.Exploration]:
    import models

    monkeypatch.setenv(explicit_c.LEVEL_VAR, level)
    model = models.ring()
    ex = explicit.Explorer(Interpreter(model), [i.name for i in model.invariants], backend="c")
    return ex, ex.run()


@pytest.mark.parametrize("level", ["quick", "optimised"])
def test_each_library_level_can_be_asked_for(monkeypatch: pytest.MonkeyPatch, level: str) -> None:
    ex, res = _ring_search(monkeypatch, level)
    assert ex._c is not None and ex._c.eng is not None and ex._c.eng.level == level
    assert (res.states, res.transitions, res.depth) == (4, 8, 2)


def test_a_bad_library_level_is_one_error_naming_the_choices(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match=r"REPORTCHECK_C_LEVEL='fast': choose from auto, quick, optimised"):
        _ring_search(monkeypatch, "fast")


def test_a_long_search_starts_again_on_the_optimised_library(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    """Started on the quick library (the optimised one is not cached), the search moves to
    the optimised one once it has run OPTIMISE_AFTER seconds and the compiler is done, and
    gives the very same exploration and verdicts as a search that never moved."""
    monkeypatch.setenv("REPORTCHECK_CACHE", str(tmp_path))
    model = build_model(ModelKey("v10"))
    names = [i.name for i in model.invariants]
    monkeypatch.setenv(explicit_c.LEVEL_VAR, "quick")
    plain = explicit.check(Interpreter(model), names, max_states=30_000, backend="c")
    monkeypatch.setenv(explicit_c.LEVEL_VAR, "auto")
    monkeypatch.setattr(explicit_c, "OPTIMISE_AFTER", 0.0)
    real_done = cbuild.Build.done
    monkeypatch.setattr(cbuild.Build, "done", lambda self: self._proc is None or self._proc.wait() is not None)
    ex = explicit.Explorer(Interpreter(model), names, max_states=30_000, backend="c")
    moved = explicit.verdicts_of(ex)
    monkeypatch.setattr(cbuild.Build, "done", real_done)
    assert ex._c is not None and ex._c.eng is not None and ex._c.eng.level == cbuild.OPTIMISED
    assert moved[0] == plain[0]
    assert (moved[1].states, moved[1].transitions, moved[1].depth, moved[1].site_hits, moved[1].action_fired) == \
        (plain[1].states, plain[1].transitions, plain[1].depth, plain[1].site_hits, plain[1].action_fired)
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []  # nothing half-written is left


def test_a_cancelled_build_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPORTCHECK_CACHE", str(tmp_path))
    build = cbuild.Build("int rc_cancelled(void) { return 1; }\n", cbuild.OPTIMISED)
    build.cancel()
    assert list(tmp_path.iterdir()) == [] and build.done()


@pytest.mark.parametrize("fixture, shape", [
    ("ring", {"nodes": 4, "edges": 8, "sccs": 1, "terminal_sccs": 1, "largest_scc": 4}),  # p <-> p ^ 1, p <-> p ^ 2
    ("ladder", {"nodes": 6, "edges": 5, "sccs": 6, "terminal_sccs": 1, "largest_scc": 1}),  # a path to the deadlock
])
def test_the_c_search_sums_up_the_state_graph_as_networkx_does(fixture: str, shape: dict[str, int]) -> None:
    """The C backend finds the strongly connected components itself (Tarjan's algorithm);
    the Python backend asks networkx: the shapes worked out by hand from tests/models.py."""
    import models

    model = getattr(models, fixture)()
    for backend in ("python", "c"):
        res = explicit.check(Interpreter(model), [i.name for i in model.invariants], backend=backend)[1]
        assert res.backend == backend and res.graph == shape
