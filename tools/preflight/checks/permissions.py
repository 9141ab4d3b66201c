"""The deploying principal's effective permissions on every scope the plan writes to or grants on.

- Permissions_ListForResourceGroup / Permissions_ListForResource:
  GET /subscriptions/{s}/resourcegroups/{rg}[/providers/{ns}/{parentPath}/{type}/{name}]
  /providers/Microsoft.Authorization/permissions; `value[] {actions, notActions}` ("Gets all
  permissions the caller has", authorization/resource-manager/Microsoft.Authorization/stable/
  2022-04-01/authorization-RoleDefinitionsCalls.json; examples GetPermissions.json,
  GetResourcePermissions.json).
- The spec has no such list for a subscription. A resource group the stack will create inherits
  what the caller holds on the subscription, so that is read from the caller's role assignments:
  RoleAssignments_ListForSubscription with `$filter=assignedTo('{objectId}')` (the filter `az role
  assignment list --include-groups` uses: its group memberships count), `value[].properties.scope|
  roleDefinitionId` (authorization-RoleAssignmentsCalls.json, example
  RoleAssignments_ListForSubscription.json), then RoleDefinitions_GetById `properties.permissions`
  (authorization-RoleDefinitionsCalls.json, example GetRoleDefinitionById.json). Assignments at the
  subscription and above (management groups, `/`) apply to a new group; narrower ones do not.
"""

from __future__ import annotations

from typing import Any

from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from .. import arm, rbac
from ..azure_clients import caller_object_id
from ..report import Finding
from .facts import Facts


def _entries(items: Any) -> list[rbac.Permission]:
    return [rbac.Permission(tuple(p.actions or ()), tuple(p.not_actions or ())) for p in items]


def _subscription_permissions(facts: Facts, subscription: str) -> list[rbac.Permission]:
    client = facts.clients.authorization(subscription)
    oid = caller_object_id(facts.clients.credential)
    here = f"/subscriptions/{subscription}".lower()
    definitions = set()
    for assignment in client.role_assignments.list_for_subscription(filter=f"assignedTo('{oid}')"):
        scope = str(assignment.scope).rstrip("/").lower()
        if scope in ("", here) or scope.startswith("/providers/microsoft.management/managementgroups/"):
            definitions.add(str(assignment.role_definition_id))
    found: list[rbac.Permission] = []
    for definition in sorted(definitions):
        found += _entries(client.role_definitions.get_by_id(definition).permissions or [])
    return found


def _scope_permissions(facts: Facts, scope: str) -> tuple[str, list[rbac.Permission]]:
    """(where the permissions were read, the permission entries there)."""
    needs = facts.needs
    parsed = arm.parse(scope)
    subscription_only = parsed.resource_group is None
    own_new_group = parsed.group_id.lower() == needs.group_id.lower() and not facts.group_exists()
    if subscription_only or (parsed.namespace is None and own_new_group):
        where = f"/subscriptions/{parsed.subscription}"
        return where, _subscription_permissions(facts, parsed.subscription)
    client = facts.clients.authorization(parsed.subscription)
    if parsed.namespace is None:
        listed = client.permissions.list_for_resource_group(parsed.resource_group)
    else:
        listed = client.permissions.list_for_resource(
            parsed.resource_group, parsed.namespace, parsed.parent_path, parsed.types[-1], parsed.names[-1]
        )
    return scope, _entries(listed)


def permissions(facts: Facts) -> list[Finding]:
    findings = []
    for scope, actions in sorted(facts.needs.actions.items()):
        try:
            where, entries = _scope_permissions(facts, scope)
        except ResourceNotFoundError:
            findings.append(
                Finding("permission", scope, "fail", "scope not found", "create it, or fix the setting that names it")
            )
            continue
        except HttpResponseError as error:
            if error.status_code != 403:
                raise
            findings.append(
                Finding(
                    "permission",
                    scope,
                    "fail",
                    "cannot read permissions here (403)",
                    "the deployer needs at least Reader on this scope, and the actions listed by a second run",
                )
            )
            continue
        missing = sorted(action for action in actions if not rbac.allows(entries, action))
        if not missing:
            source = "" if where == scope else f" (from {where}: the group does not exist yet)"
            findings.append(Finding("permission", scope, "ok", f"{len(actions)} actions allowed{source}"))
            continue
        for action in missing:
            findings.append(
                Finding(
                    "permission",
                    scope,
                    "fail",
                    f"{action} not allowed ({actions[action]})",
                    _advice(action, where),
                )
            )
    return findings


def _advice(action: str, where: str) -> str:
    if action.lower() == "microsoft.authorization/locks/write":
        return f"grant the deployer Owner or User Access Administrator on {where} (Contributor cannot create locks)"
    if action.lower() == "microsoft.authorization/roleassignments/write":
        return (
            f"grant the deployer Owner, User Access Administrator or Role Based Access Control Administrator on {where}"
        )
    return f"grant the deployer Contributor (or a role with {action}) on {where}"
