"""The workspace identity: system-assigned by default, user-assigned with its roles BEFORE the workspace."""

from __future__ import annotations

from typing import Any

from components.identity import USER_ASSIGNED_ROLES
from components.roles import BUILTIN_ROLES
from tests.planning import Resources

ROLE_NAMES = {guid: name for name, guid in BUILTIN_ROLES.items()}


def identity_grants(res: Resources, principal_id: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(scope, role name) -> assignment, for one principal."""
    return {
        (a["inputs"]["scope"], ROLE_NAMES[a["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1]]): a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["principalId"] == principal_id
    }


def test_user_assigned_identity_is_the_workspace_primary_identity(stack_plans: dict[str, Resources]) -> None:
    for stack in ("staging", "prod"):
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
    grants = identity_grants(res, principal_id)
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
    assert set(grants) == before | {(ws["outputs"]["id"], "Contributor")}
    # every role Microsoft lists is in place before Azure ML starts creating the workspace
    for key in before:
        assert grants[key]["urn"] in ws["dependencies"], key
        assert grants[key]["inputs"]["principalType"] == "ServicePrincipal"
    # its Contributor on the workspace can only follow the workspace
    after = grants[(ws["outputs"]["id"], "Contributor")]
    assert ws["urn"] in after["dependencies"]


def test_system_assigned_identity_stays_the_default_with_its_storage_roles_after(
    stack_plans: dict[str, Resources],
) -> None:
    res = stack_plans["dev"]
    ws = res.one("machinelearningservices:Workspace")
    assert ws["inputs"]["identity"] == {"type": "SystemAssigned"}
    assert "primaryUserAssignedIdentity" not in ws["inputs"]
    assert [r["name"] for r in res.of_type("managedidentity:UserAssignedIdentity")] == ["mlp-compute-identity"]
    grants = identity_grants(res, ws["outputs"]["identity"]["principalId"])
    storage = res.named("mlp-workspace-storage")["outputs"]["id"]
    assert set(grants) == {
        (storage, "Storage Blob Data Contributor"),
        (storage, "Storage File Data Privileged Contributor"),
    }
    assert all(ws["urn"] in a["dependencies"] for a in grants.values())
