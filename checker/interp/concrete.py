"""The concrete interpreter: initial state, successors, one step, invariants, decoding.

Every engine that runs the model on values -- explicit search, replay, Hypothesis --
goes through this class; the code it runs is compiled from the spec IR by
:mod:`checker.interp.compile`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import ClassVar

from checker.errors import ReportcheckError
from checker.interp.compile import CompiledAction, CompiledModel, compile_model
from checker.interp.layout import Layout
from checker.results.verdict import Change, FailedRead, State, Step
from spec import ModelKey, build_model
from spec.ir import Action, Model


@dataclass(frozen=True)
class Transition:
    action: int  # index into model.actions
    args: tuple[int, ...]
    target: bytes
    failed: tuple[int, ...]  # ids of the read-site checks that failed


class StepError(ReportcheckError, ValueError):
    """An action that cannot be taken: unknown, wrong arguments, or not enabled."""


class Interpreter:
    def __init__(self, model: Model, checked: bool = False, probe: bool = False) -> None:
        self.model = model
        self._checked = checked
        self._probe = probe  # record the state at each ->index read (compiled.probes)
        _ = self.compiled  # compile now: a spec that does not compile fails here

    @cached_property
    def compiled(self) -> CompiledModel:
        return compile_model(self.model, checked=self._checked, probe=self._probe)

    @cached_property
    def _detailed(self) -> CompiledModel:
        """The same model recording what each failed read site read (compiled when a
        trace first has a failed read to describe)."""
        return compile_model(self.model, checked=self._checked, detail=True)

    @property
    def layout(self) -> Layout:
        return self.compiled.layout

    @cached_property
    def _by_name(self) -> dict[str, tuple[int, CompiledAction]]:
        return {ca.action.name: (i, ca) for i, ca in enumerate(self.compiled.actions)}

    @property
    def state_invariants(self) -> dict[str, Callable[[bytes], bool]]:
        return self.compiled.invariants

    @property
    def checks(self) -> list[tuple[str, str]]:
        return self.compiled.checks

    # ---------------------------------------------------------------- running
    def initial(self) -> bytes:
        return self.compiled.init()

    def successors(self, s: bytes) -> Iterator[Transition]:
        for i, ca in enumerate(self.compiled.actions):
            for args, target, failed in ca.succ(s):
                yield Transition(i, args, target, failed)

    def action(self, name: str) -> tuple[int, CompiledAction]:
        if name not in self._by_name:
            raise StepError(f"unknown action {name!r}; actions: {', '.join(self._by_name)}")
        return self._by_name[name]

    def step(self, s: bytes, name: str, args: tuple[int, ...]) -> Transition:
        i, ca = self.action(name)
        if len(args) != len(ca.action.params):
            raise StepError(f"{name} takes {len(ca.action.params)} arguments, got {len(args)}")
        for value, p in zip(args, ca.action.params):
            if not 0 <= value < p.domain.size:
                raise StepError(f"{name}: {p.name}={value} is outside {p.domain.name} 0..{p.domain.size - 1}")
        result = ca.step(s, *args)
        if result is None:
            raise StepError(f"{name}({self.format_args(ca.action, args)}) is not enabled in this state")
        return Transition(i, args, result[0], result[1])

    def breaks(self, invariant: str, s: bytes, t: Transition | None = None) -> bool:
        """``invariant`` is false in state ``s``, or a read site of it failed on ``t``
        (the transition into ``s``, if any)."""
        if t is not None and any(self.checks[c][0] == invariant for c in t.failed):
            return True
        return invariant in self.state_invariants and not self.state_invariants[invariant](s)

    # ----------------------------------------------------------- presentation
    def decode(self, s: bytes) -> State:
        out: State = {}
        for v in self.model.state_vars:
            at = self.layout.offsets[v.name]
            out[v.name] = [v.domain.label(x) for x in s[at:at + v.length]]
        return out

    def encode(self, state: State) -> bytes:
        """Inverse of decode (for replaying stored states); raises ValueError naming the
        field that does not fit."""
        data = bytearray(self.layout.length)
        for v in self.model.state_vars:
            if v.name not in state:
                raise ValueError(f"state has no field {v.name!r}")
            values = state[v.name]
            if not isinstance(values, list) or len(values) != v.length:
                raise ValueError(f"field {v.name!r} must be a list of {v.length} values")
            at = self.layout.offsets[v.name]
            for k, label in enumerate(values):
                data[at + k] = v.domain.value_of(str(label))
        return bytes(data)

    def element_name(self, var: str, k: int) -> str:
        v = self.model.var(var)
        if not v.dims:
            return var
        idx = []
        for size in reversed([d.size for d in v.dims]):
            idx.append(k % size)
            k //= size
        return f"{var}[{']['.join(str(i) for i in reversed(idx))}]"

    # per-page fields that mean nothing while the page is not where they apply: the
    # model keeps them at 0 there, and a trace does not show them changing
    _RELEVANT: ClassVar[dict[str, tuple[str, ...]]] = {"list_mt": ("BUDDY", "PCP"), "cpu": ("PCP",), "pos": ("BUDDY", "PCP", "REPORTING"),
                 "order": ("BUDDY", "PCP", "ALLOC", "FREEING", "REPORTING"), "local_mt": ("FREEING",)}

    def changes(self, before: bytes, after: bytes) -> tuple[Change, ...]:
        out = []
        # a model without pages (a test's fixture model) has no fields to hide
        where_at = self.layout.offsets.get("where")
        where_dom = self.model.var("where").domain if where_at is not None else None
        for v in self.model.state_vars:
            at = self.layout.offsets[v.name]
            relevant = self._RELEVANT.get(v.name)
            for k in range(v.length):
                a, b = before[at + k], after[at + k]
                if a == b:
                    continue
                if relevant and where_at is not None and where_dom is not None \
                        and where_dom.label(after[where_at + k]) not in relevant:
                    continue
                if v.name == "index" and (by := self.layout.offsets.get("index_by")) is not None:
                    old, new = self.value_name("index", a, before[by + k]), self.value_name("index", b, after[by + k])
                else:
                    old, new = self.value_name(v.name, a), self.value_name(v.name, b)
                out.append(Change(self.element_name(v.name, k), old, new))
        return tuple(out)

    @staticmethod
    def format_args(action: Action, args: tuple[int, ...]) -> str:
        return ", ".join(f"{p.name}={p.domain.label(a)}" for p, a in zip(action.params, args))

    def args_dict(self, action: Action, args: tuple[int, ...]) -> dict[str, str]:
        return {p.name: p.domain.label(a) for p, a in zip(action.params, args)}

    def parse_args(self, name: str, args: dict[str, object]) -> tuple[int, ...]:
        _, ca = self.action(name)
        params = ca.action.params
        extra = set(args) - {p.name for p in params}
        if extra:
            raise StepError(f"{name} has no parameter {', '.join(sorted(extra))}")
        out = []
        for p in params:
            if p.name not in args:
                raise StepError(f"{name} needs argument {p.name!r}")
            try:
                out.append(p.domain.value_of(str(args[p.name])))
            except ValueError as e:
                raise StepError(f"{name}: {e}") from None
        return tuple(out)

    # ---------------------------------------------------------- value names
    def value_name(self, var: str, value: int, index_by: int | None = None) -> str:
        """A value of ``var`` as a reader of the kernel names it (see :func:`kernel_label`);
        ``index_by``: for ``->index``, the ghost that says what its last write meant."""
        by = None
        if index_by is not None and "index_by" in self.layout.offsets:
            by = self.model.var("index_by").domain.label(index_by)
        return kernel_label(self.model, var, self.model.var(var).domain.label(value), by)

    def named(self, state: State) -> State:
        """A decoded state with every value as :func:`kernel_label` names it."""
        bys = state.get("index_by")
        return {v: [kernel_label(self.model, v, x, bys[k] if v == "index" and bys else None)
                    for k, x in enumerate(xs)] for v, xs in state.items()}

    def _index_by_at(self, s: bytes, page: int) -> int | None:
        at = self.layout.offsets.get("index_by")
        return None if at is None else s[at + page]

    def failed_reads(self, before: bytes, t: Transition,
                     history: Sequence[tuple[str, bytes]] = ()) -> tuple[FailedRead, ...]:
        """The read sites that failed on ``t`` (its check ids, from whichever backend ran
        it), as records: the step is run again on the detailed model, which also says
        the page and values read where :func:`read_site_parts` can derive them.
        ``history``: the steps before ``t`` as (action, state after it), from the first;
        with it a record also says which step last wrote the page's ``->index`` and
        which last changed the field the reader compared it with."""
        if not t.failed:
            return ()
        result = self._detailed.actions[t.action].step(before, *t.args)
        # the detailed step returns (check id, page, value read, value expected, the variable
        # whose domain labels the values, index_by at the read, index_by required) per failed read
        found: tuple[tuple[int, int | None, int | None, int | None, str, int | None, int | None], ...] = (
            () if result is None else result[1])  # type: ignore[assignment]
        if tuple(f[0] for f in found) != t.failed:
            raise RuntimeError(f"the detailed model fails read sites {[f[0] for f in found]} on "
                               f"{self.model.actions[t.action].name}, the transition {list(t.failed)}")
        out = []
        for k, page, read, expected, labels, by_now, by_required in found:
            inv, site = self.checks[k]
            if page is None or read is None:
                out.append(FailedRead(inv, site))
                continue
            pages = self.model.var("index").dims[0]  # read_site_parts reads page->index
            by_dom = self.model.var("index_by").domain if "index_by" in self.layout.offsets else None
            record = FailedRead(
                inv, site, pages.label(page), self.value_name(labels, read, by_now),
                None if expected is None else self.value_name(labels, expected, by_required),
                read_as=None if by_dom is None or by_now is None else by_dom.label(by_now),
                assumed_as=None if by_dom is None or by_required is None else by_dom.label(by_required))
            out.append(self._with_history(record, page, read, by_now, labels, before, t, history))
        return tuple(out)

    def _with_history(self, r: FailedRead, page: int, read: int, by_now: int | None, labels: str,
                      before: bytes, t: Transition, history: Sequence[tuple[str, bytes]]) -> FailedRead:
        """``r`` with the steps that last changed the page's ->index (or its meaning) and
        the field the reader compared it with; a write within the failing step itself
        (before the read) is that step."""
        states = [self.initial(), *(s for _, s in history)]
        if len(states) < 1 or states[-1] != before:
            return r  # no history given (or not this one): say nothing rather than guess
        n = len(history) + 1  # the failing step
        name = self.model.actions[t.action].name
        idx = self.layout.offsets["index"] + page
        fields = [idx] + ([self.layout.offsets["index_by"] + page] if "index_by" in self.layout.offsets else [])
        if before[idx] != read or (by_now is not None and self._index_by_at(before, page) != by_now):
            written: tuple[int, str | None] = (n, name)
        else:
            written = self._last_change(states, history, fields)
        r = replace(r, written_at=written[0], written_by=written[1])
        v = self.model.var(labels)
        if labels != "index" and len(v.dims) == 1 and v.dims[0].name == "pfn" and r.value_expected is not None:
            at = self.layout.offsets[labels] + page
            set_at = self._last_change(states, history, [at])
            r = replace(r, expected_from=f"{labels}[{page}]", expected_set_at=set_at[0], expected_set_by=set_at[1])
        return r

    @staticmethod
    def _last_change(states: list[bytes], history: Sequence[tuple[str, bytes]],
                     offsets: list[int]) -> tuple[int, str | None]:
        for j in range(len(history), 0, -1):
            if any(states[j][o] != states[j - 1][o] for o in offsets):
                return j, history[j - 1][0]
        return 0, None

    def make_step(self, before: bytes, t: Transition, history: Sequence[tuple[str, bytes]] = ()) -> Step:
        a = self.model.actions[t.action]
        return Step(a.name, a.kernel_name, a.kernel_file, self.args_dict(a, t.args),
                    self.changes(before, t.target), self.decode(t.target), self.failed_reads(before, t, history))


MIGRATETYPE_DOMAINS = ("migratetype", "alloc_migratetype")


def kernel_label(model: Model, var: str, label: str, index_by: str | None = None) -> str:
    """A value label of ``var`` as the kernel names it: a migratetype by its enum name
    (``MOVABLE`` -> ``MIGRATE_MOVABLE``); ``->index`` by what its last write meant
    (``index_by``): a migratetype for ``pcp_mt``/``reported_mt``, ``slot k`` for a v10
    boundary slot, the owner's data as ``owner-data``, anything else (a stale value) as
    its number.  Other values keep their labels."""
    dom = model.var(var).domain
    if dom.name in MIGRATETYPE_DOMAINS:
        return "MIGRATE_" + label
    if var != "index" or index_by is None or not label.isdigit():
        return label
    value = int(label)
    mts = next((v.domain for v in model.state_vars if v.domain.name == "migratetype"), None)
    if index_by in ("pcp_mt", "reported_mt") and mts is not None and value < mts.size:
        return "MIGRATE_" + mts.label(value)
    if index_by in ("boundary_slot", "slot_pending"):
        return f"slot {value}"
    return label


@functools.cache
def interpreter(key: ModelKey) -> Interpreter:
    """The compiled model for a choice (compiling takes a few tenths of a second)."""
    return Interpreter(build_model(key))
