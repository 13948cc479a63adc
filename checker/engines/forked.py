"""An object that answers method calls in a worker process of its own, or here.

The proof engine splits its steps among workers (:mod:`checker.engines.proof`): each
worker builds the Z3 sessions of its steps and answers the queries about them, and the
coordinator asks every worker the same question at once.  A worker is forked from the
coordinator *after* the spec has been translated, so it starts with the translated steps
in memory (nothing is pickled but the questions and the answers; Z3 runs no thread of its
own, so its state survives the fork).

:class:`Here` has the same two calls and answers in this process: one worker is no
process at all.  :func:`ask_all` sends a call to every worker before it waits for the
first answer.  An error the worker's object raises comes back and is raised here; a
worker that dies (killed, out of memory) is a :class:`WorkerDied` naming its exit code.
A worker ends when it is closed, when its coordinator exits, and when the process that
started it dies (:func:`checker.engines.worker.init_worker`).
"""

from __future__ import annotations

import multiprocessing
import os
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, Generic, Protocol, TypeVar

from checker.engines.worker import init_worker
from checker.errors import ReportcheckError

T = TypeVar("T")


class WorkerDied(ReportcheckError):
    """A worker process ended before it answered."""


class WorkerFailed(ReportcheckError):
    """A bug in a worker process (not one of the tool's own errors): its traceback."""


def can_fork() -> bool:
    """Can this process start forked workers?  Not where there is no ``fork`` (Windows,
    macOS's default), and not inside a daemonic process (a ``multiprocessing.Pool``
    worker of ``reportcheck report`` or ``ci``, which may have no children)."""
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


class Worker(Protocol):
    def send(self, method: str, *args: Any) -> None: ...

    def receive(self) -> Any: ...

    def close(self) -> None: ...


class Here(Generic[T]):
    """``obj`` answering in this process: :meth:`send` keeps the call, :meth:`receive` makes it."""

    def __init__(self, obj: T) -> None:
        self.obj = obj
        self._call: tuple[str, tuple[Any, ...]] | None = None

    def send(self, method: str, *args: Any) -> None:
        self._call = (method, args)

    def receive(self) -> Any:
        assert self._call is not None, "receive() without send()"
        method, args = self._call
        self._call = None
        return getattr(self.obj, method)(*args)

    def close(self) -> None:
        pass


def _serve(make: Callable[[], object], conn: Connection, parent: int) -> None:
    init_worker(parent)
    obj = make()
    while True:
        try:
            call = conn.recv()
        except EOFError:  # the coordinator closed its end
            return
        if call is None:
            return
        method, args = call
        try:
            conn.send((True, getattr(obj, method)(*args)))
        except ReportcheckError as e:  # the tool's own (a time-out, say): raised as is by the coordinator
            conn.send((False, e))
        except Exception:  # noqa: BLE001 -- a bug: its traceback, which does not cross the pipe, in words
            conn.send((False, WorkerFailed(f"a worker process failed:\n{traceback.format_exc()}")))


class Forked:
    """The object ``make()`` builds, in a forked worker process."""

    def __init__(self, make: Callable[[], object]) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(make, child, os.getpid()), daemon=True)
        self.process.start()
        child.close()
        self._gone = False

    def send(self, method: str, *args: Any) -> None:
        try:
            self.conn.send((method, args))
        except OSError:  # the worker is gone: receive() says so
            self._gone = True

    def receive(self) -> Any:
        try:
            if self._gone:
                raise EOFError
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join(1)
            raise WorkerDied(f"a proof worker process ended without answering (exit code {self.process.exitcode}); "
                             "run with --jobs 1 to ask every query in this process") from None
        if not ok:
            raise value
        return value

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.conn.close()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def ask_all(workers: Sequence[Worker], method: str, *args: Any) -> list[Any]:
    """Every worker's answer to ``method(*args)``, in the order of ``workers``; the workers
    answer at the same time.  When some raise, the first error is raised once every
    worker has answered (so that no answer is left for the next question to read)."""
    for w in workers:
        w.send(method, *args)
    answers: list[Any] = []
    error: Exception | None = None
    for w in workers:
        try:
            answers.append(w.receive())
        except Exception as e:  # noqa: BLE001 -- raised below, once every answer is read
            error = error or e
    if error is not None:
        raise error
    return answers


def ask_one(worker: Worker, method: str, *args: Any) -> Any:
    """``worker``'s answer to ``method(*args)``."""
    worker.send(method, *args)
    return worker.receive()
