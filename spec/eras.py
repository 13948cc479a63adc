"""Kernel eras: the releases whose code a model stands for.

An :class:`Era` names a range of kernel releases and carries the behaviour flags the
builders read where those releases differ.  Adding an era is adding an entry to
:data:`ERAS`: the builders read its flags, every reader of a model choice reads its name
and :meth:`spec.key.ModelKey.slug`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Era:
    """``name`` is what ``--kernel`` takes; ``releases`` the mainline releases it stands for.

    ``pcp_cache``: ``page->index`` caches the migratetype of a page on its way through the
    per-cpu lists (set_pcppage_migratetype / get_pcppage_migratetype, gone in 6.10).

    ``alias``: the ``--pcp-cache`` value that spells this era, for the two eras there were
    when the era was a bool.  They keep the spelling of that time everywhere a model choice
    is written down -- file names (``v9``, ``v9-pcp-off``), SARIF fingerprints
    (``True``/``False``) and reproduce commands (``--pcp-cache on``) -- so stored traces do
    not move or change and code-scanning alerts keep their identity.  A new era has none
    and is spelled by its name."""

    name: str
    releases: tuple[str, ...]
    description: str
    pcp_cache: bool
    alias: Literal["on", "off"] | None = None

    @property
    def slug(self) -> str:
        """The era's part of file and test names ('' for the default era of old)."""
        return {"on": "", "off": "pcp-off"}[self.alias] if self.alias else self.name

    @property
    def fingerprint(self) -> str:
        """The era's part of SARIF fingerprints."""
        return str(self.alias == "on") if self.alias else self.name

    @property
    def options(self) -> list[str]:
        """The ``reportcheck check`` options that choose this era."""
        return ["--pcp-cache", self.alias] if self.alias else ["--kernel", self.name]


ERAS: dict[str, Era] = {
    e.name: e
    for e in (
        Era("5.3-5.7", ("5.3", "5.4", "5.5", "5.6", "5.7"),
            "v5.3 (the base of the v9 and v10 series) to v5.7 (free page reporting merged): "
            "pcp pages cache their migratetype in page->index",
            pcp_cache=True, alias="on"),
        Era("6.10", ("6.10",),
            "v6.10: no migratetype cache in page->index; the free counts move with the free lists",
            pcp_cache=False, alias="off"),
    )
}
DEFAULT_ERA = "5.3-5.7"


def era_of_pcp_cache(on: bool) -> str:
    """The era ``--pcp-cache on|off`` (and a stored trace's ``pcp_cache``) stands for."""
    alias = "on" if on else "off"
    return next(e.name for e in ERAS.values() if e.alias == alias)
