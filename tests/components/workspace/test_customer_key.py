"""The customer-managed key (workspace/customer_key.py) in the offline plan: the key, its permission,
and the workspace and default storage that use it."""

from __future__ import annotations

import datetime

from tests.azure_roles import ROLE_GUIDS
from tests.planning import Resources, plan


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
        r for r in prod.of_type("authorization:RoleAssignment") if r["inputs"]["scope"] == key["outputs"]["id"]
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
            {"encryption": {"keyExpiresOn": "2028-06-30", "storage": False, "serviceSide": True, "keySize": 4096}},
        )
    )
    props = res.one("keyvault:Key")["inputs"]["properties"]
    assert props["attributes"]["expires"] == int(datetime.datetime(2028, 6, 30, tzinfo=datetime.UTC).timestamp())
    assert props["keySize"] == 4096
    assert res.named("mlp-workspace-storage")["inputs"]["encryption"]["keySource"] == "Microsoft.Storage"
    assert res.one("machinelearningservices:Workspace")["inputs"]["enableServiceSideCMKEncryption"] is True


def test_staging_can_opt_into_a_software_key_next_to_a_system_assigned_identity() -> None:
    overrides = {"encryption": {"customerManagedKey": True}, "workspace": {"identity": "SystemAssigned"}}
    res = Resources(plan("staging", overrides))
    assert res.one("keyvault:Key")["inputs"]["properties"]["kty"] == "RSA"
    assert res.one("keyvault:Key")["protect"] is False
    ws = res.one("machinelearningservices:Workspace")["inputs"]
    assert ws["encryption"]["status"] == "Enabled"
    assert ws["identity"] == {
        "type": "SystemAssigned,UserAssigned",
        "userAssignedIdentities": [res.named("mlp-workspace-cmk-identity")["outputs"]["id"]],
    }
