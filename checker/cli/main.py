"""The ``reportcheck`` command: ``list`` and ``check``.

Exit codes: 0 every checked invariant proved in its scope; 1 at least one refuted; 2 bad
input; 3 undecided (unknown, time-out) with nothing refuted.  Bad input is one line on
stderr that names the problem and the valid choices -- never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import json
import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from checker.ci.project_configs import project_configs, resolve
from checker.cli import stdout
from checker.cli.options import add_config_options, add_era_options, chosen_era
from checker.engines.registry import (
    DEFAULT_ENGINE,
    ENGINES,
    Engine,
    RunOptions,
    engines_taking,
    seconds_problem,
    verdict_cache_dir,
)
from checker.errors import UsageError
from checker.interp.concrete import Interpreter
from checker.io import spec_modules
from checker.outputs import render
from checker.outputs.formats import MACHINE_FORMATS, render_run
from checker.outputs.locations import KernelTree
from checker.results.stats import stats_json
from checker.results.verdict import BAD_INPUT, exit_code
from checker.trace.build import ReplayMismatch, model_options
from spec import (
    CONFIGS,
    DEFAULT_CONFIG,
    DEFAULT_DESIGN,
    DEFAULT_ERA,
    DESIGNS,
    ERAS,
    FAULTS,
    ModelKey,
    SpecError,
    build_model,
)
from spec.config_text import KEYS, key_of
from spec.eras import default_era
from spec.ir import Config

# per configuration: how many states the explicit engine explores unless told otherwise
# (the named ones that are not exhausted in minutes; a zone of your own, whose size nobody
# knows beforehand, gets USER_ZONE_MAX_STATES: about a GB of packed states)
DEFAULT_MAX_STATES = {"small": 400_000, "pageblock4-span": 400_000}
USER_ZONE_MAX_STATES = 20_000_000


def default_max_states(config: str) -> int | None:
    """The explicit engine's state limit for ``config`` (a model key's text) unless given."""
    if config in DEFAULT_MAX_STATES:
        return DEFAULT_MAX_STATES[config]
    return USER_ZONE_MAX_STATES if config not in CONFIGS else None


# Further subcommands (replay, ci, report, ...): each of these modules has
# ``add_parser(sub)``, which adds its subparser and sets ``func`` to a function
# ``(args) -> exit code``; bad input raises checker.errors.UsageError.
SUBCOMMAND_MODULES: list[str] = ["checker.cli.replay", "checker.cli.catalogue", "checker.ci.run", "checker.cli.report"]


CHECK_DESCRIPTION = """\
Check the claims (invariants) of one design, fault, kernel era and configuration with one
engine, and print each verdict with its scope: what it covers, in words.  A refutation
comes with the shortest sequence of kernel operations that breaks the claim (explicit,
bmc; shrunk for hypothesis), replayed on the concrete interpreter, the failing read
explained and the command that finds it again.  'reportcheck list' names the designs,
faults, eras, configurations, claims and engines."""

CHECK_EPILOG = """\
verdicts:
  proved            the claim holds in the scope (every reachable state of the configuration,
                    every size for --engine proof); '(vacuous)' when none of its read sites
                    was reached, '(partly vacuous)' when some were not
  no counterexample up to depth K
                    bmc found nothing in traces of up to K steps (longer ones not covered)
  refuted           a counterexample exists (shown, replayed)
  unknown           undecided: state limit, time-out, solver unknown, random runs only, ...

exit codes:
  0  every checked claim proved in its scope (vacuous and bounded ones included)
  1  at least one claim refuted
  2  bad input: one line on stderr naming the problem and the fix (an unknown name, an
     option the chosen engine does not take, a file that cannot be written); nothing runs
  3  undecided (unknown) with nothing refuted

examples:
  reportcheck check --design v9 --invariant index_trusted
  reportcheck check --design merged --pcp-cache off --format json
  reportcheck check --engine bmc --depth 6 --fault v9-unguarded-index-read
  reportcheck check --engine hypothesis --examples 300 --seed 0"""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)

    def _get_value(self, action: argparse.Action, arg_string: str) -> Any:
        # an empty value (--design '', --out '') is a mistake, never "the default"
        if arg_string == "" and action.nargs not in (argparse.PARSER, argparse.REMAINDER):
            name = "/".join(action.option_strings) or action.metavar or action.dest
            raise UsageError(f"{name} must not be empty; give a value or leave the option out")
        return super()._get_value(action, arg_string)


def build_parser() -> Parser:
    p = Parser(prog="reportcheck", description="Model checker for the free-page lifecycle of the "
               "Linux buddy allocator: is page->index trusted when it is read?")
    from checker.io.itf import tool_version

    p.add_argument("--version", action="version", version=f"reportcheck {tool_version()}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)
    ls = sub.add_parser("list", help="designs, faults, configurations, invariants, engines, actions")
    ls.add_argument("--json", action="store_true", help="machine-readable output")
    ls.add_argument("--pyproject", type=Path, metavar="PATH",
                    help="also list the configurations this pyproject.toml defines as [tool.reportcheck.configs.NAME] "
                         "(default ./pyproject.toml, if there is one)")
    ck = sub.add_parser("check", help="check a design's invariants", description=CHECK_DESCRIPTION,
                        epilog=CHECK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ck.add_argument("--design", help=f"design to check (default {DEFAULT_DESIGN}, or the fault's design)")
    ck.add_argument("--fault", help="a faulty variant of the design (see 'reportcheck list')")
    add_era_options(ck, "default: the design's first release, 5.3 for v9 and v10, 5.7 for merged, 6.10 for none")
    add_config_options(ck)
    ck.add_argument("--invariant", action="append", default=[], metavar="NAME",
                    help="check only this invariant (repeatable; default: all of the design's)")
    ck.add_argument("--engine", default=DEFAULT_ENGINE, help=f"engine (default {DEFAULT_ENGINE})")
    ck.add_argument("--format", choices=("text", "json", *MACHINE_FORMATS), default="text",
                    help="text, json, junit (XML) or sarif (SARIF 2.1.0)")
    ck.add_argument("--kernel-tree", metavar="PATH",
                    help="with --format sarif: your kernel source tree; each step of a counterexample points at "
                         "its kernel file there (mm/page_alloc.c at the function's line, base KERNELROOT), the "
                         "spec line becomes a related location")
    ck.add_argument("--max-states", type=int, metavar="N",
                    help="explicit: stop exploring after N states (the verdict is then 'unknown'); "
                         "default: unlimited on tiny, tiny-span, pageblock4 and tiny-wmark, 400000 on small and "
                         f"pageblock4-span, {USER_ZONE_MAX_STATES} on a zone of your own (key=value or pyproject)")
    ck.add_argument("--backend", choices=("c", "python"),
                    help="explicit: c (generated C, compiled with the system C compiler and cached) or python; "
                         "default c when a C compiler works, else python with a warning")
    ck.add_argument("--symmetry", choices=("on", "off"),
                    help="explicit: on (default) stores one state per orbit of the CPU permutations where the "
                         "model is checked to be symmetric in its CPUs (the output says whether it was, and why "
                         "not); off: every state")
    ck.add_argument("--depth", type=int, metavar="K", help="bmc: try every trace length up to K")
    ck.add_argument("--k", type=int, metavar="K", help="induction: try k = 1 .. K")
    ck.add_argument("--timeout", type=float, metavar="SECONDS",
                    help="symbolic engines: give up after this many seconds (the verdict is then 'unknown')")
    ck.add_argument("--jobs", type=int, metavar="N",
                    help="proof: ask the steps' queries in N worker processes (default: one per CPU; the verdicts "
                         "and what a proof rests on are the same for any N)")
    ck.add_argument("--examples", type=int, metavar="N", help="hypothesis: number of random runs")
    ck.add_argument("--steps", type=int, metavar="N", help="hypothesis: steps per run")
    ck.add_argument("--seed", type=int, metavar="S", help="hypothesis: seed (same seed, same trace)")
    ck.add_argument("--save", nargs="?", const=SAVE_TO_CATALOGUE, metavar="DIR",
                    help="write each counterexample as ITF JSON to CATALOGUE/<design>[-<fault>][-<era>]"
                         "[-<config>]/<invariant>.itf.json (the first era adds nothing, 6.10 'pcp-off'); "
                         "the directory is --catalogue's (--save DIR: the older spelling of --save --catalogue DIR)")
    ck.add_argument("--catalogue", metavar="DIR",
                    help="with --save: the catalogue directory (default counterexamples; the same option as "
                         "'reportcheck catalogue' and 'reportcheck report' take)")
    ck.add_argument("--force", action="store_true", help="with --save: overwrite existing files")
    ck.add_argument("--no-cache", action="store_true",
                    help="bmc, induction, proof: ask Z3 again instead of reusing a cached proved/refuted answer")
    ck.set_defaults(func=cmd_check)
    ls.set_defaults(func=cmd_list)
    for module in SUBCOMMAND_MODULES:
        importlib.import_module(module).add_parser(sub)
    for parser in sub.choices.values():
        parser.add_argument("--spec-module", action="append", default=[], metavar="PATH_OR_MODULE",
                            help="load your own design or fault from this Python file or module first "
                                 "(repeatable; see the README's 'Your own design'); installed packages' "
                                 "'reportcheck.spec' entry points load always")
    return p


def positive(name: str, value: float | None) -> None:
    if value is None:
        return
    if name == "--timeout":
        problem = seconds_problem(value)
        if problem:
            raise UsageError(f"{name} {value!r} {problem}")
    elif value <= 0:
        raise UsageError(f"{name} must be a positive number")


# the options of ``check`` that only some engines read (RunOptions fields)
ENGINE_OPTIONS = ("max_states", "backend", "symmetry", "depth", "k", "timeout", "jobs", "examples", "steps", "seed")


def refuse_ignored_options(args: argparse.Namespace, engine: Engine) -> None:
    """An option the chosen engine would ignore is bad input, naming the engines that
    take it (``--depth`` with explicit, ``--examples`` with bmc)."""
    for opt in ENGINE_OPTIONS:
        if getattr(args, opt, None) is not None and opt not in engine.takes:
            flag = "--" + opt.replace("_", "-")
            takers = engines_taking(opt)
            raise UsageError(f"{flag} is an option of engine {' and '.join(takers)}, not of {engine.name}: "
                             f"drop it or add --engine {takers[0]}")


SAVE_TO_CATALOGUE = "\x00catalogue"  # --save without DIR: write to --catalogue (no real path has a NUL)


def catalogue_dir(args: argparse.Namespace) -> str | None:
    """Where ``check --save`` writes (None: it does not save): --catalogue DIR, or the
    older ``--save DIR``, or the default catalogue."""
    if args.save is None:
        if args.catalogue is not None:
            raise UsageError("--catalogue names where --save writes; add --save")
        return None
    given = None if args.save == SAVE_TO_CATALOGUE else args.save
    if given is not None and args.catalogue is not None and given != args.catalogue:
        raise UsageError(f"--save {args.save} and --catalogue {args.catalogue} name different directories; "
                         "give --save --catalogue DIR")
    return args.catalogue or given or "counterexamples"


def cmd_list(args: argparse.Namespace) -> int:
    data = catalogue()
    data["configs"] += [config_entry(c, str(args.pyproject or "pyproject.toml"))
                        for c in project_configs(args.pyproject).values()]
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        render.print_catalogue(data)
    return 0


def catalogue() -> dict[str, Any]:
    invariants: dict[str, dict[str, Any]] = {}
    actions: dict[str, dict[str, Any]] = {}
    for d in DESIGNS:
        for era in (e for e in ERAS.values() if d in e.designs):
            m = build_model(ModelKey(d, None, era.name))
            for inv in m.invariants:
                ientry = invariants.setdefault(inv.name, {"name": inv.name, "claim": inv.claim, "source": inv.source,
                                                          "designs": [], "eras": []})
                ientry["designs"] += [] if d in ientry["designs"] else [d]
                ientry["eras"] += [] if era.name in ientry["eras"] else [era.name]
            for a in m.actions:
                entry = actions.setdefault(a.name, {
                    "name": a.name, "kernel_name": a.kernel_name, "kernel_file": a.kernel_file, "doc": a.doc,
                    "params": [p.name for p in a.params], "environment": a.environment, "designs": [], "releases": []})
                entry["designs"] += [] if d in entry["designs"] else [d]
                entry["releases"] += [r for r in a.releases if r not in entry["releases"]]
    return {
        "designs": [{"name": d.name, "title": d.title, "default": d.name == DEFAULT_DESIGN} for d in DESIGNS.values()],
        "faults": [{"name": f.name, "design": f.design, "description": f.description} for f in FAULTS.values()],
        "eras": [{"name": e.name, "releases": list(e.releases), "description": e.description,
                  "designs": list(e.designs), "pcp_cache": e.pcp_cache,
                  "default_for": [d for d in DESIGNS if default_era(d) == e.name]} for e in ERAS.values()],
        "configs": [config_entry(c) for c in CONFIGS.values()],
        "invariants": list(invariants.values()),
        "engines": [{"name": e.name, "description": e.description} for e in ENGINES.values()],
        "actions": list(actions.values()),
    }


def config_entry(c: Config, defined_in: str | None = None) -> dict[str, Any]:
    """One configuration of ``reportcheck list``: its name, what it is for, its keys (every
    key of --config key=value), and for a project's own, the file and the text models keep."""
    entry: dict[str, Any] = {"name": c.name, "description": c.doc}
    entry |= {k: list(v) if isinstance(v, tuple) else v for k in KEYS for v in (getattr(c, k),)}
    entry["default"] = c.name == DEFAULT_CONFIG and defined_in is None
    if defined_in is not None:
        entry |= {"defined_in": defined_in, "config": key_of(c),
                  "description": f"{c.doc} ({defined_in}: {key_of(c)})"}
    return entry


def cmd_check(args: argparse.Namespace) -> int:
    design = args.design or (FAULTS[args.fault].design if args.fault in FAULTS else DEFAULT_DESIGN)
    if args.engine not in ENGINES:
        raise UsageError(f"unknown engine {args.engine!r}; choose from: {', '.join(ENGINES)}")
    for flag in ("max_states", "depth", "k", "timeout", "jobs", "examples", "steps"):
        positive("--" + flag.replace("_", "-"), getattr(args, flag))
    refuse_ignored_options(args, ENGINES[args.engine])
    tree = None
    if args.kernel_tree is not None:
        if args.format != "sarif":
            raise UsageError("--kernel-tree is where SARIF points at the kernel files: add --format sarif or drop it")
        tree = KernelTree.at(args.kernel_tree, "--kernel-tree")
    config = resolve(args.config, args.pyproject)
    model = build_model(ModelKey(design, args.fault, chosen_era(args, DEFAULT_ERA, design), config))
    names = [i.name for i in model.invariants]
    for inv in args.invariant:
        if inv not in names:
            raise UsageError(f"unknown invariant {inv!r} for design {design}; choose from: {', '.join(names)}")
    chosen = list(dict.fromkeys(args.invariant)) or names
    save_dir = catalogue_dir(args)
    if save_dir is not None:  # before running: a save that cannot be written runs nothing
        from checker.io.safe_write import check_directory

        check_directory(Path(save_dir), "--catalogue")
    interp = Interpreter(model)
    max_states = args.max_states if args.max_states is not None else default_max_states(model.key.config)
    engine = ENGINES[args.engine]
    with render.progress_reporter(enabled=args.format == "text" and sys.stderr.isatty()) as progress:
        opts = RunOptions(max_states=max_states, progress=progress, backend=args.backend, depth=args.depth,
                          k=args.k, timeout=args.timeout, jobs=args.jobs, examples=args.examples, steps=args.steps, seed=args.seed,
                          symmetry=None if args.symmetry != "off" else False,
                          cache=None if args.no_cache else verdict_cache_dir())
        verdicts, stats = engine.run(interp, chosen, opts)
    if save_dir is not None:  # before printing: a refused save (exit 2) prints nothing
        from checker.io.itf import save_and_say

        save_and_say(verdicts, save_dir, args.force)
    result = {
        "design": design, "fault": args.fault, "config": model.key.config, "era": model.key.era,
        "pcp_cache": model.key.kernel.pcp_cache,
        "engine": engine.name, "spec_digest": model.digest,
        "results": [render.verdict_json(v) for v in verdicts],
        "stats": stats_json(stats),
    }
    if args.format == "json":
        print(json.dumps(result, indent=2))
    elif args.format in MACHINE_FORMATS:
        print(render_run(args.format, model, engine.name, verdicts, stats, tree))
    else:
        render.print_check(model, verdicts, stats)
        if model.key.fault and any(v.kind == "refuted" for v in verdicts):
            base = shlex.join(["reportcheck", "check", *model_options(replace(model.key, fault=None)),
                               *(a for v in verdicts if v.kind == "refuted" for a in ("--invariant", v.invariant))])
            print(f"note: a refutation is the fault's own only where design {model.key.design} keeps the claim; "
                  f"the design alone: {base}")
    return exit_code(verdicts)


def one_line(message: str) -> str:
    """An error message as one line: a newline in a file name must not split it."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        spec_modules.load_all(args.spec_module)
        code: int = args.func(args)
        return code
    except (UsageError, SpecError) as e:
        print(f"reportcheck: error: {one_line(str(e))}", file=sys.stderr)
        return BAD_INPUT
    except ReplayMismatch as e:  # an engine bug: never show an unreplayed trace
        print(f"reportcheck: internal error: {one_line(str(e))}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("reportcheck: interrupted", file=sys.stderr)
        return 3


def run() -> NoReturn:
    """The console entry point: :func:`main`, with standard output handled as Unix tools
    do (see :class:`checker.cli.stdout.GuardedStdout`): a reader that stops reading
    (``| head -1``) ends the output quietly and keeps the verdict's exit code; a closed
    or full standard output is one error line and exit code 2."""
    sys.exit(stdout.run_guarded(main))
