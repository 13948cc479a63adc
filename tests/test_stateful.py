"""The hypothesis engine: a RuleBasedStateMachine generated from the IR.

- the machine has exactly one rule per action and one invariant per claim;
- it runs as an ordinary pytest test for each design (settings profile from
  REPORTCHECK_HYPOTHESIS_PROFILE, default reportcheck-ci);
- agreement with the explicit engine: every fault is refuted on the invariant the explicit
  engine names, within a stated number of examples, from a fixed seed; nothing the explicit
  engine proves on tiny is ever refuted;
- the same seed gives the same trace; the CLI speaks the common verdict vocabulary.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import pytest
from conftest import CACHED, UNCACHED, explore
from hypothesis import Phase, Verbosity, settings
from hypothesis.stateful import run_state_machine_as_test
from test_explicit import REFUTED
from test_faults import EXPECTED

from checker.cli.main import main
from checker.engines import stateful
from checker.interp.concrete import Interpreter
from checker.trace.build import replay_labels
from spec import DESIGNS, ERAS, FAULTS, ModelKey, build_model

PROFILE = os.environ.get("REPORTCHECK_HYPOTHESIS_PROFILE", stateful.CI_PROFILE)


def proved_on_tiny(design: str) -> list[str]:
    """The claims the explicit engine proves on tiny with the pcp cache (test_explicit pins them)."""
    return [i.name for i in build_model(ModelKey(design)).invariants if i.name not in REFUTED[design]]


# The machines as ordinary pytest tests: a downstream project can do the same in its suite.
TestV9Machine = stateful.machine_for(ModelKey("v9"), invariants=proved_on_tiny("v9")).TestCase
TestV10Machine = stateful.machine_for(ModelKey("v10"), invariants=proved_on_tiny("v10")).TestCase
TestMergedMachine = stateful.machine_for(ModelKey("merged"), invariants=proved_on_tiny("merged")).TestCase
for _case in (TestV9Machine, TestV10Machine, TestMergedMachine):
    _case.settings = settings.get_profile(PROFILE)
del _case


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_one_rule_per_action_and_one_invariant_per_claim(design: str) -> None:
    model = build_model(ModelKey(design))
    machine = stateful.build_machine(Interpreter(model))
    rules = {r.function.__name__: r for r in machine.setup_state().rules}
    assert sorted(rules) == sorted(a.name for a in model.actions)
    for a in model.actions:
        # the arguments are drawn inside the rule, from the enabled part of each domain
        assert set(rules[a.name].arguments) == ({"data"} if a.params else set())
        assert len(rules[a.name].preconditions) == 1
    assert sorted(i.function.__name__ for i in machine.setup_state().invariants) == sorted(i.name for i in model.invariants)


def test_a_refuted_claim_fails_the_machine_as_a_test() -> None:
    machine = stateful.machine_for(ModelKey("merged", "pcp-index-not-set"), invariants=["index_trusted"])
    with pytest.raises(stateful.InvariantViolation) as e:
        run_state_machine_as_test(machine, settings=settings(settings.get_profile(stateful.CI_PROFILE),
                                                             verbosity=Verbosity.quiet,
                                                             phases=(Phase.generate, Phase.shrink)))
    assert e.value.invariant == "index_trusted"
    interp = Interpreter(build_model(ModelKey("merged", "pcp-index-not-set")))
    assert replay_labels(interp, e.value.steps, "index_trusted").violated_at == len(e.value.steps)


# fault -> the number of examples (random runs) Hypothesis gets, from seed 0, to refute it
FAULT_EXAMPLES = {
    "v9-unguarded-index-read": 100,
    "retype-keeps-stale-index": 300,
    "alloc-keeps-reported": 100,
    "pcp-index-not-set": 100,
    "merge-keeps-reported": 300,
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_every_fault_is_refuted_on_the_invariant_the_explicit_engine_names(fault: str) -> None:
    config, invariant, shortest, site = EXPECTED[fault]
    design = FAULTS[fault].design
    explicit_verdicts, _ = explore(design, CACHED, config, fault, (invariant,))
    assert explicit_verdicts[invariant].kind == "refuted"
    interp = Interpreter(build_model(ModelKey(design, fault, CACHED, config)))
    (v,), stats = stateful.check(interp, [invariant], examples=FAULT_EXAMPLES[fault], steps=40, seed=0)
    assert v.kind == "refuted" and v.engine == "hypothesis" and v.invariant == invariant, v.scope
    assert v.trace is not None and v.trace.fault == fault and v.trace.config == config
    assert len(v.trace.steps) >= len(shortest)  # breadth-first search finds the shortest
    steps = [(s.action, interp.parse_args(s.action, s.args)) for s in v.trace.steps]
    assert replay_labels(interp, steps, invariant).violated_at == len(steps)
    failed = v.trace.steps[-1].failed_sites
    assert any(f.claim == invariant and f.site.startswith(site) for f in failed) if site else \
        not any(f.claim == invariant for f in failed)
    assert "--engine hypothesis" in v.trace.command and "--seed 0" in v.trace.command
    assert stats.rounds == 1


@pytest.mark.parametrize("design,era", [(d, e) for d in sorted(DESIGNS) for e in (CACHED, UNCACHED)
                                         if ModelKey(d, None, e).era in ERAS and d in ERAS[ModelKey(d, None, e).era].designs])
def test_nothing_the_explicit_engine_proves_is_refuted(design: str, era: str) -> None:
    explicit_verdicts, _ = explore(design, era)
    proved = [name for name, v in explicit_verdicts.items() if v.kind == "proved"]
    interp = Interpreter(build_model(ModelKey(design, None, era)))
    verdicts, stats = stateful.check(interp, proved, examples=100, steps=30, seed=0)
    assert [v.invariant for v in verdicts] == proved
    for v in verdicts:
        assert v.kind == "unknown", (v.invariant, v.trace and [s.action for s in v.trace.steps])
        assert v.scope.startswith("no violation in ") and "up to 30 steps, seed 0" in v.scope
    assert stats.rounds == 1 and stats.actions_never_fired == []


def test_the_same_seed_gives_the_same_trace() -> None:
    interp = Interpreter(build_model(ModelKey("merged", "alloc-keeps-reported")))
    runs = [stateful.check(interp, ["reported_implies_buddy"], examples=100, steps=40, seed=11) for _ in range(2)]
    (a,), sa = runs[0]
    (b,), sb = runs[1]
    assert a.kind == b.kind == "refuted"
    assert a.trace == b.trace and a.scope == b.scope
    assert sa.action_fired == sb.action_fired and sa.examples == sb.examples


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(list(argv))
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_cli_refutation_in_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "check", "--engine", "hypothesis", "--fault", "pcp-index-not-set",
                     "--invariant", "index_trusted", "--examples", "100", "--seed", "0", "--format", "json")
    assert code == 1 and data["engine"] == "hypothesis"
    (r,) = data["results"]  # type: ignore[misc]
    assert r["verdict"] == "refuted" and r["engine"] == "hypothesis"
    assert "found by Hypothesis in random run" in r["scope"] and r["scope"].endswith(
        f"(--examples 100, up to {stateful.DEFAULT_STEPS} steps per run, seed 0) and shrunk, "
        "not necessarily the shortest; config tiny")
    assert r["trace"]["command"] == ("reportcheck check --engine hypothesis --design merged --fault pcp-index-not-set "
                                     "--kernel 5.7 --config tiny --invariant index_trusted "
                                     f"--examples 100 --steps {stateful.DEFAULT_STEPS} --seed 0")
    assert r["trace"]["steps"][-1]["failed_sites"]


def test_cli_nothing_found_is_unknown_with_what_was_tried(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run(capsys, "check", "--engine", "hypothesis", "--design", "merged", "--invariant", "index_trusted",
                     "--examples", "20", "--steps", "10", "--seed", "5", "--format", "json")
    assert code == 3
    (r,) = data["results"]  # type: ignore[misc]
    assert r["verdict"] == "unknown" and r["trace"] is None
    assert r["scope"].endswith("random runs of up to 10 steps, seed 5, of config tiny; random runs prove nothing")
    stats = data["stats"]
    assert isinstance(stats, dict) and stats["seed"] == 5 and stats["max_examples"] == 20


def test_coverage_names_the_rules_that_never_fired(capsys: pytest.CaptureFixture[str]) -> None:
    """With one step per run, exactly the actions enabled in the initial state fire."""
    interp = Interpreter(build_model(ModelKey("merged")))
    at_start = {interp.model.actions[t.action].name for t in interp.successors(interp.initial())}
    code, data = run(capsys, "check", "--engine", "hypothesis", "--design", "merged", "--invariant", "index_trusted",
                     "--examples", "50", "--steps", "1", "--seed", "0", "--format", "json")
    stats = data["stats"]
    assert code == 3 and isinstance(stats, dict)
    fired = stats["action_fired"]
    assert {a for a, n in fired.items() if n > 0} == at_start
    assert set(stats["actions_never_fired"]) == {a.name for a in interp.model.actions} - at_start != set()
    main(["check", "--engine", "hypothesis", "--design", "merged", "--invariant", "index_trusted",
          "--examples", "50", "--steps", "1", "--seed", "0"])
    out = capsys.readouterr().out
    assert "rules fired: rmqueue_pcplist " in out and "actions that never fired (vacuity): " in out


def test_bad_examples_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--engine", "hypothesis", "--examples", "0"]) == 2
    assert "--examples must be a positive number" in capsys.readouterr().err



def test_a_name_the_machine_uses_itself_is_rejected_at_definition_time() -> None:
    model = build_model(ModelKey("merged"))
    renamed = dataclasses.replace(model, actions=(dataclasses.replace(model.actions[0], name="teardown"),
                                                  *model.actions[1:]))
    with pytest.raises(ValueError, match="'teardown' is taken by the Hypothesis machine"):
        stateful.build_machine(Interpreter(renamed))


def test_the_same_seed_gives_the_same_trace_in_another_process() -> None:
    """No hash-order, database or clock dependence: two processes with different hash seeds
    print the same trace."""
    argv = [sys.executable, "-m", "checker", "check", "--engine", "hypothesis", "--fault", "alloc-keeps-reported",
            "--invariant", "reported_implies_buddy", "--examples", "100", "--seed", "3", "--format", "json"]
    traces = []
    for hash_seed in ("1", "2"):
        proc = subprocess.run(argv, capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert proc.returncode == 1, proc.stderr
        traces.append(json.loads(proc.stdout)["results"][0]["trace"])
    assert traces[0] == traces[1] and traces[0]["steps"]
