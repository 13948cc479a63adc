"""``report.txt``: the design review as plain text that fits 72 columns, for a reply on a
mailing list (LKML, linux-mm): the verdict summary, each counterexample as numbered kernel
operations with its failing read explained, what the other designs do with the same
operations, and the guards as C.

Only what is in the :class:`~checker.review.run.Review` is written; the patch links are
lore.kernel.org searches for the posted subjects (no message id is invented).
"""

from __future__ import annotations

import textwrap
from urllib.parse import quote_plus

from checker.outputs.outcomes import step_line
from checker.results.verdict import Verdict
from checker.review.run import Counterexample, Review, design_title
from spec import ModelKey, build_model

WIDTH = 72
# the subjects the designs were posted under (spec/catalog.py titles), searched on lore
POSTED = {
    "v9": ("[PATCH v9 6/8] mm: Introduce Reported pages", "linux-mm", "Introduce Reported pages"),
    "v10": ("[PATCH v10 3/6] mm: Introduce Reported pages", "linux-mm", "Introduce Reported pages"),
    "merged": ("mm: Introduce Reported pages (Linux 5.7)", "linux-mm", "mm: Introduce Reported pages"),
}
ENGINE_ORDER = ("explicit", "proof", "induction", "bmc", "hypothesis")


def lore_search(list_name: str, subject: str) -> str:
    return f"https://lore.kernel.org/{list_name}/?q=" + quote_plus(f's:"{subject}"')


def wrap(text: str, indent: str = "", hang: str = "") -> list[str]:
    """``text`` in lines of at most WIDTH columns (a word longer than that, such as a
    URL, stays whole on its own line)."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=hang or indent,
                         break_long_words=False, break_on_hyphens=False) or [indent.rstrip()]


def wrap_command(command: str, indent: str) -> list[str]:
    """A shell command in WIDTH columns, continued with backslashes (pastes as one)."""
    lines = textwrap.wrap(command, WIDTH - 2, initial_indent=indent, subsequent_indent=indent + "  ",
                          break_long_words=False, break_on_hyphens=False)
    return [line + " \\" for line in lines[:-1]] + lines[-1:]


def wrap_c(line: str) -> list[str]:
    """A line of C in WIDTH columns: broken before the outermost ``||``/``&&`` that fits,
    else at the last space; continuation lines indented 8 more.  Preprocessor lines are
    kept whole (they would need a backslash)."""
    if len(line) <= WIDTH or line.lstrip().startswith("#"):
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    cont = lead + " " * 8
    out, rest = [], line
    while len(rest) > WIDTH:
        depth, best, best_depth = 0, -1, 1 << 30
        for i, ch in enumerate(rest[:WIDTH]):
            depth += (ch == "(") - (ch == ")")
            if rest.startswith((" || ", " && "), i) and i > len(cont) and depth <= best_depth:
                best, best_depth = i, depth
        if best < 0:
            best = rest.rfind(" ", len(cont) + 1, WIDTH)
        if best <= 0:
            break
        out.append(rest[:best].rstrip())
        rest = cont + rest[best:].lstrip()
    return [*out, rest]


def _cell(v: Verdict | None) -> str:
    if v is None:
        return "n/a"
    if v.kind == "refuted" and v.trace is not None:
        return f"refuted {len(v.trace.steps)}"
    if v.kind == "proved":
        if v.vacuity is not None:
            return "vacuous" if v.vacuity.marker == "vacuous" else "proved*"
        return f"none <={v.bound}" if v.bound is not None else "proved"
    return "unknown"


def _verdict(r: Review, design: str, invariant: str) -> Verdict | None:
    for engine in ENGINE_ORDER:
        res = r.result(engine, design)
        v = next((x for x in res.verdicts if x.invariant == invariant), None) if res else None
        if v is not None:
            return v
    return None


def _summary(r: Review) -> list[str]:
    names: list[str] = []
    for d in r.designs:
        for inv in build_model(ModelKey(d, None, r.era, r.config)).invariants:
            if inv.name not in names:
                names.append(inv.name)
    first = max([len("claim"), *(len(n) for n in names)])
    col = max(12, *(len(d) + 2 for d in r.designs))
    out = ["claim".ljust(first) + "".join(d.rjust(col) for d in r.designs)]
    out.append("-" * len(out[0]))
    for n in names:
        out.append(n.ljust(first) + "".join(_cell(_verdict(r, d, n)).rjust(col) for d in r.designs))
    out += ["", *wrap("refuted N: the shortest counterexample has N kernel operations; proved: "
                      "every reachable state of the configuration (or every size, proof); "
                      "vacuous: proved, but no read site of the claim was reached (proved*: "
                      "some were not); none <=K: bmc found no counterexample up to depth K; "
                      "unknown: undecided; n/a: the design has no such claim.")]
    return out


def _counterexample(k: int, c: Counterexample) -> list[str]:
    tr = c.trace
    model = build_model(tr.key)
    claim = next((i.claim for i in model.invariants if i.name == tr.invariant), "")
    fault = f" with fault {tr.fault}" if tr.fault else ""
    out = wrap(f"[{k}] {tr.design}{fault}, era {tr.key.era}, config {tr.config}: {tr.invariant} "
               f"broken after {len(tr.steps)} kernel operations", hang="    ")
    out += wrap(f"claim: {claim}", "    ", "      ")
    out.append("")
    for n, s in enumerate(tr.steps, 1):
        out += wrap(step_line(n, s.action, s.args, s.kernel_file, s.kernel_name), "  ", "         ")
        for f in s.failed_sites:
            if f.claim != tr.invariant:
                continue
            out += wrap(f"read site fails: {f.claim} at {f.site}", "       ", "         ")
            for line in f.explanation():
                out += wrap(line, "         ", "           ")
    if tr.steps and not any(f.claim == tr.invariant for f in tr.steps[-1].failed_sites):
        out += wrap(f"the state after step {len(tr.steps)} breaks the claim", "       ")
    out += ["", "    reproduce:", *wrap_command(c.replay_command, "      ")]
    for o in c.others:
        out += wrap(f"{o.design}: {o.outcome}", "    ", "      ")
    return out


def mail_text(r: Review) -> str:
    title = "reportcheck design review: is page->index trusted when it is read?"
    out = [title, "=" * len(title), ""]
    out += wrap(f"Designs {', '.join(r.designs)} on configuration {r.config}, kernel era {r.eras()}; "
                f"engines {', '.join(r.engines)}. Every counterexample below was replayed on the "
                "model's concrete interpreter before it was written here.")
    if r.pending:
        out += ["", *wrap(f"Partial: {len(r.pending)} engine jobs still running ({', '.join(r.pending)}).")]
    out += ["", "Designs", "-------"]
    for d in r.designs:
        out += wrap(f"{d}: {design_title(d)}", "- ", "  ")
        if d in POSTED:
            subject, lst, query = POSTED[d]
            out += wrap(f"posted as {subject}; on lore: {lore_search(lst, query)}", "  ", "  ")
    out += ["", "Summary", "-------", *_summary(r)]
    cexs = sorted(r.counterexamples, key=lambda c: (r.designs.index(c.trace.design) if c.trace.design in r.designs
                                                      else len(r.designs), c.trace.fault or "",
                                                      c.trace.invariant != "index_trusted", c.trace.invariant))
    out += ["", "Counterexamples", "---------------"]
    if not cexs:
        out.append("none")
    for k, c in enumerate(cexs, 1):
        out += ["", *_counterexample(k, c)]
    out += ["", "Guards (CONFIG_DEBUG_VM)", "------------------------"]
    if not r.guards:
        out += wrap("not evaluated yet" if r.pending else "none")
    for ev in r.guards:
        g = ev.guard
        out += ["", *wrap(f"{g.design}: {g.function}(), {g.placement.replace('`', '')}", "", "  ")]
        out += [x for line in g.c.splitlines() for x in wrap_c("    " + line)]
    return "\n".join(line.rstrip() for line in out) + "\n"
