"""What every built model must satisfy, checked when it is built: a mistake in spec/ is an
error naming the fix, not a wrong verdict later."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import TypeVar

from spec.ir import Check, For, ForEach, If, Model, Stmt

F = TypeVar("F", bound=Callable[..., object])


class SpecError(ValueError):
    """A choice of design, fault, era or configuration that does not exist or does not
    fit, or a model that is not well formed; the message names the fix."""


def hook(fn: F) -> F:
    """Mark a method every design must define (the base's body only raises)."""
    setattr(fn, "__spec_hook__", True)  # noqa: B010 -- a marker mypy cannot see through
    return fn


def missing_hooks(builder: type) -> list[str]:
    """The hooks ``builder`` inherits without defining."""
    return sorted(n for n in dir(builder) if getattr(getattr(builder, n, None), "__spec_hook__", False))


def checks(body: tuple[Stmt, ...]) -> Iterator[Check]:
    for st in body:
        if isinstance(st, Check):
            yield st
        elif isinstance(st, If):
            yield from checks(st.then)
            yield from checks(st.orelse)
        elif isinstance(st, For | ForEach):
            yield from checks(st.body)


def _duplicates(names: list[str]) -> list[str]:
    return sorted(n for n, k in Counter(names).items() if k > 1)


def validate_model(model: Model) -> None:
    """SpecError unless action, claim and state names are unique and every read site
    (``Check``) names a claim of the model."""
    where = f"design {model.key.design}{f' fault {model.key.fault}' if model.key.fault else ''}"
    for kind, names in (("action", [a.name for a in model.actions]), ("claim", [i.name for i in model.invariants]),
                        ("state variable", [v.name for v in model.state_vars])):
        dup = _duplicates(names)
        if dup:
            raise SpecError(f"{where}: {kind} {', '.join(dup)} defined twice; give each {kind} its own name")
    claims = {i.name for i in model.invariants}
    for a in model.actions:
        for c in checks(a.body):
            if c.invariant not in claims:
                raise SpecError(f"{where}: read site {c.site!r} of action {a.name} names no claim "
                                f"{c.invariant!r}; add the claim to spec/invariants.py or fix the name")
