"""Reading input files safely: regular files only, with a size cap.

A FIFO (or a socket, or a character device like ``/dev/zero``) given as a trace, as
``pyproject.toml`` or found inside a catalogue directory must be refused at once, not read
for ever; a regular file larger than the cap is refused instead of filling memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from checker.errors import UsageError, shown

MAX_BYTES = 64 * 1024 * 1024  # far above any trace or pyproject.toml this tool writes or reads


def read_regular(path: Path, what: str = "file", limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file ``path``; UsageError (one line naming the path) for
    anything else: missing, a directory, a FIFO or device, unreadable, or over ``limit``."""
    name = shown(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not wait; regular files ignore it
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory, not a {what}") from None
    except OSError as e:
        raise UsageError(f"{name}: cannot read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{name}: is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{name}: is not a regular file (a FIFO, socket or device); give a {what}")
        if info.st_size > limit:
            raise UsageError(f"{name}: {info.st_size:,} bytes is too large for a {what} (at most {limit:,})")
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                raise UsageError(f"{name}: too large for a {what} (more than {limit:,} bytes)")
        return b"".join(chunks)
    except OSError as e:
        raise UsageError(f"{name}: cannot read: {e.strerror or e}") from None
    finally:
        os.close(fd)
