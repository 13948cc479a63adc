"""The VM_BUG_ON_PAGE() guards, compiled with gcc and run on replayed traces.

Every stored counterexample and a set of seeded correct runs (which never fail an
->index read) are replayed in probe mode; at every read of ->index the gcc-compiled guard
must fire exactly when the spec's read-site claim fails.  Per trace: a guard fires on the
traces that break index_trusted at its read site, and on no other trace.
"""

from __future__ import annotations

import functools
import os
import shutil
from pathlib import Path

import pytest
from conftest import UNCACHED

from checker.interp.concrete import Interpreter
from checker.io.catalogue import catalogue_files
from checker.io.itf import load
from checker.review import guards
from checker.review import harness as guard_harness
from checker.review.run import correct_walks, site_witnesses
from spec import DESIGNS, ERAS, ModelKey, build_model

CATALOGUE = Path(__file__).resolve().parent.parent / "counterexamples"
Steps = list[tuple[str, tuple[int, ...]]]

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None and not os.environ.get("REPORTCHECK_REQUIRE_TOOLS"),
                                reason="gcc is not installed (.ci/run installs it)")


@functools.cache
def traces() -> list[tuple[str, Interpreter, Steps]]:
    """Made when a test first asks (not when pytest collects the module: every xdist worker
    collects every module)."""
    out = []
    for path in catalogue_files(CATALOGUE):
        t = load(path).trace
        interp = Interpreter(build_model(t.key), probe=True)
        out.append((str(path), interp, [(s.action, interp.parse_args(s.action, dict[str, object](s.args)))
                                        for s in t.steps]))
    for d in DESIGNS:
        for era in (e for e in ERAS if d in ERAS[e].designs):
            interp = Interpreter(build_model(ModelKey(d, None, era)), probe=True)
            out += [(f"{d} era {era} correct run {k}", interp, w)
                    for k, w in enumerate(correct_walks(interp) + site_witnesses(interp), 1)]
    return out




def test_the_compiled_guards_fire_exactly_where_the_read_site_claim_fails() -> None:
    fired_traces: dict[str, set[str]] = {}
    broken_traces: dict[str, set[str]] = {}
    reached: dict[str, int] = {}
    # every read of every trace of one model goes through one compiled harness (a gcc run
    # per trace would be most of this test's time)
    per_model: dict[ModelKey, list[tuple[str, Interpreter, guards.Read]]] = {}
    for label, interp, steps in traces():
        per_model.setdefault(interp.model.key, []).extend(
            (label, interp, r) for per_step in guards.reads_of(interp, steps) for r in per_step)
    total = 0
    for reads in per_model.values():
        if not reads:
            continue
        model = reads[0][1].model
        gs = guards.guards(model)
        fired = guard_harness.run(model, gs, [guard_harness.record_of(interp, gs, r) for _, interp, r in reads])
        for (label, _, r), f in zip(reads, fired, strict=True):
            ident = f"{model.design}:{r.site}"
            reached[ident] = reached.get(ident, 0) + 1
            assert f == r.claim_failed, (label, r.site, f, r.claim_failed)
            assert f == r.guard_fires  # the C and its IR projection agree
            if f:
                fired_traces.setdefault(ident, set()).add(label)
            if r.claim_failed:
                broken_traces.setdefault(ident, set()).add(label)
        total += len(reads)
    assert fired_traces == broken_traces
    # every guard of every design was compiled and reached
    for d in DESIGNS:
        for era in (e for e in ERAS if d in ERAS[e].designs):
            for g in guards.guards(build_model(ModelKey(d, None, era))):
                assert reached.get(f"{d}:{g.site}", 0) >= 5, (d, era, g.site)
    assert total > 500


def test_the_stored_index_trusted_counterexamples_are_caught() -> None:
    """The traces that break index_trusted at a read: each is caught by its guard, at its last step."""
    caught = set()
    for label, interp, steps in traces():
        if not label.endswith("index_trusted.itf.json") or "reported_index_trusted" in label:
            continue
        gs = guards.guards(interp.model)
        per_step = guards.reads_of(interp, steps)
        last = per_step[-1]
        fired = guard_harness.run(interp.model, gs, [guard_harness.record_of(interp, gs, r) for r in last])
        assert any(fired), label
        caught.add(Path(label).parent.name)
    assert {"v9", "v10", "merged-pcp-index-not-set"} <= caught  # v9 and v10 existed on 5.3 only


def test_the_v9_guard_is_the_authors_claim_made_checkable() -> None:
    g = next(g for g in guards.guards(build_model(ModelKey("v9"))) if g.function == "page_reporting_del_from_boundary")
    assert g.c == ("VM_BUG_ON_PAGE(!PageReported(page) || !PageBuddy(page) || "
                   "page->index != free_list_mt(page), page);")
    assert g.needs_free_list_mt
    merged = {g.function: g.c for g in guards.guards(build_model(ModelKey("merged")))}
    assert merged["free_unref_page_commit"] == "VM_BUG_ON_PAGE(page->index >= MIGRATE_TYPES, page);"
    assert set(merged) == {"rmqueue_bulk", "rmqueue", "free_unref_page_commit", "free_pcppages_bulk"}
    assert guards.guards(build_model(ModelKey("merged", None, UNCACHED))) == []  # 6.10+: nothing reads ->index


def test_a_guard_that_does_not_compile_is_an_error() -> None:
    model = build_model(ModelKey("merged"))
    g = guards.guards(model)[0]
    broken = guards.Guard(g.design, g.site, g.function, g.placement, g.page, g.claim,
                          "VM_BUG_ON_PAGE(page->nonsense, page);", False)
    with pytest.raises(guard_harness.HarnessError, match="do not compile"):
        guard_harness.run(model, [broken], [guard_harness.Record(0, 0, 0, 0, 0, -1)])


@pytest.mark.parametrize("design, caught, missed", [("v9", 96, 0), ("v10", 90, 12)])
def test_on_every_reachable_read_the_reported_page_guard_misses_only_what_no_check_can_see(
        design: str, caught: int, missed: int) -> None:
    """Every read on every transition of tiny: v9's guard catches every failing read; v10's
    misses the 12 reads of the placeholder 0 that add_page_to_reported_list() wrote, which
    happens to be the right slot (order MIN, UNMOVABLE)."""
    from checker.review import lifecycle

    interp = Interpreter(build_model(ModelKey(design)), probe=True)
    tally = guards.ReadTally(interp)
    lifecycle.explore(interp, ["index_trusted"], also=tally)
    site = next(s for s in tally.tally if s.startswith("page_reporting_"))
    t = tally.tally[site]
    assert (t.caught, t.missed, t.false_alarms) == (caught, missed, 0)
    assert t.missed_writers == ({"slot_pending": missed} if missed else {})
    for other, o in tally.tally.items():  # the pcp reads: never wrong, and the guards stay silent
        if other != site:
            assert o.reads > 0 and o.quiet == o.reads
