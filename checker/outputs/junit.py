"""JUnit XML: one test case per design x invariant x engine.

A test suite per run (design, fault, era, configuration, engine) with the run's
identity as suite properties; each test case carries the verdict, its scope and the engine
as properties, and a failing case's text is the counterexample as kernel operations.
Extra suites (the counterexample catalogue, the time budget) come in as plain cases.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

from checker.outputs.outcomes import RunReport, Status, trace_text


@dataclass(frozen=True)
class PlainCase:
    """A test case that is not a verdict: a stored trace replayed, the time budget."""

    suite: str
    name: str
    status: Status
    message: str
    text: str = ""
    seconds: float = 0.0


def _props(parent: ET.Element, values: dict[str, str]) -> None:
    props = ET.SubElement(parent, "properties")
    for k, v in values.items():
        ET.SubElement(props, "property", name=k, value=v)


def _case(suite: ET.Element, classname: str, name: str, status: Status, message: str, text: str,
          seconds: float) -> None:
    case = ET.SubElement(suite, "testcase", classname=classname, name=name, time=f"{seconds:.3f}")
    if status == "failed":
        ET.SubElement(case, "failure", message=message, type="reportcheck.Failure").text = text or message
    elif status == "skipped":
        ET.SubElement(case, "skipped", message=message)
    elif text:
        ET.SubElement(case, "system-out").text = text

def _suite(root: ET.Element, name: str, statuses: list[Status], seconds: float) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name, tests=str(len(statuses)),
                         failures=str(statuses.count("failed")), errors="0",
                         skipped=str(statuses.count("skipped")), time=f"{seconds:.3f}")


def junit_xml(reports: list[RunReport], extra: list[PlainCase] | None = None) -> str:
    extra = extra or []
    root = ET.Element("testsuites", name="reportcheck")
    all_statuses: list[Status] = []
    total = 0.0
    for r in reports:
        statuses = [o.status for o in r.outcomes]
        all_statuses += statuses
        total += r.seconds
        suite = _suite(root, r.title, statuses, r.seconds)
        _props(suite, {"design": r.design, "fault": r.fault or "", "era": r.key.era,
                       "pcp_cache": "on" if r.key.kernel.pcp_cache else "off", "config": r.config, "engine": r.engine,
                       "spec_digest": r.spec_digest})
        share = r.seconds / len(r.outcomes) if r.outcomes else 0.0  # one exploration serves every case
        for o in r.outcomes:
            v = o.verdict
            case = ET.SubElement(suite, "testcase", classname=r.ident, name=f"{v.invariant} [{v.engine}]",
                                 time=f"{share:.3f}")
            values = {"verdict": v.kind, "shown_as": v.word, "scope": v.scope, "engine": v.engine}
            if v.bound is not None:
                values["bound"] = str(v.bound)
            if v.vacuity is not None:  # a proof that reached nothing (or not everything) of the claim
                values["vacuity"] = v.vacuity.marker
                values["vacuity_detail"] = v.vacuity.detail
            if v.reason is not None:
                values["reason"] = v.reason.name.lower()
            if o.expected:
                values["expected"] = o.expected
            if v.trace:
                values["trace_steps"] = str(len(v.trace.steps))
                values["reproduce"] = v.trace.command
            _props(case, values)
            text = trace_text(v.trace, o.claim) if v.trace else ""
            if o.status == "failed":
                f = ET.SubElement(case, "failure", message=o.message, type=f"reportcheck.{v.kind}")
                f.text = f"{o.message}\n{text}" if text else o.message
            elif o.status == "skipped":
                ET.SubElement(case, "skipped", message=o.message)
            elif text or v.vacuity is not None:
                ET.SubElement(case, "system-out").text = f"{o.message}\n{text}" if text else o.message
    by_suite: dict[str, list[PlainCase]] = {}
    for c in extra:
        by_suite.setdefault(c.suite, []).append(c)
    for name, cases in by_suite.items():
        statuses = [c.status for c in cases]
        all_statuses += statuses
        seconds = sum(c.seconds for c in cases)
        total += seconds
        suite = _suite(root, name, statuses, seconds)
        for c in cases:
            _case(suite, f"reportcheck.{name.replace(' ', '_')}", c.name, c.status, c.message, c.text, c.seconds)
    root.set("tests", str(len(all_statuses)))
    root.set("failures", str(all_statuses.count("failed")))
    root.set("errors", "0")
    root.set("skipped", str(all_statuses.count("skipped")))
    root.set("time", f"{total:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
