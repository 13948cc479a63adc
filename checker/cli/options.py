"""The command-line options that choose a kernel era: ``--kernel VERSION`` (an era's name
or any release it stands for) and its alias ``--pcp-cache on|off`` (the two eras there
were when the era was a bool: ``on`` is the design's first era with the migratetype
cache -- 5.3 for v9 and v10, 5.7 for merged -- and ``off`` is 6.10); and the ones that
choose a configuration: ``--config NAME|key=value,...`` and ``--pyproject PATH``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from checker.errors import UsageError
from spec import DEFAULT_CONFIG, ERAS, era_of_pcp_cache
from spec.config_text import KEYS
from spec.eras import era_choices, era_of_release, resolve_era


def add_era_options(parser: Any, default: str) -> None:
    """``--kernel`` and ``--pcp-cache``; ``default`` is said in the help."""
    eras = "; ".join(f"{e.name} ({', '.join(e.releases)}; designs {', '.join(e.designs)}): {e.description}"
                     for e in ERAS.values())
    parser.add_argument("--kernel", metavar="VERSION",
                        help=f"kernel release, one of {era_choices()} ({default}). {eras}")
    parser.add_argument("--pcp-cache", choices=("on", "off"),
                        help="alias of --kernel: on = the design's first era with the pcp migratetype cache "
                             "(5.3 for v9 and v10, 5.7 for merged), off = 6.10")


def chosen_era(args: argparse.Namespace, default: str, design: str) -> str:
    """The era the options name for ``design`` (``default`` if neither is given);
    UsageError for an unknown release or a --pcp-cache that contradicts --kernel."""
    kernel = None
    if args.kernel is not None:
        kernel = era_of_release(args.kernel)
        if kernel is None:
            raise UsageError(f"unknown kernel release {args.kernel!r}; choose from: {era_choices()}")
        kernel = resolve_era(kernel, design)
    alias = None if args.pcp_cache is None else era_of_pcp_cache(args.pcp_cache == "on", design)
    if kernel is not None and alias is not None and alias != kernel:
        raise UsageError(f"--kernel {args.kernel} and --pcp-cache {args.pcp_cache} name different eras "
                         f"for design {design} ({kernel}, {alias}); give one of them")
    return kernel or alias or default


def add_config_options(parser: Any) -> None:
    """``--config`` and ``--pyproject`` (where ``[tool.reportcheck.configs.NAME]`` tables are read)."""
    parser.add_argument("--config", default=DEFAULT_CONFIG, metavar="NAME|KEY=VALUE,...",
                        help=f"configuration (default {DEFAULT_CONFIG}): a name from 'reportcheck list', one your "
                             "pyproject.toml defines as [tool.reportcheck.configs.NAME], or key=value,... "
                             f"(keys {', '.join(KEYS)}; base=NAME starts from another than {DEFAULT_CONFIG}; "
                             "a list is a+b+c), e.g. npfn=8,pageblock_order=2,max_order=4")
    parser.add_argument("--pyproject", type=Path, metavar="PATH",
                        help="the pyproject.toml whose [tool.reportcheck.configs] --config may name "
                             "(default ./pyproject.toml, if there is one)")

