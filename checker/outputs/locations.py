"""Where each action is written: the line of its ``Action(...)`` constructor in spec/, and
the definition of the kernel function it models in the user's kernel tree.

The IR carries the kernel function and file of an action but no source line (adding one
would change every spec digest).  This module finds the line by parsing the source of the
design's builder class and its bases (most derived first) for ``Action("name", ...)``
calls whose first argument is the action's name, so SARIF results and code flows can
point at the spec line that models the kernel function.  The answer depends only on the
spec's source text, so it is stable across runs.

:class:`KernelTree` is a kernel source tree given by the user (``--kernel-tree``,
``[tool.reportcheck] kernel_tree``): SARIF then points each step at the kernel file as the
tree has it (``mm/page_alloc.c``, relative to the tree, at the line that defines the
function), so the result resolves in a downstream kernel repository.  The line is found
by reading the file, never by running anything: the first line that starts at column 0,
names the function followed by ``(``, and whose declaration reaches ``{`` before ``;``.
"""

from __future__ import annotations

import ast
import functools
import inspect
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import spec
from checker.errors import UsageError, shown
from checker.io.safe_read import read_regular
from spec import DESIGNS

SPEC_ROOT = Path(spec.__file__).resolve().parent.parent  # the directory that holds spec/


@dataclass(frozen=True)
class SourceLocation:
    path: str  # relative to SPEC_ROOT, with forward slashes, e.g. "spec/page_alloc.py"
    line: int  # 1-based


@functools.cache
def _class_actions(cls: type) -> dict[str, SourceLocation]:
    """Action name -> location of the ``Action(...)`` calls written in ``cls`` itself."""
    try:
        lines, first = inspect.getsourcelines(cls)
        file = Path(inspect.getsourcefile(cls) or "").resolve()
    except (OSError, TypeError):
        return {}
    tree = ast.parse(textwrap.dedent("".join(lines)))
    try:
        rel = file.relative_to(SPEC_ROOT).as_posix()
    except ValueError:
        rel = file.as_posix()
    found: dict[str, SourceLocation] = {}
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Action"
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            name = node.args[0].value
            line = first + node.args[0].lineno - 1
            if name not in found or line < found[name].line:
                found[name] = SourceLocation(rel, line)
    return found


@functools.cache
def action_location(design: str, action: str) -> SourceLocation | None:
    """The spec line that builds ``action`` for ``design`` (None if it cannot be found)."""
    if design not in DESIGNS:
        return None
    for cls in DESIGNS[design].builder.__mro__:
        loc = _class_actions(cls).get(action)
        if loc is not None:
            return loc
    return None


@functools.cache
def claim_location(claim: str) -> SourceLocation | None:
    """The spec line that names the claim ``claim`` (its ``Invariant("name", ...)`` in
    spec/invariants.py), or None."""
    path = SPEC_ROOT / "spec" / "invariants.py"
    try:
        tree = ast.parse(path.read_text())
    except (OSError, SyntaxError):
        return None
    lines = [node.lineno for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and node.value == claim]
    return SourceLocation("spec/invariants.py", min(lines)) if lines else None


DECLARATION_LINES = 12  # a definition's parameters may run over this many lines before its "{"


@dataclass(frozen=True)
class KernelTree:
    """A kernel source tree (its root holds ``mm/``), as an absolute path."""

    root: Path

    @staticmethod
    def at(path: str | Path, option: str) -> KernelTree:
        """The tree at ``path``; bad input (one line naming ``option``) when it is none."""
        try:
            p = Path(path).expanduser()
        except RuntimeError:  # ~user of no known user: the path as it is
            p = Path(path)
        if not p.is_dir():
            raise UsageError(f"{option} {shown(p)}: not a directory; give the root of a kernel source tree "
                             "(the directory that holds mm/)")
        if not (p / "mm").is_dir():
            raise UsageError(f"{option} {shown(p)}: no mm/ directory there; give the root of a kernel source tree")
        return KernelTree(p.resolve())

    @property
    def uri(self) -> str:
        """The tree as a ``file:`` URI ending in ``/`` (a SARIF base URI)."""
        return self.root.as_uri() + "/"

    def location(self, kernel_file: str, function: str) -> SourceLocation | None:
        """Where the tree defines ``function`` in ``kernel_file`` (line 0: the tree has the
        file but no definition of that name in it); None when it has no such file."""
        return _kernel_location(self.root, kernel_file, function)


@functools.cache
def _kernel_lines(path: Path) -> tuple[str, ...] | None:
    try:
        return tuple(read_regular(path, "kernel source file").decode("utf-8", "replace").splitlines())
    except UsageError:  # missing, not a regular file, too large: the tree does not have it
        return None


@functools.cache
def _kernel_location(root: Path, kernel_file: str, function: str) -> SourceLocation | None:
    rel = Path(kernel_file)
    if rel.is_absolute() or ".." in rel.parts:
        return None
    lines = _kernel_lines(root / rel)
    if lines is None:
        return None
    name = re.compile(rf"\b{re.escape(function)}\s*\(")
    for k, line in enumerate(lines):
        if not (line[:1].isalpha() or line[:1] == "_") or not name.search(line):
            continue
        head = " ".join(lines[k:k + DECLARATION_LINES])
        brace, semi = head.find("{"), head.find(";")
        if brace >= 0 and (semi < 0 or brace < semi):
            return SourceLocation(rel.as_posix(), k + 1)
    return SourceLocation(rel.as_posix(), 0)
