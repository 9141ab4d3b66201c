"""The machinery the rules are written with (policies/rules/lib): the rule runner, per-tier
declarations, parameters, and how a stack rule follows references between resources in the
shapes the CLI hands it (outputs only after `pulumi up`, unknown references in a first preview)."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest
from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

from policies.rules import ALL_POLICIES
from policies.rules.lib.params import Param, integer, string_list
from policies.rules.lib.tiers import ADVISORY, MANDATORY, TIERS, Levels, Tiers
from tests.policies.policy_fixtures import (
    AKS_ID,
    NO_MANAGED_NETWORK,
    T_AKS,
    T_CMP,
    T_WS,
    Record,
    add,
    by_name,
    find,
    outbound_rule,
    run_resource,
    run_stack,
    secure_platform,
    storage_account,
    urn,
    without,
)
from tools.plan.policy import config_path_for, load_config, resolve

# --- the runner ----------------------------------------------------------------------------


def test_rules_ignore_other_resource_types() -> None:
    insecure = {
        "publicNetworkAccess": "Enabled",
        "allowSharedKeyAccess": True,
        "adminUserEnabled": True,
        "properties": {"enablePurgeProtection": False},
    }
    for policy in ALL_POLICIES:
        if isinstance(policy, ResourceValidationPolicy):
            assert run_resource(policy, "mlplatform:index:Workspace", insecure) == []


def test_versioned_type_tokens_are_judged_like_the_default_version() -> None:
    messages = run_resource(
        by_name("st-01-storage-shared-key-disabled"),
        "azure-native:storage/v20230501:StorageAccount",
        {"allowSharedKeyAccess": True},
    )
    assert messages == [("allowSharedKeyAccess is true; it must be false (Entra ID authorization only)")]


# --- per-tier declarations and parameters ---------------------------------------------------


def test_the_tiers_are_dev_staging_prod_and_a_level_must_be_an_enforcement_level() -> None:
    assert TIERS == ("dev", "staging", "prod")
    levels = Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY)
    assert [level for _, level in levels.items()] == [ADVISORY, MANDATORY, MANDATORY]
    with pytest.raises(KeyError, match="unknown tier 'qa'"):
        levels.of("qa")
    with pytest.raises(TypeError, match="prod: 'mandatory' is not an EnforcementLevel"):
        Levels(dev=ADVISORY, staging=MANDATORY, prod="mandatory")  # type: ignore[arg-type]


def test_a_parameter_takes_its_value_from_exactly_one_place() -> None:
    schema = integer("A cap.", 1)
    assert Param("cap", schema, default=3).full_schema()["default"] == 3
    per_tier = Param("cap", schema, tiers=Tiers(dev=1, staging=2, prod=5))
    assert per_tier.full_schema()["default"] == 5  # without a config, the pack judges like prod
    from_settings = Param("cap", schema, setting="compute.cap")
    assert "default" not in from_settings.full_schema()
    for wrong in ({}, {"default": 3, "setting": "compute.cap"}, {"default": 3, "tiers": Tiers.every(3)}):
        with pytest.raises(ValueError, match="exactly one of default=, tiers= or setting="):
            Param("cap", schema, **wrong)
    with pytest.raises(ValueError, match="not the schema"):
        Param("tags", {**string_list("Tags."), "default": []}, default=[])


def test_every_shares_one_value_and_a_list_default_is_copied_per_run() -> None:
    tags = Param("tags", string_list("Tags."), tiers=Tiers.every(["owner"]))
    first = tags.full_schema()["default"]
    first.append("changed")
    assert tags.full_schema()["default"] == ["owner"]


# --- references, as the CLI hands them over -------------------------------------------------


def cli_shaped(records: list[Record]) -> list[Record]:
    """What `pulumi up` hands a stack policy: outputs only (azure-native outputs echo the
    inputs, except input-only names such as resourceUri, workspaceName, clusterName)."""
    input_only = {"resourceUri", "workspaceName", "clusterName", "accountName", "resourceGroupName", "resourceName"}
    changed = copy.deepcopy(records)
    for r in changed:
        r["outputs"] = {**{k: v for k, v in r["inputs"].items() if k not in input_only}, **r["outputs"]}
        r["inputs"] = {}
        r["propertyDependencies"] = {}
    return changed


def preview_shaped(records: list[Record]) -> list[Record]:
    """What `pulumi preview` hands a stack policy for a first deployment: no ids yet, and
    references between resources unknown; only the property dependencies tell them apart."""
    references = {
        "storageAccount",
        "keyVault",
        "applicationInsights",
        "containerRegistry",
        "workspaceId",
        "resourceUri",
        "primaryUserAssignedIdentity",
    }
    changed = copy.deepcopy(records)
    for r in changed:
        r["outputs"] = {}
        for key in references & set(r["inputs"]):
            r["inputs"][key] = "[unknown]"
    return changed


@pytest.mark.parametrize("shape", [cli_shaped, preview_shaped])
def test_stack_rules_follow_references_without_input_only_names_or_ids(
    shape: Callable[[list[Record]], list[Record]],
) -> None:
    records = shape(secure_platform())
    prod = resolve(ALL_POLICIES, load_config(config_path_for("prod")))
    for policy in ALL_POLICIES:
        if isinstance(policy, StackValidationPolicy):
            assert run_stack(policy, records, prod[policy.name].config) == [], policy.name


def unknown_rule_target(records: list[Record]) -> list[Record]:
    changed = preview_shaped(records)
    find(changed, "lake-blob")["inputs"]["properties"]["destination"]["serviceResourceId"] = "[unknown]"
    return changed


@pytest.mark.parametrize("shape", [cli_shaped, unknown_rule_target])
def test_an_outbound_rule_resource_is_found_under_its_workspace(
    shape: Callable[[list[Record]], list[Record]],
) -> None:
    # The CLI gives no workspaceName (the rule's id names its workspace); in a first preview
    # the target's id is unknown and only the property dependency tells it.
    records = shape(add(storage_account("stlake"), outbound_rule("lake-blob"))(secure_platform()))
    assert run_stack(by_name("stk-07-private-connectivity"), records) == []


def test_references_still_catch_a_missing_diagnostic_setting_when_shaped_like_the_cli() -> None:
    records = cli_shaped(without(secure_platform(), "diag-kv-mlp-prod"))
    found = run_stack(by_name("stk-08-diagnostic-settings"), records)
    assert found == [("no diagnostic setting sends its logs to Log Analytics", find(records, "kv-mlp-prod")["urn"])]


def test_compute_found_under_its_workspace_by_id_prefix() -> None:
    records = cli_shaped(NO_MANAGED_NETWORK(secure_platform()))
    found = run_stack(by_name("ml-09-compute-in-vnet-or-managed-network"), records)
    assert {u for _, u in found} == {urn(T_CMP, "cpu-cluster"), urn(T_CMP, "ci-alice")}


def test_azureml_extension_exception_found_by_cluster_id_prefix() -> None:
    records = cli_shaped(secure_platform())
    assert run_stack(by_name("aks-01-local-accounts-disabled"), records) == []
    assert find(records, "azureml-extension")["outputs"]["id"].startswith(AKS_ID + "/")
    assert find(records, "aks-mlp-prod")["type"] == T_AKS
    assert find(records, "mlw-mlp-prod")["type"] == T_WS
