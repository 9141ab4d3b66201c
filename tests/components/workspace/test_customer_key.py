"""The customer-managed key (workspace/customer_key.py) in the offline plan: the key, its permission,
and the workspace and default storage that use it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from components.settings import SettingsError, validate_settings
from tests.azure_roles import ROLE_GUIDS
from tests.planning import Resources, plan, stack_values
from tools.plan.mocks import CLIENT_OBJECT_ID

COSMOS = "c05d0000-0000-4000-8000-0000000000aa"  # a stand-in object id of the Cosmos DB app


def test_prod_key_is_hsm_backed_rotating_and_protected(stack_plans: dict[str, Resources]) -> None:
    key = stack_plans["prod"].one("keyvault:Key")
    props = key["inputs"]["properties"]
    assert (props["kty"], props["keySize"]) == ("RSA-HSM", 3072)
    assert sorted(props["keyOps"]) == ["unwrapKey", "wrapKey"]
    policy = props["rotationPolicy"]
    assert policy["attributes"] == {"expiryTime": "P2Y"}
    actions = {a["action"]["type"]: a["trigger"] for a in policy["lifetimeActions"]}
    assert actions == {"rotate": {"timeAfterCreate": "P1Y"}, "notify": {"timeBeforeExpiry": "P30D"}}
    assert key["protect"] is True
    assert key["inputs"]["vaultName"] == stack_plans["prod"].one("keyvault:Vault")["outputs"]["name"]


def test_key_permission_is_granted_on_the_key_before_anything_uses_it(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    key = prod.one("keyvault:Key")
    identity = prod.named("mlp-workspace-cmk-identity")
    grant = next(
        r
        for r in prod.of_type("authorization:RoleAssignment")
        if r["inputs"]["scope"] == key["outputs"]["id"]
        and r["inputs"]["principalId"] == identity["outputs"]["principalId"]
    )
    assert grant["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS["Key Vault Crypto Service Encryption User"])
    assert grant["inputs"]["principalId"] == identity["outputs"]["principalId"]
    assert grant["inputs"]["principalType"] == "ServicePrincipal"
    for record in (prod.one("machinelearningservices:Workspace"), prod.named("mlp-workspace-storage")):
        assert grant["urn"] in record["dependencies"], record["name"]


def test_workspace_uses_the_versioned_key_and_replaces_only_on_an_encryption_switch(
    stack_plans: dict[str, Resources],
) -> None:
    prod = stack_plans["prod"]
    ws = prod.one("machinelearningservices:Workspace")
    key = prod.one("keyvault:Key")["outputs"]
    identity = prod.named("mlp-workspace-cmk-identity")["outputs"]
    encryption = ws["inputs"]["encryption"]
    assert encryption["status"] == "Enabled"
    assert encryption["identity"] == {"userAssignedIdentity": identity["id"]}
    assert encryption["keyVaultProperties"] == {
        "keyIdentifier": key["keyUriWithVersion"],
        "keyVaultArmId": prod.one("keyvault:Vault")["outputs"]["id"],
        "identityClientId": identity["clientId"],
    }
    # prod's workspace identity is user-assigned: the key's identity joins it
    workspace_identity = prod.named("mlp-workspace-identity")["outputs"]["id"]
    assert ws["inputs"]["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": [workspace_identity, identity["id"]],
    }
    assert ws["inputs"]["primaryUserAssignedIdentity"] == workspace_identity
    assert ws["inputs"]["enableServiceSideCMKEncryption"] is False
    assert "encryption.status" in ws["replaceOnChanges"]
    assert "enableServiceSideCMKEncryption" in ws["replaceOnChanges"]
    # a refresh that sees a rotated key version must not move or replace the workspace
    assert ws["ignoreChanges"] == ["encryption.keyVaultProperties.keyIdentifier"]


def test_default_storage_follows_the_key_versionless(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    sa = prod.named("mlp-workspace-storage")["inputs"]
    identity_id = prod.named("mlp-workspace-cmk-identity")["outputs"]["id"]
    assert sa["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [identity_id]}
    assert sa["encryption"] == {
        "keySource": "Microsoft.Keyvault",
        "keyVaultProperties": {
            "keyName": prod.one("keyvault:Key")["outputs"]["name"],
            "keyVaultUri": prod.one("keyvault:Vault")["outputs"]["properties"]["vaultUri"],
        },
        "encryptionIdentity": {"encryptionUserAssignedIdentity": identity_id},
        "requireInfrastructureEncryption": True,
    }


def test_key_options_reach_the_key() -> None:
    res = Resources(
        plan(
            "prod",
            {
                "encryption": {
                    "keyExpiresOn": "2028-06-30",
                    "storage": False,
                    "serviceSide": True,
                    "keySize": 4096,
                    "cosmosDbPrincipalObjectId": None,
                }
            },
        )
    )
    props = res.one("keyvault:Key")["inputs"]["properties"]
    assert props["attributes"]["expires"] == int(datetime.datetime(2028, 6, 30, tzinfo=datetime.UTC).timestamp())
    assert props["keySize"] == 4096
    assert res.named("mlp-workspace-storage")["inputs"]["encryption"]["keySource"] == "Microsoft.Storage"
    assert res.one("machinelearningservices:Workspace")["inputs"]["enableServiceSideCMKEncryption"] is True


def test_staging_has_a_software_key_as_its_tier_default(stack_plans: dict[str, Resources]) -> None:
    """Staging rehearses prod's creation-time key (concept-customer-managed-keys: the workspace's key
    is set at creation): a key in its standard vault, the workspace encrypted with it, Cosmos DB's
    grant on it, and a staging-tier stack without the Cosmos DB object id refused by key."""
    staging = stack_plans["staging"]
    key = staging.one("keyvault:Key")
    assert key["inputs"]["properties"]["kty"] == "RSA"  # standard vault: HSM keys stay prod's
    assert staging.one("keyvault:Vault")["inputs"]["properties"]["sku"]["name"] == "standard"
    ws = staging.one("machinelearningservices:Workspace")["inputs"]
    assert ws["encryption"]["status"] == "Enabled"
    assert ws["encryption"]["keyVaultProperties"]["keyIdentifier"] == key["outputs"]["keyUriWithVersion"]
    cosmos = validate_settings(stack_values("staging"), "staging").encryption.cosmos_db_principal_object_id
    assert cosmos is not None
    assert cosmos in key_grants(staging, key["outputs"]["id"])
    # the tier's default, not only the shipped stack file's: a bare staging-tier stack needs the id
    bare = {k: v for k, v in stack_values("staging").items() if k in ("tier", "location", "namePrefix", "tags")}
    with pytest.raises(SettingsError) as caught:
        validate_settings(bare, "perf")
    assert "ml-platform:encryption.cosmosDbPrincipalObjectId" in caught.value.keys


def test_staging_may_switch_its_key_off_and_builds_no_key_then() -> None:
    res = Resources(plan("staging", {"encryption": {"customerManagedKey": False, "cosmosDbPrincipalObjectId": None}}))
    assert res.of_type("keyvault:Key") == []
    assert "encryption" not in res.one("machinelearningservices:Workspace")["inputs"]


def test_staging_can_take_its_software_key_next_to_a_system_assigned_identity() -> None:
    overrides = {"workspace": {"identity": "SystemAssigned"}}
    res = Resources(plan("staging", overrides))
    assert res.one("keyvault:Key")["inputs"]["properties"]["kty"] == "RSA"
    assert res.one("keyvault:Key")["protect"] is False
    ws = res.one("machinelearningservices:Workspace")["inputs"]
    assert ws["encryption"]["status"] == "Enabled"
    assert ws["identity"] == {
        "type": "SystemAssigned,UserAssigned",
        "userAssignedIdentities": [res.named("mlp-workspace-cmk-identity")["outputs"]["id"]],
    }


def key_grants(res: Resources, scope: str) -> dict[str, dict[str, Any]]:
    """principal id -> the assignment at `scope`."""
    return {
        a["inputs"]["principalId"]: a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["scope"] == scope
    }


def test_the_deployer_may_create_the_key_before_it_is_created(stack_plans: dict[str, Resources]) -> None:
    """On an RBAC vault the ARM key PUT is checked against the caller's data-plane rights: Owner gets
    ForbiddenByRbac, Key Vault Crypto Officer works (Azure/bicep#6539, #7864; rbac-guide)."""
    prod = stack_plans["prod"]
    vault = prod.one("keyvault:Vault")["outputs"]["id"]
    grant = key_grants(prod, vault)[CLIENT_OBJECT_ID]
    assert grant["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS["Key Vault Crypto Officer"])
    assert grant["inputs"]["principalType"] == "ServicePrincipal"  # CI's app (deploy.yml) by default
    assert grant["urn"] in prod.one("keyvault:Key")["dependencies"]


def test_a_person_deploying_by_hand_states_it() -> None:
    res = Resources(plan("prod", {"encryption": {"deployerPrincipalType": "User"}}))
    vault = res.one("keyvault:Vault")["outputs"]["id"]
    assert key_grants(res, vault)[CLIENT_OBJECT_ID]["inputs"]["principalType"] == "User"


def test_cosmos_db_may_use_the_key_before_the_workspace(stack_plans: dict[str, Resources]) -> None:
    """how-to-setup-customer-managed-keys: the Azure Cosmos DB app needs get, wrap and unwrap on the key;
    on an RBAC vault that is Key Vault Crypto Service Encryption User (cosmos-db how-to-setup-cmk)."""
    prod = stack_plans["prod"]
    cosmos = validate_settings(stack_values("prod"), "prod").encryption.cosmos_db_principal_object_id
    assert cosmos
    grant = key_grants(prod, prod.one("keyvault:Key")["outputs"]["id"])[cosmos]
    assert grant["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS["Key Vault Crypto Service Encryption User"])
    assert grant["inputs"]["principalType"] == "ServicePrincipal"
    assert grant["urn"] in prod.one("machinelearningservices:Workspace")["dependencies"]
    listed = {(g["principal"], g["objectId"], g["role"]) for g in prod.plan.outputs["accessGrants"]}
    assert ("cosmosDb", cosmos, "Key Vault Crypto Service Encryption User") in listed
    assert ("deployer", CLIENT_OBJECT_ID, "Key Vault Crypto Officer") in listed


def test_service_side_encryption_needs_no_cosmos_db_grant() -> None:
    res = Resources(plan("prod", {"encryption": {"serviceSide": True, "cosmosDbPrincipalObjectId": None}}))
    key = res.one("keyvault:Key")["outputs"]["id"]
    cmk_identity = res.named("mlp-workspace-cmk-identity")["outputs"]["principalId"]
    assert set(key_grants(res, key)) == {cmk_identity}


def test_the_key_ignores_changes_arm_would_never_make(stack_plans: dict[str, Resources]) -> None:
    """Keys_CreateIfNotExist (Key Vault REST spec 2024-11-01): "This API does not create subsequent
    versions, and does not update existing keys": a changed size or rotation policy never reaches Azure."""
    key = stack_plans["prod"].one("keyvault:Key")
    assert set(key["ignoreChanges"]) == {"properties", "tags"}
    assert key["replaceOnChanges"] == []  # replacing a key that encrypts data is never automatic
