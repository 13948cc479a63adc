"""Load the modules that register your own designs and faults (spec/extend.py).

``--spec-module`` takes a file (``my_design.py``, any path containing ``/`` or ending in
``.py``) or an importable module name (``mypkg.reportcheck_designs``).  Installed
packages may also declare an entry point in the group ``reportcheck.spec``; those load
on every run.  A spec module is code and is run: it is loaded only because the user
named it or installed it (stored traces only *name* their module; nothing loads one from
a data file).  Every failure is a one-line UsageError naming the module and the fix.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from checker.errors import UsageError, shown
from spec import extend
from spec.catalog import DESIGNS, FAULTS
from spec.extend import where_in_user_code
from spec.validate import SpecError

ENTRY_POINT_GROUP = "reportcheck.spec"
_loaded: dict[str, str] = {}  # source as given -> the canonical source recorded


def is_path(source: str) -> bool:
    return source.endswith(".py") or "/" in source or os.sep in source


def canonical_source(source: str) -> str:
    """What a registration records: an absolute path for a file, else the module name."""
    return str(Path(source).resolve()) if is_path(source) else source


def load(source: str) -> None:
    """Import the module ``source`` names, once; its registrations record it as their source."""
    if source in _loaded:
        return
    recorded = canonical_source(source)
    before = set(DESIGNS) | set(FAULTS)
    extend.loading.append(recorded)
    try:
        if is_path(source):
            path = Path(source)
            if not path.is_file():
                raise UsageError(f"--spec-module {shown(source)}: no such file; give the path of your design's "
                                 "Python file or an importable module name")
            name = f"reportcheck_spec_{abs(hash(recorded)):x}"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise UsageError(f"--spec-module {shown(source)}: not a Python module; give a .py file")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
        else:
            importlib.import_module(source)
    except UsageError:
        raise
    except SpecError as e:
        raise UsageError(f"--spec-module {source}: {e}") from None
    except ModuleNotFoundError as e:
        if e.name == source or (e.name and source.startswith(e.name + ".")):
            raise UsageError(f"--spec-module {source}: no module of that name; install it, add its directory "
                             "to PYTHONPATH, or give the path of the .py file") from None
        raise UsageError(f"--spec-module {source}: {type(e).__name__}: {e}{where_in_user_code(e)}") from None
    except Exception as e:  # noqa: BLE001 -- the user's module failed: say where, without a traceback
        raise UsageError(f"--spec-module {source}: {type(e).__name__}: {e}{where_in_user_code(e)}; fix the module") from None
    finally:
        extend.loading.pop()
    if (set(DESIGNS) | set(FAULTS)) == before:
        raise UsageError(f"--spec-module {source}: it registers no design or fault; decorate a builder class "
                         "with spec.extend.design(...) or spec.extend.fault(...)")
    _loaded[source] = recorded


def load_all(sources: Iterable[str]) -> None:
    """The installed entry points, then each of ``sources`` in order."""
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        load(ep.value.partition(":")[0].strip())  # module[:attr]: importing the module registers
    for s in sources:
        load(s)
