"""A counterexample carried over to another design through the kernel operations they share."""

from __future__ import annotations

from dataclasses import replace

from conftest import explore

from checker.results.verdict import Trace
from checker.trace.mapping import Inserted, map_trace


def v9_trace(invariant: str) -> Trace:
    verdicts, _ = explore("v9")
    t = verdicts[invariant].trace
    assert t is not None
    return t


def test_v9_index_trusted_maps_onto_merged_through_its_worker_steps() -> None:
    """merged's worker runs page_reporting_process() before a cycle, and cycles one list
    at a time: the same kernel operations run there with the worker's extra steps, and
    merged keeps the claim (it never reads ->index for reporting)."""
    t = v9_trace("index_trusted")
    m = map_trace(t, replace(t.key, design="merged", era=""))  # merged: its own first release
    assert m.not_comparable is None and m.broken_at is None and m.ran == 9
    assert m.inserted[0] == Inserted(4, "page_reporting_process()")
    assert {i.call for i in m.inserted} <= {"page_reporting_process()", "page_reporting_cycle()"}
    assert m.sentence(9).startswith("runs every step (with extra steps of merged's worker: "
                                    "page_reporting_process() before step 4;")
    assert m.sentence(9).endswith(" and keeps index_trusted")


def test_v9_index_trusted_breaks_v10_on_the_same_operations() -> None:
    t = v9_trace("index_trusted")
    m = map_trace(t, replace(t.key, design="v10"))
    assert (m.inserted, m.broken_at) == ((), 9)
    assert m.sentence(9) == "runs the same kernel operations and breaks index_trusted too, at step 9 of 9"


def test_a_step_no_worker_step_makes_runnable_is_not_comparable_with_the_reason() -> None:
    t = v9_trace("boundary_lookup_sound")
    m = map_trace(t, replace(t.key, design="merged", era=""))  # merged: its own first release
    assert m.not_comparable is not None
    k, why = m.not_comparable
    assert m.ran == k - 1
    assert why.startswith(f"{t.steps[k - 1].action}(") and "cannot run in merged's state after step" in why
    assert "nor after up to 3 extra steps of merged's worker (page_reporting_cycle, page_reporting_drain, " \
           "page_reporting_process)" in why
    assert f"then is not comparable at step {k} because " in m.sentence(len(t.steps))
    assert "rejects" not in m.sentence(len(t.steps))
