"""A pytest plugin (entry point ``pytest11``: ``reportcheck``) for downstream suites.

Fixture::

    def test_v9(reportcheck):
        reportcheck.assert_holds("v9", "index_trusted", engine="explicit")
        reportcheck.assert_refuted("v9", "boundary_valid")

Marker (the check runs before the test body)::

    @pytest.mark.reportcheck("v10", "reported_implies_buddy")              # must hold
    @pytest.mark.reportcheck("v9", "index_trusted", expect="refuted")
    def test_claims(): ...

Keyword arguments of both: ``engine`` (default explicit), ``fault``, ``era`` (a kernel era,
default: the design's first release, 5.3 for v9/v10 and 5.7 for merged; ``pcp_cache`` True/False is its alias), ``config`` (default tiny; a name, ``key=value,...``
text, or a ``[tool.reportcheck.configs.NAME]`` of the suite's pyproject.toml) and the
engine knobs of ``reportcheck check`` (``max_states``, ``depth``, ``k``, ``timeout``,
``examples``, ``steps``, ``seed``).  Your own designs and faults (spec/extend.py) load from the
ini option ``reportcheck_spec_modules`` (files relative to the rootdir, or module names).  A failure is shown as the counterexample's kernel
operations, not as a Python traceback.  Verdicts are cached
for the session, so several tests on one model explore it once per invariant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from checker.ci.project_configs import resolve
from checker.engines.registry import ENGINES, RunOptions
from checker.errors import UsageError
from checker.interp.concrete import Interpreter
from checker.io import spec_modules
from checker.outputs.outcomes import Expectation, claims_of, judge, trace_text
from checker.results.verdict import Verdict
from spec import DEFAULT_ERA, ModelKey, SpecError, build_model, era_of_pcp_cache

MARKER = "reportcheck"
OPTION_KEYS = ("max_states", "depth", "k", "timeout", "examples", "steps", "seed")


class ReportCheck:
    """What the ``reportcheck`` fixture returns: check one invariant of one model."""

    def __init__(self, pyproject: Path | None = None) -> None:
        self._cache: dict[tuple[Any, ...], tuple[Verdict, str]] = {}
        # where config='NAME' of a [tool.reportcheck.configs.NAME] table is looked up
        self._pyproject = pyproject

    def verdict(self, design: str, invariant: str, *, engine: str = "explicit", fault: str | None = None,
                era: str | None = None, pcp_cache: bool | None = None, config: str = "tiny",
                **options: Any) -> tuple[Verdict, str]:
        """The verdict on ``invariant`` and the claim it makes (bad names fail the test)."""
        unknown = [k for k in options if k not in OPTION_KEYS]
        if unknown:
            pytest.fail(f"reportcheck: unknown option {unknown[0]!r}; valid: {', '.join(OPTION_KEYS)}", pytrace=False)
        if engine not in ENGINES:
            pytest.fail(f"reportcheck: unknown engine {engine!r}; choose from: {', '.join(ENGINES)}", pytrace=False)
        alias = None if pcp_cache is None else era_of_pcp_cache(pcp_cache, design)
        if era is not None and alias is not None and era != alias:
            pytest.fail(f"reportcheck: era={era!r} and pcp_cache={pcp_cache} name different eras; give one",
                        pytrace=False)
        try:
            config = resolve(config, self._pyproject)
        except UsageError as e:
            pytest.fail(f"reportcheck: {e}", pytrace=False)
        model_key = ModelKey(design, fault, era or alias or DEFAULT_ERA, config)
        key = (model_key, invariant, engine, tuple(sorted(options.items())))
        if key not in self._cache:
            try:
                model = build_model(model_key)
            except SpecError as e:
                pytest.fail(f"reportcheck: {e}", pytrace=False)
            claims = claims_of(model)
            if invariant not in claims:
                pytest.fail(f"reportcheck: unknown invariant {invariant!r} for design {design}; "
                            f"choose from: {', '.join(claims)}", pytrace=False)
            (v,), _ = ENGINES[engine].run(Interpreter(model), [invariant], RunOptions(**options))
            self._cache[key] = (v, claims[invariant])
        return self._cache[key]

    def check(self, design: str, invariant: str, expect: Expectation, **kwargs: Any) -> Verdict:
        v, claim = self.verdict(design, invariant, **kwargs)
        outcome = judge(v, claim, expect)
        if outcome.status != "passed":
            text = outcome.message
            if v.trace is not None:
                text += "\n" + trace_text(v.trace, claim)
            pytest.fail(text, pytrace=False)
        return v

    def assert_holds(self, design: str, invariant: str, **kwargs: Any) -> Verdict:
        """Fail unless ``invariant`` is proved (an undecided verdict fails too)."""
        return self.check(design, invariant, "holds", **kwargs)

    def assert_refuted(self, design: str, invariant: str, **kwargs: Any) -> Verdict:
        """Fail unless the engine refutes ``invariant`` (the trace is replayed)."""
        return self.check(design, invariant, "refuted", **kwargs)


SESSION = pytest.StashKey[ReportCheck]()  # one verdict cache per pytest session


@pytest.fixture
def reportcheck(request: pytest.FixtureRequest) -> ReportCheck:
    return request.config.stash[SESSION]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("reportcheck_spec_modules", type="linelist", default=[],
                  help="reportcheck: Python files (relative to the rootdir) or modules that register your own "
                       "designs and faults (spec/extend.py), loaded before the tests")


def pytest_configure(config: pytest.Config) -> None:
    try:
        spec_modules.load_all(str(config.rootpath / m) if spec_modules.is_path(m) else m
                              for m in config.getini("reportcheck_spec_modules"))
    except UsageError as e:
        raise pytest.UsageError(f"reportcheck: {e}") from None
    pyproject = config.rootpath / "pyproject.toml"
    config.stash[SESSION] = ReportCheck(pyproject if pyproject.is_file() else None)
    config.addinivalue_line(
        "markers", f"{MARKER}(design, invariant, expect='holds', engine='explicit', fault=None, era=None, "
        "pcp_cache=None, config='tiny', **options): check a claim of the reportcheck model before the test runs")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> None:
    for mark in item.iter_markers(name=MARKER):
        kwargs = dict(mark.kwargs)
        expect = kwargs.pop("expect", "holds")
        if expect not in ("holds", "refuted") or len(mark.args) != 2:
            pytest.fail("@pytest.mark.reportcheck(design, invariant, expect='holds' or 'refuted', ...)",
                        pytrace=False)
        item.config.stash[SESSION].check(mark.args[0], mark.args[1], expect, **kwargs)
