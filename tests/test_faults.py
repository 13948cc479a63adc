"""Every fault is refuted by the explicit engine on the invariant it breaks, with a pinned
shortest trace that replays on the concrete interpreter."""

from __future__ import annotations

import pytest
from conftest import CACHED, explore, steps_of

from checker.interp.concrete import Interpreter
from checker.trace.build import replay_labels
from spec import FAULTS, ModelKey, build_model

U, M = "UNMOVABLE", "MOVABLE"


def bulk(mt: str) -> tuple[str, dict[str, str]]:
    return ("rmqueue_bulk", {"cpu": "0", "migratetype": mt})


def drain_pcp(mt: str) -> tuple[str, dict[str, str]]:
    return ("free_pcppages_bulk", {"cpu": "0", "migratetype": mt})


CYCLE, DRAIN, PROCESS = ("page_reporting_cycle", {}), ("page_reporting_drain", {}), ("page_reporting_process", {})

EXPECTED = {
    # fault: (config, invariant broken, shortest trace, read site that fails at the end or None)
    "v9-unguarded-index-read": ("tiny", "index_trusted", [bulk(U), drain_pcp(U), CYCLE],
                                "page_reporting_del_from_boundary"),
    "merge-keeps-reported": ("tiny-span", "reported_implies_buddy",
                             [bulk(U), bulk(M), drain_pcp(M), PROCESS, CYCLE, CYCLE, CYCLE, CYCLE, DRAIN, drain_pcp(U)],
                             None),
    "retype-keeps-stale-index": ("tiny", "index_trusted", [bulk(U), drain_pcp(U), CYCLE, DRAIN, bulk(U)],
                                 "page_reporting_del_from_boundary"),
    "alloc-keeps-reported": ("tiny", "reported_implies_buddy",
                             [bulk(U), drain_pcp(U), PROCESS, CYCLE, CYCLE, DRAIN, bulk(U)], None),
    "pcp-index-not-set": ("tiny", "index_trusted",
                          [bulk(U), ("rmqueue_pcplist", {"cpu": "0", "migratetype": U}),
                           ("free_unref_page_prepare", {"pfn": "0"}),
                           ("free_unref_page_commit", {"pfn": "0", "cpu": "0"})],
                          "free_unref_page_commit"),
}


def test_every_fault_has_an_expectation() -> None:
    assert set(EXPECTED) == set(FAULTS)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_is_refuted_with_the_pinned_shortest_trace(fault: str) -> None:
    config, invariant, steps, site = EXPECTED[fault]
    design = FAULTS[fault].design
    verdicts, _ = explore(design, CACHED, config, fault, (invariant,))
    v = verdicts[invariant]
    assert v.kind == "refuted", v.scope
    assert steps_of(v) == steps
    assert v.trace is not None and v.trace.fault == fault and v.trace.config == config
    failed = v.trace.steps[-1].failed_sites
    if site:
        assert any(f.claim == invariant and f.site.startswith(site) for f in failed), failed
    else:
        assert not any(f.claim == invariant for f in failed)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_fault_trace_replays_on_the_concrete_interpreter(fault: str) -> None:
    config, invariant, steps, _ = EXPECTED[fault]
    interp = Interpreter(build_model(ModelKey(FAULTS[fault].design, fault, CACHED, config)))
    labels = [(name, interp.parse_args(name, args)) for name, args in steps]
    assert replay_labels(interp, labels, invariant).violated_at == len(steps)


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_the_same_operations_are_harmless_without_the_fault(fault: str) -> None:
    """The fault, not the scenario, breaks the claim: the unmodified design replays the
    same kernel operations without breaking that invariant on the way."""
    config, invariant, steps, _ = EXPECTED[fault]
    interp = Interpreter(build_model(ModelKey(FAULTS[fault].design, None, CACHED, config)))
    labels = [(name, interp.parse_args(name, args)) for name, args in steps]
    assert replay_labels(interp, labels, invariant).violated_at is None
