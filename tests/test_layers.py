"""The layers are fixed here, not by convention.

``spec/`` is the model and imports no engine.  ``checker/`` is a stack of packages, each of
which may import only from the packages below it (and from itself): a module that imports
from a later layer fails this test with the import named.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

from spec import ModelKey

ROOT = pathlib.Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec"
CHECKER = ROOT / "checker"
ENGINES = {"checker", "z3", "hypothesis", "networkx"}

# checker's layers, lowest first.  A module of layer i imports checker.* only from layers 0..i.
LAYERS = (
    "errors",    # the one error base class
    "results",   # verdicts, traces, failed reads, engine statistics: plain data
    "interp",    # the IR's interpreters: layout, compiled Python, Z3 terms (the walker is spec.walk)
    "trace",     # counterexamples built and replayed on the concrete interpreter
    "engines",   # the registry and every engine: explicit, bmc, induction, proof, stateful
    "io",        # ITF files and the stored catalogue
    "outputs",   # terminal, JSON, JUnit, SARIF, documents
    "review",    # guards and the design review report
    "ci",        # reportcheck ci, its configuration, the pytest plugin
    "cli",       # the command line
)
TOP_LEVEL_MODULES = {"__init__", "__main__", "errors"}


def imported_modules(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text())
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "checker" or len(parts) < 2:
        return None
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else None


@pytest.mark.parametrize("path", sorted(SPEC.rglob("*.py")), ids=lambda p: str(p.relative_to(SPEC)))
def test_spec_module_imports_no_engine(path: pathlib.Path) -> None:
    imported = {m.split(".")[0] for m in imported_modules(path)}
    assert not imported & ENGINES, f"{path.name} imports {sorted(imported & ENGINES)}"


def test_checker_is_packages_that_show_the_layers() -> None:
    flat = {p.stem for p in CHECKER.glob("*.py")} - TOP_LEVEL_MODULES
    assert not flat, f"modules outside a layer package: {sorted(flat)}; move them into one of {LAYERS}"
    packages = {p.name for p in CHECKER.iterdir() if (p / "__init__.py").exists()}
    assert packages == set(LAYERS) - {"errors"}, f"packages {sorted(packages)} do not match LAYERS"


@pytest.mark.parametrize("path", sorted(CHECKER.rglob("*.py")), ids=lambda p: str(p.relative_to(CHECKER)))
def test_no_import_from_a_later_layer(path: pathlib.Path) -> None:
    rel = path.relative_to(CHECKER)
    own = LAYERS.index(rel.parts[0]) if len(rel.parts) > 1 else (0 if rel.stem == "errors" else len(LAYERS))
    later = sorted(m for m in imported_modules(path) if (layer := layer_of(m)) is not None and layer > own)
    assert not later, f"checker/{rel} (layer {LAYERS[min(own, len(LAYERS) - 1)]}) imports from a later layer: {later}"


def test_every_action_names_a_kernel_function_and_file() -> None:
    from spec import DESIGNS, build_model

    for design in DESIGNS:
        for a in build_model(ModelKey(design)).actions:
            assert a.kernel_name and a.kernel_file.startswith("mm/"), a.name


def test_every_error_of_checker_derives_from_the_one_base_class() -> None:
    import importlib
    import inspect

    from checker.errors import ReportcheckError

    for path in sorted(CHECKER.rglob("*.py")):
        if path.name == "__main__.py":  # runs the command line when imported
            continue
        module = importlib.import_module(".".join(("checker", *path.relative_to(CHECKER).with_suffix("").parts))
                                         .removesuffix(".__init__"))
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, BaseException):
                assert issubclass(cls, ReportcheckError) or issubclass(cls, AssertionError), (
                    f"{module.__name__}.{name} does not derive from checker.errors.ReportcheckError")
