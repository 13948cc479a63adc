"""The one job runner: engine runs on models, in worker processes or one after another.

``reportcheck report``, ``reportcheck catalogue --regenerate`` and ``reportcheck ci`` all
plan their work as :class:`Job` values and hand them to :func:`run_jobs` with the function
that does one.  With more than one worker the jobs run in a ``multiprocessing`` pool;
leaving it terminates the workers, and each worker ends when its parent does (even
if the parent is killed), so none outlives the run.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from checker.engines.worker import init_worker
from spec.key import ModelKey, OfModel

R = TypeVar("R")


@dataclass(frozen=True)
class Job(OfModel):
    """One run of ``engine`` on one model.  ``invariants``: the claims to decide (none
    named: every claim of the model).  ``entry``: where the caller's plan asks for the
    run (a ``[tool.reportcheck]`` entry), so that the same run asked twice stays two jobs."""

    engine: str
    key: ModelKey
    invariants: tuple[str, ...] = ()
    entry: str = ""

    @property
    def label(self) -> str:
        return f"{self.engine} {self.design}" + (f" fault {self.fault}" if self.fault else "")


def _nothing(job: Job, result: object) -> None:
    pass


def _always() -> bool:
    return True


@dataclass(frozen=True)
class _Numbered(Generic[R]):
    """``work`` on a numbered job, keeping the number (results come back out of order)."""

    work: Callable[[Job], R]

    def __call__(self, item: tuple[int, Job]) -> tuple[int, R]:
        return item[0], self.work(item[1])


def run_jobs(work: Callable[[Job], R], jobs: Sequence[Job], workers: int = 1,
             done: Callable[[Job, R], None] = _nothing, more: Callable[[], bool] = _always,
             in_order: bool = False) -> list[R]:
    """``work(job)`` for every job; the results in the order of ``jobs``.

    ``done`` is told of each result as it comes: as the jobs finish, or in the order of
    ``jobs`` with ``in_order``.  With one worker the jobs run here, one after another, and
    ``more`` is asked before each job after the first: False starts no more (the results
    are then those of the jobs run).  With more workers, ``work`` must be a module-level
    function (the workers import it) and every job is run."""
    if workers <= 1 or len(jobs) <= 1:
        out: list[R] = []
        for k, job in enumerate(jobs):
            if k > 0 and not more():
                break
            out.append(work(job))
            done(job, out[-1])
        return out
    results: dict[int, R] = {}
    # leaving the block terminates the workers; each ends with its parent too (init_worker)
    with multiprocessing.Pool(min(workers, len(jobs)), initializer=init_worker, initargs=(os.getpid(),)) as pool:
        numbered: Iterator[tuple[int, R]] = (pool.imap if in_order else pool.imap_unordered)(
            _Numbered(work), enumerate(jobs))
        for k, result in numbered:
            results[k] = result
            done(jobs[k], result)
    return [results[k] for k in range(len(jobs))]
