"""``proof``: claims proved for a zone of every size, by induction over one transition.

A claim is proved for every number of pages, pageblocks and CPUs when an inductive set
of per-element claims contains it (or, for a read-site claim, makes every read site
hold):

- Init => Inv                 (the initial state of a zone of any size satisfies Inv)
- Inv(s) and T(s, s') => Inv(s') and every read site of the claim holds on the way,

both asked of Z3 over :mod:`checker.interp.universal`, where the size of the zone is a symbol.
Inv is found Houdini-style: start from every claim of the design of the form "for every
page (pageblock, CPU): ..." plus the domain bound of every state variable whose values
do not grow with the zone, drop each candidate a query shows can fail, and repeat until
every query is unsat.  The candidates that remain are proved together; the verdict lists
the ones the claim needed (each support whose removal breaks the proof).

Proved means Z3 answered unsat for every query of the final set.  A query that can fail
for the claim itself gives ``unknown`` with a counterexample to induction: the sizes of
the zone, the action and its arguments, and the element that breaks the claim before and
after (the state before satisfies every remaining candidate but may be unreachable).  A
time-out or a Z3 ``unknown`` is ``unknown``, never ``proved``.

MAX_ORDER and pageblock_order are symbols too (0 < pageblock_order < MAX_ORDER, with
PAGE_REPORTING_MIN_ORDER = pageblock_order), within the model's assumptions: from v4.12 the
steal decision reads the block's movable pages, and a model is the kernel's only at its
configuration's pageblock_order (spec.page_alloc exact_only_at), so there the proof is for
that pageblock_order and every MAX_ORDER above it.  The spec's loops over orders are cut
like its walks over the zone.  What is *not* symbolic: the migratetypes and the reporting
capacity come from the configuration named; the scope says which.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import z3

from checker.engines.forked import Forked, Here, Worker, ask_all, ask_one, can_fork
from checker.engines.solver import OutOfTime, Query, SolverStats, houdini, reason_of, solve, time_left
from checker.interp.concrete import Interpreter
from checker.interp.terms import SymbolicError, Term
from checker.interp.universal import UNIT, WIDTH, Claim, Mem, Step, Universal, as_int
from checker.results.stats import ClaimOutcome, ProofStats
from checker.results.verdict import CounterexampleToInduction, Undecided, UnknownReason, Vacuity, Verdict
from spec.expr import And, Cfg, Get, Lit, Name, Op, Quant
from spec.ir import Model
from spec.walk import has_quantifier, reads, site_reads

ENGINE = "proof"
SMALL_ZONE = 64  # a counterexample to induction is looked for in a zone of at most this many pages and CPUs first


def candidates(model: Model) -> list[Claim]:
    """The design's per-element claims and the domain bound of every state variable whose
    values do not grow with the zone."""
    out: list[Claim] = []
    for inv in model.invariants:
        e = inv.expr
        # a claim with a quantifier inside (well_formed_lists counts list members) is
        # not a candidate: its over-approximation cannot hold it up, and its instances
        # would multiply the query
        if isinstance(e, Quant) and e.kind == "forall" and not has_quantifier(e.body):
            out.append(Claim(inv.name, e.var, e.sort, e.body))
    i = Name("i")
    for v in model.state_vars:
        d = v.domain
        if d.size_name or d.sort:
            continue
        value = Get(v.name, (i,) if v.dims else ())
        out.append(Claim(f"{v.name} is a {d.name}", "i", v.dims[0].name if v.dims else UNIT,
                         And(value >= 0, value < d.size)))
    return out


def sliced(model: Model, claims: Sequence[Claim]) -> frozenset[str]:
    """The state variables no candidate claim and no read site reads (list positions, CPUs,
    free counters): the proof leaves them out (any value)."""
    used = set().union(*(reads(c.body) for c in claims), *(site_reads(a.body) for a in model.actions))
    return frozenset(v.name for v in model.state_vars if v.name not in used)


def assumed(model: Model, op: str, name: str) -> int | None:
    """``k`` of an assumption ``Cfg(name) <op> k`` the model makes (a builder's
    exact_only_at: where its model is the kernel's), or None."""
    for a in model.assumptions:
        if isinstance(a, Op) and a.op == op and len(a.args) == 2:
            left, right = a.args
            if isinstance(left, Cfg) and left.name == name and isinstance(right, Lit):
                return right.value
    return None


def fixed_constant(model: Model, name: str) -> int | None:
    """The value an assumption ``Cfg(name) == k`` fixes (spec.page_alloc's exact_only_at:
    the steal decision is the kernel's at the configuration's pageblock_order), or None."""
    return assumed(model, "eq", name)


def upper_bound(model: Model, name: str) -> int | None:
    """The bound an assumption ``Cfg(name) < k`` sets (spec.highatomic's exact_only_at: the
    reserve limit is written for zones of fewer than 100 pages), or None."""
    return assumed(model, "lt", name)


def scope_of(model: Model) -> str:
    cfg = model.config
    npfn = upper_bound(model, "npfn")
    pages = "below 2^40" if npfn is None else f"below {npfn}: the model's highatomic reserve limit is the kernel's there"
    pb = fixed_constant(model, "pageblock_order")
    blocks = ("any 0 < pageblock_order < MAX_ORDER" if pb is None else
              f"pageblock_order = {pb} (pageblocks of {1 << pb} pages, any MAX_ORDER > {pb}: the model's steal "
              "decision is the kernel's only at its configuration's pageblock_order)")
    return (f"every zone size and every MAX_ORDER: any number of pages ({pages}), pageblocks and CPUs, "
            f"{blocks}, with migratetypes {'/'.join(cfg.migratetypes)} and reporting "
            f"capacity {cfg.capacity} as in config {cfg.name}")


Goal = tuple[str, str]  # ("claim", name): the claim fails after a step; ("sites", name): a read site of it fails


def step_size(step: Step) -> int:
    """How big ``step``'s formula is (the length of its constraints' text): how costly its
    queries are likely to be, for the order Houdini asks the steps in."""
    return len(z3.And(step.constraints).sexpr()) if step.constraints else 0


def claim_goals(session: Session, names: Sequence[str]) -> list[Goal]:
    """What can break the claims ``names`` in ``session``'s step: each claim failing after
    it, and each read site of a claim (a per-element claim may have some) failing on the way."""
    return [("claim", n) for n in names] + [("sites", n) for n in names if ("sites", n) in session.want]


class Prover:
    """The spec translated for every size, and the proof's questions asked of its steps.

    The steps' sessions live in shards (:class:`Shard`): one here, or one per worker
    process (``workers``), each with some of the steps, the expensive ones spread evenly.
    A question about every step goes to every shard at once: Houdini's inductive set and
    whether a set of claims is enough are facts about the claims (unsat is unsat
    whoever asks), so the verdicts and the claims a proof rests on are the same for any
    number of workers; only which counterexample to induction a solver finds may differ."""

    def __init__(self, model: Model, deadline: float | None, stats: SolverStats, claims: Sequence[Claim],
                 audit: bool = False, workers: int = 1) -> None:
        self.model = model
        self.claims = list(claims)
        self.u = Universal(model, sliced(model, claims), audit)
        self.deadline = deadline
        self.stats = stats
        t0 = time.perf_counter()
        self.steps: list[Step] = [self.u.init_step()]
        for a in model.actions:  # seconds for the whole model: the budget is asked between actions
            time_left(deadline)
            self.steps += self.u.action_steps(a)
        stats.build_seconds += time.perf_counter() - t0
        self.skolems: dict[str, z3.BitVecRef] = {}
        for c in self.claims:  # made before a worker forks, so that every worker has the same
            self.skolem(c.sort)
        self.sessions: dict[int, Session] = {}
        self._uses: dict[tuple[str, tuple[str, ...]], set[str]] = {}
        self.cost = [step_size(s) for s in self.steps]
        self.shards: list[Worker] = []
        self.workers = workers if workers > 1 and len(self.steps) > 1 and can_fork() else 1
        if self.workers == 1:
            self.shards = [Here(Shard(self, range(len(self.steps))))]
        else:
            for part in spread(self.cost, self.workers):
                self.shards.append(Forked(partial(Shard.forked, self, part)))

    def close(self, counted: bool = True) -> None:
        """End the worker processes, adding their statistics to this run's (``counted``)."""
        if self.workers > 1 and counted:
            for total in ask_all(self.shards, "statistics"):
                self.stats.add(total)
        for shard in self.shards:
            shard.close()
        self.shards = []

    def skolem(self, sort: str) -> Term:
        if sort == UNIT:
            return 0
        if sort not in self.skolems:
            self.skolems[sort] = z3.BitVec(f"some_{sort}", WIDTH)
            self.u.ranges[f"some_{sort}"] = self.u.sort_values(sort)  # the element a goal is about
        return self.skolems[sort]

    def goals(self, step: Step, claims: Sequence[Claim]) -> list[tuple[str, z3.BoolRef, str]]:
        """How ``step`` can break a claim: (claim, term, where) for every claim at every
        state the step demands it (read sites are in ``step.violations``)."""
        self.u.step = step
        fails: list[tuple[str, z3.BoolRef, str]] = []
        for c in claims:
            t = self.skolem(c.sort)
            if not isinstance(t, int):
                self.u.note_term(c.sort, t)
            for di, (pc, state, where) in enumerate(step.demanded):
                key = ("goal", c.name, di)
                if key not in step.made:
                    step.made[key] = z3.And(pc, self.u.in_sort(c.sort, t), z3.Not(self.u.claim_at(c, state, t)))
                fails.append((c.name, step.made[key], where))
        return fails

    def session(self, step: Step) -> Session:
        if id(step) not in self.sessions:
            time_left(self.deadline)  # a session takes a second or more to build: ask the budget first
            self.sessions[id(step)] = Session(self, step)
        return self.sessions[id(step)]

    def houdini(self, claims: Sequence[Claim]) -> list[Claim]:
        """The largest subset of ``claims`` that is inductive (every query unsat).  A claim
        with read sites stays only while its read sites hold too: it is kept as a whole,
        so one that is proved, or used as a support, has had its sites checked.

        Each shard answers with the largest subset of the set it is given that its own
        steps keep (:meth:`Shard.houdini`); the set goes on as what every shard kept,
        and a shard is asked again until it has kept the whole of the current set.  The
        steps are taken cheapest first, as one process takes them: first the cheapest
        step of each shard, then the next of each, and so on (a step costs the more the
        more claims it carries, and a cheap one drops claims the expensive ones then need
        not carry; measured on tiny with every step asked at once: 1.6-1.8x the CPU)."""
        names = [c.name for c in claims]
        ranked = sorted(self.cost)
        shards = len(self.shards)  # one shard takes its steps cheapest first itself
        for limit in (ranked[shards - 1::shards] if shards > 1 else []) + [ranked[-1]]:
            kept: list[list[str] | None] = [None] * len(self.shards)  # what each shard last kept: stable for it
            while (asked := [k for k, last in enumerate(kept) if last != names]):
                for k, answer in zip(asked, ask_all([self.shards[k] for k in asked], "houdini", names, limit)):
                    kept[k] = answer
                names = [n for n in names if all(last is None or n in last for last in kept)]
        return [c for c in claims if c.name in names]

    def obligations(self, target: str, assumed: Sequence[Claim], claim: Claim | None
                    ) -> tuple[CounterexampleToInduction | None, set[str]]:
        """Does every step keep ``claim`` (a per-element claim) or every read site of
        ``target`` from a state where ``assumed`` hold?  A counterexample to induction if
        not, else a minimal set of assumed claims that the proof needs: each one's removal
        makes some step's query satisfiable (unsat cores, then deletion)."""
        goals = [("claim", claim.name)] if claim is not None else []
        goals.append(("sites", target))  # a per-element claim's read sites are checked too
        names = [c.name for c in assumed]
        answers: list[Failure | set[str]] = ask_all(self.shards, "obligation", names, goals, target)
        failures = [(a.position, k) for k, a in enumerate(answers) if isinstance(a, Failure)]
        if failures:  # the first in the order one process asks them (goals, then steps)
            (gi, i), k = min(failures)
            return ask_one(self.shards[k], "counter", i, names, goals[gi], target), set()
        used = set().union(*(a for a in answers if isinstance(a, set)))
        keep = [n for n in names if n in used]
        for n in reversed(list(keep)):
            trial = [k for k in keep if k != n]
            # one shard after another, each asking its steps cheapest first: most trials
            # fail, and the first step that fails ends the trial (asked of every shard at
            # once, in the steps' order, merged's "rests on" search took 3.5-4.4 s with two
            # workers; this way 0.6 s)
            if all(ask_one(shard, "still_unsat", trial, goals) for shard in self.shards):
                keep = trial
        return None, set(keep)

    def needed(self, target: str, inductive: Sequence[Claim], claim: Claim | None) -> list[str]:
        """The claims the proof of ``target`` rests on: the ones its own queries need,
        and, in turn, the ones theirs need."""
        by_name = {c.name: c for c in inductive}
        todo = set(self.uses(target, inductive, claim))
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            if name in seen or name == target:
                continue
            seen.add(name)
            todo |= self.uses(name, inductive, by_name[name]) - seen
        return [c.name for c in inductive if c.name in seen]

    def uses(self, name: str, inductive: Sequence[Claim], claim: Claim | None) -> set[str]:
        """The claims the proof of ``name`` needs, from :meth:`obligations` (once per claim)."""
        key = (name, tuple(c.name for c in inductive))
        if key not in self._uses:
            _, self._uses[key] = self.obligations(name, inductive, claim)
        return self._uses[key]


def spread(cost: Sequence[int], n: int) -> list[list[int]]:
    """The indices of ``cost`` in ``n`` parts of about the same total: each step, the
    costliest first, goes to the part with the least so far (a few steps cost most of a proof)."""
    parts: list[list[int]] = [[] for _ in range(n)]
    load = [0] * n
    for i in sorted(range(len(cost)), key=lambda i: -cost[i]):
        k = load.index(min(load))
        parts[k].append(i)
        load[k] += cost[i]
    return [sorted(p) for p in parts if p]


@dataclass(frozen=True)
class Failure:
    """A step that can break a goal: where it is in the order of asking (the
    counterexample to induction is asked of the first one only: :meth:`Shard.counter`)."""

    position: tuple[int, int]  # (goal, step)


class Shard:
    """The sessions of some of the prover's steps (``steps``: indices into
    ``prover.steps``), and the questions :class:`Prover` asks of them."""

    def __init__(self, prover: Prover, steps: Sequence[int]) -> None:
        self.prover = prover
        self.steps = list(steps)
        self.houdini_cores: dict[int, set[str]] = {}  # per step: the core of its last unsat Houdini answer
        self.cores: dict[tuple[int, Goal], set[str]] = {}  # per step and goal: claims enough for unsat

    @classmethod
    def forked(cls, prover: Prover, steps: Sequence[int]) -> Shard:
        """The shard of a worker process, just forked from the coordinator: the statistics
        start from zero (the coordinator adds the worker's when it closes)."""
        prover.stats = SolverStats()
        prover.shards = []
        return cls(prover, steps)

    def statistics(self) -> SolverStats:
        return self.prover.stats

    def session(self, i: int) -> Session:
        return self.prover.session(self.prover.steps[i])

    def houdini(self, names: list[str], limit: int) -> list[str]:
        """The largest subset of ``names`` that every step here of cost at most ``limit`` keeps.

        A step whose last answer was unsat is not asked again while the claims of that
        answer's unsat core are all still kept: the query of a smaller set assumes a
        subset of the claims and asks about a subset of the goals (the goals are one
        disjunction, each guarded by its literal), so every model of it would be a model
        of the core's literals, which Z3 showed have none.  Houdini's last pass, which
        confirms that nothing more is dropped, is mostly answered that way."""
        def consecution(i: int) -> Query[str]:
            session = self.session(i)

            def query(current: list[str]) -> set[str] | None:  # the claims the step can break
                if not current:
                    return None
                core = self.houdini_cores.get(i)
                if core is not None and core <= set(current):
                    self.prover.stats.reused_cores += 1
                    return None
                r, failing, used = session.ask(current, claim_goals(session, current))
                if r == z3.unsat:
                    self.houdini_cores[i] = used
                    return None
                return failing
            return query

        # cheapest step first: a cheap step's counterexample drops a claim before an
        # expensive step's query carries it (measured on tiny: the proof of both trust
        # claims 12.1 -> 9.1 CPU s on merged, 18.1 -> 14.9 on v9, 20.6 -> 14.0 on v10)
        by_cost = sorted((i for i in self.steps if self.prover.cost[i] <= limit), key=lambda i: self.prover.cost[i])
        kept, stable = houdini(names, [consecution(i) for i in by_cost])
        if not stable:  # a sat answer names the claims that fail in its model
            raise SymbolicError("a consecution query failed without breaking a candidate claim")
        return kept

    def asked(self, goals: Sequence[Goal]) -> list[tuple[tuple[int, int], int, Goal]]:
        """(position, step, goal) for each goal of each step here that can have it."""
        return [((gi, i), i, g) for gi, g in enumerate(goals) for i in self.steps if g in self.session(i).want]

    def obligation(self, names: list[str], goals: list[Goal], target: str) -> Failure | set[str]:
        """The first goal of a step here that can fail from a state where ``names`` hold,
        or the assumed claims the unsat answers used (their unsat cores)."""
        used: set[str] = set()
        for position, i, goal in self.asked(goals):
            session = self.session(i)
            r, _, core = session.ask(names, [goal])
            if r == z3.sat:
                return Failure(position)
            used |= core
            self.cores[(i, goal)] = core
        return used

    def counter(self, i: int, names: list[str], goal: Goal, target: str) -> CounterexampleToInduction:
        """The counterexample to induction of step ``i``, which :meth:`obligation` found can break ``goal``."""
        return self.session(i).counter(names, goal, target)

    def still_unsat(self, assumed: list[str], goals: list[Goal]) -> bool:
        """Is every goal of every step here still unsat assuming only ``assumed``?  Without
        asking where an earlier unsat core of the step and goal lies within ``assumed``."""
        for _, i, goal in sorted(self.asked(goals), key=lambda a: self.prover.cost[a[1]]):  # cheapest first
            known = self.cores.get((i, goal))
            if known is not None and known <= set(assumed):
                continue
            r, _, core = self.session(i).ask(assumed, [goal])
            if r != z3.unsat:
                return False
            self.cores[(i, goal)] = core
        return True


class Session:
    """Every query about one step, on one incremental solver.

    The step, the instances of every candidate claim and every goal (a claim failing
    after the step, or a read site of a claim failing on the way) are added once, each
    guarded by a literal; a query names the claims it assumes and the goals it asks
    about by those literals.  Houdini and the "rests on" search ask the same step many
    times with different sets, and the solver keeps what it learnt in between (measured:
    several times faster than a fresh solver per query).  Instances of a claim that a
    query does not assume are inert, and extra instances of the step's quantifiers are
    true facts, so each answer is the one the query alone would get.  The queries are
    quantifier-free (the translation instantiates every quantifier), and Z3's solver for
    that logic answers them about twice as fast as its default one on v10."""

    def __init__(self, prover: Prover, step: Step) -> None:
        self.prover = prover
        self.step = step
        u = prover.u
        claims = prover.claims
        fails: dict[tuple[str, str], list[tuple[z3.BoolRef, str]]] = {}
        for name, f, where in prover.goals(step, claims):
            fails.setdefault(("claim", name), []).append((f, where))
        for target, sites in step.violations.items():
            for bad, site in sites:
                fails.setdefault(("sites", target), []).append((bad, site))
        self.fails = fails
        by_claim, quantifiers = u.instances(step, claims)
        self.assume = {c.name: z3.Bool(f"assume {c.name}") for c in claims}
        self.want = {g: z3.Bool(f"goal {g[0]} {g[1]}") for g in fails}
        self.small = z3.Bool("a zone of at most 64 pages and CPUs")
        s = z3.SolverFor("QF_UFBV")
        s.set("unsat_core", True)
        s.add(*u.size_constraints(), *step.constraints, *quantifiers)
        for name, inst in by_claim.items():
            s.add(z3.Implies(self.assume[name], z3.And(inst)))
        if fails:
            s.add(z3.Or([z3.And(self.want[g], z3.Or([f for f, _ in fs])) for g, fs in fails.items()]))
        if "npfn" in u.sizes:
            s.add(z3.Implies(self.small, z3.ULE(u.sizes["npfn"], SMALL_ZONE)))
        if "ncpu" in u.sizes:  # and as many CPUs at most (a counterexample with 2^34 CPUs reads badly)
            s.add(z3.Implies(self.small, z3.ULE(u.sizes["ncpu"], SMALL_ZONE)))
        self.solver = s
        self.model: z3.ModelRef | None = None  # of the last sat answer

    def ask(self, assumed: Sequence[str], goals: Sequence[tuple[str, str]], small: bool = False
            ) -> tuple[z3.CheckSatResult, set[str], set[str]]:
        """Can one of ``goals`` happen in this step from a state where ``assumed`` hold?
        Sat: the claims whose goals fail in the model.  Unsat: the assumed claims the
        answer used (an unsat core)."""
        picked = set(goals)
        lits = [self.assume[n] for n in assumed]
        lits += [w if g in picked else z3.Not(w) for g, w in self.want.items()]
        if small:
            lits.append(self.small)
        r = solve(self.solver, self.prover.deadline, self.prover.stats, lits)
        if r == z3.sat:
            m = self.solver.model()
            self.model = m
            failing = {g[1] for g in picked
                       if any(z3.is_true(m.eval(f, model_completion=True)) for f, _ in self.fails[g])}
            return r, failing, set()
        by_lit = {self.assume[n].get_id(): n for n in assumed}
        core = {by_lit[x.get_id()] for x in self.solver.unsat_core() if x.get_id() in by_lit}
        return r, set(), core

    def counter(self, assumed: Sequence[str], goal: tuple[str, str], target: str) -> CounterexampleToInduction:
        """The failure of ``goal``, in a zone of at most SMALL_ZONE pages and CPUs if there is one."""
        r, _, _ = self.ask(assumed, [goal], small=True)
        if r != z3.sat:
            self.ask(assumed, [goal])
        m = self.model
        assert m is not None
        where = next(w for f, w in self.fails[goal] if z3.is_true(m.eval(f, model_completion=True)))
        claim = next((c for c in self.prover.claims if c.name == goal[1]), None) if goal[0] == "claim" else None
        return decode_cti(self.prover, self.step, m, where, None if claim is None else claim.sort)


def decode_cti(p: Prover, step: Step, m: z3.ModelRef, where: str, sort: str | None) -> CounterexampleToInduction:
    """The failing step of a sat answer, for a zone of the model's sizes: the action, its
    arguments, and -- when a per-element claim breaks (``sort``: its sort) -- the fields of
    the element that breaks it, before and after (and the scalars).  A read site that
    fails is about no element of a claim: the goal's element is then free in the model
    (it was a pfn of 2^41 and up, shown as a negative number), so none is named."""
    def val(t: Term) -> int:
        v = m.eval(as_int(t), model_completion=True)
        return v.as_signed_long() if isinstance(v, z3.BitVecNumRef) else 0

    sizes = {n: val(s) for n, s in p.u.sizes.items()}
    action = p.model.action(step.action) if step.action != "init" else None
    args = {}
    if action is not None:
        for prm in action.params:
            args[prm.name] = prm.domain.label(val(step.params[prm.name]))
    skolem = p.skolems.get(sort) if sort is not None and sort != UNIT else None
    elem = val(skolem) if skolem is not None else 0
    before: dict[str, list[str]] = {}
    after: dict[str, list[str]] = {}
    final = step.demanded[-1][1]
    for v in p.model.state_vars:
        if v.name in p.u.sliced or sort is None or (v.dims and (skolem is None or v.dims[0].name != sort)):
            continue
        def get(value: Term) -> Term:
            return p.u.select(value, elem) if isinstance(value, Mem) else value

        if step.pre is not None:
            before[v.name] = [v.domain.label(val(get(step.pre[v.name])))]
        after[v.name] = [v.domain.label(val(get(final[v.name])))]
    element = None if sort is None else f"{sort} {elem}" if skolem is not None else "the zone's scalars"
    return CounterexampleToInduction(step.action, args, before, after, sizes, element, where)


def cti_text(cti: CounterexampleToInduction) -> str:
    """The counterexample to induction of a proof for every size, in words."""
    zone = ", ".join(f"{k}={v}" for k, v in cti.sizes.items())
    changed = [f"{k} {' '.join(cti.before.get(k, ['?']))}->{' '.join(v)}" for k, v in cti.changed.items()]
    if cti.element is None:  # a read site that fails
        return f"in a zone with {zone}, {cti.call()} breaks it at {cti.where}"
    return (f"in a zone with {zone}, {cti.call()} breaks it at {cti.where} for {cti.element} "
            f"({'; '.join(changed) or 'no field of it changes'})")


def check(interp: Interpreter, invariants: list[str], timeout: float | None = None, workers: int = 1
          ) -> tuple[list[Verdict], ProofStats]:
    """The claims ``invariants`` proved for every size, or unknown with the reason.
    ``workers``: processes to ask the steps' queries in (forked here; 1 or where a
    process cannot fork: in this one)."""
    t0 = time.perf_counter()
    model = interp.model
    stats = SolverStats()
    deadline = None if timeout is None else t0 + timeout
    cands = candidates(model)
    by_name = {i.name: i for i in model.invariants}
    verdicts: list[Verdict] = []
    detail: dict[str, ClaimOutcome] = {}
    scope = scope_of(model)
    try:
        prover = Prover(model, deadline, stats, cands, workers=workers)
    except SymbolicError as e:
        return [Verdict.unknown(ENGINE, i, f"the spec cannot be translated for every size: {e}",
                                Undecided(UnknownReason.NOT_TRANSLATABLE)) for i in invariants], \
            ProofStats(scope=scope, untranslatable=str(e), **stats.fields(t0))
    except OutOfTime as e:  # while translating, before the first query
        return [Verdict.unknown(ENGINE, i, f"proof for every size did not finish: {e} (while translating the spec)",
                                Undecided(reason_of(e))) for i in invariants], \
            ProofStats(scope=scope, claims={i: ClaimOutcome(outcome="timeout") for i in invariants},
                       **stats.fields(t0))
    try:
        inductive: list[Claim] | None = None
        for name in invariants:
            inv = by_name[name]
            claim = next((c for c in cands if c.name == name), None)
            has_sites = any(step.violations.get(name) for step in prover.steps)
            if claim is None and inv.expr is not None:
                verdicts.append(Verdict.unknown(ENGINE, name, "not a claim about every page, pageblock or CPU: "
                                                "the proof engine handles those and read sites",
                                                Undecided(UnknownReason.NOT_A_PER_PAGE_CLAIM)))
                detail[name] = ClaimOutcome(outcome="unsupported")
                continue
            try:
                if inductive is None:
                    inductive = prover.houdini(cands)
                kept = [c for c in inductive if c.name != name]
                cti = None
                if claim is None:  # a read-site claim: do the inductive claims make every site hold?
                    cti, _ = prover.obligations(name, kept, None)
                elif claim not in inductive:
                    # a counterexample from a state where the claim itself holds too: Houdini
                    # dropped it for such a state (its set then held this one and more)
                    cti, _ = prover.obligations(name, [*kept, claim], claim)
                    if cti is None:
                        raise SymbolicError(f"{name} was dropped by Houdini, yet every step keeps it "
                                            "from the inductive set: a bug of the proof engine")
                needed = prover.needed(name, inductive, claim) if cti is None else []
            except OutOfTime as e:
                verdicts.append(Verdict.unknown(ENGINE, name, f"proof for every size did not finish: {e}",
                                                Undecided(reason_of(e))))
                detail[name] = ClaimOutcome(outcome="timeout")
                continue
            if cti is not None:
                verdicts.append(Verdict.unknown(ENGINE, name, (
                    f"not proved for every size: no inductive strengthening among the design's claims and the domain "
                    f"bounds makes it hold. Counterexample to induction (from a state where the {len(kept)} inductive "
                    f"claims{' and the claim itself' if claim is not None else ''} hold, which may be unreachable): "
                    f"{cti_text(cti)}"), Undecided(UnknownReason.NOT_INDUCTIVE, cti=cti)))
                detail[name] = ClaimOutcome(outcome="not inductive", inductive_claims=[c.name for c in kept],
                                            counterexample_to_induction=cti)
                continue
            # a read-site claim of which the design has no read site: proved, and vacuous (marked)
            vacuity = None if (claim is not None or has_sites) else Vacuity(no_read_site=True, total=True)
            verdicts.append(Verdict.proved(ENGINE, name, (
                f"{scope}: Init => Inv and Inv and T => Inv' (Z3 unsat) for an inductive set of "
                f"{len(inductive) + (claim is None)} claims; it rests on {', '.join(needed) if needed else 'no other claim'}"),
                vacuity=vacuity))
            detail[name] = ClaimOutcome(outcome="proved", inductive_set=[c.name for c in inductive], needed=needed)
    except BaseException:
        prover.close(counted=False)
        raise
    prover.close()
    return verdicts, ProofStats(scope=scope, claims=detail, reused_cores=stats.reused_cores,
                                workers=prover.workers, **stats.fields(t0))
