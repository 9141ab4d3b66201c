"""The workspace component and its associated resources register the inputs Azure ML needs."""

from __future__ import annotations

import pytest

from tests.azure_roles import ROLE_GUIDS
from tests.conftest import STACKS
from tests.planning import Resources, plan


def test_workspace_is_v2_identity_based_and_wired_to_its_resources(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    ws = res.one("machinelearningservices:Workspace")["inputs"]
    assert ws["v1LegacyMode"] is False
    assert ws["systemDatastoresAuthMode"] == "Identity"
    assert ws["identity"]["type"] == "UserAssigned"  # staging's stack file; dev keeps SystemAssigned
    assert ws["storageAccount"] == res.named("mlp-workspace-storage")["outputs"]["id"]
    assert ws["keyVault"] == res.one("keyvault:Vault")["outputs"]["id"]
    assert ws["applicationInsights"] == res.one("applicationinsights:Component")["outputs"]["id"]
    assert ws["containerRegistry"] == res.one("containerregistry:Registry")["outputs"]["id"]


def test_default_storage_is_what_azure_ml_accepts_and_locked_to_identity(stack_plans: dict[str, Resources]) -> None:
    sa = stack_plans["dev"].named("mlp-workspace-storage")["inputs"]
    assert sa["kind"] == "StorageV2"
    assert sa["isHnsEnabled"] is False
    assert sa["sku"]["name"].startswith("Standard_")
    assert sa["enableHttpsTrafficOnly"] is True
    assert sa["minimumTlsVersion"] == "TLS1_2"
    assert sa["allowBlobPublicAccess"] is False
    assert sa["allowSharedKeyAccess"] is False
    assert sa["allowCrossTenantReplication"] is False
    assert sa["isLocalUserEnabled"] is False
    # the portal and tools sign in with Entra ID by default (shared keys are off anyway)
    assert sa["defaultToOAuthAuthentication"] is True
    # without a customer key (dev), Microsoft's keys with infrastructure (double) encryption
    assert sa["encryption"] == {"keySource": "Microsoft.Storage", "requireInfrastructureEncryption": True}


def test_blob_soft_delete_and_versioning_follow_the_tier(stack_plans: dict[str, Resources]) -> None:
    dev = stack_plans["dev"].named("mlp-workspace-storage-blob")["inputs"]
    prod = stack_plans["prod"].named("mlp-workspace-storage-blob")["inputs"]
    assert dev["deleteRetentionPolicy"] == {"enabled": True, "days": 7}
    assert prod["deleteRetentionPolicy"] == {"enabled": True, "days": 30}
    assert prod["containerDeleteRetentionPolicy"]["enabled"] is True
    assert (dev["isVersioningEnabled"], prod["isVersioningEnabled"]) == (False, True)


def test_key_vault_uses_rbac_and_purge_protection_where_the_tier_wants_it(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"].one("keyvault:Vault")["inputs"]["properties"]
    dev = stack_plans["dev"].one("keyvault:Vault")["inputs"]["properties"]
    assert prod["enableRbacAuthorization"] is True
    assert prod["accessPolicies"] == []
    assert prod["enablePurgeProtection"] is True
    assert prod["softDeleteRetentionInDays"] == 90
    # Azure rejects an explicit false, so dev must leave the property out rather than send false
    assert "enablePurgeProtection" not in dev
    assert dev["softDeleteRetentionInDays"] == 7


@pytest.mark.parametrize("stack", STACKS)
def test_creation_time_only_workspace_settings_replace_the_workspace(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    """hbiWorkspace is fixed when the workspace is created: a change must plan a replacement."""
    assert "hbiWorkspace" in stack_plans[stack].one("machinelearningservices:Workspace")["replaceOnChanges"]


def test_application_insights_is_workspace_based(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    ai = res.one("applicationinsights:Component")["inputs"]
    assert ai["workspaceResourceId"] == res.one("operationalinsights:Workspace")["outputs"]["id"]
    assert ai["ingestionMode"] == "LogAnalytics"
    assert ai["disableLocalAuth"] is True
    assert res.one("operationalinsights:Workspace")["inputs"]["retentionInDays"] == 365


def test_registry_mode_create_makes_a_registry_without_admin_user(stack_plans: dict[str, Resources]) -> None:
    acr = stack_plans["prod"].one("containerregistry:Registry")["inputs"]
    assert acr["adminUserEnabled"] is False
    assert acr["sku"]["name"] == "Premium"


def test_premium_registry_keeps_images_inside_and_cleans_untagged_manifests(stack_plans: dict[str, Resources]) -> None:
    policies = stack_plans["prod"].one("containerregistry:Registry")["inputs"]["policies"]
    assert policies["exportPolicy"] == {"status": "disabled"}
    assert policies["retentionPolicy"]["status"] == "enabled"
    assert "quarantinePolicy" not in policies  # would block Azure ML's image builds
    basic = stack_plans["dev"].one("containerregistry:Registry")["inputs"]
    assert basic["sku"]["name"] == "Basic"
    assert "policies" not in basic


def test_registry_mode_on_demand_leaves_the_registry_to_azure_ml() -> None:
    # a registry made later by Azure ML needs the system-assigned identity (UserAssigned needs create)
    res = Resources(plan("dev", {"workspace": {"identity": "SystemAssigned"}, "registry": {"mode": "onDemand"}}))
    assert res.of_type("containerregistry:Registry") == []
    assert "containerRegistry" not in res.one("machinelearningservices:Workspace")["inputs"]


def test_workspace_identity_gets_data_roles_on_its_storage(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    principal_id = res.named("mlp-workspace-identity")["outputs"]["principalId"]
    storage_id = res.named("mlp-workspace-storage")["outputs"]["id"]
    grants = {
        r["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1]
        for r in res.of_type("authorization:RoleAssignment")
        if r["inputs"]["scope"] == storage_id and r["inputs"]["principalId"] == principal_id
    }
    assert grants == {
        ROLE_GUIDS["Contributor"],
        ROLE_GUIDS["Storage Blob Data Contributor"],
        ROLE_GUIDS["Storage File Data Privileged Contributor"],
    }


def test_existing_resource_group_is_used_not_created() -> None:
    res = Resources(plan("dev", {"resourceGroup": {"create": False, "name": "rg-shared-ml"}}))
    assert res.of_type("resources:ResourceGroup") == []
    assert res.one("machinelearningservices:Workspace")["inputs"]["resourceGroupName"] == "rg-shared-ml"


def test_children_are_parented_to_components_and_named_after_them(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    workspace = res.one("mlplatform:index:Workspace")
    kids = list(res.children(workspace))
    assert kids
    assert all(k["name"].startswith(workspace["name"] + "-") for k in kids)
