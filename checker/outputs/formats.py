"""``reportcheck check --format junit|sarif``: one run judged on its own."""

from __future__ import annotations

import json

from checker.outputs.junit import junit_xml
from checker.outputs.locations import KernelTree
from checker.outputs.outcomes import report_from
from checker.outputs.sarif import sarif_log
from checker.results.stats import EngineStats
from checker.results.verdict import Verdict
from spec.ir import Model

MACHINE_FORMATS = ("junit", "sarif")


def render_run(fmt: str, model: Model, engine: str, verdicts: list[Verdict], stats: EngineStats,
               kernel_tree: KernelTree | None = None) -> str:
    """A refutation is a failed test case (JUnit) and an error-level result (SARIF, its
    steps in ``kernel_tree`` where one is given)."""
    report = report_from(model, engine, verdicts, stats, stats.seconds)
    if fmt == "junit":
        return junit_xml([report])
    return json.dumps(sarif_log([report], kernel_tree=kernel_tree), indent=2)
