"""Build generated C into a shared library and load it with cffi (ABI mode: no Python
headers needed, only a C compiler).

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

FLAGS = ("-O2", "-shared", "-fPIC", "-std=gnu11", "-w")
BUILD_TIMEOUT = 600  # seconds: a model's C takes a few seconds at -O2


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


def library_path(source: str) -> pathlib.Path:
    """Where the library of ``source`` is (or will be) cached."""
    key = hashlib.sha256("\0".join([source, *compiler(), *FLAGS]).encode()).hexdigest()[:24]
    return cache_dir() / f"model-{key}.so"


def build(source: str) -> pathlib.Path:
    """The cached library of ``source``, compiled first if it is not cached yet."""
    path = library_path(source)
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CompilerUnavailable(f"cannot create the build cache {path.parent}: {e.strerror}; "
                                  "set REPORTCHECK_CACHE to a writable directory") from None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem + ".", suffix=".tmp.c")
    with os.fdopen(fd, "w") as f:
        f.write(source)
    out = tmp[:-2] + ".so"
    try:
        proc = subprocess.run([*compiler(), *FLAGS, "-o", out, tmp], capture_output=True, text=True,
                              timeout=BUILD_TIMEOUT, check=False)
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            first = next((x for x in lines if "error" in x), lines[0] if lines else "no message")
            raise CompilerUnavailable(f"the C compiler failed on the generated model ({first}); "
                                      "set REPORTCHECK_CC to another compiler")
        os.replace(out, path)
        os.replace(tmp, path.with_suffix(".c"))  # kept beside the library, for reading
    except OSError as e:
        raise CompilerUnavailable(f"cannot run the C compiler: {e.strerror}") from None
    except subprocess.TimeoutExpired:
        raise CompilerUnavailable(f"the C compiler took over {BUILD_TIMEOUT} s") from None
    finally:
        for leftover in (tmp, out):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return path


@functools.cache
def load(source: str, cdef: str) -> tuple[cffi.FFI, Any]:
    """The library of ``source`` (built if needed) with the functions ``cdef`` declares."""
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    return ffi, ffi.dlopen(str(build(source)))


@functools.cache
def available() -> str | None:
    """None when a C compiler works here, else why not (one line)."""
    try:
        compiler()
        load("int rc_probe(void) { return 42; }\n", "int rc_probe(void);")
    except CompilerUnavailable as e:
        return str(e)
    return None
