"""``reportcheck catalogue``: replay every stored counterexample, or regenerate them all.

Exit codes: 0 every file reproduces what it records (or the catalogue was regenerated);
1 at least one does not; 2 bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from checker.errors import UsageError, shown
from checker.io.catalogue import check_catalogue, regenerate
from checker.io.itf import DEFAULT_DIR
from checker.io.safe_write import check_directory


def add_parser(sub: Any) -> None:
    cp = sub.add_parser("catalogue", help="replay every stored counterexample (or --regenerate them)",
                        description="Replay every counterexample under the catalogue directory on the current "
                        "spec; with --regenerate, find them all again with the explicit engine and rewrite "
                        "the catalogue (a few minutes).")
    cp.add_argument("--catalogue", type=Path, default=Path(DEFAULT_DIR), metavar="DIR", dest="root",
                    help=f"catalogue directory (default {DEFAULT_DIR}; the same option as check's and report's)")
    cp.add_argument("--root", type=Path, metavar="DIR", dest="root", help=argparse.SUPPRESS)  # its old name
    cp.add_argument("--regenerate", action="store_true",
                    help="rewrite the whole catalogue from the current spec (after an intended spec change)")
    cp.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N",
                    help="with --regenerate: run N searches in parallel (default: one per CPU)")
    cp.set_defaults(func=cmd_catalogue)


def cmd_catalogue(args: argparse.Namespace) -> int:
    root: Path = args.root
    if args.regenerate:
        if args.jobs < 1:
            raise UsageError("--jobs must be at least 1")
        check_directory(root, "--catalogue")
        written, removed = regenerate(root, lambda line: print(line, file=sys.stderr, flush=True), args.jobs)
        for p in written:
            print(f"wrote {p}")
        for p in removed:
            print(f"removed {p} (no longer found)")
        print(f"{len(written)} counterexamples under {root}")
        return 0
    if not root.is_dir():
        raise UsageError(f"--catalogue {shown(root)} is not a directory of stored counterexamples; "
                         f"run from the project root or pass --catalogue DIR")
    checks = check_catalogue(root)
    for c in checks:
        print(f"{'ok  ' if c.ok else 'FAIL'} {c.path}: {c.message}")
    bad = sum(not c.ok for c in checks)
    print(f"{len(checks) - bad} of {len(checks)} stored counterexamples reproduce what they record")
    return 1 if bad else 0
