"""Counterexamples as files: :class:`~checker.results.verdict.Trace` <-> ITF JSON.

The file is an ITF trace (the Informal Trace Format of Apalache and Quint, ADR-015),
written and read with the ``itf-py`` library:

* top-level ``#meta``: ``format`` ("ITF"), ``format-description``, ``source``
  ("reportcheck"), ``format_version`` (:data:`FORMAT_VERSION`), ``tool_version``,
  ``spec_digest``, ``spec_version``, ``design``, ``fault`` (or null), ``era`` (the kernel
  era's name; files written before eras had names lack it), ``pcp_cache`` (bool: the era's
  flag, which names the era in those older files), ``config``, ``engine``, ``invariant`` (the violated one), ``violated_at`` (the
  step after which it is broken; 0 = the initial state) and ``command`` (the
  ``reportcheck check`` command that finds it again);
* ``vars``: every state variable of the model; each state holds all of them.  A scalar
  is a bare value, an array a list (nested per dimension).  Values are JSON booleans for
  boolean domains, ITF integers (``{"#bigint": "3"}``) for numeric ones, and the label
  string otherwise (``"BUDDY"``, ``"pfn 2"``, ``"stale"``);
* state ``k`` (k >= 1) is the state after step ``k``.  The step itself -- the action's
  name and arguments -- is in that state's ``#meta``: ``action``, ``args`` (parameter ->
  label, as printed by the CLI), plus ``kernel_name``, ``kernel_file``,
  ``failed_sites`` ("claim at site") and ``failed_reads`` (the same reads as records:
  page, value read and assumed by name, the step that last wrote ``->index``; see
  :class:`~checker.results.verdict.FailedRead`) for the reader; the top-level ``#meta``
  has ``failed_read``, the record of the read that breaks the claim, when one does.  Replay goes by ``action`` and ``args`` only, never
  by an action's position in a list.

Loading validates everything against the current spec of the recorded model and turns
any problem into a :class:`TraceFileError`: one line naming the file, the place and the
problem.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import itf_py  # type: ignore[import-untyped]

from checker.errors import UsageError, shown
from checker.interp.concrete import StepError, interpreter
from checker.io.safe_read import read_regular
from checker.io.safe_write import check_directory, write_files
from checker.results.verdict import FailedRead, State, Step, Trace, Verdict
from checker.trace.build import spec_module_options
from spec import DESIGNS, ERAS, FAULTS, ModelKey, SpecError, era_of_pcp_cache
from spec.ir import Domain, Model, StateVar

FORMAT_VERSION = 1
SUFFIX = ".itf.json"
DEFAULT_DIR = "counterexamples"
ADR = "https://apalache-mc.org/docs/adr/015adr-trace.html"


class TraceFileError(UsageError):
    """A trace file that cannot be used; the message names the file, the place and the problem."""


@dataclass(frozen=True)
class LoadedTrace:
    path: Path
    trace: Trace
    engine: str
    violated_at: int
    tool_version: str


def tool_version() -> str:
    """The installed reportcheck's version (ITF metadata, the SARIF driver); a PEP 440
    version even when the package is not installed, since SARIF readers parse it."""
    try:
        return metadata.version("reportcheck")
    except metadata.PackageNotFoundError:
        return "0+unknown"


# ------------------------------------------------------------------ values
def _kind(d: Domain) -> str:
    if d.labels == ("false", "true"):
        return "bool"
    if all(d.label(v) == str(v) for v in range(d.size)):
        return "int"
    return "str"


def _to_value(d: Domain, label: str) -> Any:
    kind = _kind(d)
    if kind == "bool":
        return label == "true"
    if kind == "int":
        return int(label)
    return label


def _nest(values: list[Any], dims: tuple[int, ...]) -> Any:
    if not dims:
        return values[0]
    if len(dims) == 1:
        return list(values)
    step = len(values) // dims[0]
    return [_nest(values[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


def _type_name(x: Any) -> str:
    if isinstance(x, bool):
        return "a boolean"
    if isinstance(x, int):
        return "an integer"
    if isinstance(x, str):
        return "a string"
    if isinstance(x, list):
        return "a list"
    return f"a {type(x).__name__}"


def _from_value(v: StateVar, raw: Any) -> list[str]:
    """The labels of ``v``'s elements from an ITF value; ValueError says what is wrong."""
    dims = tuple(d.size for d in v.dims)
    flat: list[Any] = []

    def walk(x: Any, rest: tuple[int, ...], where: str) -> None:
        if not rest:
            flat.append((x, where))
            return
        if not isinstance(x, list) or len(x) != rest[0]:
            raise ValueError(f"{where or v.name} must be a list of {rest[0]} values, got {_type_name(x)}"
                             + (f" of {len(x)}" if isinstance(x, list) else ""))
        for i, y in enumerate(x):
            walk(y, rest[1:], f"{where or v.name}[{i}]")

    walk(raw, dims, "")
    kind = _kind(v.domain)
    out = []
    for x, where in flat:
        where = where or v.name
        if kind == "bool" and isinstance(x, bool):
            out.append("true" if x else "false")
        elif kind == "int" and isinstance(x, int) and not isinstance(x, bool):
            if not 0 <= x < v.domain.size:
                raise ValueError(f"{where} = {x} is outside {v.domain.name} 0..{v.domain.size - 1}")
            out.append(str(x))
        elif kind == "str" and isinstance(x, str):
            labels = [v.domain.label(i) for i in range(v.domain.size)]
            if x not in labels:
                raise ValueError(f"{where} = {x!r} is not a value of {v.domain.name} (choose from {', '.join(labels)})")
            out.append(x)
        else:
            want = {"bool": "a boolean", "int": "an integer", "str": "a string"}[kind]
            raise ValueError(f"{where} must be {want} ({v.domain.name}), got {_type_name(x)}")
    return out


# ------------------------------------------------------------------ writing
def _state(model: Model, state: State, meta: dict[str, Any]) -> itf_py.State:
    values = {v.name: _nest([_to_value(v.domain, x) for x in state[v.name]], tuple(d.size for d in v.dims))
              for v in model.state_vars}
    return itf_py.State(meta=meta, values=values)


SITE_SEP = " at "  # a stored failed read site: "claim at site" (claim names have no spaces)


def _site_text(f: FailedRead) -> str:
    """The stored form of a failed read: the claim and the site (page and values are
    shown by the tool when it replays the trace, not stored)."""
    return f"{f.claim}{SITE_SEP}{f.site}"


def _site_record(text: str, records: list[Any]) -> FailedRead:
    """A stored failed read: "claim at site", with the fields of its ``failed_reads``
    record where the file has one for that claim and site (files before they existed
    keep only the two)."""
    claim, site = text.split(SITE_SEP, 1)
    for r in records:
        if isinstance(r, dict) and r.get("claim") == claim and r.get("site") == site:
            def label(f: str, r: dict[str, Any] = r) -> str | None:
                x = r.get(f)
                return x if isinstance(x, str) else None

            def step(f: str, r: dict[str, Any] = r) -> int | None:
                x = r.get(f)
                return x if isinstance(x, int) and not isinstance(x, bool) and x >= 0 else None

            return FailedRead(claim, site, label("page"), label("value_read"), label("value_expected"),
                              label("read_as"), label("assumed_as"), step("written_at"), label("written_by"),
                              label("expected_from"), step("expected_set_at"), label("expected_set_by"))
    return FailedRead(claim, site)


def trace_to_itf(trace: Trace, engine: str) -> dict[str, Any]:
    """The ITF JSON object (ready for ``json.dump``) of a counterexample."""
    key = trace.key
    model = interpreter(key).model
    meta = {
        "format": "ITF", "format-description": ADR, "source": "reportcheck",
        "description": f"counterexample to {trace.invariant}: {key.describe()}",
        "format_version": FORMAT_VERSION, "tool_version": tool_version(),
        "spec_digest": trace.spec_digest, "spec_version": trace.spec_version,
        "design": key.design, "fault": key.fault, "era": key.era, "pcp_cache": key.kernel.pcp_cache,
        "config": key.config,
        "engine": engine, "invariant": trace.invariant, "violated_at": len(trace.steps),
        "command": trace.command,
        # the modules of a design or fault of the user's own (named, never loaded from here)
        **({"spec_modules": mods} if (mods := spec_module_options(key)[1::2]) else {}),
        # the read that breaks the claim at the last step, explained (page, value read by
        # name, value assumed, the step that last wrote it); absent for a state claim
        **({"failed_read": last[0].record()} if (last := [
            f for f in (trace.steps[-1].failed_sites if trace.steps else ()) if f.claim == trace.invariant]) else {}),
    }
    states = [_state(model, trace.initial, {"index": 0})]
    for k, s in enumerate(trace.steps, 1):
        states.append(_state(model, s.state, {
            "index": k, "action": s.action, "args": dict(s.args), "kernel_name": s.kernel_name,
            "kernel_file": s.kernel_file, "failed_sites": [_site_text(f) for f in s.failed_sites],
            "failed_reads": [f.record() for f in s.failed_sites]}))
    out: dict[str, Any] = itf_py.trace_to_json(itf_py.Trace(
        meta=meta, params=[], vars=[v.name for v in model.state_vars], states=states, loop=None))
    return out


def dump(trace: Trace, engine: str) -> str:
    """The file's text: the header indented, then one line per state (small, diffable)."""
    data = trace_to_itf(trace, engine)
    head = [f" {json.dumps(k)}: {json.dumps(v, indent=1).replace(chr(10), chr(10) + ' ')}"
            for k, v in data.items() if k != "states"]
    states = ",\n".join("  " + json.dumps(s) for s in data["states"])
    return "{\n" + ",\n".join(head) + ',\n "states": [\n' + states + "\n ]\n}\n"


def default_path(root: Path, trace: Trace) -> Path:
    """``root/<key slug>/<invariant>.itf.json``: ``<design>[-<fault>][-<era>][-<config>
    unless tiny]`` (:meth:`spec.key.ModelKey.slug`)."""
    return root / trace.key.slug() / f"{trace.invariant}{SUFFIX}"


def write_all(files: dict[Path, str], force: bool) -> None:
    """Write every file or none: refuse (UsageError) if one exists and not ``force``, or
    if one cannot be written (see :mod:`checker.io.safe_write`)."""
    if not force:
        existing = [p for p in files if os.path.lexists(p)]
        if existing:
            which = (f"{shown(existing[0])} already exists" if len(existing) == 1
                     else f"{shown(existing[0])} and {len(existing) - 1} more already exist")
            raise UsageError(f"{which}; nothing written. "
                             "Use --force to overwrite, or --catalogue DIR for another directory")
    write_files(files)


def save_verdicts(verdicts: list[Verdict], root: Path, force: bool) -> list[Path]:
    """Save the trace of every refuted verdict under ``root``; return the paths."""
    files = {default_path(root, v.trace): dump(v.trace, v.engine) for v in verdicts if v.trace is not None}
    write_all(files, force)
    return list(files)


def save_and_say(verdicts: list[Verdict], root: str, force: bool) -> None:
    """``check --save``: save every counterexample and say where, on stderr (stdout may be JSON)."""
    check_directory(Path(root), "--save")
    paths = save_verdicts(verdicts, Path(root), force)
    for p in paths:
        print(f"reportcheck: saved {p}", file=sys.stderr)
    if not paths:
        print("reportcheck: nothing refuted, nothing saved", file=sys.stderr)


# ------------------------------------------------------------------ reading
def _fail(path: Path, place: str, problem: str) -> TraceFileError:
    return TraceFileError(f"{path}: {place}: {problem}" if place else f"{path}: {problem}")


def _read(path: Path) -> bytes:
    try:
        return read_regular(path, "trace file")
    except UsageError as e:
        raise TraceFileError(str(e)) from None


def _json(path: Path, data: bytes) -> Any:
    if not data.strip():
        raise _fail(path, "", "empty file; expected an ITF trace (JSON)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _fail(path, f"byte {e.start}", "not UTF-8 text; expected an ITF trace (JSON)") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        ends = e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string")
        what = "truncated JSON (the file ends too early)" if ends else "not valid JSON"
        raise _fail(path, f"line {e.lineno} column {e.colno}", f"{what} ({e.msg})") from None
    except (RecursionError, ValueError) as e:
        raise _fail(path, "", f"not valid JSON ({e})") from None


_META_TYPES: dict[str, tuple[type, ...]] = {
    "format_version": (int,), "spec_digest": (str,), "design": (str,), "fault": (str, type(None)),
    "pcp_cache": (bool,), "config": (str,), "engine": (str,), "invariant": (str,), "violated_at": (int,),
    "command": (str,), "tool_version": (str,), "spec_version": (str,),
}


def _check_meta(path: Path, meta: Any) -> dict[str, Any]:
    if not isinstance(meta, dict):
        raise _fail(path, "#meta", "missing; not a reportcheck ITF trace (write one with 'reportcheck check --save')")
    for key, types in _META_TYPES.items():
        if key not in meta:
            raise _fail(path, "#meta", f"missing {key!r}; not a reportcheck ITF trace "
                        "(write one with 'reportcheck check --save')")
        x = meta[key]
        if not isinstance(x, types) or (bool not in types and isinstance(x, bool)):
            want = " or ".join("null" if t is type(None) else t.__name__ for t in types)
            raise _fail(path, f"#meta.{key}", f"must be {want}, got {_type_name(x)}")
    era = meta.get("era")
    if era is not None and not isinstance(era, str):
        raise _fail(path, "#meta.era", f"must be str, got {_type_name(era)}")
    if era is not None and era in ERAS and ERAS[era].pcp_cache != meta["pcp_cache"]:
        raise _fail(path, "#meta.pcp_cache", f"{json.dumps(meta['pcp_cache'])} contradicts era {era!r}; "
                    "regenerate the file")
    if meta["format_version"] != FORMAT_VERSION:
        raise _fail(path, "#meta.format_version", f"{meta['format_version']} is not supported "
                    f"(this reportcheck reads version {FORMAT_VERSION}); regenerate the file")
    return meta


def key_of(meta: dict[str, Any]) -> ModelKey:
    """The model a file records: its ``era``, or for a file written before eras had names,
    the era its ``pcp_cache`` stands for."""
    era = meta.get("era") or era_of_pcp_cache(meta["pcp_cache"], meta["design"])
    return ModelKey(meta["design"], meta["fault"], era, meta["config"])


def _states(path: Path, data: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    states = data.get("states")
    if not isinstance(states, list) or not states:
        raise _fail(path, "states", "must be a non-empty list of ITF states")
    for k, raw in enumerate(states):
        if not isinstance(raw, dict):
            raise _fail(path, f"state {k}", f"must be an object, got {_type_name(raw)}")
        yield k, raw


_BIGINT = re.compile(r"0|-?[1-9][0-9]*")  # ASCII digits, no sign but '-', no spaces, '_' or leading zero


def _strict_integers(path: Path, place: str, raw: Any) -> None:
    """ITF integers are ``{"#bigint": "<decimal>"}`` and nothing looser: refuse what
    Python's ``int()`` would take (``"+0"``, ``" 1 "``, ``"0_1"``, ``"١"``, a number)."""
    todo = [raw]  # a stack, not recursion: the JSON may be nested deep
    while todo:
        x = todo.pop()
        if isinstance(x, list):
            todo.extend(x)
        elif isinstance(x, dict):
            if "#bigint" in x:
                n = x["#bigint"]
                if len(x) != 1 or not isinstance(n, str) or not _BIGINT.fullmatch(n):
                    raise _fail(path, place, f"not an ITF trace: {json.dumps(x, ensure_ascii=True)[:80]} is not an "
                                'ITF integer (write {"#bigint": "<decimal digits>"}, e.g. {"#bigint": "3"})')
            else:
                todo.extend(x.values())


def load(path: Path) -> LoadedTrace:
    """Read and validate a counterexample file against the current spec of the model it
    records; raise :class:`TraceFileError` for anything that does not fit."""
    return parse(path, _read(path))


def parse(path: Path, text: bytes) -> LoadedTrace:
    """:func:`load` for the contents ``text`` of the file ``path``."""
    data = _json(path, text)
    if not isinstance(data, dict):
        raise _fail(path, "", f"not an ITF trace: the top level is {_type_name(data)}, not an object")
    meta = _check_meta(path, data.get("#meta"))
    if not isinstance(data.get("vars"), list) or not all(isinstance(x, str) for x in data["vars"]):
        raise _fail(path, "vars", "must be a list of variable names (ITF)")
    twice = [x for i, x in enumerate(data["vars"]) if x in data["vars"][:i]]
    if twice:
        raise _fail(path, "vars", f"lists {twice[0]!r} twice; each variable once (ITF)")
    if "params" in data and (not isinstance(data["params"], list)
                             or not all(isinstance(x, str) for x in data["params"])):
        raise _fail(path, "params", f"must be a list of parameter names (ITF), got {_type_name(data['params'])}")
    raw_states = list(_states(path, data))
    for k, raw in raw_states:
        _strict_integers(path, f"state {k}", {x: y for x, y in raw.items() if x != "#meta"})
    try:
        parsed = itf_py.trace_from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as e:  # what bad input provokes
        raise _fail(path, "", f"not an ITF trace ({type(e).__name__}: {e})") from None
    try:
        interp = interpreter(key_of(meta))
    except SpecError as e:
        modules = meta.get("spec_modules")
        unloaded = (meta["design"] not in DESIGNS or (meta["fault"] is not None and meta["fault"] not in FAULTS))
        if unloaded and isinstance(modules, list) and modules and all(isinstance(m, str) for m in modules):
            # a design of the user's own: name the module, never load it from a data file
            raise _fail(path, "#meta", f"{e}; it was made with "
                        f"{' '.join('--spec-module ' + shlex.quote(m) for m in modules)}: add that option") from None
        raise _fail(path, "#meta", str(e)) from None
    model = interp.model
    names = [v.name for v in model.state_vars]
    missing = [n for n in names if n not in parsed.vars]
    extra = [n for n in parsed.vars if n not in names]
    if missing or extra:
        problem = (f"missing {', '.join(missing)}" if missing else "") + ("; " if missing and extra else "") + \
                  (f"unknown {', '.join(extra)}" if extra else "")
        raise _fail(path, "vars", f"{problem} (design {model.design} has: {', '.join(names)})")
    invariants = [i.name for i in model.invariants]
    if meta["invariant"] not in invariants:
        raise _fail(path, "#meta.invariant", f"unknown invariant {meta['invariant']!r} for design "
                    f"{model.design}; choose from: {', '.join(invariants)}")
    n = len(raw_states) - 1
    if not 0 <= meta["violated_at"] <= n:
        raise _fail(path, "#meta.violated_at", f"{meta['violated_at']} is not a step of this trace (0..{n})")
    states: list[State] = []
    steps: list[Step] = []
    prev = b""
    for (k, raw), st in zip(raw_states, parsed.states):
        place = f"state {k}"
        state: State = {}
        for v in model.state_vars:
            if v.name not in raw:
                raise _fail(path, place, f"missing field {v.name!r}")
            try:
                state[v.name] = _from_value(v, st.values[v.name])
            except ValueError as e:
                raise _fail(path, place, str(e)) from None
        unknown = [x for x in raw if x != "#meta" and x not in names]
        if unknown:
            raise _fail(path, place, f"unknown field {unknown[0]!r}")
        encoded = interp.encode(state)
        smeta = raw.get("#meta", {})
        if not isinstance(smeta, dict):
            raise _fail(path, f"{place} #meta", f"must be an object, got {_type_name(smeta)}")
        if k == 0:
            states.append(state)
            prev = encoded
            continue
        action, args = smeta.get("action"), smeta.get("args", {})
        if not isinstance(action, str):
            raise _fail(path, f"{place} #meta.action", "missing: the name of the action that leads to this state")
        if not isinstance(args, dict) or not all(isinstance(x, str) for x in args.values()):
            raise _fail(path, f"{place} #meta.args", "must map each parameter to a value label (a string)")
        sites = smeta.get("failed_sites", [])
        records = smeta.get("failed_reads", [])
        if not isinstance(records, list):
            raise _fail(path, f"{place} #meta.failed_reads", f"must be a list of objects, got {_type_name(records)}")
        if not isinstance(sites, list) or not all(isinstance(x, str) and SITE_SEP in x for x in sites):
            raise _fail(path, f"{place} #meta.failed_sites", f"must be a list of strings 'claim{SITE_SEP}site'")
        try:
            values = interp.parse_args(action, dict(args))
        except StepError as e:
            raise _fail(path, f"{place} #meta", f"{e} (design {model.design})") from None
        a = model.action(action)
        written = interp.args_dict(a, values)
        loose = [p for p, x in args.items() if written.get(p) != x]
        if loose:
            raise _fail(path, f"{place} #meta.args", f"{loose[0]} = {args[loose[0]]!r} is not a value label "
                        f"as reportcheck writes it (expected {written[loose[0]]!r})")
        steps.append(Step(action, a.kernel_name, a.kernel_file, dict(args), interp.changes(prev, encoded), state,
                          tuple(_site_record(x, records) for x in sites)))
        prev = encoded
    trace = Trace(model.key, meta["spec_digest"],
                  meta["spec_version"], meta["invariant"], states[0], tuple(steps), meta["command"])
    return LoadedTrace(path, trace, meta["engine"], meta["violated_at"], meta["tool_version"])
