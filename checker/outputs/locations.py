"""Where in spec/ each action is written: file and line of its ``Action(...)`` constructor.

The IR carries the kernel function and file of an action but no source line (adding one
would change every spec digest).  This module finds the line by parsing the source of the
design's builder class and its bases (most derived first) for ``Action("name", ...)``
calls whose first argument is the action's name, so SARIF results and code flows can
point at the spec line that models the kernel function.  The answer depends only on the
spec's source text, so it is stable across runs.
"""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from dataclasses import dataclass
from pathlib import Path

import spec
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
