"""Enforcement levels and parameters per tier: generated from the rules' declarations and the
settings' tier defaults, and resolved the way the Pulumi CLI does."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from components.settings.tiers import TIER_DEFAULTS
from policies.rules import ALL_POLICIES, ALL_RULES
from policies.rules.lib.params import not_configured
from tests.policies.policy_fixtures import mutate, secure_platform
from tools import policy_config
from tools.plan.policy import (
    config_path_for,
    evaluate,
    has_mandatory_failures,
    load_config,
    resolve,
    resolve_enforcement,
)

STACKS = ("dev", "staging", "prod")
ML_10 = "ml-10-compute-scale-to-zero-and-capped"
ST_01 = "st-01-storage-shared-key-disabled"
STK_04 = "stk-04-node-cost-caps"
CR_02 = "cr-02-registry-network-restricted-premium"


def test_the_generated_config_files_and_catalogue_are_current() -> None:
    stale = [str(path) for path, text in policy_config.generated().items() if path.read_text() != text]
    assert stale == [], f"stale generated policy files {stale}: run `make docs` (python -m tools.policy_config)"


def test_check_exits_1_on_a_stale_file_and_leaves_it_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for path in policy_config.generated():
        (tmp_path / path.name).write_text(path.read_text())
    monkeypatch.setattr(policy_config, "CONFIG_DIR", tmp_path)
    monkeypatch.setattr(policy_config, "README", tmp_path / "README.md")
    stale = (tmp_path / "dev.json").read_text().replace('"maxNodesPerCluster": 4', '"maxNodesPerCluster": 5')
    (tmp_path / "dev.json").write_text(stale)
    assert policy_config.main(["--check"]) == 1
    assert (tmp_path / "dev.json").read_text() == stale
    assert policy_config.main([]) == 0
    assert policy_config.main(["--check"]) == 0
    assert '"maxNodesPerCluster": 4' in (tmp_path / "dev.json").read_text()


@pytest.mark.parametrize("tier", STACKS)
def test_each_tier_file_gives_every_rule_the_level_it_declares_for_that_tier(tier: str) -> None:
    assert resolve_enforcement(tier) == {rule.name: rule.levels.of(tier).value for rule in ALL_RULES}


@pytest.mark.parametrize("tier", STACKS)
def test_the_caps_are_the_settings_tier_defaults(tier: str) -> None:
    settings = resolve(ALL_POLICIES, load_config(config_path_for(tier)))
    compute = TIER_DEFAULTS[tier]["compute"]
    assert settings[ML_10].config["maxNodesPerCluster"] == compute["maxNodesPerCluster"]
    assert settings[STK_04].config["maxTotalNodes"] == compute["maxTotalNodes"]


@pytest.mark.parametrize("tier", STACKS)
def test_each_tier_file_states_the_per_tier_values_and_leaves_the_defaults_out(tier: str) -> None:
    raw = load_config(config_path_for(tier))
    for rule in ALL_RULES:
        for param in rule.params:
            if param.tiers is not None:
                assert raw[rule.name][param.name] == param.tiers.of(tier), f"{rule.name}.{param.name}"
            elif param.setting is None:
                assert param.name not in raw[rule.name], f"{rule.name}.{param.name}"


def test_a_changed_tier_default_changes_the_generated_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = copy.deepcopy(TIER_DEFAULTS)
    changed["staging"]["compute"]["maxNodesPerCluster"] = 7
    monkeypatch.setattr(policy_config, "TIER_DEFAULTS", changed)
    assert policy_config.tier_config("staging")[ML_10]["maxNodesPerCluster"] == 7
    prod_cap = TIER_DEFAULTS["prod"]["compute"]["maxNodesPerCluster"]
    assert policy_config.tier_config("prod")[ML_10]["maxNodesPerCluster"] == prod_cap


def test_a_setting_the_tiers_lack_or_a_tier_mismatch_stops_the_generator(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = copy.deepcopy(TIER_DEFAULTS)
    del changed["dev"]["compute"]["maxTotalNodes"]
    monkeypatch.setattr(policy_config, "TIER_DEFAULTS", changed)
    assert policy_config.main(["--check"]) == 2
    err = capsys.readouterr().err
    assert "STK-04 maxTotalNodes: tier dev has no default for ml-platform:compute.maxTotalNodes" in err
    monkeypatch.setattr(policy_config, "TIER_DEFAULTS", {**TIER_DEFAULTS, "qa": {}})
    assert policy_config.main(["--check"]) == 2
    assert "the pack's tiers (dev, staging, prod) differ from the settings'" in capsys.readouterr().err


def test_a_value_outside_its_schema_stops_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    changed = copy.deepcopy(TIER_DEFAULTS)
    changed["prod"]["compute"]["maxNodesPerCluster"] = 0  # the schema's minimum is 1
    monkeypatch.setattr(policy_config, "TIER_DEFAULTS", changed)
    with pytest.raises(policy_config.GenerationError, match=r"policies/config/prod.json would be invalid"):
        policy_config.config_files()


@pytest.mark.parametrize("stack", STACKS)
def test_config_files_name_every_rule_and_only_rules(stack: str) -> None:
    raw = load_config(config_path_for(stack))
    assert set(raw) == {p.name for p in ALL_POLICIES} | {"all"}


@pytest.mark.parametrize("stack", STACKS)
def test_config_values_match_the_rule_schemas(stack: str) -> None:
    raw = load_config(config_path_for(stack))
    for policy in ALL_POLICIES:
        given = {k: v for k, v in raw[policy.name].items() if k != "enforcementLevel"}
        properties = policy.config_schema.properties if policy.config_schema else {}
        assert set(given) <= set(properties), policy.name
        jsonschema.validate(given, {"type": "object", "properties": properties})


def write(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


def levels_with(tmp_path: Path, config: dict[str, Any]) -> Mapping[str, str]:
    return resolve_enforcement("any", write(tmp_path, config))


def test_without_config_each_rule_runs_at_its_prod_level_with_its_prod_values() -> None:
    settings = resolve(ALL_POLICIES, {})
    for rule in ALL_RULES:
        assert settings[rule.name].level == rule.levels.prod, rule.name
        for param in rule.params:
            if param.setting is None:
                assert settings[rule.name].config[param.name] == param.fallback, f"{rule.name}.{param.name}"
        tiered = [p for p in rule.params if p.tiers is not None]
        assert all(settings[rule.name].config[p.name] == p.tiers.prod for p in tiered if p.tiers), rule.name


def test_without_config_the_caps_from_the_settings_are_reported_missing(tmp_path: Path) -> None:
    config = write(tmp_path, {"all": "disabled", ML_10: "mandatory", STK_04: "mandatory"})
    verdicts = evaluate(secure_platform(), "any", config)
    assert {(v.policy, v.message) for v in verdicts} == {
        (ML_10, not_configured("maxNodesPerCluster")),
        (STK_04, not_configured("maxTotalNodes")),
    }
    assert [v.resource_name for v in verdicts if v.policy == STK_04] == [None]


def test_all_overrides_the_rule_defaults(tmp_path: Path) -> None:
    assert set(levels_with(tmp_path, {"all": "advisory"}).values()) == {"advisory"}
    assert set(levels_with(tmp_path, {"all": {"enforcementLevel": "disabled"}}).values()) == {"disabled"}


def test_a_rule_entry_overrides_all(tmp_path: Path) -> None:
    levels = levels_with(tmp_path, {"all": "advisory", ST_01: {"enforcementLevel": "mandatory"}, ML_10: "disabled"})
    assert levels[ST_01] == "mandatory"
    assert levels[ML_10] == "disabled"
    assert levels["ml-01-workspace-public-network-disabled"] == "advisory"


def test_a_rule_entry_with_parameters_only_keeps_the_level_from_all(tmp_path: Path) -> None:
    levels = levels_with(tmp_path, {"all": "disabled", ML_10: {"maxNodesPerCluster": 2}})
    assert levels[ML_10] == "disabled"


def test_remediate_counts_as_mandatory(tmp_path: Path) -> None:
    assert levels_with(tmp_path, {ST_01: "remediate"})[ST_01] == "mandatory"


def test_parameters_reach_the_rules(tmp_path: Path) -> None:
    records = mutate(secure_platform(), "cpu-cluster", "properties.properties.scaleSettings.maxNodeCount", 12)
    capped = evaluate(
        records,
        "any",
        write(tmp_path, {"all": "disabled", ML_10: {"enforcementLevel": "mandatory", "maxNodesPerCluster": 11}}),
    )
    assert [(v.policy, v.resource_name, v.message) for v in capped] == [
        (ML_10, "cpu-cluster", ("properties.properties.scaleSettings.maxNodeCount is 12; the cap for this stack is 11"))
    ]
    raised = evaluate(
        records,
        "any",
        write(tmp_path, {"all": "disabled", ML_10: {"enforcementLevel": "mandatory", "maxNodesPerCluster": 12}}),
    )
    assert raised == []


def test_levels_reach_the_verdicts(tmp_path: Path) -> None:
    records = mutate(secure_platform(), "stmlpprod", "allowSharedKeyAccess", True)
    for level in ("mandatory", "advisory"):
        verdicts = evaluate(records, "any", write(tmp_path, {"all": "disabled", ST_01: level}))
        assert [(v.policy, v.level, v.kind) for v in verdicts] == [(ST_01, level, "violation")]
        assert has_mandatory_failures(verdicts) == (level == "mandatory")  # an advisory rule never fails the plan
    assert evaluate(records, "any", write(tmp_path, {"all": "disabled"})) == []


def test_the_stack_name_selects_its_config_file(tmp_path: Path) -> None:
    records = mutate(secure_platform(), "stmlpprod", "allowSharedKeyAccess", True)
    own = write(tmp_path, {"all": "disabled", ST_01: "advisory"})
    assert [v.level for v in evaluate(records, "qa", own)] == ["advisory"]
    by_stack = {s: [v.level for v in evaluate(records, s) if v.policy == ST_01] for s in STACKS}
    st_01 = next(r for r in ALL_RULES if r.name == ST_01)
    assert by_stack == {s: [st_01.levels.of(s).value] for s in STACKS}


def test_invalid_configs_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match='"ml-99-typo": no rule of the pack has this name'):
        levels_with(tmp_path, {"ml-99-typo": "advisory"})
    with pytest.raises(ValueError, match=f"\"{ML_10}\".maxNodesPerCluster: 'many' is not of type 'integer'"):
        levels_with(tmp_path, {ML_10: {"maxNodesPerCluster": "many"}})
    with pytest.raises(ValueError, match='"sometimes" is not an enforcement level'):
        levels_with(tmp_path, {ML_10: "sometimes"})
    with pytest.raises(FileNotFoundError):
        resolve_enforcement("no-such-stack")


@pytest.mark.parametrize("stack", STACKS)
def test_the_shipped_config_requires_premium_registries_where_the_stack_has_private_endpoints(stack: str) -> None:
    """Only Premium registries take private endpoints (azure-facts, container registry): the
    stack file's own network decides, and the shipped policies/config/<stack>.json must enforce it."""
    from components.settings import validate_settings
    from tests.planning import stack_values

    private = validate_settings(stack_values(stack), stack).network.private_endpoints
    standard = mutate(secure_platform(), "crmlpprod", "sku.name", "Standard")
    found = [v for v in evaluate(standard, stack) if v.policy == CR_02 and "sku.name" in v.message]
    assert bool(found) == private, stack
    assert all(v.level == "mandatory" for v in found), stack  # staging and prod block the plan (exit 1)
