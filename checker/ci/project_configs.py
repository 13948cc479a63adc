"""Configurations a project defines in pyproject.toml, and the ``--config`` text that
names one::

    [tool.reportcheck.configs]
    default = ["tiny", "wide"]          # what each [[designs]]/[[faults]] entry runs on (default ["tiny"])

    [tool.reportcheck.configs.wide]     # the keys of --config key=value (spec/config_text.py)
    doc = "pageblocks of 4 pages, one max-order chunk spans two of them"
    npfn = 8
    pageblock_order = 2
    max_order = 4
    migratetypes = ["UNMOVABLE", "MOVABLE", "ISOLATE"]

``configs = ["tiny", ...]`` (an array) is the older form: names only, no definitions.
``check``, ``report``, ``ci`` and the pytest plugin accept a defined name wherever they
accept a configuration; what a model and its traces keep is the zone's canonical
``key=value`` text, so a trace replays without this file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from checker.errors import UsageError, shown
from checker.io.safe_read import read_regular
from spec import CONFIGS, DEFAULT_CONFIG
from spec.config_text import canonical, from_values
from spec.configs import ConfigError
from spec.ir import Config

TABLE = "[tool.reportcheck.configs]"
DEFAULT_KEY = "default"
MAX_TOML_BYTES = 4 * 1024 * 1024  # pyproject.toml is read whole: a cap, not a guess at its size
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")


def read_pyproject(path: Path) -> dict[str, Any]:
    """``path`` parsed as TOML (never executed); UsageError naming the file otherwise."""
    if not os.path.lexists(path):
        raise UsageError(f"{shown(path)}: no such file; run reportcheck in the project's directory "
                         "or pass --pyproject")
    try:
        text = read_regular(path, "pyproject.toml", MAX_TOML_BYTES).decode("utf-8")
    except UnicodeDecodeError as e:
        raise UsageError(f"{shown(path)}: cannot read it: {e}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{shown(path)}: malformed TOML: {e}") from None
    except RecursionError:  # tomllib recurses once per nesting level of arrays and inline tables
        raise UsageError(f"{shown(path)}: malformed TOML: arrays or tables nested too deeply") from None


def _type_name(value: object) -> str:
    return {str: "a string", bool: "a boolean", int: "an integer", float: "a number", list: "an array",
            dict: "a table"}.get(type(value), type(value).__name__)


def defined(configs: object) -> tuple[dict[str, Config], tuple[str, ...] | None]:
    """The configurations a ``configs`` value of ``[tool.reportcheck]`` defines, and the
    default list it gives (None: the array form, whose names are the caller's to check)."""
    if not isinstance(configs, dict):
        return {}, None
    named: dict[str, Config] = {}
    for name, table in configs.items():
        if name == DEFAULT_KEY:
            continue
        where = f"[tool.reportcheck.configs.{name}]"
        if not isinstance(table, dict):
            raise UsageError(f"{TABLE}: {name} must be a table ({where}) or the key {DEFAULT_KEY}, "
                             f"not {_type_name(table)}")
        if name in CONFIGS:
            raise UsageError(f"{where}: {name} is a built-in configuration; give yours another name")
        if not _NAME.match(name):
            raise UsageError(f"{where}: a configuration's name is letters, digits, - and _, starting with a "
                             "letter; rename it")
        try:
            named[name] = from_values(table, name=name, where=where, named={**CONFIGS, **named})
        except ConfigError as e:
            raise UsageError(str(e)) from None
    default = configs.get(DEFAULT_KEY, [DEFAULT_CONFIG])
    if not isinstance(default, list) or not default or not all(isinstance(d, str) for d in default):
        raise UsageError(f"{TABLE}: {DEFAULT_KEY} must be a non-empty array of configuration names, "
                         f"not {_type_name(default)}")
    for d in default:
        if d not in CONFIGS and d not in named:
            raise UsageError(f"{TABLE}: {DEFAULT_KEY}: unknown configuration {d!r}; choose from: "
                             f"{', '.join([*CONFIGS, *named])}")
    return named, tuple(dict.fromkeys(default))


def key_text(text: str, named: Mapping[str, Config], where: str = "--config") -> str:
    """What a ModelKey keeps for ``text``: a built-in name, or canonical key=value text
    (a name ``named`` defines is spelled out); UsageError naming the choices otherwise."""
    try:
        return canonical(text, {**CONFIGS, **named})
    except ConfigError as e:
        message = str(e)
        if "=" not in text and not named:
            message += "; or define it as [tool.reportcheck.configs.NAME] in pyproject.toml"
        raise UsageError(message if where == "--config" else f"{where}: {message}") from None


def project_configs(pyproject: Path | None) -> dict[str, Config]:
    """The configurations ``pyproject`` defines (./pyproject.toml when None, if there is one)."""
    path = pyproject if pyproject is not None else Path("pyproject.toml")
    if pyproject is None and not os.path.lexists(path):
        return {}
    tool = read_pyproject(path).get("tool", {})
    table = tool.get("reportcheck", {}) if isinstance(tool, dict) else {}
    return defined(table.get("configs"))[0] if isinstance(table, dict) else {}


def resolve(text: str, pyproject: Path | None) -> str:
    """``--config text`` of ``check`` or ``report``: a built-in name and key=value text
    need no file; any other name is looked up in ``pyproject`` (./pyproject.toml when
    None, if there is one)."""
    if text in CONFIGS or "=" in text:
        return key_text(text, {})
    return key_text(text, project_configs(pyproject))
