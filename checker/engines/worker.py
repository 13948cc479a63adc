"""What every worker process of a process pool does first (``initializer=init_worker``).

A worker must not outlive the command that started it: ``reportcheck report`` killed by a
CI time-out (SIGKILL) used to leave its engine jobs running for as long as they took, with
parent pid 1.  And Ctrl-C must end a worker quietly: the parent says "interrupted", a
worker prints no ``KeyboardInterrupt`` traceback of its own.

* On Linux the kernel sends the worker SIGKILL when its parent dies
  (``prctl(PR_SET_PDEATHSIG)``, through :mod:`ctypes`);
* everywhere, a daemon thread checks once a second that the parent is still the one that
  started the worker, and ends the worker when it is not (the parent died before
  ``prctl`` ran, or there is no ``prctl``);
* SIGINT ends the worker at once with exit status 130, without a traceback.

Use::

    ProcessPoolExecutor(max_workers=n, initializer=init_worker, initargs=(os.getpid(),))
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from types import FrameType

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 1.0
INTERRUPTED = 130  # 128 + SIGINT, as a shell reports it


def _die_with_parent_linux() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)  # the parent is gone: nobody will read this worker's result
        time.sleep(POLL_SECONDS)


def _quiet_interrupt(_signum: int, _frame: FrameType | None) -> None:
    os._exit(INTERRUPTED)


def init_worker(parent: int | None = None) -> None:
    """End this process when ``parent`` (default: the current parent) dies, and on SIGINT
    without a traceback.  Call it as a pool's ``initializer``."""
    parent = os.getppid() if parent is None else parent
    signal.signal(signal.SIGINT, _quiet_interrupt)
    _die_with_parent_linux()
    if os.getppid() != parent:  # died before prctl took effect
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="watch-parent", daemon=True).start()
