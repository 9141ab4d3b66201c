"""The workspace's user-assigned identity, with the roles Microsoft lists for it granted up front.

A system-assigned identity only exists once the workspace does, so Azure ML grants its roles
while the workspace is being created and the first deployment races RBAC propagation (the
default datastores go missing). A user-assigned identity exists first: its roles are assigned
before the workspace is created (the workspace depends on every assignment), so they are in
place when Azure ML sets the workspace up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import authorization, managedidentity

from components.core.component import PlatformComponent
from components.core.role_assignment import assign_role

# With shared keys off, the workspace reaches its default storage by identity; these are the data
# roles how-to-disable-local-auth-storage lists for that (blob for datastores, file for notebooks).
WORKSPACE_STORAGE_ROLES = ("Storage Blob Data Contributor", "Storage File Data Privileged Contributor")

# Why each role, per associated resource. Microsoft's table for a user-assigned workspace identity
# (how-to-identity-based-service-authentication, "User-assigned managed identity"): Contributor on
# the storage, the key vault, the registry and Application Insights (and the workspace: granted after
# it, workspace.py); on storage "Storage Blob Data Contributor (data plane, optional, to enable data
# preview in the studio)"; on an RBAC key vault "Key Vault Administrator (data plane)".
# - storage: Contributor (Microsoft's table); Storage Blob Data Contributor and Storage File Data
#   Privileged Contributor because shared keys are off, so the workspace reaches its default blob
#   and file datastores by identity only (how-to-disable-local-auth-storage, "Scenarios for role
#   assignments": the workspace identity gets both; file for notebooks), not only for data preview.
# - keyvault: Contributor and Key Vault Administrator (Microsoft's table, RBAC permission model).
# - registry: Contributor (Microsoft's table), which already pushes and pulls in the registry's
#   default RBAC permission mode (container-registry-roles' table). AcrPull and AcrPush are not in
#   Microsoft's table: they are the data-plane roles of what Azure ML does there (image builds push,
#   deployments pull), granted explicitly so image access does not rest on the control-plane role.
# - appinsights: Contributor (Microsoft's table).
USER_ASSIGNED_ROLES: dict[str, tuple[str, ...]] = {
    "storage": ("Contributor", *WORKSPACE_STORAGE_ROLES),
    "keyvault": ("Contributor", "Key Vault Administrator"),
    "registry": ("Contributor", "AcrPull", "AcrPush"),
    "appinsights": ("Contributor",),
}

# A managed network reaches each resource through a private endpoint that the workspace identity
# must be allowed to approve. Microsoft (how-to-managed-network, "Approval of private endpoints"):
# "the workspace managed identity, whether system-assigned or user-assigned, [...] must have
# permissions to approve the Private Endpoint connections on the target resources. After April
# 30th, 2025, permissions aren't automatically granted to the managed identity and must be assigned
# manually." The recommended role is this one (it covers Azure Storage).
ENDPOINT_APPROVER = "Azure AI Enterprise Network Connection Approver"
ENDPOINT_TARGETS = ("storage", "keyvault", "registry")


def _slug(role: str) -> str:
    return role.lower().replace(" ", "-")


@dataclass(frozen=True)
class WorkspaceIdentity:
    identity: managedidentity.UserAssignedIdentity
    # (target, role) -> assignment: every one the workspace must wait for
    grants: dict[tuple[str, str], authorization.RoleAssignment]

    @property
    def assignments(self) -> list[authorization.RoleAssignment]:
        return list(self.grants.values())

    @property
    def principal_id(self) -> pulumi.Output[str]:
        return self.identity.principal_id


def user_assigned_workspace_identity(
    owner: PlatformComponent, scopes: Mapping[str, pulumi.Input[str]], *, managed_network: bool
) -> WorkspaceIdentity:
    """The identity and its roles on each associated resource in `scopes` (by USER_ASSIGNED_ROLES
    key), plus the endpoint approver role where a managed network will link to them."""
    identity = managedidentity.UserAssignedIdentity(
        owner.child_name("identity"),
        resource_name_=owner.ctx.names.scoped("id-mlw"),
        **owner.common,
        opts=owner.child_opts(),
    )
    roles = {
        target: (
            *USER_ASSIGNED_ROLES[target],
            *((ENDPOINT_APPROVER,) if managed_network and target in ENDPOINT_TARGETS else ()),
        )
        for target in scopes
    }
    grants = {
        (target, role): grant_workspace_identity(owner, identity.principal_id, target, scope, role)
        for target, scope in scopes.items()
        for role in roles[target]
    }
    return WorkspaceIdentity(identity, grants)


def grant_workspace_identity(
    owner: PlatformComponent,
    principal_id: pulumi.Input[str],
    target: str,
    scope: pulumi.Input[str],
    role: str,
) -> authorization.RoleAssignment:
    """A role for the workspace identity (user-assigned, or the system-assigned one once it exists)."""
    return assign_role(
        owner.child_name(f"identity-{target}-{_slug(role)}"),
        scope=scope,
        role=role,
        principal_id=principal_id,
        principal_type="ServicePrincipal",
        opts=owner.child_opts(),
        description=f"{role} for the workspace identity on its {target} (managed by the ml-platform stack)",
    )
