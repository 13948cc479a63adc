"""The choice of a model: design, fault, kernel era and configuration, as one value."""

from __future__ import annotations

from dataclasses import dataclass

from spec import config_text
from spec.configs import DEFAULT_CONFIG, ConfigError
from spec.eras import DEFAULT_ERA, ERAS, Era, resolve_era

DEFAULT_DESIGN = "v9"


@dataclass(frozen=True)
class ModelKey:
    """What :func:`spec.build_model` builds, and what every trace, file name, test name
    and fingerprint says a result belongs to.  The fields are names; ``build_model``
    checks them (SpecError naming the choices)."""

    design: str = DEFAULT_DESIGN
    fault: str | None = None
    era: str = DEFAULT_ERA
    config: str = DEFAULT_CONFIG

    def __post_init__(self) -> None:
        # '' (the default) is the design's first era; a legacy name (5.3-5.7) the era its
        # --pcp-cache alias stands for on this design: equal keys for the same model
        object.__setattr__(self, "era", resolve_era(self.era, self.design))
        # key=value text in its canonical spelling (a named zone's name): one key per zone;
        # text that names no zone stays as given, for build_model to refuse
        if "=" in self.config:
            try:
                object.__setattr__(self, "config", config_text.canonical(self.config))
            except ConfigError:
                pass

    @property
    def kernel(self) -> Era:
        """The :class:`Era`; KeyError for a name that is not one (build_model says which are)."""
        return ERAS[self.era]

    def describe(self) -> str:
        """Human text: ``design v9, fault X, era 5.3, config tiny``."""
        fault = f", fault {self.fault}" if self.fault else ""
        return f"design {self.design}{fault}, era {self.era}, config {self.config}"

    def slug(self) -> str:
        """File and test-name safe: ``<design>[-<fault>][-<era>][-<config> unless tiny]``
        (the design's first era adds nothing: the stored catalogue's names; a key=value
        configuration the keys that differ from tiny's, ``npfn8-pageblock_order2``)."""
        parts = [self.design, self.fault or "", self.kernel.slug_for(self.design) if self.era in ERAS else self.era,
                 "" if self.config == DEFAULT_CONFIG else config_text.slug(self.config)]
        return "-".join(p for p in parts if p)


class OfModel:
    """A value that belongs to one model (a trace, a run's report, a job): its ``key`` and
    the three names read most often from it."""

    key: ModelKey

    @property
    def design(self) -> str:
        return self.key.design

    @property
    def fault(self) -> str | None:
        return self.key.fault

    @property
    def config(self) -> str:
        return self.key.config
