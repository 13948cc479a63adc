"""A configuration as text: the name of a named one (``tiny``) or ``key=value,...``.

``--config npfn=8,pageblock_order=2,max_order=4`` starts from ``tiny`` (or from the
configuration ``base=NAME`` names) and sets each key given; every field of
:class:`spec.ir.Config` but ``name`` and ``doc`` is a key, so a field added to ``Config``
is a key without a change here.  A tuple is written with ``+`` between its items
(``migratetypes=UNMOVABLE+MOVABLE+CMA+ISOLATE``).  The same keys form a
``[tool.reportcheck.configs.NAME]`` table (there a tuple is an array).

What every model reads is the *canonical* text (:func:`canonical_text`): the keys that
differ from tiny's, in ``Config``'s field order, so two spellings of one zone are one
:class:`spec.ModelKey`, and a trace made from a table of some project's pyproject.toml
replays anywhere.  A zone equal to a named configuration is that name.  Every problem is a
:class:`ConfigError` naming the key and the fix.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping

from spec.configs import CONFIGS, DEFAULT_CONFIG, ConfigError, validate
from spec.ir import Config

_NOT_KEYS = ("name", "doc")
_HINTS = typing.get_type_hints(Config)
KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Config) if f.name not in _NOT_KEYS)
BASE_KEY = "base"
DOC_KEY = "doc"


def _kind(key: str) -> type:
    """``int``, ``str``, or the item type of a ``tuple[X, ...]`` field."""
    hint = _HINTS[key]
    if typing.get_origin(hint) is tuple:
        item: type = typing.get_args(hint)[0]
        return item
    kind: type = hint
    return kind


def _is_tuple(key: str) -> bool:
    return typing.get_origin(_HINTS[key]) is tuple


def _item(where: str, key: str, value: object, kind: type) -> object:
    if kind is int:
        if isinstance(value, bool):
            raise ConfigError(f"{where}: {key} must be an integer, not {value!r}; give a number, e.g. 2")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value.strip())
        raise ConfigError(f"{where}: {key} must be an integer, not {value!r}; give a number, e.g. 2")
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {key} must be a non-empty name, not {value!r}")
    return value.strip()


def _value(where: str, key: str, value: object) -> object:
    """A field's value from a command-line string or a TOML value."""
    kind = _kind(key)
    if not _is_tuple(key):
        return _item(where, key, value, kind)
    items: list[object]
    if isinstance(value, str):
        items = [v for v in value.split("+")]
    elif isinstance(value, list):
        items = list(value)
    else:
        raise ConfigError(f"{where}: {key} must be a list written a+b+c (an array in TOML), not {value!r}")
    if not items or any(isinstance(v, str) and not v.strip() for v in items):
        raise ConfigError(f"{where}: {key} has an empty item; write it as a+b+c")
    return tuple(_item(where, key, v, kind) for v in items)


def from_values(values: Mapping[str, object], *, name: str, where: str,
                named: Mapping[str, Config] = CONFIGS) -> Config:
    """The configuration ``values`` give: ``base`` (a name in ``named``, default tiny),
    ``doc``, and any of :data:`KEYS`; validated."""
    unknown = [k for k in values if k not in (*KEYS, BASE_KEY, DOC_KEY)]
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join((BASE_KEY, *KEYS))}")
    base_name = values.get(BASE_KEY, DEFAULT_CONFIG)
    if not isinstance(base_name, str) or base_name not in named:
        raise ConfigError(f"{where}: base must name a configuration, not {base_name!r}; choose from: "
                          f"{', '.join(named)}")
    base = named[base_name]
    doc = values.get(DOC_KEY, "")
    if not isinstance(doc, str):
        raise ConfigError(f"{where}: doc must be a string, not {doc!r}")
    changes = {k: _value(where, k, v) for k, v in values.items() if k in KEYS}
    changed = [f"{k}={_render(v)}" for k, v in changes.items() if getattr(base, k) != v]
    cfg = dataclasses.replace(base, name=name, doc=doc or f"user-defined: {base_name} with {', '.join(changed) or 'no change'}",
                              **changes)  # type: ignore[arg-type]
    validate(cfg)
    return cfg


def _render(value: object) -> str:
    return "+".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


def canonical_text(cfg: Config) -> str:
    """The keys whose values differ from tiny's, in field order: ``npfn=8,pageblock_order=2``
    (tiny's values are pinned, so the text says the zone exactly; a key added to ``Config``
    with tiny's value as its default leaves every text as it was)."""
    tiny = CONFIGS[DEFAULT_CONFIG]
    return ",".join(f"{k}={_render(getattr(cfg, k))}" for k in KEYS if getattr(cfg, k) != getattr(tiny, k))


def _same_zone(a: Config, b: Config) -> bool:
    return all(getattr(a, k) == getattr(b, k) for k in KEYS)


def pairs(text: str) -> dict[str, str]:
    """``key=value,key=value`` as a dict; ConfigError for a pair without ``=`` or a key given twice."""
    out: dict[str, str] = {}
    for part in text.split(","):
        key, eq, value = part.partition("=")
        key = key.strip()
        if not eq or not key:
            raise ConfigError(f"--config {text!r}: {part.strip()!r} is not key=value; write e.g. "
                              "--config npfn=8,pageblock_order=2,max_order=4")
        if key in out:
            raise ConfigError(f"--config {text!r}: {key} is given twice; give it once")
        out[key] = value
    return out


def parse(text: str, named: Mapping[str, Config] = CONFIGS) -> Config:
    """The configuration ``text`` names: a name in ``named``, or ``key=value,...`` (named
    after its canonical text, or the named configuration it equals)."""
    if text in named:
        return named[text]
    if "=" not in text:
        raise ConfigError(f"unknown configuration {text!r}; choose from: {', '.join(named)}, "
                          f"or give key=value,... with keys {', '.join(KEYS)}")
    cfg = from_values(pairs(text), name=text, where=f"--config {text!r}", named=named)
    return dataclasses.replace(cfg, name=canonical_text(cfg))


def canonical(text: str, named: Mapping[str, Config] = CONFIGS) -> str:
    """What a :class:`spec.ModelKey` keeps for ``text`` (a name in ``named`` or key=value
    text): the name of the built-in configuration it equals, else its canonical text --
    so a table of one project's pyproject.toml is spelled out in every trace it makes.
    ConfigError when ``text`` names none."""
    return key_of(parse(text, named))


def key_of(cfg: Config) -> str:
    """The name of the built-in configuration ``cfg`` equals, else its canonical text."""
    same = next((c.name for c in CONFIGS.values() if _same_zone(c, cfg)), None)
    return same if same is not None else canonical_text(cfg)


def config_of(text: str) -> Config:
    """The configuration a :class:`spec.ModelKey`'s text stands for (a built-in name or
    key=value text)."""
    return parse(canonical(text))


def slug(text: str) -> str:
    """File- and test-name safe: a named configuration's name; key=value text without its
    ``=`` and ``,`` (``npfn8-pageblock_order2-max_order4``)."""
    if text in CONFIGS or "=" not in text:
        return text
    return canonical(text).replace("=", "").replace(",", "-").replace("+", ".")
