"""The pytest plugin in a temporary downstream project: fixture and marker, a passing and
a failing case each, failures shown as kernel operations."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

DOWNSTREAM = '''
import pytest


def test_v10_keeps_reported_pages_on_buddy_lists(reportcheck):
    v = reportcheck.assert_holds("v10", "reported_implies_buddy", engine="explicit")
    assert v.kind == "proved"


def test_v9_index_trusted_with_the_unguarded_read(reportcheck):
    reportcheck.assert_holds("v9", "index_trusted", fault="v9-unguarded-index-read")


@pytest.mark.reportcheck("merged", "index_trusted", fault="pcp-index-not-set", expect="refuted")
def test_marker_expecting_a_refutation():
    pass


@pytest.mark.reportcheck("v9", "boundary_valid")
def test_marker_expecting_boundary_valid_to_hold():
    pass
'''


def test_the_plugin_is_registered_as_a_pytest11_entry_point() -> None:
    (ep,) = [e for e in entry_points(group="pytest11") if e.name == "reportcheck"]
    assert ep.value == "checker.ci.pytest_plugin"


def test_downstream_suite_uses_fixture_and_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_downstream=DOWNSTREAM)
    result = pytester.runpytest("-p", "no:cacheprovider")  # the plugin comes from the entry point
    result.assert_outcomes(passed=2, failed=2)
    out = result.stdout.str()
    # the fixture's failure: the three kernel operations, no Python traceback of the checker
    result.stdout.fnmatch_lines([
        "*index_trusted: refuted, but it is expected to hold: shortest counterexample: 3 steps*",
        "*1. rmqueue_bulk(cpu=0, migratetype=UNMOVABLE)  mm/page_alloc.c",
        "*2. free_pcppages_bulk(cpu=0, migratetype=UNMOVABLE)  mm/page_alloc.c",
        "*3. page_reporting_cycle()  mm/page_reporting.c",
        "*read site fails: index_trusted at page_reporting_del_from_boundary*",
        "*reproduce: reportcheck check --design v9 --fault v9-unguarded-index-read*",
    ])
    # the marker's failure
    result.stdout.fnmatch_lines([
        "*boundary_valid: refuted, but it is expected to hold*",
        "*4. start_isolate_page_range(range=0)  mm/page_isolation.c",
    ])
    assert "checker/ci/pytest_plugin.py" not in out
    assert "FAILED test_downstream.py::test_v9_index_trusted_with_the_unguarded_read" in out
    assert "FAILED test_downstream.py::test_marker_expecting_boundary_valid_to_hold" in out


def test_misuse_fails_with_one_line(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_misuse='''
def test_unknown_design(reportcheck):
    reportcheck.assert_holds("v11", "index_trusted")
''')
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*reportcheck: unknown design 'v11'; choose from: none, v9, v10, merged*"])
