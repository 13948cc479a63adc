"""Your own design or fault, from your own module: the extension point.

A **design** is a builder class: a subclass of one of the package's builders
(``spec.page_isolation.Allocator`` for the allocator alone, ``spec.designs.merged.Merged``,
``spec.designs.v9.V9``, ``spec.designs.v10.V10``, or ``spec.page_reporting.Reporting``
for a reporting design written from scratch) that defines every hook
(``spec.validate.hook``: ``reporting_actions``, ``get_unreported_page``, ... -- the base's
body only raises).  A **fault** is a subclass of one design's builder that replaces one
or more of its kernel functions.  Register either with a decorator::

    from spec.designs.merged import Merged
    from spec.extend import fault

    @fault("drain-marks-merged", design="merged",
           description="page_reporting_drain() marks a page Reported even if it merged")
    class DrainMarksMerged(Merged):
        def page_order_unchanged(self, page, o):
            return Lit(1)

and load the module with ``--spec-module PATH_OR_MODULE`` (``check``, ``replay``,
``report``, ``list``, ``catalogue``), ``spec_modules = [...]`` in ``[tool.reportcheck]``
(``ci``), ``reportcheck_spec_modules`` in the pytest ini, or an installed package's entry
point in the group ``reportcheck.spec``.  Registration checks what a model needs (a free
name, every hook defined, a fault that overrides something of its design's builder, the
model builds on tiny) and refuses with a :class:`SpecError` naming the fix.  A trace of a
registered design records the module it came from, and its ``reproduce:`` line carries
``--spec-module``.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from spec import eras
from spec.catalog import DESIGNS, FAULTS, Design, Fault, build_model
from spec.key import ModelKey
from spec.page_isolation import Allocator
from spec.validate import SpecError, missing_hooks

B = TypeVar("B", bound=type[Allocator])
_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")

# the module being loaded (spec_modules.load sets it): what a registration records as its source
loading: list[str] = []


def _check_name(kind: str, name: str) -> None:
    if not _NAME.match(name):
        raise SpecError(f"{kind} name {name!r}: use lower-case letters, digits, - and _, starting with a letter")
    if name in DESIGNS or name in FAULTS:
        taken = "a design" if name in DESIGNS else "a fault"
        raise SpecError(f"{kind} name {name!r} is already {taken}; give yours another name")


def _parent(builder: type[Allocator]) -> str | None:
    """The nearest design of the package (or registered before) that ``builder`` derives from."""
    by_builder = {d.builder: d.name for d in DESIGNS.values()}
    return next((by_builder[c] for c in builder.__mro__[1:] if c in by_builder), None)


def _source() -> str | None:
    return loading[-1] if loading else None


def where_in_user_code(e: BaseException) -> str:
    """`` (file.py:LINE)`` of the innermost frame of ``e`` outside the package (the user's
    builder), or of a SyntaxError's own place; '' if there is none."""
    if isinstance(e, SyntaxError) and e.filename and e.lineno:
        return f" ({Path(e.filename).name}:{e.lineno})"
    package = (Path(__file__).resolve().parent, Path(__file__).resolve().parent.parent / "checker")
    frames = [f for f in traceback.extract_tb(e.__traceback__)
              if not any(Path(f.filename).resolve().is_relative_to(p) for p in package) and "importlib" not in f.filename]
    return f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""


def _try_build(key: ModelKey, kind: str, name: str) -> None:
    try:
        build_model(key)
    except SpecError as e:
        raise SpecError(f"{kind} {name}: its model does not build: {e}") from None
    except Exception as e:  # noqa: BLE001 -- the user's builder failed: say how, as a SpecError
        raise SpecError(f"{kind} {name}: its model does not build: {type(e).__name__}: {e}"
                        f"{where_in_user_code(e)}; fix the builder") from None


def register_design(name: str, title: str, builder: type[Allocator],
                    era_names: tuple[str, ...] | None = None) -> Design:
    """Add a design; it exists on ``era_names`` (default: the eras of the package design it
    derives from)."""
    _check_name("design", name)
    if not (isinstance(builder, type) and issubclass(builder, Allocator)):
        raise SpecError(f"design {name}: the builder must be a class derived from spec.page_isolation.Allocator "
                        "(or one of spec.designs' builders)")
    missing = missing_hooks(builder)
    if missing:
        raise SpecError(f"design {name}: {builder.__name__} does not define {', '.join(missing)}; "
                        "define each (the hooks every design provides: spec/page_reporting.py)")
    parent = _parent(builder)
    if era_names is None:
        era_names = tuple(e.name for e in eras.ERAS.values() if parent in e.designs) if parent else ()
    unknown = [e for e in era_names if e not in eras.ERAS]
    if unknown or not era_names:
        raise SpecError(f"design {name}: give the kernel eras it exists on (eras=...), from: {', '.join(eras.ERAS)}")
    design = Design(name, title, builder, source=_source())
    DESIGNS[name] = design
    for e in era_names:
        eras.ERAS[e] = replace(eras.ERAS[e], designs=(*eras.ERAS[e].designs, name))
    eras.FIRST_ERA[name] = era_names[0]
    try:
        _try_build(ModelKey(name, None, era_names[0], "tiny"), "design", name)
    except SpecError:
        unregister(name)
        raise
    return design


def register_fault(name: str, design: str, description: str, builder: type[Allocator]) -> Fault:
    """Add a fault of ``design``: ``builder`` derives from the design's builder and
    replaces at least one of its methods (a kernel function)."""
    _check_name("fault", name)
    if design not in DESIGNS:
        raise SpecError(f"fault {name}: unknown design {design!r}; choose from: {', '.join(DESIGNS)} "
                        "(register your design before its faults)")
    base = DESIGNS[design].builder
    if not (isinstance(builder, type) and issubclass(builder, base)) or builder is base:
        raise SpecError(f"fault {name}: {getattr(builder, '__name__', builder)!r} must be a subclass of "
                        f"{base.__name__}, the builder of design {design}")
    replaced = [n for n, v in vars(builder).items() if callable(v) and hasattr(base, n) and not n.startswith("__")]
    if not replaced:
        raise SpecError(f"fault {name}: {builder.__name__} replaces no method of {base.__name__}; override the "
                        "kernel function the fault changes")
    fault = Fault(name, design, description, builder, source=_source())
    FAULTS[name] = fault
    try:
        _try_build(ModelKey(design, name, eras.default_era(design), "tiny"), "fault", name)
    except SpecError:
        del FAULTS[name]
        raise
    return fault


def unregister(name: str) -> None:
    """Take a registered design or fault out again (tests; a failed registration)."""
    if name in FAULTS:
        del FAULTS[name]
        return
    if name in DESIGNS:
        del DESIGNS[name]
        eras.FIRST_ERA.pop(name, None)
        for e, era in list(eras.ERAS.items()):
            if name in era.designs:
                eras.ERAS[e] = replace(era, designs=tuple(d for d in era.designs if d != name))
        for f in [f for f, v in FAULTS.items() if v.design == name]:
            del FAULTS[f]


def design(name: str, title: str, era_names: tuple[str, ...] | None = None) -> Callable[[B], B]:
    """Class decorator: :func:`register_design`."""
    def register(builder: B) -> B:
        register_design(name, title, builder, era_names)
        return builder
    return register


def fault(name: str, design: str, description: str) -> Callable[[B], B]:
    """Class decorator: :func:`register_fault`."""
    def register(builder: B) -> B:
        register_fault(name, design, description, builder)
        return builder
    return register
