"""The command-line options that choose a kernel era: ``--kernel VERSION`` (an era's name
or any release it stands for) and its alias ``--pcp-cache on|off`` (the two eras there
were when the era was a bool: ``on`` is the design's first era with the migratetype
cache -- 5.3 for v9 and v10, 5.7 for merged -- and ``off`` is 6.10)."""

from __future__ import annotations

import argparse
from typing import Any

from checker.errors import UsageError
from spec import ERAS, era_of_pcp_cache
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
