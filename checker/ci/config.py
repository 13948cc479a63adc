"""``[tool.reportcheck]`` in pyproject.toml: what ``reportcheck ci`` runs and expects.

The file is parsed with :mod:`tomllib`, never executed.  Every problem (no table, an
unknown key, a wrong type, an unknown design, fault, invariant, configuration or engine)
is a :class:`~checker.errors.UsageError` whose one line names the key and the fix.

::

    [tool.reportcheck]
    configs = ["tiny"]                  # default configurations of every entry, or a table of
                                        # your own: [tool.reportcheck.configs.NAME] (project_configs.py)
    engines = ["explicit"]              # default engines of every entry
    time_budget = 180                   # seconds for the whole run
    catalogue = "counterexamples"       # replay the stored counterexamples (optional)
    fail_on_unknown = false             # is an undecided verdict a failure?
    fail_on_vacuous = false             # is a vacuous proof (read sites never reached) a failure?
    output = { junit = "reportcheck-results/junit.xml", sarif = "...", json = "..." }
    spec_modules = ["my_design.py"]     # your own designs and faults, loaded first (optional; README "Your own design")
    kernel_tree = "."                   # SARIF points each step at its kernel file in this tree (optional)
    options.bmc = { depth = 6 }         # engine knobs, only those the engine takes: max_states depth k timeout examples steps seed

    [[tool.reportcheck.designs]]        # every invariant not listed in refuted must hold
    design = "v9"
    era = "5.3"                         # the kernel release (default: the design's first); pcp_cache = "on"|"off" is an alias
    refuted = ["index_trusted", "boundary_valid"]
    # invariants = [...], configs = [...], engines = [...]   (optional overrides)

    [[tool.reportcheck.faults]]         # each listed invariant must be refuted
    fault = "merge-keeps-reported"
    refuted = ["reported_implies_buddy"]
    configs = ["tiny-span"]
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.ci.project_configs import defined, key_text, read_pyproject
from checker.engines.registry import ENGINES, RunOptions, seconds_problem
from checker.errors import UsageError, shown
from checker.io import spec_modules
from checker.io.itf import DEFAULT_DIR
from checker.outputs.locations import KernelTree
from spec import CONFIGS, DEFAULT_DESIGN, DEFAULT_ERA, DESIGNS, FAULTS, ModelKey, build_model, era_of_pcp_cache
from spec.eras import era_choices, era_of_release, resolve_era
from spec.ir import Config

TABLE = "[tool.reportcheck]"
TOP_KEYS = ("configs", "engines", "time_budget", "catalogue", "fail_on_unknown", "fail_on_vacuous", "output", "options",
            "kernel_tree", "designs", "faults", "spec_modules")
OUTPUT_KEYS = ("junit", "sarif", "json")
OPTION_KEYS = ("max_states", "depth", "k", "timeout", "examples", "steps", "seed")
DESIGN_KEYS = ("design", "era", "pcp_cache", "refuted", "invariants", "configs", "engines")
FAULT_KEYS = ("fault", "era", "pcp_cache", "refuted", "configs", "engines")


@dataclass(frozen=True)
class Target:
    """One entry: a design (or a fault of one) in one kernel era, on ``configs``."""

    where: str  # e.g. "[[tool.reportcheck.designs]] #2 (v9)", for messages
    design: str
    fault: str | None
    era: str
    invariants: tuple[str, ...]  # what to check
    refuted: frozenset[str]  # expected refuted; the rest of ``invariants`` must hold
    configs: tuple[str, ...]
    engines: tuple[str, ...]

    def key(self, config: str) -> ModelKey:
        return ModelKey(self.design, self.fault, self.era, config)


@dataclass(frozen=True)
class CiConfig:
    root: Path  # the directory of pyproject.toml: relative paths start here
    targets: tuple[Target, ...]
    time_budget: float | None = None
    catalogue: Path | None = None
    fail_on_unknown: bool = False
    outputs: dict[str, Path] = field(default_factory=dict)
    options: dict[str, RunOptions] = field(default_factory=dict)
    fail_on_vacuous: bool = False
    kernel_tree: KernelTree | None = None  # where SARIF finds the steps' kernel files


def _keys(where: str, table: dict[str, Any], allowed: tuple[str, ...]) -> None:
    for k in table:
        if k not in allowed:
            raise UsageError(f"{where}: unknown key {k!r}; valid keys: {', '.join(allowed)}")


def _type_name(value: object) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


def _strings(where: str, key: str, value: object, choices: dict[str, Any] | tuple[str, ...] | list[str] | None,
             kind: str, allow_empty: bool = False) -> tuple[str, ...]:
    """An array of strings, each one of ``choices`` (None: any, checked by its reader)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise UsageError(f"{where}: {key} must be an array of strings, not {_type_name(value)}")
    if not value and not allow_empty:
        raise UsageError(f"{where}: {key} must not be empty")
    for v in value:
        if choices is not None and v not in choices:
            raise UsageError(f"{where}: {key}: unknown {kind} {v!r}; choose from: {', '.join(choices)}")
    return tuple(dict.fromkeys(value))


def _string(where: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise UsageError(f"{where}: {key} must be a non-empty string, not {_type_name(value)}")
    return value


def _era(where: str, entry: dict[str, Any]) -> str:
    """``era = "..."``, or its alias ``pcp_cache = "on"|"off"``; the default era without either."""
    alias = None
    design = entry.get("design")
    if not isinstance(design, str):
        fault = entry.get("fault")
        design = FAULTS[fault].design if isinstance(fault, str) and fault in FAULTS else DEFAULT_DESIGN
    if "pcp_cache" in entry:
        value = entry["pcp_cache"]
        if value not in ("on", "off"):
            raise UsageError(f'{where}: pcp_cache must be "on" or "off", not {value!r}')
        alias = era_of_pcp_cache(value == "on", design)
    if "era" not in entry:
        return alias or resolve_era(DEFAULT_ERA, design)
    era = era_of_release(entry["era"]) if isinstance(entry["era"], str) else None
    if era is None:
        raise UsageError(f"{where}: era: unknown kernel era {entry['era']!r}; choose from: {era_choices()}")
    era = resolve_era(era, design)
    if alias is not None and alias != era:
        raise UsageError(f"{where}: era {era!r} and pcp_cache {entry['pcp_cache']!r} name different eras; "
                         "keep one of them")
    return str(era)


def _options(table: object) -> dict[str, RunOptions]:
    where = f"{TABLE} options"
    if not isinstance(table, dict):
        raise UsageError(f"{where} must be a table of engine names, not {_type_name(table)}")
    out = {}
    for engine, knobs in table.items():
        if engine not in ENGINES:
            raise UsageError(f"{where}: unknown engine {engine!r}; choose from: {', '.join(ENGINES)}")
        if not isinstance(knobs, dict):
            raise UsageError(f"{where}.{engine} must be a table, not {_type_name(knobs)}")
        _keys(f"{where}.{engine}", knobs, OPTION_KEYS)
        values: dict[str, Any] = {}
        for k, v in knobs.items():
            if k == "timeout" and seconds_problem(v):
                raise UsageError(f"{where}.{engine}: timeout {seconds_problem(v)}, not {v!r}")
            ok = isinstance(v, (int, float)) if k == "timeout" else isinstance(v, int)
            if isinstance(v, bool) or not ok or v < 0 or (v == 0 and k != "seed"):
                kind = "a positive number" if k == "timeout" else "a non-negative integer" if k == "seed" \
                    else "a positive integer"
                raise UsageError(f"{where}.{engine}: {k} must be {kind}, not {v!r}")
            if k not in ENGINES[engine].takes:  # a knob the engine would ignore
                takers = " and ".join(e.name for e in ENGINES.values() if k in e.takes)
                raise UsageError(f"{where}.{engine}: engine {engine} does not take {k} (an option of {takers}); "
                                 f"move it to {where}.{takers.split(' and ')[0]}")
            values[k] = v
        out[engine] = RunOptions(**values)
    return out


def _configs(where: str, value: object, named: dict[str, Config]) -> tuple[str, ...]:
    """An array of configuration names (built-in or defined in [tool.reportcheck.configs])
    as the texts model keys keep."""
    names = _strings(where, "configs", value, [*CONFIGS, *named], "configuration")
    return tuple(dict.fromkeys(key_text(n, named, f"{where}: configs") for n in names))


def _target(kind: str, index: int, entry: object, configs: tuple[str, ...], engines: tuple[str, ...],
            named: dict[str, Config]) -> Target:
    where = f"[[tool.reportcheck.{kind}]] #{index + 1}"
    if not isinstance(entry, dict):
        raise UsageError(f"{where} must be a table, not {_type_name(entry)}")
    name_key = "design" if kind == "designs" else "fault"
    _keys(where, entry, DESIGN_KEYS if kind == "designs" else FAULT_KEYS)
    if name_key not in entry:
        raise UsageError(f"{where}: missing key {name_key!r}")
    name = _string(where, name_key, entry[name_key])
    fault: str | None = None
    if kind == "designs":
        if name not in DESIGNS:
            raise UsageError(f"{where}: design: unknown design {name!r}; choose from: {', '.join(DESIGNS)}")
        design = name
    else:
        if name not in FAULTS:
            raise UsageError(f"{where}: fault: unknown fault {name!r}; choose from: {', '.join(FAULTS)}")
        design, fault = FAULTS[name].design, name
    where = f"{where} ({name})"
    era = _era(where, entry)
    known = [i.name for i in build_model(ModelKey(design, fault, era)).invariants]
    if "refuted" not in entry:
        raise UsageError(f"{where}: missing key 'refuted' (the invariants expected to be refuted"
                         f"{'; use [] if every one must hold' if kind == 'designs' else ''})")
    refuted = _strings(where, "refuted", entry["refuted"], known, f"invariant for design {design}",
                       allow_empty=kind == "designs")
    if kind == "designs":
        invariants = _strings(where, "invariants", entry.get("invariants", known), known,
                              f"invariant for design {design}")
        missing = [r for r in refuted if r not in invariants]
        if missing:
            raise UsageError(f"{where}: refuted names {', '.join(missing)}, which invariants leaves out; "
                             f"add it to invariants or drop it from refuted")
    else:
        invariants = refuted
    return Target(where, design, fault, era, invariants, frozenset(refuted),
                  _configs(where, entry["configs"], named) if "configs" in entry else configs,
                  _strings(where, "engines", entry.get("engines", list(engines)), ENGINES, "engine"))


def _check_outputs(outputs: dict[str, Path], root: Path, config_file: Path | None, catalogue: Path | None) -> None:
    """Refuse, before anything runs, an output that would overwrite the configuration or a
    stored counterexample, that two outputs share, or that lies outside the project."""
    where = f"{TABLE} output"
    top = Path(os.path.realpath(root))
    stored = Path(os.path.realpath(catalogue if catalogue is not None else root / DEFAULT_DIR))
    config = Path(os.path.realpath(config_file if config_file is not None else root / "pyproject.toml"))
    seen: dict[Path, str] = {}
    for kind, path in outputs.items():
        real = Path(os.path.realpath(path))
        if real == config:
            raise UsageError(f"{where}: {kind} = {shown(path)} is the configuration file itself; name another file")
        if real == stored or real.is_relative_to(stored):
            raise UsageError(f"{where}: {kind} = {shown(path)} is inside the catalogue of stored counterexamples "
                             f"({shown(stored)}); name a file elsewhere, e.g. reportcheck-results/{kind}")
        if not real.is_relative_to(top) or real == top:
            raise UsageError(f"{where}: {kind} = {shown(path)} is outside the project ({shown(top)}); "
                             "name a path inside it, e.g. reportcheck-results/" + kind)
        if real in seen:
            raise UsageError(f"{where}: {seen[real]} and {kind} name the same file {shown(path)}; "
                             "give each output its own path")
        seen[real] = kind


def parse(data: dict[str, Any], root: Path, config_file: Path | None = None) -> CiConfig:
    tool = data.get("tool")
    if not isinstance(tool, dict) or "reportcheck" not in tool:
        raise UsageError(f"no {TABLE} table in {root / 'pyproject.toml'}; add one (see the README's CI section)")
    table = tool["reportcheck"]
    if not isinstance(table, dict):
        raise UsageError(f"{TABLE} must be a table, not {_type_name(table)}")
    _keys(TABLE, table, TOP_KEYS)
    for source in _strings(TABLE, "spec_modules", table.get("spec_modules", []), None, "spec module",
                           allow_empty=True):  # first: the entries may name their designs and faults
        spec_modules.load(str(root / source) if spec_modules.is_path(source) else source)
    named, default = defined(table.get("configs"))
    configs = _configs(TABLE, list(default) if default is not None else table.get("configs", ["tiny"]), named)
    engines = _strings(TABLE, "engines", table.get("engines", ["explicit"]), ENGINES, "engine")
    budget = table.get("time_budget")
    if budget is not None and seconds_problem(budget):
        raise UsageError(f"{TABLE}: time_budget {seconds_problem(budget)}, not {budget!r}")
    fail_on_unknown = table.get("fail_on_unknown", False)
    if not isinstance(fail_on_unknown, bool):
        raise UsageError(f"{TABLE}: fail_on_unknown must be true or false, not {fail_on_unknown!r}")
    fail_on_vacuous = table.get("fail_on_vacuous", False)
    if not isinstance(fail_on_vacuous, bool):
        raise UsageError(f"{TABLE}: fail_on_vacuous must be true or false, not {fail_on_vacuous!r}")
    catalogue = root / _string(TABLE, "catalogue", table["catalogue"]) if "catalogue" in table else None
    output = table.get("output", {})
    if not isinstance(output, dict):
        raise UsageError(f"{TABLE}: output must be a table with junit, sarif, json paths, not {_type_name(output)}")
    _keys(f"{TABLE} output", output, OUTPUT_KEYS)
    outputs = {k: root / _string(f"{TABLE} output", k, v) for k, v in output.items()}
    _check_outputs(outputs, root, config_file, catalogue)
    options = _options(table.get("options", {}))
    tree = (KernelTree.at(root / _string(TABLE, "kernel_tree", table["kernel_tree"]), f"{TABLE} kernel_tree =")
            if "kernel_tree" in table else None)
    targets: list[Target] = []
    for kind in ("designs", "faults"):
        entries = table.get(kind, [])
        if not isinstance(entries, list):
            raise UsageError(f"{TABLE}: {kind} must be an array of tables ([[tool.reportcheck.{kind}]]), "
                             f"not {_type_name(entries)}")
        targets += [_target(kind, i, e, configs, engines, named) for i, e in enumerate(entries)]
    if not targets:
        raise UsageError(f"{TABLE}: nothing to check; add [[tool.reportcheck.designs]] or [[tool.reportcheck.faults]]")
    return CiConfig(root, tuple(targets), float(budget) if budget is not None else None, catalogue,
                    fail_on_unknown, outputs, options, fail_on_vacuous, tree)


def load(path: Path) -> CiConfig:
    return parse(read_pyproject(path), path.resolve().parent, path.resolve())
