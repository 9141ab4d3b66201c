"""Customer-managed key, diagnostics, locks, the hooks later components use, and the policy pack's
network, diagnostics and protection rules on staging and prod (both isolation modes)."""

from __future__ import annotations

import datetime
import textwrap
from pathlib import Path

import pytest

from components.core.roles import BUILTIN_ROLES
from policies.offline import evaluate
from tests.planning import Resources, config_for, plan
from tools.plan.engine import run_program


@pytest.fixture(scope="module")
def customer_vnet() -> Resources:
    return Resources(plan("prod", {"network": {"mode": "customerVnet"}}))


# --- customer-managed key -------------------------------------------------------------------------


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
    assert grant["inputs"]["roleDefinitionId"].endswith(BUILTIN_ROLES["Key Vault Crypto Service Encryption User"])
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


# --- diagnostics ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("stack", "group"), [("dev", "audit"), ("prod", "allLogs")])
def test_diagnostics_send_logs_and_metrics_to_log_analytics(
    stack: str, group: str, stack_plans: dict[str, Resources]
) -> None:
    res = stack_plans[stack]
    law = res.one("operationalinsights:Workspace")["outputs"]["id"]
    storage_id = res.named("mlp-workspace-storage")["outputs"]["id"]
    lakes = [r["outputs"]["id"] for r in res.of_type("storage:StorageAccount") if r["name"].startswith("mlp-data-")]
    assert lakes  # the shipped stacks have data lakes: they join through the DiagnosticTarget hook
    accounts = {storage_id, *lakes}
    settings = {d["inputs"]["resourceUri"]: d["inputs"] for d in res.of_type("monitor:DiagnosticSetting")}
    expected = {
        res.one("machinelearningservices:Workspace")["outputs"]["id"],
        res.one("keyvault:Vault")["outputs"]["id"],
        f"{storage_id}/fileServices/default",
        *accounts,
        *(f"{account}/blobServices/default" for account in accounts),
        *(r["outputs"]["id"] for r in res.of_type("containerregistry:Registry")),
        *(r["outputs"]["id"] for r in res.of_type("containerservice:ManagedCluster")),  # prod's inference AKS
    }
    assert set(settings) == expected
    for uri, inputs in settings.items():
        assert inputs["workspaceId"] == law
        assert inputs["metrics"] == [{"category": "AllMetrics", "enabled": True}]
        # retention is the Log Analytics workspace's: deprecated per-setting policies stay unset
        assert "retentionPolicy" not in str(inputs)
        logs = [{"categoryGroup": group, "enabled": True}] if uri not in accounts else []
        assert inputs["logs"] == logs, uri


def test_metrics_can_be_left_out_while_the_logs_stay() -> None:
    settings = Resources(plan("dev", {"diagnostics": {"metrics": False}})).of_type("monitor:DiagnosticSetting")
    assert settings
    assert all(s["inputs"]["metrics"] == [] for s in settings)
    assert any(s["inputs"]["logs"] == [{"categoryGroup": "audit", "enabled": True}] for s in settings)


def test_diagnostics_can_be_switched_off() -> None:
    res = Resources(plan("dev", {"diagnostics": {"enabled": False}}))
    assert res.of_type("monitor:DiagnosticSetting") == []


# --- locks ----------------------------------------------------------------------------------------


def test_prod_locks_its_resource_group_and_the_lock_is_protected(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    lock = prod.one("authorization:ManagementLockAtResourceGroupLevel")
    assert lock["inputs"]["level"] == "CanNotDelete"
    assert lock["inputs"]["resourceGroupName"] == prod.one("resources:ResourceGroup")["outputs"]["name"]
    assert "README" in lock["inputs"]["notes"]
    assert lock["protect"] is True
    assert prod.of_type("authorization:ManagementLockByScope") == []
    assert stack_plans["staging"].of_type("authorization:ManagementLockAtResourceGroupLevel") == []


def test_an_existing_resource_group_is_never_locked_only_the_data_bearing_resources() -> None:
    res = Resources(plan("prod", {"resourceGroup": {"create": False, "name": "rg-shared-ml"}}))
    assert res.of_type("authorization:ManagementLockAtResourceGroupLevel") == []
    scopes = {lock["inputs"]["scope"] for lock in res.of_type("authorization:ManagementLockByScope")}
    assert scopes == {
        *(r["outputs"]["id"] for r in res.of_type("storage:StorageAccount")),  # default storage and the lake
        *(res.one(t)["outputs"]["id"] for t in ("keyvault:Vault", "containerregistry:Registry")),
        res.one("operationalinsights:Workspace")["outputs"]["id"],
    }
    assert len(scopes) == 5
    assert res.one("machinelearningservices:Workspace")["outputs"]["id"] not in scopes


# --- the hooks later components use (data lakes, AKS) ---------------------------------------------

HOOK_PROGRAM = """
from components.core.component import StackContext
from components.core.naming import Names
from components.core.targets import DiagnosticTarget, LockTarget, PrivateLinkTarget
from components.protection.diagnostics import Diagnostics
from components.protection.locks import Locks
from components.network.private_endpoints import PrivateEndpoints
from components.network.outbound_rules import ManagedOutboundRules, user_defined_rules
from components.settings import load_settings

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers"
LAKE = SUB + "/Microsoft.Storage/storageAccounts/stlake"
AKS = SUB + "/Microsoft.ContainerService/managedClusters/aks-x"
settings = load_settings()
ctx = StackContext(
    names=Names("ml-platform", "prod", "mlp"), location="westeurope", tags={"environment": "prod"}, protect=True,
    resource_group_name="rg-x", subscription_id="0", tenant_id="1",
)
lake = [PrivateLinkTarget("lake", LAKE, ("dfs", "blob"))]
PrivateEndpoints("pe", ctx, settings.network, subnet_id=SUB + "/vnet/subnets/s", vnet_id=SUB + "/vnet", targets=lake)
ManagedOutboundRules("rules", ctx, workspace_name="mlw-x", rules=user_defined_rules(settings.network, lake))
Diagnostics("diag", ctx, settings.diagnostics, logs_id=SUB + "/law", targets=[DiagnosticTarget("aks", AKS)])
Locks("locks", ctx, settings.locks, owns_resource_group=False, targets=[LockTarget("lake", LAKE)])
"""


def test_targets_added_later_get_endpoints_rules_diagnostics_and_locks(tmp_path: Path) -> None:
    program = tmp_path / "__main__.py"
    program.write_text(textwrap.dedent(HOOK_PROGRAM))
    res = Resources(run_program(config_for("prod"), program=program))
    lake = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-x/providers"
    lake += "/Microsoft.Storage/storageAccounts/stlake"
    groups = sorted(
        pe["inputs"]["privateLinkServiceConnections"][0]["groupIds"][0] for pe in res.of_type("network:PrivateEndpoint")
    )
    assert groups == ["blob", "dfs"]
    zones = {z["inputs"]["privateZoneName"] for z in res.of_type("privatedns:PrivateZone")}
    assert zones == {"privatelink.blob.core.windows.net", "privatelink.dfs.core.windows.net"}
    rules = {r["inputs"]["ruleName"]: r["inputs"]["properties"] for r in res.of_type("ManagedNetworkSettingsRule")}
    assert rules["lake-dfs"]["destination"] == {
        "serviceResourceId": lake,
        "subresourceTarget": "dfs",
        "sparkEnabled": False,
    }
    assert set(rules) == {"lake-dfs", "lake-blob"}
    assert res.one("monitor:DiagnosticSetting")["inputs"]["resourceUri"].endswith("/managedClusters/aks-x")
    assert res.one("authorization:ManagementLockByScope")["inputs"]["scope"] == lake


# --- the policy pack's network, diagnostics and protection rules ---------------------------------

# The checklist rows this feature answers for (ML-09: compute in a subnet or the managed network)
OWN_RULES = ("ml-01-", "ml-02-", "ml-09-", "st-04-", "kv-04-", "cr-02-", "stk-05-", "stk-07-", "stk-08-")


def failures(res: Resources, stack: str) -> list[str]:
    """Mandatory violations of this feature's rules, as the real policy pack reports them offline."""
    return sorted(
        f"{v.policy} {v.resource_name}: {v.message}"
        for v in evaluate(res.records, stack)
        if v.kind == "violation" and v.level == "mandatory" and v.policy.startswith(OWN_RULES)
    )


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_shipped_stacks_pass_the_network_diagnostics_and_protection_rules(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    assert failures(stack_plans[stack], stack) == []


def test_prod_in_customer_vnet_mode_passes_them_without_the_managed_network(customer_vnet: Resources) -> None:
    assert "managedNetwork" not in customer_vnet.one("machinelearningservices:Workspace")["inputs"]
    assert failures(customer_vnet, "prod") == []


def test_the_rules_do_catch_an_open_prod() -> None:
    res = Resources(plan("prod", {"network": {"mode": "none", "privateEndpoints": False}, "locks": {"enabled": False}}))
    failed = {f.split("-")[0] + "-" + f.split("-")[1] for f in failures(res, "prod")}
    assert {"ml-01", "ml-02", "st-04", "kv-04", "stk-07"} <= failed
