"""Enforcement levels and parameters per stack, resolved the way the Pulumi CLI does."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from policy_checklist import expected_level
from policy_fixtures import mutate, secure_platform

from policies.rules import ALL_POLICIES
from tools.plan.policy import (
    config_path_for,
    evaluate,
    load_config,
    resolve,
    resolve_enforcement,
)

STACKS = ("dev", "staging", "prod")
ML_10 = "ml-10-compute-scale-to-zero-and-capped"
ST_01 = "st-01-storage-shared-key-disabled"


def rule_id(name: str) -> str:
    head, number = name.split("-")[:2]
    return f"{head.upper()}-{number}"


@pytest.mark.parametrize("stack", STACKS)
def test_levels_per_stack_follow_the_checklist(stack: str) -> None:
    levels = resolve_enforcement(stack)
    assert set(levels) == {p.name for p in ALL_POLICIES}
    for name, level in levels.items():
        assert level == expected_level(rule_id(name), stack), name


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


def test_stack_parameters() -> None:
    config = {s: resolve(ALL_POLICIES, load_config(config_path_for(s))) for s in STACKS}
    regions = {s: config[s]["stk-02-allowed-locations"].config["allowedRegions"] for s in STACKS}
    assert regions == {s: ["westeurope", "northeurope"] for s in STACKS}
    sizes = config["prod"]["stk-03-vm-size-allow-list"].config["allowedVmSizes"]
    assert "Standard_NC40ads_H100_v5" in sizes
    assert "Standard_DS3_v2" in sizes
    assert len(sizes) == 12
    assert config["dev"]["stk-03-vm-size-allow-list"].config["requireLowPriorityClusters"]
    assert not config["prod"]["stk-03-vm-size-allow-list"].config["requireLowPriorityClusters"]
    caps = [config[s]["stk-04-node-cost-caps"].config["maxTotalNodes"] for s in STACKS]
    assert caps == sorted(caps)
    assert caps[0] < caps[-1]
    assert config["prod"]["mon-02-log-analytics-retention-and-local-auth"].config["minLogRetentionDays"] == 90
    assert config["dev"]["ml-02-workspace-managed-network-isolated"].config["allowedIsolationModes"] == [
        "AllowOnlyApprovedOutbound",
        "AllowInternetOutbound",
    ]
    assert config["prod"]["ml-02-workspace-managed-network-isolated"].config["allowedIsolationModes"] == [
        "AllowOnlyApprovedOutbound"
    ]


def write(tmp_path: Path, config: dict[str, Any]) -> Path:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    return path


def levels_with(tmp_path: Path, config: dict[str, Any]) -> Mapping[str, str]:
    return resolve_enforcement("any", write(tmp_path, config))


def test_without_config_each_rule_keeps_its_own_level(tmp_path: Path) -> None:
    levels = levels_with(tmp_path, {})
    assert levels[ML_10] == "advisory"
    assert levels[ST_01] == "mandatory"


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
    default = evaluate(records, "any", write(tmp_path, {"all": "disabled", ML_10: "mandatory"}))
    assert [(v.policy, v.resource_name, v.message) for v in default] == [
        (ML_10, "cpu-cluster", ("properties.properties.scaleSettings.maxNodeCount is 12; the cap for this stack is 4"))
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
    assert evaluate(records, "any", write(tmp_path, {"all": "disabled"})) == []


def test_the_stack_name_selects_its_config_file() -> None:
    records = mutate(secure_platform(), "stmlpprod", "allowSharedKeyAccess", True)
    by_stack = {s: [v.level for v in evaluate(records, s) if v.policy == ST_01] for s in STACKS}
    assert by_stack == {"dev": ["advisory"], "staging": ["mandatory"], "prod": ["mandatory"]}


def test_invalid_configs_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown policies: ml-99-typo"):
        levels_with(tmp_path, {"ml-99-typo": "advisory"})
    with pytest.raises(jsonschema.ValidationError):
        levels_with(tmp_path, {ML_10: {"maxNodesPerCluster": "many"}})
    with pytest.raises(ValueError, match="'sometimes' is not a valid EnforcementLevel"):
        levels_with(tmp_path, {ML_10: "sometimes"})
    with pytest.raises(FileNotFoundError):
        resolve_enforcement("no-such-stack")
