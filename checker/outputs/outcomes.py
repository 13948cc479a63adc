"""Verdicts judged against what was expected, for machine-readable reports.

``reportcheck check --format junit|sarif`` judges every verdict on its own (refuted is a
failure, unknown is skipped); ``reportcheck ci`` judges it against the expectation in
``[tool.reportcheck]`` (an invariant expected to be refuted passes when it is refuted).
Both hand :class:`RunReport` values to :mod:`checker.outputs.junit` and :mod:`checker.outputs.sarif`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from checker.interp.concrete import kernel_label
from checker.results.stats import EngineStats
from checker.results.verdict import Trace, Verdict
from spec.ir import Model
from spec.key import ModelKey, OfModel

Status = Literal["passed", "failed", "skipped"]
Expectation = Literal["holds", "refuted"]


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    claim: str
    status: Status
    message: str  # one line: what was found against what was expected
    expected: Expectation | None = None


@dataclass(frozen=True)
class RunReport(OfModel):
    """One engine run on one model (design, fault, era, configuration: ``key``)."""

    key: ModelKey
    engine: str
    spec_digest: str
    seconds: float
    outcomes: tuple[Outcome, ...]
    stats: EngineStats

    @property
    def title(self) -> str:
        return f"{self.key.describe()}, engine {self.engine}"

    @property
    def ident(self) -> str:
        """A dotted name for JUnit classnames: reportcheck.v9-pcp-off.explicit (the key's
        slug, its dots made underscores)."""
        return f"reportcheck.{self.key.slug().replace('.', '_')}.{self.engine}"


def claims_of(model: Model) -> dict[str, str]:
    return {i.name: i.claim for i in model.invariants}


def judge(v: Verdict, claim: str, expected: Expectation | None = None, fail_on_vacuous: bool = False) -> Outcome:
    """Pass/fail of one verdict.  Without an expectation a refutation fails; with one, a
    verdict that contradicts it fails.  ``unknown`` is skipped (the caller decides whether
    undecided verdicts fail a CI run).  A vacuous proof passes with its marker in the
    message, or fails when ``fail_on_vacuous`` (``[tool.reportcheck] fail_on_vacuous``)."""
    if v.kind == "unknown":
        want = f" (expected: {'holds' if expected == 'holds' else 'refuted'})" if expected else ""
        return Outcome(v, claim, "skipped", f"{v.invariant}: undecided{want}: {v.scope}", expected)
    scope = v.scope + (f"; {v.vacuity.words}" if v.vacuity is not None else "")
    if fail_on_vacuous and v.kind == "proved" and v.vacuity is not None and expected != "refuted":
        return Outcome(v, claim, "failed", f"{v.invariant}: {v.word}, and fail_on_vacuous is set: {scope}", expected)
    if expected is None:
        status: Status = "failed" if v.kind == "refuted" else "passed"
        return Outcome(v, claim, status, f"{v.invariant}: {v.word}: {scope}")
    ok = (v.kind == "refuted") == (expected == "refuted")
    if ok:
        return Outcome(v, claim, "passed", f"{v.invariant}: {v.word}, as expected: {scope}", expected)
    if expected == "holds":
        text = f"{v.invariant}: refuted, but it is expected to hold: {scope}"
    else:
        text = f"{v.invariant}: {v.word}, but it is expected to be refuted: {scope}"
    return Outcome(v, claim, "failed", text, expected)


def report_from(model: Model, engine: str, verdicts: list[Verdict], stats: EngineStats,
                seconds: float, expected: dict[str, Expectation] | None = None,
                fail_on_vacuous: bool = False) -> RunReport:
    claims = claims_of(model)
    outcomes = tuple(judge(v, claims.get(v.invariant, ""), (expected or {}).get(v.invariant), fail_on_vacuous)
                     for v in verdicts)
    return RunReport(model.key, engine, model.digest,
                     seconds, outcomes, stats)


def step_line(k: int, s_action: str, args: dict[str, str], kernel_file: str, kernel_name: str = "") -> str:
    """One kernel operation, spelt as everywhere (check, replay, ITF, the report): the
    action's name and arguments, as ``reportcheck`` takes them back, and its file; the
    kernel function when the action is named otherwise (``rmqueue_buddy``: ``rmqueue()``)."""
    alias = f", {kernel_name}() in the kernel" if kernel_name and kernel_name != s_action else ""
    return f"{k:>2}. {s_action}({', '.join(f'{a}={b}' for a, b in args.items())})  {kernel_file}{alias}"


Line = tuple[str, str]  # (kind, text); kind: "header", "claim", "initial", "step", "changes", "fails", "reproduce"


def initial_lines(trace: Trace, model: Model) -> list[str]:
    """The initial state once, one field a line, values named as the kernel names them."""
    out = []
    bys = trace.initial.get("index_by")
    for v in model.state_vars:
        values = trace.initial.get(v.name)
        if values is None:
            continue
        named = [kernel_label(model, v.name, x, bys[k] if v.name == "index" and bys else None)
                 for k, x in enumerate(values)]
        out.append(f"{v.name}: {', '.join(named)}")
    return out


def trace_lines(trace: Trace, claim: str = "", max_changes: int = 12, model: Model | None = None) -> list[Line]:
    """The counterexample as kernel operations, one line each with its kind, so that the
    terminal can style what plain text (JUnit failures, pytest, CI logs) prints as it is.
    With the ``model`` the trace was made on, the initial state is shown first (once)."""
    header = f"{trace.invariant} is broken after {len(trace.steps)} steps (replayed on the concrete interpreter):"
    lines: list[Line] = [("header", header)]
    if claim:
        lines.append(("claim", f"  claim: {claim}"))
    if model is not None and model.key == trace.key and model.digest == trace.spec_digest:
        lines.append(("initial", "  initial state (each step below shows only what it changes):"))
        lines += [("initial", "      " + x) for x in initial_lines(trace, model)]
    for k, s in enumerate(trace.steps, 1):
        lines.append(("step", "  " + step_line(k, s.action, s.args, s.kernel_file, s.kernel_name)))
        changes = [f"{c.field}: {c.old} -> {c.new}" for c in s.changes]
        if len(changes) > max_changes:
            changes = changes[:max_changes] + [f"... {len(changes) - max_changes} more"]
        if changes:
            lines.append(("changes", "      " + "; ".join(changes)))
        for site in s.failed_sites:
            if site.claim == trace.invariant:
                lines.append(("fails", f"      read site fails: {site.claim} at {site.site}"))
                lines += [("fails", f"        {x}") for x in site.explanation()]
    if trace.steps and not any(site.claim == trace.invariant for site in trace.steps[-1].failed_sites):
        lines.append(("fails", f"      the state after step {len(trace.steps)} breaks the claim"))
    lines.append(("reproduce", f"  reproduce: {trace.command}"))
    return lines


def trace_text(trace: Trace, claim: str = "", max_changes: int = 12, model: Model | None = None) -> str:
    """The counterexample as kernel operations, plain text (JUnit failures, pytest)."""
    return "\n".join(text for _, text in trace_lines(trace, claim, max_changes, model))
