"""Build generated C into a shared library and load it with cffi (ABI mode: no Python
headers needed, only a C compiler).

Each source is built at one of two levels (:data:`LEVELS`): ``quick`` (``-O0``, about a
second for a model's C) and ``optimised`` (``-O2``: 8-25 s of compiler CPU time for a model,
and a search 2.5-4x faster).  :class:`Build` runs a compilation in the background, so that a
search can start on the quick library and move to the optimised one when it is ready
(``checker.engines.explicit_c``).  Both levels compile the same source: they compute the same
function, and the tests compare their searches.

Libraries are cached outside the source tree, keyed by a hash of the source, the compiler
and its flags, so a second run of the same model does not recompile: in
``$REPORTCHECK_CACHE``, else ``$XDG_CACHE_HOME/reportcheck``, else ``~/.cache/reportcheck``.
Each library is written to a temporary file and renamed into place, so parallel processes
building the same model never see a half-written one.  The compiler is ``$REPORTCHECK_CC``,
else ``$CC``, else the first of ``gcc``, ``cc`` on the PATH.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pathlib
import shlex
import shutil
import subprocess
import tempfile
from typing import Any

import cffi  # type: ignore[import-untyped]

from checker.errors import ReportcheckError

FLAGS = ("-shared", "-fPIC", "-std=gnu11", "-w")
QUICK, OPTIMISED = "quick", "optimised"
LEVELS = {QUICK: ("-O0",), OPTIMISED: ("-O2",)}
BUILD_TIMEOUT = 600  # seconds: a model's C takes 8-25 s of CPU time at -O2 on a loaded machine


class CompilerUnavailable(ReportcheckError, RuntimeError):
    """No working C compiler: the message says which was tried and how to choose one."""


def compiler() -> list[str]:
    """The compiler command, or CompilerUnavailable naming the fix."""
    for var in ("REPORTCHECK_CC", "CC"):
        if os.environ.get(var):
            cmd = shlex.split(os.environ[var])
            if shutil.which(cmd[0]) is None:
                raise CompilerUnavailable(f"${var} names {cmd[0]!r}, which is not an executable")
            return cmd
    for name in ("gcc", "cc"):
        path = shutil.which(name)
        if path is not None:
            return [path]
    raise CompilerUnavailable("no C compiler found (tried gcc and cc on the PATH); install gcc or set "
                              "REPORTCHECK_CC")


def cache_dir() -> pathlib.Path:
    if os.environ.get("REPORTCHECK_CACHE"):
        return pathlib.Path(os.environ["REPORTCHECK_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "reportcheck"


def library_path(source: str, level: str = OPTIMISED) -> pathlib.Path:
    """Where the library of ``source`` at ``level`` is (or will be) cached."""
    key = hashlib.sha256("\0".join([source, *compiler(), *LEVELS[level], *FLAGS]).encode()).hexdigest()[:24]
    return cache_dir() / f"model-{key}.so"


def cached(source: str, level: str = OPTIMISED) -> bool:
    return library_path(source, level).exists()


class Build:
    """One compilation of ``source`` at ``level``, started at once and running while the
    caller goes on: :meth:`done` says whether it ended, :meth:`wait` gives the cached
    library (or raises CompilerUnavailable naming the fix), :meth:`cancel` stops it and
    leaves nothing behind.  The library is written to a temporary file and renamed into
    place, so parallel processes building the same model never see a half-written one."""

    _proc: subprocess.Popen[str] | None

    def __init__(self, source: str, level: str = OPTIMISED) -> None:
        self.path = library_path(source, level)
        self._proc = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, self._c = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.stem + ".", suffix=".tmp.c")
            with os.fdopen(fd, "w") as f:
                f.write(source)
        except OSError as e:
            raise CompilerUnavailable(f"cannot write into the build cache {self.path.parent}: {e.strerror}; "
                                      "set REPORTCHECK_CACHE to a writable directory") from None
        self._so = self._c[:-2] + ".so"
        try:
            self._proc = subprocess.Popen(
                [*compiler(), *LEVELS[level], *FLAGS, "-o", self._so, self._c],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        except OSError as e:
            self._cleanup()
            raise CompilerUnavailable(f"cannot run the C compiler: {e.strerror}") from None

    def done(self) -> bool:
        return self._proc is None or self._proc.poll() is not None

    def wait(self) -> pathlib.Path:
        proc = self._proc
        if proc is None:
            return self.path
        try:
            _, stderr = proc.communicate(timeout=BUILD_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.cancel()
            raise CompilerUnavailable(f"the C compiler took over {BUILD_TIMEOUT} s") from None
        self._proc = None
        try:
            if proc.returncode != 0:
                lines = stderr.strip().splitlines()
                first = next((x for x in lines if "error" in x), lines[0] if lines else "no message")
                raise CompilerUnavailable(f"the C compiler failed on the generated model ({first}); "
                                          "set REPORTCHECK_CC to another compiler")
            os.replace(self._so, self.path)
            os.replace(self._c, self.path.with_suffix(".c"))  # kept beside the library, for reading
        except OSError as e:
            raise CompilerUnavailable(f"cannot store the compiled model in {self.path.parent}: {e.strerror}") from None
        finally:
            self._cleanup()
        return self.path

    def cancel(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.communicate()
        self._proc = None
        self._cleanup()

    def _cleanup(self) -> None:
        for leftover in (self._c, self._so):
            if os.path.exists(leftover):
                os.unlink(leftover)


def build(source: str, level: str = OPTIMISED) -> pathlib.Path:
    """The cached library of ``source``, compiled first if it is not cached yet."""
    path = library_path(source, level)
    return path if path.exists() else Build(source, level).wait()


@functools.cache
def load(source: str, cdef: str, level: str = OPTIMISED) -> tuple[cffi.FFI, Any]:
    """The library of ``source`` at ``level`` (built if needed) with the functions ``cdef``
    declares."""
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    return ffi, ffi.dlopen(str(build(source, level)))


@functools.cache
def available() -> str | None:
    """None when a C compiler works here, else why not (one line)."""
    try:
        compiler()
        load("int rc_probe(void) { return 42; }\n", "int rc_probe(void);", QUICK)
    except CompilerUnavailable as e:
        return str(e)
    return None
