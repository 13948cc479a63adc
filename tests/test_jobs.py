"""engines.jobs and the Houdini loop of engines.solver, on stand-in work."""

from __future__ import annotations

import pytest

from checker.engines.jobs import Job, run_jobs
from checker.engines.solver import houdini
from spec import ModelKey

JOBS = [Job("explicit", ModelKey(d)) for d in ("v9", "v10", "merged")]


def design_of(job: Job) -> str:  # module level: the workers import it
    return job.design


@pytest.mark.parametrize("workers", [1, 2])
def test_results_come_back_in_the_order_of_the_jobs_with_or_without_workers(workers: int) -> None:
    told: list[str] = []
    assert run_jobs(design_of, JOBS, workers, done=lambda j, r: told.append(r)) == ["v9", "v10", "merged"]
    assert sorted(told) == sorted(["v9", "v10", "merged"])
    told.clear()
    run_jobs(design_of, JOBS, workers, done=lambda j, r: told.append(r), in_order=True)
    assert told == ["v9", "v10", "merged"]


def test_more_stops_starting_jobs_but_the_first_always_runs() -> None:
    assert run_jobs(design_of, JOBS, more=lambda: False) == ["v9"]


def test_houdini_drops_what_a_query_breaks_until_every_query_holds() -> None:
    asked: list[list[int]] = []

    def odd_breaks_even(current: list[int]) -> set[int] | None:  # 2k is kept only with 2k+1
        asked.append(list(current))
        broken = {c for c in current if c % 2 == 0 and c + 1 not in current}
        return broken or None

    def no_five(current: list[int]) -> set[int] | None:
        return {5} if 5 in current else None

    assert houdini([1, 2, 4, 5, 6], [odd_breaks_even, no_five]) == ([1], True)
    assert asked[0] == [1, 2, 4, 5, 6]
    single: list[list[int]] = []

    def one(current: list[int]) -> set[int] | None:
        single.append(list(current))
        return {3} if 3 in current else None

    assert houdini([1, 3], [one]) == ([1], True)
    assert single == [[1, 3], [1]]  # one query that holds is not asked again


def test_houdini_stops_when_a_counterexample_breaks_no_candidate() -> None:
    assert houdini([1, 2], [lambda current: set()]) == ([1, 2], False)
