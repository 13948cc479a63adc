"""SARIF 2.1.0: one rule per invariant, one result per refutation.

Each result has a code flow whose thread-flow locations are the counterexample's steps,
with the kernel function and file as a logical location and the full state after the step
as the location's ``state``.  The physical location of a step is, with a kernel tree
(``--kernel-tree``, ``[tool.reportcheck] kernel_tree``) that has the file, the kernel file
relative to the base ``KERNELROOT`` (the tree, in ``originalUriBaseIds``) at the line that
defines the function -- so the result resolves in a downstream kernel repository -- and
the spec line of the action (found by :mod:`checker.outputs.locations`, relative to
``SRCROOT``, the directory that holds spec/) is a related location of the result, which
the step names in its ``relationships``.  Without a tree, or where the tree has no such
file, the spec line is the physical location.  ``partialFingerprints`` are hashes of what
identifies a finding (rule, design, fault, era, configuration) and of the trace itself,
so they are the same on every run of the same spec.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from checker.interp.concrete import interpreter
from checker.io.itf import tool_version
from checker.outputs.locations import SPEC_ROOT, KernelTree, SourceLocation, action_location, claim_location
from checker.outputs.outcomes import Outcome, RunReport, step_line
from checker.results.verdict import State, Step, Trace
from spec.validate import checks

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "SRCROOT"
KERNELROOT = "KERNELROOT"


def rule_name(invariant: str) -> str:
    """index_trusted -> IndexTrusted (SARIF rule names are identifiers)."""
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", invariant) if part)


def _text(s: str) -> dict[str, str]:
    return {"text": s}


def state_object(state: State) -> dict[str, dict[str, str]]:
    return {var: _text(", ".join(values)) for var, values in state.items()}


def _fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def _physical(base: str, src: SourceLocation) -> dict[str, Any]:
    out: dict[str, Any] = {"artifactLocation": {"uri": src.path, "uriBaseId": base}}
    if src.line > 0:
        out["region"] = {"startLine": src.line}
    return out


def step_location(design: str, k: int, s: Step, tree: KernelTree | None = None,
                  spec_id: int | None = None) -> dict[str, Any]:
    """The step as a SARIF location.  ``spec_id``: the id of the result's related location
    that is the action's spec line (named in ``relationships`` when the kernel file is the
    physical location)."""
    loc: dict[str, Any] = {}
    kernel = tree.location(s.kernel_file, s.kernel_name) if tree is not None else None
    src = action_location(design, s.action)
    if kernel is not None:
        loc["physicalLocation"] = _physical(KERNELROOT, kernel)
        if spec_id is not None:
            loc["relationships"] = [{"target": spec_id, "kinds": ["relevant"],
                                     "description": _text("the spec line that models this kernel function")}]
    elif src is not None:
        loc["physicalLocation"] = _physical(SRCROOT, src)
    loc["logicalLocations"] = [{"name": s.kernel_name, "fullyQualifiedName": f"{s.kernel_file}:{s.kernel_name}",
                                "kind": "function"}]
    loc["message"] = _text(step_line(k, s.action, s.args, s.kernel_file, s.kernel_name).strip())
    loc["properties"] = {"kernel_file": s.kernel_file, "kernel_name": s.kernel_name}
    return loc


def spec_locations(trace: Trace) -> dict[str, dict[str, Any]]:
    """Action -> the result's related location for its spec line (ids from 1, in the order
    the actions first occur in the trace)."""
    out: dict[str, dict[str, Any]] = {}
    for s in trace.steps:
        src = action_location(trace.design, s.action)
        if src is None or s.action in out:
            continue
        out[s.action] = {"id": len(out) + 1, "physicalLocation": _physical(SRCROOT, src),
                         "message": _text(f"{s.action}: the spec of {s.kernel_file}:{s.kernel_name}()")}
    return out


def code_flow(trace: Trace, tree: KernelTree | None = None,
              related: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    locations = []
    ids = {a: int(r["id"]) for a, r in (related or {}).items()}
    for k, s in enumerate(trace.steps, 1):
        failed = [f.record() for f in s.failed_sites if f.claim == trace.invariant]
        tfl: dict[str, Any] = {
            "location": step_location(trace.design, k, s, tree, ids.get(s.action)),
            "state": state_object(s.state),
            "executionOrder": k,
            "nestingLevel": 0,
            "kinds": ["call"],
            "properties": {"action": s.action, "args": s.args, "kernel_file": s.kernel_file,
                           "changes": [f"{c.field}: {c.old} -> {c.new}" for c in s.changes],
                           "failed_sites": failed},
        }
        if failed:
            tfl["importance"] = "essential"
        locations.append(tfl)
    return {"message": _text(f"reproduce: {trace.command}"),
            "threadFlows": [{"message": _text(f"{len(trace.steps)} kernel operations from the initial state"),
                             "initialState": state_object(trace.initial), "locations": locations}]}


def result(r: RunReport, o: Outcome, rule_index: int, tree: KernelTree | None = None) -> dict[str, Any]:
    v = o.verdict
    t = v.trace
    assert t is not None
    last = t.steps[-1] if t.steps else None
    where = r.key.describe()
    # the era's fingerprint part: "True"/"False" for the two eras that were the bool pcp_cache
    identity = (v.invariant, r.design, r.fault or "", r.key.kernel.fingerprint, r.config)
    expectation = {"refuted": " (expected)", "holds": " (expected to hold)"}.get(o.expected or "", "")
    reads = [f for f in (last.failed_sites if last else ()) if f.claim == v.invariant]
    related = spec_locations(t) if tree is not None else {}
    ids = {a: int(x["id"]) for a, x in related.items()}
    why = "".join(f" At step {len(t.steps)}, {f.site}: " + "; ".join(f.explanation()) + "." for f in reads
                  if f.explanation())
    out: dict[str, Any] = {
        "ruleId": v.invariant,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": "warning" if o.status == "passed" else "error",
        "message": _text(f"{v.invariant} is refuted{expectation} in {where} after {len(t.steps)} kernel operations "
                         f"(engine {v.engine}); the claim: {o.claim}.{why}"),
        "locations": [step_location(r.design, len(t.steps), last, tree, ids.get(last.action))] if last else [],
        "codeFlows": [code_flow(t, tree, related)],
        "partialFingerprints": {
            "reportcheckFinding/v1": _fingerprint(*identity),
            "reportcheckTrace/v1": _fingerprint(*identity,
                                                *(f"{s.action}{sorted(s.args.items())}" for s in t.steps)),
        },
        "properties": {"design": r.design, "fault": r.fault, "era": r.key.era, "pcp_cache": r.key.kernel.pcp_cache,
                       "config": r.config,
                       "engine": v.engine, "spec_digest": r.spec_digest, "scope": v.scope,
                       "expected": o.expected, "reproduce": t.command,
                       "failed_reads": [f.record() for f in reads]},
    }
    if related:
        out["relatedLocations"] = list(related.values())
    return out


def vacuity_locations(r: RunReport, invariant: str, unreached: tuple[str, ...]) -> list[dict[str, Any]]:
    """Where a reviewer looks at a vacuous proof: the spec line (and kernel function) of
    each action holding a read site never reached; with none, the claim's own line."""
    out: list[dict[str, Any]] = []
    for a in interpreter(r.key).model.actions:
        sites = [c.site for c in checks(a.body) if c.invariant == invariant and c.site in unreached]
        src = action_location(r.design, a.name)
        if not sites or src is None:
            continue
        out.append({"physicalLocation": _physical(SRCROOT, src),
                    "logicalLocations": [{"name": a.kernel_name, "fullyQualifiedName": f"{a.kernel_file}:{a.kernel_name}",
                                          "kind": "function"}],
                    "message": _text(f"never reached: {'; '.join(sites)}")})
    claim = claim_location(invariant)
    if not out and claim is not None:
        out.append({"physicalLocation": _physical(SRCROOT, claim),
                    "message": _text(f"the claim {invariant}: no read site of it was reached")})
    return out


def vacuous_result(r: RunReport, o: Outcome, rule_index: int) -> dict[str, Any]:
    """A proof that reached nothing (or not every read site) of its claim: a result for a
    reviewer to look at (kind ``review``), an error when ``fail_on_vacuous`` failed it;
    located at the read sites never reached (or the claim)."""
    v = o.verdict
    assert v.vacuity is not None
    failed = o.status == "failed"
    return {
        "locations": vacuity_locations(r, v.invariant, v.vacuity.unreached),
        "ruleId": v.invariant,
        "ruleIndex": rule_index,
        "kind": "fail" if failed else "review",
        "level": "error" if failed else "none",
        "message": _text(f"{v.invariant} is {v.word} in {r.key.describe()} (engine {v.engine}): "
                         f"{v.vacuity.detail}; the claim: {o.claim}"),
        "partialFingerprints": {"reportcheckVacuity/v1": _fingerprint(
            v.invariant, r.design, r.fault or "", r.key.kernel.fingerprint, r.config, *v.vacuity.unreached)},
        "properties": {"design": r.design, "fault": r.fault, "era": r.key.era, "config": r.config,
                       "engine": v.engine, "spec_digest": r.spec_digest, "scope": v.scope,
                       "vacuity": v.vacuity.marker, "unreached": list(v.vacuity.unreached),
                       "no_read_site": v.vacuity.no_read_site},
    }


def _bases(tree: KernelTree | None) -> dict[str, Any]:
    out: dict[str, Any] = {SRCROOT: {"description": _text("the directory that holds spec/ (reportcheck's source)")}}
    if tree is not None:  # the paths are absolute already: the spec's base gets its own, for local viewers
        out[SRCROOT]["uri"] = SPEC_ROOT.as_uri() + "/"
        out[KERNELROOT] = {"uri": tree.uri, "description": _text("the kernel source tree (--kernel-tree)")}
    return out


def sarif_log(reports: list[RunReport], notifications: list[str] | None = None,
              successful: bool = True, kernel_tree: KernelTree | None = None) -> dict[str, Any]:
    """The SARIF log of ``reports``; ``notifications`` are failures that are not
    refutations (a fault that survived, a stale stored trace, the time budget).
    ``kernel_tree``: the user's kernel tree, where the steps' kernel files are found."""
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    for r in reports:
        for o in r.outcomes:
            inv = o.verdict.invariant
            if inv not in index:
                index[inv] = len(rules)
                rules.append({"id": inv, "name": rule_name(inv), "shortDescription": _text((o.claim or inv).split(";")[0]),
                              "fullDescription": _text(o.claim or inv),
                              "defaultConfiguration": {"level": "error"},
                              "help": _text(f"reproduce a refutation with the command in its code flow; "
                                            f"claim: {o.claim or inv}"),
                              "properties": {"tags": ["model-checking", "linux-mm", "page-reporting"]}})
            if o.verdict.kind == "refuted" and o.verdict.trace is not None:
                results.append(result(r, o, index[inv], kernel_tree))
            elif o.verdict.vacuity is not None:
                results.append(vacuous_result(r, o, index[inv]))
    invocation: dict[str, Any] = {"executionSuccessful": successful}
    if notifications:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": _text(n)} for n in notifications]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "reportcheck", "version": tool_version(), "rules": rules}},
            "originalUriBaseIds": _bases(kernel_tree),
            "invocations": [invocation],
            "results": results,
            "properties": {"runs": [{"design": r.design, "fault": r.fault, "era": r.key.era,
                                     "pcp_cache": r.key.kernel.pcp_cache,
                                     "config": r.config, "engine": r.engine, "spec_digest": r.spec_digest,
                                     "seconds": round(r.seconds, 3)} for r in reports]},
        }],
    }
