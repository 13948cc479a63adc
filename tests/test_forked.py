"""``checker.engines.forked``: an object asked by method name in a forked worker process,
as the proof engine asks its shards of steps (tests/test_proof.py runs merged's headline
proof in two; tests/test_fixture_models.py the fixture ring with one worker and two)."""

from __future__ import annotations

import os
import signal

import pytest

from checker.engines.forked import Forked, Here, WorkerDied, WorkerFailed, ask_all, can_fork
from checker.engines.solver import OutOfTime

pytestmark = pytest.mark.skipif(not can_fork(), reason="this process cannot fork workers")


class Counter:
    def __init__(self, start: int) -> None:
        self.n = start

    def add(self, k: int) -> int:
        self.n += k
        return self.n

    def pid(self) -> int:
        return os.getpid()

    def out_of_time(self) -> None:
        raise OutOfTime("the time budget ran out")

    def bug(self) -> None:
        raise KeyError("no such step")


def test_each_worker_keeps_its_own_state_and_answers_in_its_own_process() -> None:
    workers = [Forked(lambda: Counter(0)), Forked(lambda: Counter(100)), Here(Counter(1000))]
    try:
        assert ask_all(workers, "add", 1) == [1, 101, 1001]
        assert ask_all(workers, "add", 2) == [3, 103, 1003]
        pids = ask_all(workers, "pid")
        assert pids[2] == os.getpid() and len({*pids}) == 3
    finally:
        for w in workers:
            w.close()


def test_the_tool_s_own_error_comes_back_as_itself_and_no_answer_is_left_behind() -> None:
    workers = [Forked(lambda: Counter(0)), Forked(lambda: Counter(0))]
    try:
        workers[0].send("out_of_time")
        with pytest.raises(OutOfTime, match="budget ran out"):
            workers[0].receive()
        with pytest.raises(WorkerFailed, match="KeyError: 'no such step'"):  # a bug: its traceback in words
            ask_all(workers, "bug")
        assert ask_all(workers, "add", 5) == [5, 5]  # both answers of the failed call were read
    finally:
        for w in workers:
            w.close()


def test_a_worker_that_dies_is_an_error_naming_the_way_out() -> None:
    w = Forked(lambda: Counter(0))
    try:
        assert isinstance(w, Forked)
        os.kill(w.process.pid or 0, signal.SIGKILL)
        w.process.join()
        with pytest.raises(WorkerDied, match="--jobs 1"):
            w.send("add", 1)
            w.receive()
    finally:
        w.close()
