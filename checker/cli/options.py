"""The command-line options that choose a kernel era: ``--kernel ERA`` and its alias
``--pcp-cache on|off`` (the two eras there were when the era was a bool)."""

from __future__ import annotations

import argparse
from typing import Any

from checker.errors import UsageError
from spec import ERAS, era_of_pcp_cache


def add_era_options(parser: Any, default: str) -> None:
    """``--kernel`` and ``--pcp-cache``; ``default`` is said in the help."""
    eras = "; ".join(f"{e.name}: {e.description}" for e in ERAS.values())
    parser.add_argument("--kernel", metavar="ERA", help=f"kernel era, one of {', '.join(ERAS)} ({default}). {eras}")
    parser.add_argument("--pcp-cache", choices=("on", "off"),
                        help=f"alias of --kernel: on = {era_of_pcp_cache(True)}, off = {era_of_pcp_cache(False)}")


def chosen_era(args: argparse.Namespace, default: str) -> str:
    """The era the options name (``default`` if neither is given); UsageError for an
    unknown era or a --pcp-cache that contradicts --kernel."""
    if args.kernel is not None and args.kernel not in ERAS:
        raise UsageError(f"unknown kernel era {args.kernel!r}; choose from: {', '.join(ERAS)}")
    alias = None if args.pcp_cache is None else era_of_pcp_cache(args.pcp_cache == "on")
    if args.kernel is not None and alias is not None and alias != args.kernel:
        raise UsageError(f"--kernel {args.kernel} and --pcp-cache {args.pcp_cache} name different eras; "
                         "give one of them")
    return args.kernel or alias or default
