"""Terminal and JSON presentation of catalogues, verdicts and traces."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.table import Table

from checker.outputs.outcomes import trace_lines
from checker.results.stats import EngineStats, ExplicitStats, HypothesisStats, Progress
from checker.results.verdict import Trace, Verdict
from spec.ir import Model

MAX_CHANGES_SHOWN = 12
PIPE_WIDTH = 160  # when stdout is not a terminal (CI logs, files), do not wrap at 80


def make_console() -> Console:
    import sys

    return Console(highlight=False, width=None if sys.stdout.isatty() else PIPE_WIDTH)


def verdict_json(v: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"invariant": v.invariant, "verdict": v.kind, "scope": v.scope, "engine": v.engine}
    if v.undecided is not None:  # why it is unknown, and how far the engine got
        why = v.undecided
        out["reason"] = why.reason.name.lower()
        out.update({k: n for k, n in (("depth", why.depth), ("states", why.states), ("runs", why.runs))
                    if n is not None})
    if v.notes:
        out["notes"] = list(v.notes)
    out["trace"] = trace_json(v.trace) if v.trace else None
    return out


def trace_json(t: Trace) -> dict[str, Any]:
    d = asdict(t)
    d["steps"] = [
        {"action": s["action"], "args": s["args"], "kernel_name": s["kernel_name"],
         "kernel_file": s["kernel_file"], "changes": s["changes"], "failed_sites": s["failed_sites"],
         "state": s["state"]}
        for s in d["steps"]
    ]
    return d


def print_catalogue(data: dict[str, Any]) -> None:
    con = make_console()
    for title, key, cols in (
        ("Designs", "designs", ("name", "title")),
        ("Faults", "faults", ("name", "design", "description")),
        ("Kernel eras", "eras", ("name", "releases", "designs", "description")),
        ("Configurations", "configs", ("name", "description")),
        ("Invariants", "invariants", ("name", "designs", "eras", "claim", "source")),
        ("Engines", "engines", ("name", "description")),
        ("Actions", "actions", ("name", "kernel_name", "kernel_file", "params")),
    ):
        table = Table(title=title, title_justify="left")
        for c in cols:
            table.add_column(c, overflow="fold")
        for row in data[key]:
            table.add_row(*(", ".join(row[c]) if isinstance(row[c], list) else str(row[c]) for c in cols))
        con.print(table)


def print_check(model: Model, verdicts: list[Verdict], stats: EngineStats) -> None:
    con = make_console()
    con.print(f"reportcheck: {model.key.describe()}, spec {model.digest}")
    table = Table()
    table.add_column("invariant")
    table.add_column("verdict")
    table.add_column("engine")
    table.add_column("scope", overflow="fold")
    style = {"proved": "green", "refuted": "bold red", "unknown": "yellow"}
    for v in verdicts:
        table.add_row(v.invariant, f"[{style[v.kind]}]{v.kind}[/]", v.engine, v.scope)
    con.print(table)
    for v in verdicts:
        if v.trace:
            print_trace(con, model, v)
    print_stats(con, stats)
    notes = [n for v in verdicts for n in v.notes]
    fired = stats.action_fired if isinstance(stats, (ExplicitStats, HypothesisStats)) else {}
    never = [a for a, n in fired.items() if n == 0]
    if never:
        notes.append(f"actions that never fired (vacuity): {', '.join(never)}")
    for n in notes:
        con.print(f"[yellow]warning:[/] {n}")


def print_trace(con: Console, model: Model, v: Verdict) -> None:
    t = v.trace
    assert t is not None
    claim = next((i.claim for i in model.invariants if i.name == v.invariant), "")
    style = {"header": "bold red", "fails": "red", "step": "bold"}
    con.print()
    for kind, text in trace_lines(t, claim, MAX_CHANGES_SHOWN):
        con.print(text, style=style.get(kind), markup=False, highlight=False, soft_wrap=False, overflow="fold")


def print_stats(con: Console, stats: EngineStats) -> None:
    if isinstance(stats, HypothesisStats):  # runs, and each rule's firings
        con.print(f"\n{stats.examples:,} runs, {stats.steps_taken:,} steps, {stats.seconds} s "
                  f"({stats.examples_per_second} runs/s), seed {stats.seed}; rules fired: "
                  + ", ".join(f"{a} {n:,}" for a, n in stats.action_fired.items()))
        return
    if not isinstance(stats, ExplicitStats):
        return
    rate = stats.states_per_second
    graph = stats.graph
    line = (f"\n{stats.states:,} states, {stats.transitions:,} transitions, depth {stats.depth}, "
            f"{stats.seconds} s" + (f" ({rate:,} states/s)" if rate else "")
            + ("" if stats.complete else " -- stopped at the state limit"
               if stats.stopped_at_state_limit else " -- stopped early: every checked invariant is refuted"))
    con.print(line)
    if graph:
        con.print(f"state graph: {graph['sccs']:,} strongly connected components, "
                  f"{graph['terminal_sccs']} terminal, largest {graph['largest_scc']:,} states")
    if stats.deadlocks:
        con.print(f"[yellow]warning:[/] {stats.deadlocks} deadlocked states (no action enabled)")


@contextlib.contextmanager
def progress_reporter(enabled: bool) -> Iterator[Progress | None]:
    if not enabled:
        yield None
        return
    con = Console(stderr=True)
    with con.status("exploring...") as status:
        def update(states: int, depth: int, seconds: float) -> None:
            rate = states / seconds if seconds else 0
            status.update(f"explored {states:,} states, depth {depth}, {rate:,.0f} states/s")
        yield update
