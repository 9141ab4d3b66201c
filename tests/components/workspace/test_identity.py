"""The workspace identity: user-assigned in every tier with its roles BEFORE the workspace; a
system-assigned one (opt-in) gets none of the roles Microsoft grants it itself."""

from __future__ import annotations

from typing import Any

from components.settings import validate_settings
from components.workspace.identity import ENDPOINT_APPROVER, USER_ASSIGNED_ROLES
from tests.azure_roles import ROLE_NAMES
from tests.planning import Resources, plan, stack_values


def identity_grants(res: Resources, principal_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(scope, role name) -> assignment, for one principal."""
    return {
        (a["inputs"]["scope"], ROLE_NAMES[a["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1]]): a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["principalId"] == principal_id
    }


def test_user_assigned_identity_is_the_workspace_primary_identity(stack_plans: dict[str, Resources]) -> None:
    for stack in ("dev", "staging", "prod"):
        res = stack_plans[stack]
        uai = res.named("mlp-workspace-identity")
        ws = res.one("machinelearningservices:Workspace")["inputs"]
        assert ws["identity"]["type"] == "UserAssigned"
        # first the workspace's own identity; prod adds its customer key's identity (test_network_protection)
        assert ws["identity"]["userAssignedIdentities"][0] == uai["outputs"]["id"]
        assert ws["primaryUserAssignedIdentity"] == uai["outputs"]["id"]
        assert uai["inputs"]["resourceName"] == f"id-mlw-mlp-{stack}"
        assert uai["inputs"]["tags"]["environment"] == stack
        assert res.plan.outputs["workspaceIdentity"] == {
            "type": "UserAssigned",
            "principalId": uai["outputs"]["principalId"],
        }


def test_user_assigned_identity_gets_microsofts_roles_before_the_workspace(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    principal_id = res.named("mlp-workspace-identity")["outputs"]["principalId"]
    ws = res.one("machinelearningservices:Workspace")
    scopes = {
        "storage": res.named("mlp-workspace-storage")["outputs"]["id"],
        "keyvault": res.one("keyvault:Vault")["outputs"]["id"],
        "registry": res.one("containerregistry:Registry")["outputs"]["id"],
        "appinsights": res.one("applicationinsights:Component")["outputs"]["id"],
    }
    # its roles on the inference cluster, before the attach: tests/components/compute/inference/test_attach_order.py
    cluster = res.one("containerservice:ManagedCluster")["outputs"]["id"]
    grants = {key: grant for key, grant in identity_grants(res, principal_id).items() if key[0] != cluster}
    approvals = {(scopes[target], ENDPOINT_APPROVER) for target in ("storage", "keyvault", "registry")}
    before = {(scopes[target], role) for target, roles in USER_ASSIGNED_ROLES.items() for role in roles}
    assert before == {
        (scopes["storage"], "Contributor"),
        (scopes["storage"], "Storage Blob Data Contributor"),
        (scopes["storage"], "Storage File Data Privileged Contributor"),
        (scopes["keyvault"], "Contributor"),
        (scopes["keyvault"], "Key Vault Administrator"),
        (scopes["registry"], "Contributor"),
        (scopes["registry"], "AcrPull"),
        (scopes["registry"], "AcrPush"),
        (scopes["appinsights"], "Contributor"),
    }
    lakes = {(lake["outputs"]["id"], ENDPOINT_APPROVER) for lake in res.of_type("storage:StorageAccount")}
    lakes -= {(scopes["storage"], ENDPOINT_APPROVER)}
    assert lakes  # prod has a data lake behind a managed-network rule
    # studio: Reader on the client VNet's storage private endpoints (test_network)
    readers = {(scope, role) for scope, role in grants if role == "Reader" and "/privateEndpoints/" in scope}
    assert readers
    assert set(grants) == before | approvals | lakes | readers | {(ws["outputs"]["id"], "Contributor")}
    # every role Microsoft lists, and the approvals its managed network needs, are in place before
    # Azure ML starts creating the workspace
    for key in before | approvals:
        assert grants[key]["urn"] in ws["dependencies"], key
        assert grants[key]["inputs"]["principalType"] == "ServicePrincipal"
    # its Contributor on the workspace can only follow the workspace
    after = grants[(ws["outputs"]["id"], "Contributor")]
    assert ws["urn"] in after["dependencies"]


def test_every_tier_defaults_to_the_user_assigned_identity() -> None:
    """Dev too: a system-assigned identity's role assignments are "Managed by Microsoft"
    (how-to-identity-based-service-authentication), so the stack could not grant them before the
    workspace, nor check them in the plan."""
    for tier in ("dev", "staging", "prod"):
        values = {k: v for k, v in stack_values(tier).items() if k != "workspace"}
        assert validate_settings(values, tier).workspace.identity == "UserAssigned", tier


def test_a_system_assigned_identity_gets_no_duplicate_of_microsofts_grants() -> None:
    """Microsoft grants a system-assigned workspace identity Storage Blob Data Contributor on its
    storage (and Contributor on the rest) when it creates the workspace; the same principal, role and
    scope under our assignment name is 409 RoleAssignmentExists (MicrosoftDocs/azure-docs#80040)."""
    res = Resources(plan("dev", {"workspace": {"identity": "SystemAssigned"}}))
    ws = res.one("machinelearningservices:Workspace")
    assert ws["inputs"]["identity"] == {"type": "SystemAssigned"}
    assert "primaryUserAssignedIdentity" not in ws["inputs"]
    assert [r["name"] for r in res.of_type("managedidentity:UserAssignedIdentity")] == ["mlp-compute-identity"]
    grants = identity_grants(res, ws["outputs"]["identity"]["principalId"])
    associated = {
        res.named("mlp-workspace-storage")["outputs"]["id"],
        res.one("keyvault:Vault")["outputs"]["id"],
        res.one("containerregistry:Registry")["outputs"]["id"],
        res.one("applicationinsights:Component")["outputs"]["id"],
    }
    assert not {scope for scope, _ in grants} & associated
    assert res.plan.outputs["workspaceIdentity"]["type"] == "SystemAssigned"
    assert not [g for g in res.plan.outputs["accessGrants"] if g["principal"] == "workspaceIdentity"]


def test_managed_network_rules_wait_for_the_identity_to_approve_their_endpoints(
    stack_plans: dict[str, Resources],
) -> None:
    res = stack_plans["prod"]
    principal_id = res.named("mlp-workspace-identity")["outputs"]["principalId"]
    approvals = {
        scope: grant for (scope, role), grant in identity_grants(res, principal_id).items() if role == ENDPOINT_APPROVER
    }
    rules = res.of_type("machinelearningservices:ManagedNetworkSettingsRule")
    lakes = {r["outputs"]["id"] for r in res.of_type("storage:StorageAccount")}
    lake_rules = [
        r
        for r in rules
        if r["inputs"]["properties"]["type"] == "PrivateEndpoint"
        and r["inputs"]["properties"]["destination"]["serviceResourceId"] in lakes
    ]
    assert lake_rules
    # the chain's head waits for every approval on a rule's target; the rest follow the chain
    head = next(r for r in rules if not any(d in {x["urn"] for x in rules} for d in r["dependencies"]))
    for rule in lake_rules:
        target = rule["inputs"]["properties"]["destination"]["serviceResourceId"]
        assert approvals[target]["urn"] in head["dependencies"], target


def test_no_endpoint_approvals_without_a_managed_network(stack_plans: dict[str, Resources]) -> None:
    # dev's user-assigned identity, in a stack without the managed network, approves nothing
    res = stack_plans["dev"]
    principal_id = res.named("mlp-workspace-identity")["outputs"]["principalId"]
    roles = {role for (_, role) in identity_grants(res, principal_id)}
    assert "Key Vault Administrator" in roles  # the identity and its usual roles are there
    assert ENDPOINT_APPROVER not in roles
