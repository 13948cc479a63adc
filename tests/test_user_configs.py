"""Configurations a user gives: ``--config key=value,...`` and ``[tool.reportcheck.configs.NAME]``
(spec/config_text.py, checker/ci/project_configs.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.ci import config as ci_config
from checker.ci.project_configs import resolve
from checker.ci.pytest_plugin import ReportCheck
from checker.cli.main import main
from checker.errors import UsageError
from spec import CONFIGS, ModelKey, SpecError, build_model
from spec.config_text import KEYS, canonical, config_of
from spec.configs import ConfigError

WIDE = "npfn=16,pageblock_order=2,max_order=4"
PROJECT = """
[tool.reportcheck.configs]
default = ["wide"]

[tool.reportcheck.configs.wide]
doc = "pageblocks of 4 pages, a max-order chunk spans two"
npfn = 16
pageblock_order = 2
max_order = 4
migratetypes = ["UNMOVABLE", "MOVABLE", "ISOLATE"]

[[tool.reportcheck.designs]]
design = "merged"
refuted = []
invariants = ["index_trusted"]
"""


def test_every_config_field_but_name_and_doc_is_a_key() -> None:
    assert {"npfn", "pageblock_order", "max_order", "ncpu", "migratetypes", "capacity"} <= set(KEYS)
    assert "name" not in KEYS and "doc" not in KEYS


def test_key_value_text_is_canonical_whatever_the_order_and_spelling() -> None:
    assert canonical("max_order=4, npfn=16,pageblock_order=2") == WIDE
    assert canonical("npfn=8,pageblock_order=2,max_order=4") == "pageblock4-span"  # a named zone is its name
    assert canonical(WIDE + ",ncpu=1") == WIDE  # tiny's value: not part of the text
    assert ModelKey("v9", config="pageblock_order=2,max_order=4,npfn=16") == ModelKey("v9", config=WIDE)
    assert ModelKey("v9", config=WIDE).slug() == "v9-npfn16-pageblock_order2-max_order4"
    assert canonical("migratetypes=UNMOVABLE+MOVABLE+CMA+ISOLATE") == "migratetypes=UNMOVABLE+MOVABLE+CMA+ISOLATE"


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_a_zone_equal_to_a_named_one_is_that_name(name: str) -> None:
    cfg = CONFIGS[name]
    text = ",".join(f"{k}={'+'.join(map(str, v)) if isinstance(v, tuple) else v}"
                    for k in KEYS for v in (getattr(cfg, k),))
    assert canonical(text) == name
    assert ModelKey("v9", config=text).config == name
    assert canonical(f"base={name}") == name


def test_base_starts_from_another_configuration() -> None:
    cfg = config_of("base=small,ncpu=1")
    small = CONFIGS["small"]
    assert (cfg.npfn, cfg.max_order, cfg.ncpu, cfg.migratetypes, cfg.capacity) == \
        (small.npfn, small.max_order, 1, small.migratetypes, small.capacity)
    assert build_model(ModelKey("merged", config="base=small,ncpu=1")).constants["ncpu"] == 1


def test_a_user_zone_builds_with_its_constants() -> None:
    model = build_model(ModelKey("merged", config=WIDE))
    assert model.config.name == WIDE
    assert (model.constants["npfn"], model.constants["pageblock_order"], model.constants["max_order"],
            model.constants["nblocks"]) == (16, 2, 4, 4)
    assert model.key.describe() == f"design merged, era 5.7, config {WIDE}"


@pytest.mark.parametrize(("text", "expected"), [
    ("npfn=8,foo=1", "unknown key 'foo'; valid keys: base, npfn"),
    ("npfn=eight", "npfn must be an integer, not 'eight'"),
    ("npfn=8,npfn=4", "npfn is given twice; give it once"),
    ("npfn=8,max_order", "'max_order' is not key=value"),
    ("npfn=3", "npfn must be a power of two"),
    ("pageblock_order=2", "pageblock_order < max_order"),
    ("base=huge", "base must name a configuration, not 'huge'"),
    ("migratetypes=MOVABLE++ISOLATE", "migratetypes has an empty item"),
    ("migratetypes=UNMOVABLE+FOO", "migratetypes must include MOVABLE and come from"),
    ("huge", "unknown configuration 'huge'; choose from: tiny"),
    ("migratetypes=MOVABLE+MOVABLE+ISOLATE", "each type once, in the kernel's enum order"),
    ("migratetypes=ISOLATE+MOVABLE", "write migratetypes=MOVABLE+ISOLATE"),
    ("ncpu=9", "ncpu = 9; give 1 to 4 CPUs"),
    ("npfn=4,max_order=4", "a max-order chunk (2^(max_order-1) = 8 pages) must fit in npfn = 4"),
    ("page_reporting_order=2", "page_reporting_order must be -1 (pageblock_order) or an order 0..max_order-1"),
    ("page_reporting_order=-2", "set page_reporting_order below max_order"),
    ("capacity=3", "capacity = 3; PAGE_REPORTING_CAPACITY is a power of two"),
])
def test_a_bad_config_text_is_one_error_naming_the_key(text: str, expected: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises((ConfigError, SpecError)) as e:
        build_model(ModelKey("v9", config=text))
    assert expected in str(e.value)
    assert main(["check", "--config", text]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1 and "Traceback" not in err


def test_check_runs_a_key_value_zone_and_its_counterexample_replays(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--design", "v9", "--config", "capacity=2", "--invariant", "index_trusted",
                 "--save", "--catalogue", str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["config"] == "capacity=2" and data["results"][0]["verdict"] == "refuted"
    (stored,) = tmp_path.glob("*/index_trusted.itf.json")
    assert stored.parent.name == "v9-capacity2"
    assert json.loads(stored.read_text())["#meta"]["config"] == "capacity=2"
    assert main(["replay", str(stored)]) == 1
    assert "still violates index_trusted" in capsys.readouterr().out


def _project(tmp_path: Path, text: str = PROJECT) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    return path


def test_a_project_table_is_a_configuration_for_check_list_and_ci(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = _project(tmp_path)
    assert resolve("wide", path) == WIDE
    assert main(["check", "--pyproject", str(path), "--config", "wide", "--design", "merged", "--invariant",
                 "index_trusted", "--max-states", "2000", "--format", "json"]) == 3
    assert json.loads(capsys.readouterr().out)["config"] == WIDE
    assert main(["list", "--json", "--pyproject", str(path)]) == 0
    (wide,) = [c for c in json.loads(capsys.readouterr().out)["configs"] if c["name"] == "wide"]
    assert wide["config"] == WIDE and wide["pageblock_order"] == 2 and wide["defined_in"] == str(path)
    ci = ci_config.load(path)
    assert [t.configs for t in ci.targets] == [(WIDE,)]


def test_the_pytest_plugin_takes_a_project_table(tmp_path: Path) -> None:
    session = ReportCheck(_project(tmp_path))
    verdict, _ = session.verdict("merged", "index_trusted", config="wide", max_states=500)
    assert verdict.kind == "unknown" and WIDE in verdict.scope


@pytest.mark.parametrize(("table", "expected"), [
    ('[tool.reportcheck.configs.tiny]\nnpfn = 8\n', "tiny is a built-in configuration; give yours another name"),
    ('[tool.reportcheck.configs.w]\nnpfn = "eight"\n',
     "[tool.reportcheck.configs.w]: npfn must be an integer, not 'eight'"),
    ('[tool.reportcheck.configs.w]\nzones_of = 2\n', "[tool.reportcheck.configs.w]: unknown key 'zones_of'"),
    ('[tool.reportcheck.configs.w]\nnpfn = true\n', "npfn must be an integer, not True"),
    ('[tool.reportcheck.configs]\ndefault = ["nope"]\n', "default: unknown configuration 'nope'"),
    ('[tool.reportcheck.configs]\nw = 3\n', "w must be a table ([tool.reportcheck.configs.w])"),
    ('[tool.reportcheck.configs."a b"]\nnpfn = 8\n', "a configuration's name is letters, digits"),
])
def test_a_bad_project_table_exits_2_naming_the_key(tmp_path: Path, table: str, expected: str,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _project(tmp_path, table + '\n[[tool.reportcheck.designs]]\ndesign = "v9"\nrefuted = []\n')
    with pytest.raises(UsageError) as e:
        ci_config.load(path)
    assert expected in str(e.value)
    assert main(["list", "--pyproject", str(path)]) == 2
    err = capsys.readouterr().err
    assert expected in err and err.count("\n") == 1


def test_a_name_no_table_defines_says_where_to_define_it(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here
    assert main(["check", "--config", "wide"]) == 2
    assert "or define it as [tool.reportcheck.configs.NAME] in pyproject.toml" in capsys.readouterr().err


def test_highatomic_on_3_16_is_one_error_naming_the_type(capsys: pytest.CaptureFixture[str]) -> None:
    """MIGRATE_HIGHATOMIC is v4.4+ (3.16 has MIGRATE_RESERVE in its slot): a configuration
    naming it, built-in or key=value, exits 2 on 3.16 naming the type and the fix."""
    for text in ("highatomic", "migratetypes=UNMOVABLE+MOVABLE+HIGHATOMIC+ISOLATE"):
        assert main(["check", "--design", "none", "--kernel", "3.16", "--config", text]) == 2
        err = capsys.readouterr().err
        assert "HIGHATOMIC did not exist in kernel 3.16" in err and "migratetypes" in err
        assert err.count("\n") == 1 and "Traceback" not in err
