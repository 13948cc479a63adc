"""Standard output as Unix tools treat it.

* A reader that stops reading (``reportcheck list --json | head -1``): the rest of the
  output goes nowhere, quietly, and the exit code is still the verdict's (``check
  --max-states 5 | head -1`` exits 3, unknown).
* A full or failing standard output (``> /dev/full``): one error line on stderr, exit 2.
* A closed standard output (``>&-``): one error line, exit 2, nothing run.

:func:`run_guarded` does it for the whole command, in one place, so no subcommand needs
to know.  After a failed write, standard output's file descriptor is pointed at
``/dev/null`` (the way the Python documentation recommends for ``SIGPIPE``), so the
interpreter's own flush at exit does not fail again.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TextIO

BAD_OUTPUT = 2


class GuardedStdout:
    """A proxy of standard output that swallows a closed pipe and records other write errors."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.closed_pipe = False
        self.error: OSError | None = None

    @property
    def failed(self) -> bool:
        return self.closed_pipe or self.error is not None

    def _give_up(self, e: OSError) -> None:
        if isinstance(e, BrokenPipeError):
            self.closed_pipe = True
        elif self.error is None:
            self.error = e
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass

    def write(self, text: str) -> int:
        if not self.failed:
            try:
                return self._stream.write(text)
            except OSError as e:
                self._give_up(e)
        return len(text)

    def flush(self) -> None:
        if not self.failed:
            try:
                self._stream.flush()
            except OSError as e:
                self._give_up(e)

    def __getattr__(self, name: str) -> Any:  # isatty, fileno, encoding, ... as the stream has them
        return getattr(self._stream, name)


def run_guarded(main: Callable[[], int]) -> int:
    """Run ``main`` with standard output guarded; its exit code, or 2 for an output that
    could not be written."""
    if sys.stdout is None:  # started with >&-
        print("reportcheck: error: standard output is closed; redirect it (e.g. > /dev/null)", file=sys.stderr)
        return BAD_OUTPUT
    guard = GuardedStdout(sys.stdout)
    sys.stdout = guard
    try:
        code = main()
        guard.flush()
    finally:
        sys.stdout = sys.__stdout__
    if guard.error is not None:
        e = guard.error
        print(f"reportcheck: error: cannot write standard output: {e.strerror or e}", file=sys.stderr)
        return BAD_OUTPUT
    return code
