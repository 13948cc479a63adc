"""The design review as a document: the six sections of ``reportcheck report``."""

from __future__ import annotations

from checker.outputs.document import BR, Block, Bullets, Code, Heading, Inline, Para, Picture, Span, Table, t, ticks
from checker.outputs.legend import INDEX_BY_VALUES, MIGRATETYPE_NOTE, WHERE_VALUES, field_lines
from checker.outputs.outcomes import initial_lines
from checker.results.stats import BmcStats, EngineStats, ExplicitStats, HypothesisStats, InductionStats, ProofStats
from checker.results.verdict import UnknownReason, Verdict
from checker.review import guards as guards_mod
from checker.review.lifecycle import Lifecycle, svg
from checker.review.run import Counterexample, GuardEvidence, JobResult, Review, design_title
from spec import ERAS, FAULTS, ModelKey, build_model
from spec.config_text import config_of
from spec.ir import Model

TITLE = "reportcheck design review: is page->index trusted when it is read?"
QUESTION = ("How do we avoid messing with ->index when the page is not in the right state of its "
            "life-cycle? Can we add some VM_BUG_ON()s here?")
ANSWER = "the value cannot be trusted unless the Reported flag is set"
ENGINE_ORDER = ("explicit", "bmc", "induction", "proof", "hypothesis")


def build(r: Review) -> list[Block]:
    cfg = config_of(r.config)
    knobs = ", ".join(f"{k} {v}" for k, v in (("--depth", r.options.depth), ("--k", r.options.k),
                      ("--examples", r.options.examples), ("--steps", r.options.steps), ("--seed", r.options.seed),
                      ("--timeout", r.options.timeout), ("--max-states", r.options.max_states)) if v is not None)
    catalogue = f"stored counterexamples from {r.catalogue}" if r.catalogue else "no stored counterexamples"
    blocks: list[Block] = [
        Heading(1, TITLE),
        Para(t(f"Designs {', '.join(r.designs)} on configuration {r.config} ({cfg.doc}), kernel era "
               f"{r.eras()}; engines {', '.join(r.engines)} ({knobs}); {catalogue}. "
               "Spec digests: " + ", ".join(f"{d} {h}" for d, h in r.spec_digests.items())
               + f". Made by `reportcheck report` in {r.seconds:.0f} s.")),
    ]
    reused = [res for res in r.results if res.stored]
    if reused:
        blocks.append(Para(t(f"{len(reused)} of {len(r.results)} engine jobs are stored results of earlier report "
                             "runs of the same question (same code, spec digest and options; their counterexamples "
                             "replayed again now): " + ", ".join(f"{res.job.label} ({res.stored})" for res in reused)
                             + ". `reportcheck report --no-cache` runs them again.")))
    if r.pending:
        blocks.append(Para(t(f"Partial report, written as the engine jobs finish: {len(r.pending)} still running "
                             f"({', '.join(r.pending)}). The lifecycle pictures, the stored counterexamples and "
                             "the guards come when every job is done.", "warn")))
    if r.problems:
        blocks += [Heading(2, "Problems"), Bullets([t(p, "warn") for p in r.problems])]
    blocks += _answer(r) + _lifecycles(r) + _counterexamples(r) + _proofs(r) + _coverage(r) + _guards(r)
    return blocks


# ------------------------------------------------------------ 1. question, answer
def _short(v: Verdict | None, res: JobResult) -> Inline:
    if v is None:
        return t("")
    name = v.engine
    if v.kind == "refuted":
        assert v.trace is not None
        return [Span(f"{name}: "), Span("refuted", "refuted"), Span(f", {len(v.trace.steps)} steps")]
    stats = res.stats
    if v.kind == "proved":
        what = {
            "explicit": f"all {stats.states if isinstance(stats, ExplicitStats) else 0:,} states of {res.job.config}",
            "bmc": f"every trace of up to {stats.depth if isinstance(stats, BmcStats) else '?'} steps",
            "induction": f"k-induction on {res.job.config}",
            "proof": "every zone size and MAX_ORDER",
        }.get(name, "")
        if v.bound is not None:  # bmc: nothing found is not a proof
            return [Span(f"{name}: "), Span(f"no counterexample up to depth {v.bound}", "proved"),
                    *_vacuity_spans(v)]
        return [Span(f"{name}: "), Span("proved", "proved"), Span(f" ({what})" if what else ""), *_vacuity_spans(v)]
    return [Span(f"{name}: "), Span("unknown", "unknown"), Span(f" ({_why_unknown(v, stats)})")]


def _vacuity_spans(v: Verdict) -> list[Span]:
    """The vacuity marker of a proof, next to its verdict word."""
    if v.vacuity is None:
        return []
    return [Span(" "), Span(v.vacuity.marker, "warn"), Span(f" ({v.vacuity.detail})")]


def _why_unknown(v: Verdict, stats: EngineStats | None) -> str:
    """The reason of an ``unknown`` verdict in a few words, from its typed reason."""
    why = v.undecided
    if why is None:
        return "undecided"
    if why.reason is UnknownReason.RANDOM_RUNS_ONLY:  # every run of every round
        return f"no violation in {stats.examples if isinstance(stats, HypothesisStats) else '?'} random runs"
    if why.reason is UnknownReason.NOT_INDUCTIVE:
        return "not inductive for every size" if v.engine == "proof" else "not k-inductive"
    return why.reason.words


def _invariant_rows(r: Review) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for d in r.designs:
        for inv in build_model(ModelKey(d, None, r.era, r.config)).invariants:
            seen.setdefault(inv.name, inv.claim)
    return list(seen.items())


def _answer(r: Review) -> list[Block]:
    out: list[Block] = [
        Heading(2, "1. The question and the answer", "answer"),
        Para([Span("The reviewer asked: "), Span(QUESTION, "bold"), Span(" The author answered that "),
              Span(ANSWER, "bold"), Span(". The claim "), Span("index_trusted", "code"),
              Span(" says every read of page->index happens when its last write means what the reader assumes.")]),
    ]
    items = []
    for d in r.designs:
        kinds = [v for res in r.results if res.job.design == d and res.job.fault is None
                 for v in res.verdicts if v.invariant == "index_trusted"]
        refuted = [v for v in kinds if v.kind == "refuted"]
        proved = [v for v in kinds if v.kind == "proved"]
        if refuted:
            shortest = min(refuted, key=lambda v: len(v.trace.steps) if v.trace else 0)
            n = len(shortest.trace.steps) if shortest.trace else 0
            items.append([Span(f"{d}: "), Span("->index is not trustworthy", "refuted"),
                          Span(f": a {n}-step sequence of kernel operations reads it when it means something else "
                               f"({shortest.engine}). {design_title(d)}")])
        elif proved and all(v.vacuity is not None and v.vacuity.marker == "vacuous" for v in proved):
            items.append([Span(f"{d}: "), Span("vacuous", "warn"),
                          Span(f": proved only because nothing was checked ({proved[0].vacuity.detail}"  # type: ignore[union-attr]
                               f"). {design_title(d)}")])
        elif proved:
            scopes = ["".join(sp.text for sp in _short(v, res)[1:]).strip() for res in r.results
                      if res.job.design == d and res.job.fault is None
                      for v in res.verdicts if v.invariant == "index_trusted" and v.kind == "proved"]
            items.append([Span(f"{d}: "), Span("->index is trustworthy", "proved"),
                          Span(f" at every read: {'; '.join(scopes)}. {design_title(d)}")])
        else:
            items.append([Span(f"{d}: "), Span("undecided", "unknown"), Span(f". {design_title(d)}")])
    out.append(Bullets(items))
    rows, classes = [], []
    for name, claim in _invariant_rows(r):
        row: list[Inline] = [[Span(name, "code"), Span(f" {claim}")]]
        for d in r.designs:
            cell: Inline = []
            for engine in ENGINE_ORDER:
                res = r.result(engine, d)
                v = next((x for x in res.verdicts if x.invariant == name), None) if res else None
                if v is not None and res is not None:
                    cell += [*([BR] if cell else []), *_short(v, res)]
            row.append(cell or t("n/a"))
        rows.append(row)
        classes.append("")
    out += [Para(t("Every claim of every design, each engine's verdict and what it covers (n/a: the design has "
                   "no such claim):")),
            Table(["claim", *r.designs], rows, classes),
            Para(t("What the engines cover: explicit explores every reachable state of the configuration "
                   "(breadth-first, so its counterexamples are shortest); bmc every trace up to its depth from the "
                   "initial state; induction the reachable states of the configuration by k-induction; proof every "
                   "number of pages, pageblocks and CPUs and every MAX_ORDER and pageblock_order (per-page claims "
                   "and read sites only); hypothesis random runs, which refute or say unknown, never prove. "
                   "'unknown' is never counted as proved."))]
    return out


# ----------------------------------------------------------------- 2. lifecycle
def _lifecycle_blocks(life: Lifecycle) -> list[Block]:
    rows = [[t(str(k)), t(a), t(b), [Span(", ".join(fns), "code")],
             t("fault only: " + ", ".join(faults), "warn") if faults else t("")]
            for k, (a, b, fns, faults) in enumerate(life.grouped(), 1)]
    alt = (f"(Picture in index.html: {len(life.nodes())} page states, {len(rows)} arrows, listed below.)")
    note = "" if life.complete else " The exploration stopped at its state limit: the picture may miss arrows."
    shown = {fn for _, _, fns, _ in life.grouped() for fn in fns}
    aliases = [f"{a} is {k}() in the kernel" for a, k in sorted(life.kernel_names.items()) if a in shown]
    return [Heading(3, f"{life.design}"),
            Para(t(f"Every transition of the {life.states:,} reachable states of {life.design}, and of its faults, "
                   f"projected onto each page; an arrow is a change of one page's state, labelled with the kernel "
                   f"operations that make it (spelt as in the counterexamples and as reportcheck replay takes them"
                   + (f"; {', '.join(aliases)}" if aliases else "")
                   + f"). Dashed red arrows only a fault adds.{note}")),
            Picture(svg(life), alt),
            Table(["#", "from", "to", "kernel operations", "fault"], rows)]


def _lifecycles(r: Review) -> list[Block]:
    out: list[Block] = [Heading(2, "2. The page lifecycle", "lifecycle")]
    if not r.lifecycles and r.pending and "explicit" in r.engines:
        return [*out, Para(t("Drawn when the explicit engine's jobs are done.", "warn"))]
    if not r.lifecycles:
        return [*out, Para(t("Not drawn: the explicit engine did not run (--engine explicit).", "warn"))]
    for d in r.designs:
        if d in r.lifecycles:
            out += _lifecycle_blocks(r.lifecycles[d])
    return out


# ----------------------------------------------------------- 3. counterexamples
def _counterexample(k: int, c: Counterexample, era: str) -> list[Block]:
    tr = c.trace
    model = build_model(tr.key)
    claim = next((i.claim for i in model.invariants if i.name == tr.invariant), "")
    variant = (f" with fault {tr.fault}" if tr.fault else "") + ("" if tr.key.era == ModelKey(tr.design, None, era).era
                                                                   else f", era {tr.key.era}")
    rows, classes = [], []
    for n, s in enumerate(tr.steps, 1):
        args = ", ".join(f"{a}={b}" for a, b in s.args.items())
        changed: Inline = []
        for ch in s.changes:
            changed += [*([BR] if changed else []), Span(f"{ch.field}: {ch.old} → {ch.new}", "mark")]
        failed: Inline = []
        for x in s.failed_sites:  # the read, then what it read, what was assumed, who wrote it when
            failed += [*([BR] if failed else []), Span(f"{x.claim} at {x.site}", "refuted")]
            failed += [p for line in x.explanation() for p in (BR, Span(line))]
        alias = [Span(f" ({s.kernel_name}() in the kernel)")] if s.kernel_name != s.action else []
        rows.append([t(str(n)), [Span(f"{s.action}({args})", "code"), *alias], t(s.kernel_file), changed or t("—"),
                     failed or t("")])
        classes.append("final" if n == len(tr.steps) else "")
    return [
        Heading(3, f"{k}. {tr.design}{variant}, {tr.config}: {tr.invariant} broken in {len(tr.steps)} steps",
                f"cex-{k}"),
        Para([Span("Broken at the end: "), Span(tr.invariant, "code"), Span(f" — {claim}. Source: {c.source}.")]),
        Para(t("The initial state (each step shows only the fields it changes):")),
        Code("\n".join(initial_lines(tr, model))),
        Table(["#", "kernel operation", "file", "fields it changed", "read sites that failed"], rows, classes),
        Para(t("Replay it:")),
        Code(c.replay_command, "sh"),
        *([Bullets([[Span(f"{o.design}: "), Span(o.outcome)] for o in c.others])] if c.others else []),
    ]


def _order(r: Review, c: Counterexample) -> tuple[object, ...]:
    """The headline first: per design, the unmodified design before its faults, the eras
    in their order, index_trusted before the other claims, stored before found."""
    tr = c.trace
    return (r.designs.index(tr.design) if tr.design in r.designs else len(r.designs), tr.fault or "",
            list(ERAS).index(tr.key.era), tr.invariant != "index_trusted", not c.source.startswith("stored"), tr.invariant)


def _counterexamples(r: Review) -> list[Block]:
    out: list[Block] = [Heading(2, "3. Counterexamples", "counterexamples"),
                        Para(t(f"{len(r.counterexamples)} counterexamples, each replayed on the concrete interpreter "
                               "before it is shown: the stored catalogue (counterexamples/) and any this run found "
                               "that the catalogue does not hold. Under each, what the other designs do with the "
                               "same kernel operations."))]
    if r.counterexamples:
        out += _legend(build_model(r.counterexamples[0].trace.key))
    for k, c in enumerate(sorted(r.counterexamples, key=lambda c: _order(r, c)), 1):
        out += _counterexample(k, c, r.era)
    return out


def _legend(model: Model) -> list[Block]:
    """What the fields of a counterexample mean (the text output prints the same legend)."""
    rows: list[list[Inline]] = [[[Span(name, "code")], t(doc)] for name, doc in field_lines(model)]
    rows += [[[Span(f"where = {k}", "code")], t(v)] for k, v in WHERE_VALUES.items()]
    rows += [[[Span(f"index_by = {k}", "code")], t(v)] for k, v in INDEX_BY_VALUES.items()]
    return [Heading(3, "How to read a counterexample", "legend"),
            Para(t(f"Every field of the model (ghost fields are bookkeeping the claims need, not kernel "
                   f"memory), and the values of where and index_by; {MIGRATETYPE_NOTE}.")),
            Table(["field or value", "meaning"], rows)]


# ------------------------------------------------------------------- 4. proofs
def _proofs(r: Review) -> list[Block]:
    out: list[Block] = [Heading(2, "4. Proof evidence", "proofs")]
    found = False
    for engine in ("proof", "induction"):
        for d in r.designs:
            res = r.result(engine, d)
            if res is None:
                continue
            found = True
            stats = res.stats
            detail = stats.claims if isinstance(stats, (InductionStats, ProofStats)) else {}
            rows = []
            for v in res.verdicts:
                info = detail.get(v.invariant)
                needed = info.needed if info is not None else None
                rests = ", ".join(needed) if needed else ("no other claim" if needed == [] else "")
                rows.append([[Span(v.invariant, "code")], t(v.word, v.kind), t(rests), t(v.scope)])
            secs = stats.seconds if stats is not None else round(res.seconds, 1)
            scope = f"Scope: {stats.scope}." if isinstance(stats, ProofStats) else ""
            out += [Heading(3, f"{engine}: {d}"),
                    Para(t(f"Solver time {secs} s. " + scope)),
                    Table(["claim", "verdict", "rests on", "what the verdict covers"], rows)]
    if not found:
        out.append(Para(t("No proof engine ran (--engine proof, --engine induction).", "warn")))
    return out


# ----------------------------------------------------------------- 5. coverage
def _coverage(r: Review) -> list[Block]:
    out: list[Block] = [Heading(2, "5. Coverage", "coverage")]
    for d in r.designs:
        res = r.result("explicit", d)
        if res is None:
            continue
        stats = res.stats
        fired = stats.action_fired if isinstance(stats, ExplicitStats) else {}
        never = [a for a, n in fired.items() if n == 0]
        # the read sites never reached are those of the vacuous proofs: the verdicts' markers say it
        vacuous = [v for v in res.verdicts if v.vacuity is not None]
        items: list[Inline] = [t("actions fired: " + ", ".join(f"{a} {n:,}" for a, n in fired.items()))]
        items += [t(f"never fired (the claims are vacuous about it): {a}", "warn") for a in never]
        items += [[Span(v.invariant, "code"), Span(": "), Span(v.word, "warn"),
                   Span(f": {v.vacuity.detail}")] for v in vacuous if v.vacuity is not None]
        if not never and not vacuous:
            items.append(t("every action fired and every read site was reached"))
        out += [Heading(3, d), Bullets(items)]
    jobs = [(res.job.fault, res.job.design) for res in r.results
            if res.job.engine == "explicit" and res.job.fault is not None]
    if not jobs:
        return out
    rows: list[list[Inline]] = []
    for fault, design in jobs:
        found = [f for f in r.faults if f.fault == fault]
        cell: Inline = []
        for f in found:
            note = "" if f.caused else f"; {design} itself breaks it on the same operations"
            cell += [*([BR] if cell else []), Span(f.invariant, "code"), Span(f" ({f.steps} steps{note})")]
        elsewhere = sorted({c.trace.config for c in r.counterexamples
                            if c.trace.fault == fault and c.trace.config != r.config})
        if not any(f.caused for f in found):
            cell += [*([BR] if cell else []),
                     *t(f"the fault itself breaks nothing on {r.config}"
                        + (f" (its stored traces are on {', '.join(elsewhere)})" if elsewhere else ""), "warn")]
        rows.append([[Span(fault, "code")], t(design), t(FAULTS[fault].description), cell])
    out += [Heading(3, "Faults"),
            Para(t(f"Each fault explored on {r.config}, and the claims it refutes (shortest counterexamples):")),
            Table(["fault", "design", "what it does", "claims it breaks"], rows)]
    caused = {f.invariant for f in r.faults if f.caused}
    refuted_anyway = {v.invariant for res in r.results if res.job.fault is None for v in res.verdicts
                      if v.kind == "refuted"}
    weak = [n for n, _ in _invariant_rows(r) if n not in caused and n not in refuted_anyway]
    items = [t(f"no fault breaks {n}, and no design does: the faults, or the claim, may be too weak", "warn")
             for n in weak]
    if refuted_anyway - caused:
        items.append(t("broken by the designs themselves, so no fault is needed to show they can fail: "
                       + ", ".join(sorted(refuted_anyway - caused))))
    return [*out, Bullets(items or [t("every claim is broken by some fault or design")])]


# ------------------------------------------------------------------- 6. guards
def _everywhere(ev: GuardEvidence) -> list[Inline]:
    a = ev.everywhere
    if a is None:
        return []
    where = f"on all {a.reads:,} reads of this site on {ev.explored}"
    if a.caught or a.missed:
        out = [t(f"{where}: fires on the {a.caught:,} where {guards_mod.INVARIANT} fails, silent on the "
                 f"{a.quiet:,} where it holds")]
    else:
        out = [t(f"{where}: {guards_mod.INVARIANT} never fails, and the guard is silent on all {a.quiet:,}")]
    if a.missed:
        who = ", ".join(f"{n:,} last written as {w}" for w, n in sorted(a.missed_writers.items()))
        out.append(t(f"silent on {a.missed:,} reads where the claim fails but the value is the one expected, "
                     f"by accident ({who}): no check of the page can tell these apart", "warn"))
    if a.false_alarms:
        out.append(t(f"fires on {a.false_alarms:,} reads where the claim holds", "warn"))
    return out



def _guards(r: Review) -> list[Block]:
    out: list[Block] = [
        Heading(2, "6. Guards for the kernel", "guards"),
        Para(t("\"Can we add some VM_BUG_ON()s here?\" For every read of page->index, the condition the spec "
               "requires at that read, without the part only the model can see (who wrote ->index last), as "
               "C for the kernel function that reads it. Each guard was evaluated on every ->index read of the "
               "stored counterexamples and of seeded random runs that read ->index correctly.")),
    ]
    if any(ev.guard.needs_free_list_mt for ev in r.guards):
        out += [Para(t("The guards of the Reported-page reads need to know which free list the page is on; the "
                       "kernel records that nowhere but in the list itself (and, in these designs, in ->index), so "
                       "a CONFIG_DEBUG_VM helper walks it:")),
                Code(guards_mod.FREE_LIST_MT_C, "c")]
    for ev in r.guards:
        g = ev.guard
        items: list[Inline] = [t(f"fires where {guards_mod.INVARIANT} fails: " + ("; ".join(ev.fires_on) or "nowhere "
                                                                                "in these traces"))]
        items.append(t(f"silent on all {ev.silent_correct_reads} reads of the correct runs"))
        items += _everywhere(ev)
        items += [t(f"silent where the claim fails (the kernel cannot see why): {m}", "warn") for m in ev.missed]
        items += [t(f"fires where the claim holds: {m}", "warn") for m in ev.false_alarms]
        items.append(t(ev.gcc, "" if "agrees" in ev.gcc else "warn"))
        out += [Heading(3, f"{g.design}: {g.function}()"),
                Para([Span("Read site: "), Span(g.site, "code"), Span(". Put it "), *ticks(g.placement), Span(".")]),
                Code(g.c, "c"), Bullets(items)]
    return out
