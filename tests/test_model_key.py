"""The model choice as one value (spec.key.ModelKey), the kernel eras (spec.eras), faults
as builder overrides, and the checks every model passes when it is built."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from checker.ci.config import parse
from checker.cli.main import main
from checker.io.itf import dump, key_of, load
from checker.io.itf import parse as parse_itf
from spec import DESIGNS, ERAS, FAULTS, ModelKey, SpecError, build_model, catalog, era_of_pcp_cache
from spec.catalog import DEFINITIONS, Design, constants_of
from spec.configs import CONFIGS
from spec.ir import Action, Check
from spec.page_reporting import Boundaries, Reporting
from spec.validate import missing_hooks, validate_model

ROOT = Path(__file__).resolve().parent.parent / "counterexamples"


def test_slug_is_the_stored_catalogue_directory_name() -> None:
    assert ModelKey("v9").slug() == "v9"
    assert ModelKey("merged", None, "6.10").slug() == "merged-6.10"
    assert ModelKey("merged", None, "5.7").slug() == ModelKey("merged").slug() == "merged"
    assert ModelKey("none", None, "3.16").slug() == "none-3.16"
    assert ModelKey("v9", "v9-unguarded-index-read").slug() == "v9-v9-unguarded-index-read"
    assert ModelKey("merged", "merge-keeps-reported", config="tiny-span").slug() == \
        "merged-merge-keeps-reported-tiny-span"
    assert ModelKey("merged", None, "6.10", "tiny-span").slug() == "merged-6.10-tiny-span"
    for d in ROOT.iterdir():  # every stored directory is the slug of the key its files record
        assert {load(p).trace.key.slug() for p in d.glob("*.itf.json")} == {d.name}


def test_describe_names_every_field() -> None:
    assert ModelKey("v9", "v9-unguarded-index-read", "5.3", "small").describe() == \
        "design v9, fault v9-unguarded-index-read, era 5.3, config small"
    assert ModelKey("merged").describe() == "design merged, era 5.7, config tiny"


def test_the_eras_stand_for_named_releases_and_the_bool_is_an_alias() -> None:
    assert list(ERAS) == ["3.16", "5.3", "5.7", "5.10", "5.11", "5.18", "5.19", "6.1", "6.3", "6.6", "6.8", "6.10"]
    assert all(e.releases and e.description and e.name in e.releases for e in ERAS.values())
    releases = [r for e in ERAS.values() for r in e.releases]
    assert len(releases) == len(set(releases))  # a release stands in one era
    # --pcp-cache on: the design's first era with the cache; off: 6.10
    assert (era_of_pcp_cache(True, "v9"), era_of_pcp_cache(True, "merged"), era_of_pcp_cache(False)) == \
        ("5.3", "5.7", "6.10")
    assert [e.pcp_cache for e in ERAS.values()] == [True] * 11 + [False]
    assert ERAS["5.3"].options == ["--kernel", "5.3"]
    # the default era is the design's first; the legacy name 5.3-5.7 is its alias "on"
    assert [ModelKey(d).era for d in ("v9", "v10", "merged", "none")] == ["5.3", "5.3", "5.7", "6.10"]
    assert ModelKey("merged", None, "5.3-5.7") == ModelKey("merged", None, "5.7")
    assert ModelKey("v9", None, "5.3-5.7") == ModelKey("v9", None, "5.3")


def test_each_design_exists_only_on_the_releases_that_had_it() -> None:
    assert [e.name for e in ERAS.values() if "v9" in e.designs] == ["5.3"]
    assert [e.name for e in ERAS.values() if "v10" in e.designs] == ["5.3"]
    assert [e.name for e in ERAS.values() if "merged" in e.designs] == ["5.7", "5.10", "5.11", "5.18", "5.19", "6.1", "6.3", "6.6", "6.8", "6.10"]
    assert all("none" in e.designs for e in ERAS.values())


def test_a_model_carries_its_key() -> None:
    key = ModelKey("merged", "pcp-index-not-set", "6.10", "tiny-span")
    m = build_model(key)
    assert m.key == key and (m.design, m.fault, m.config.name) == ("merged", "pcp-index-not-set", "tiny-span")


@pytest.mark.parametrize("key,message", [
    (ModelKey("v11"), "unknown design 'v11'; choose from: none, v9, v10, merged"),
    (ModelKey("v9", None, "4.19"), "unknown kernel era '4.19'; choose from: 3.16, 5.3, 5.7, 5.10, 5.11, 5.18, 5.19, 6.1, 6.3, 6.6, 6.8, 6.10"),
    (ModelKey("v9", None, "6.10"), ("design v9 did not exist in kernel 6.10; choose --kernel 5.3 for v9, "
                                   "or a design of 6.10: none, merged")),
    (ModelKey("merged", None, "5.3"), ("design merged did not exist in kernel 5.3; choose --kernel "
                                      "5.7 or 5.10 or 5.11 or 5.18 or 5.19 or 6.1 or 6.3 or 6.6 or 6.8 or 6.10 for merged")),
    (ModelKey("v9", "merge-keeps-reported"), "fault 'merge-keeps-reported' belongs to design 'merged'"),
    (ModelKey("v9", config="huge"), "unknown configuration 'huge'"),
])
def test_a_bad_key_is_a_spec_error_naming_the_choices(key: ModelKey, message: str) -> None:
    with pytest.raises(SpecError, match=message):
        build_model(key)


def test_each_fault_is_a_subclass_of_its_designs_builder() -> None:
    for f in FAULTS.values():
        assert issubclass(f.builder, DESIGNS[f.design].builder) and f.builder is not DESIGNS[f.design].builder
        # one kernel function replaced: the fault class defines one method of its own
        own = [n for n, v in vars(f.builder).items() if callable(v)]
        assert len(own) == 1, (f.name, own)


def test_a_fault_without_effect_in_an_era_builds_the_designs_model() -> None:
    """pcp-index-not-set removes a write of ->index that 6.10 does not make."""
    plain = build_model(ModelKey("merged", None, "6.10"))
    faulty = build_model(ModelKey("merged", "pcp-index-not-set", "6.10"))
    assert repr(plain.actions) == repr(faulty.actions)


# ------------------------------------------------------------- model validation
def test_a_read_site_naming_no_claim_is_an_error_naming_the_fix() -> None:
    m = build_model(ModelKey("v9"))
    a = m.actions[0]
    bad = Action(a.name, a.kernel_name, a.kernel_file, a.doc, a.params, a.guard,
                 (*a.body, Check("index_trusted_typo", "somewhere", a.guard[0])))
    with pytest.raises(SpecError, match="names no claim 'index_trusted_typo'; add the claim to spec/invariants.py"):
        validate_model(replace(m, actions=(bad, *m.actions[1:])))


def test_a_duplicate_action_or_claim_is_an_error_naming_the_fix() -> None:
    m = build_model(ModelKey("merged"))
    with pytest.raises(SpecError, match=f"action {m.actions[1].name} defined twice; give each action its own name"):
        validate_model(replace(m, actions=(*m.actions, m.actions[1])))
    with pytest.raises(SpecError, match=f"claim {m.invariants[0].name} defined twice"):
        validate_model(replace(m, invariants=(*m.invariants, m.invariants[0])))


def test_a_design_missing_a_hook_is_an_error_naming_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    assert missing_hooks(Reporting) == ["reporting_actions"]
    assert missing_hooks(Boundaries) == ["add_page_to_reported_list", "cycle_start", "get_unreported_page"]
    assert all(missing_hooks(d.builder) == [] for d in DESIGNS.values())
    monkeypatch.setitem(catalog.DESIGNS, "half", Design("half", "boundaries without a worker", Boundaries))
    with pytest.raises(SpecError, match="design half: Boundaries does not define add_page_to_reported_list, "
                                        "cycle_start, get_unreported_page; define each"):
        build_model(ModelKey("half"))


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_the_constants_are_the_definitions_evaluated(config: str) -> None:
    c = CONFIGS[config]
    values = constants_of(c)
    assert set(DEFINITIONS) <= set(values)
    assert (values["npfn"], values["nblocks"], values["capacity"]) == (c.npfn, c.nblocks, c.capacity)
    assert values["nslots"] == (c.max_order - c.pageblock_order) * 6
    assert values["owner_index"] == max(6, values["nslots"])


def test_a_definition_that_contradicts_the_configuration_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from spec.expr import Cfg

    monkeypatch.setitem(catalog.DEFINITIONS, "npfn", Cfg("nblocks"))
    with pytest.raises(SpecError, match="config tiny: DEFINITIONS give npfn = 2, the configuration 4"):
        constants_of(CONFIGS["tiny"])


# ------------------------------------------------------- where keys are read
def test_an_old_trace_without_era_names_its_model_by_its_pcp_cache_and_design() -> None:
    """Files written when the era was a bool say only ``pcp_cache``: on is the design's
    first era with the cache, off is 6.10; a legacy era name 5.3-5.7 reads the same way."""
    meta = {"design": "v9", "fault": None, "pcp_cache": True, "config": "tiny"}
    assert key_of(meta) == ModelKey("v9", None, "5.3")
    assert key_of({**meta, "design": "merged"}) == ModelKey("merged", None, "5.7")
    assert key_of({**meta, "design": "merged", "pcp_cache": False}) == ModelKey("merged", None, "6.10")
    assert key_of({**meta, "era": "5.3-5.7", "design": "merged"}) == ModelKey("merged", None, "5.7")


def test_a_new_trace_records_its_era_and_loads_by_it() -> None:
    old = next((ROOT / "merged-5.10").glob("*.itf.json"))
    t = load(old).trace
    assert t.key == ModelKey("merged", None, "5.10")
    data = json.loads(dump(t, "explicit"))
    assert (data["#meta"]["era"], data["#meta"]["pcp_cache"]) == ("5.10", True)
    assert parse_itf(old, json.dumps(data).encode()).trace == t
    data["#meta"]["pcp_cache"] = False
    with pytest.raises(Exception, match="contradicts era '5.10'"):
        parse_itf(old, json.dumps(data).encode())
    data["#meta"]["pcp_cache"], data["#meta"]["design"] = True, "v9"
    with pytest.raises(Exception, match="design v9 did not exist in kernel 5.10"):
        parse_itf(old, json.dumps(data).encode())


def test_check_takes_kernel_and_its_pcp_cache_alias(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["check", "--design", "merged", "--invariant", "reported_implies_buddy", "--max-states", "50",
            "--format", "json"]
    assert main([*argv, "--kernel", "6.10"]) == 3
    data = json.loads(capsys.readouterr().out)
    assert (data["era"], data["pcp_cache"]) == ("6.10", False)
    assert main([*argv, "--pcp-cache", "off"]) == 3
    assert json.loads(capsys.readouterr().out)["spec_digest"] == data["spec_digest"]
    assert main([*argv, "--kernel", "6.10", "--pcp-cache", "on"]) == 2
    assert "--kernel 6.10 and --pcp-cache on name different eras" in capsys.readouterr().err
    assert main([*argv, "--kernel", "2.6"]) == 2
    assert "unknown kernel release '2.6'; choose from: 3.16 (3.16-3.17), 5.3 (5.3-5.6)" in capsys.readouterr().err
    assert main([*argv, "--kernel", "5.15"]) == 3  # a release stands for its era
    assert json.loads(capsys.readouterr().out)["era"] == "5.11"


def test_ci_config_takes_era_or_pcp_cache() -> None:
    def target(entry: str) -> tuple[str, ...]:
        data = {"tool": {"reportcheck": {"designs": [{"design": "v9", "refuted": [], **json.loads(entry)}]}}}
        t = parse(data, Path(".")).targets[0]
        return (t.era, t.key("tiny").slug())

    assert target('{"pcp_cache": "on"}') == ("5.3", "v9")
    assert target('{"era": "5.3"}') == ("5.3", "v9")
    assert target('{"era": "5.3-5.7"}') == ("5.3", "v9")
    assert target("{}") == ("5.3", "v9")
    with pytest.raises(Exception, match="era '5.3' and pcp_cache 'off' name different eras"):
        target('{"era": "5.3", "pcp_cache": "off"}')
    with pytest.raises(Exception, match="unknown kernel era '4.19'; choose from: 3.16"):
        target('{"era": "4.19"}')
