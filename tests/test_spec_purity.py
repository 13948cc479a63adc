"""spec/ is the model and nothing else: it imports no engine."""

from __future__ import annotations

import ast
import pathlib

import pytest

SPEC = pathlib.Path(__file__).resolve().parent.parent / "spec"
ENGINES = {"checker", "z3", "hypothesis", "networkx"}


@pytest.mark.parametrize("path", sorted(SPEC.glob("*.py")), ids=lambda p: p.name)
def test_spec_module_imports_no_engine(path: pathlib.Path) -> None:
    tree = ast.parse(path.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & ENGINES, f"{path.name} imports {sorted(imported & ENGINES)}"


def test_every_action_names_a_kernel_function_and_file() -> None:
    from spec import DESIGNS, build_model

    for design in DESIGNS:
        for a in build_model(design).actions:
            assert a.kernel_name and a.kernel_file.startswith("mm/"), a.name
