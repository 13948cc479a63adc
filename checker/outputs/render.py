"""Terminal and JSON presentation of catalogues, verdicts and traces."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from checker.outputs.legend import legend_lines
from checker.outputs.outcomes import trace_lines
from checker.results.stats import EngineStats, ExplicitStats, HypothesisStats, Progress
from checker.results.verdict import Trace, Verdict
from spec.ir import Model

MAX_CHANGES_SHOWN = 12
# when stdout is not a terminal (CI logs, files, pipes) nothing is wrapped: a table is as
# wide as its widest row and every output line is one line of the file
PIPE_WIDTH = 100_000


def make_console() -> Console:
    """A console for standard output: on a terminal as wide as the terminal (or as
    ``COLUMNS`` says; rich reads it), elsewhere plain text that is never wrapped."""
    import sys

    tty = sys.stdout.isatty()
    return Console(highlight=False, width=None if tty else PIPE_WIDTH, soft_wrap=not tty,
                   no_color=None if tty else True)


def plain(text: str) -> Text:
    """``text`` as it is: square brackets (``free_list[o][t]``) are not markup."""
    return Text(text)


def verdict_json(v: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {"invariant": v.invariant, "verdict": v.kind, "scope": v.scope, "engine": v.engine}
    if v.undecided is not None:  # why it is unknown, and how far the engine got
        why = v.undecided
        out["reason"] = why.reason.name.lower()
        out.update({k: n for k, n in (("depth", why.depth), ("states", why.states), ("runs", why.runs))
                    if n is not None})
    if v.kind == "proved":
        out["shown_as"] = v.word  # what the text output says: "no counterexample up to depth 3", vacuity
    if v.bound is not None:
        out["bound"] = v.bound
    if v.vacuity is not None:
        out["vacuity"] = {"marker": v.vacuity.marker, "unreached": list(v.vacuity.unreached),
                          "no_read_site": v.vacuity.no_read_site, "total": v.vacuity.total,
                          "detail": v.vacuity.detail}
    if v.notes:
        out["notes"] = list(v.notes)
    out["trace"] = trace_json(v.trace) if v.trace else None
    return out


def trace_json(t: Trace) -> dict[str, Any]:
    d = asdict(t)
    d["steps"] = [
        {"action": s["action"], "args": s["args"], "kernel_name": s["kernel_name"],
         "kernel_file": s["kernel_file"], "changes": s["changes"],
         "failed_sites": [f.record() for f in step.failed_sites], "state": s["state"]}
        for s, step in zip(d["steps"], t.steps)
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
            table.add_row(*(plain(", ".join(row[c]) if isinstance(row[c], list) else str(row[c])) for c in cols))
        con.print(table)


def print_check(model: Model, verdicts: list[Verdict], stats: EngineStats) -> None:
    con = make_console()
    con.print(f"reportcheck: {model.key.describe()}, spec {model.digest}", markup=False)
    table = Table()
    table.add_column("invariant")
    table.add_column("verdict")
    table.add_column("engine")
    table.add_column("scope", overflow="fold")
    style = {"proved": "green", "refuted": "bold red", "unknown": "yellow"}
    for v in verdicts:
        scope = v.scope + (f"; {v.vacuity.words}" if v.vacuity is not None else "")
        table.add_row(plain(v.invariant), Text(v.word, style=style[v.kind]), plain(v.engine), plain(scope))
    con.print(table)
    for v in verdicts:
        if v.trace:
            print_trace(con, model, v)
    if any(v.trace for v in verdicts):
        con.print()
        for line in legend_lines(model):
            con.print(line, markup=False, highlight=False, soft_wrap=True)
    print_stats(con, stats)
    notes = [n for v in verdicts for n in v.notes]
    fired = stats.action_fired if isinstance(stats, (ExplicitStats, HypothesisStats)) else {}
    never = [a for a, n in fired.items() if n == 0]
    if never:
        notes.append(f"actions that never fired (vacuity): {', '.join(never)}")
    for n in notes:
        con.print(f"[yellow]warning:[/] {escape(n)}")


def print_trace(con: Console, model: Model, v: Verdict) -> None:
    t = v.trace
    assert t is not None
    claim = next((i.claim for i in model.invariants if i.name == v.invariant), "")
    style = {"header": "bold red", "fails": "red", "step": "bold"}
    con.print()
    # soft wrap: a long line is one line (the terminal may fold it, nothing inserts a newline)
    for kind, text in trace_lines(t, claim, MAX_CHANGES_SHOWN, model):
        con.print(text, style=style.get(kind), markup=False, highlight=False, soft_wrap=True)


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
    if stats.symmetry:  # the CPU symmetry used (states are orbits), or why none
        con.print(plain(f"CPU symmetry: {stats.symmetry}"))
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
