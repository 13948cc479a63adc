"""Writing output files safely: every file or none, never through a planted link.

:func:`write_files` is the one way reportcheck writes a file it was asked for (``check
--save``, ``report``, ``reportcheck ci`` outputs, ``catalogue --regenerate``):

1. every target is checked first (:func:`check_target`): its parent is a directory (or
   can be made, no component being a file), it is writable, and the target itself is not
   a directory -- so a bad second target refuses the write before the first is touched;
2. each file is written to a temporary created by exclusive create in the target's own
   directory (:func:`tempfile.mkstemp`: ``O_CREAT | O_EXCL | O_NOFOLLOW``, a fresh random
   name), so a link planted at a predictable ``NAME.tmp`` is never followed, then
   ``fsync``-ed;
3. only when every temporary is written are they renamed onto their targets
   (:func:`os.replace`, which replaces a link at the target itself, never its target).

Any error removes every temporary and becomes one :class:`~checker.errors.UsageError`
line naming the path.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from checker.errors import UsageError, shown


def _existing_ancestor(path: Path) -> Path:
    p = path
    while not os.path.lexists(p):
        if p.parent == p:
            break
        p = p.parent
    return p


def check_target(path: Path, what: str = "") -> None:
    """Refuse (UsageError) an output path that cannot be written: under a file, in a
    directory without write permission, a directory itself, or a name too long."""
    label = f"{what} {shown(path)}" if what else shown(path)
    if str(path) == "":
        raise UsageError(f"{what or 'the output path'} is empty; name a file")
    if path.is_dir():
        raise UsageError(f"{label} is a directory; name a file")
    try:
        os.lstat(path)  # ENAMETOOLONG, EACCES show up here
    except (FileNotFoundError, NotADirectoryError):  # missing, or under a file: said below
        pass
    except OSError as e:
        raise UsageError(f"{label}: cannot write: {e.strerror or e}") from None
    base = _existing_ancestor(path.parent)
    if not base.is_dir():
        raise UsageError(f"{label}: cannot write: {shown(base)} is not a directory")
    if not os.access(base, os.W_OK | os.X_OK):
        raise UsageError(f"{label}: cannot write: no write permission in {shown(base)}")


def check_directory(path: Path, what: str) -> None:
    """Refuse an output directory that is a file, under a file or not writable."""
    if str(path) == "":
        raise UsageError(f"{what} is empty; name a directory")
    if os.path.lexists(path) and not path.is_dir():
        raise UsageError(f"{what} {shown(path)} is a file; name a directory")
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        pass
    except OSError as e:
        raise UsageError(f"{what} {shown(path)}: cannot write: {e.strerror or e}") from None
    base = _existing_ancestor(path)
    if not base.is_dir():
        raise UsageError(f"{what} {shown(path)}: cannot write: {shown(base)} is not a directory")
    if not os.access(base, os.W_OK | os.X_OK):
        raise UsageError(f"{what} {shown(path)}: cannot write: no write permission in {shown(base)}")


def _write_temporary(path: Path, text: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def write_files(files: dict[Path, str]) -> None:
    """Write every file or none (see the module's docstring); raise UsageError on a path
    that cannot be written, with nothing written."""
    for p in files:
        check_target(p)
    resolved = [os.path.realpath(p) for p in files]
    if len(set(resolved)) != len(resolved):
        dup = next(p for p, r in zip(files, resolved) if resolved.count(r) > 1)
        raise UsageError(f"{shown(dup)} is named twice as an output; give each output its own path")
    temporaries: list[tuple[Path, Path]] = []
    current = Path()
    try:
        for p, text in files.items():
            current = p
            p.parent.mkdir(parents=True, exist_ok=True)
            temporaries.append((_write_temporary(p, text), p))
        for tmp, p in temporaries:
            current = p
            os.replace(tmp, p)
    except OSError as e:
        raise UsageError(f"{shown(current)}: cannot write: {e.strerror or e}") from None
    finally:
        for tmp, _ in temporaries:
            tmp.unlink(missing_ok=True)  # renamed ones are gone already
