"""What the stack exports: names and ids an engineer needs, the access audit, and the `az ml` commands
that reach the workspace. No secrets."""

from __future__ import annotations

from typing import Any

import pulumi

from components.access.access import Access
from components.access.audit import audit_entry, identity_grant_summary
from components.compute.compute import Compute
from components.data.data import Data
from components.settings import StackSettings
from components.settings.registry import REGISTRY_ROLES, SHARED_REGISTRY_RULE
from components.workspace.monitoring import Monitoring
from components.workspace.workspace import Workspace


def stack_outputs(
    settings: StackSettings,
    *,
    resource_group_name: pulumi.Input[str],
    monitoring: Monitoring,
    workspace: Workspace,
    compute: Compute,
    data: Data,
    access: Access,
) -> dict[str, Any]:
    """What a platform engineer needs after `pulumi up` (no secrets)."""
    return {
        "resourceGroupName": resource_group_name,
        "location": settings.location,
        "workspaceName": workspace.workspace.name,
        "workspaceId": workspace.workspace.id,
        "storageAccountName": workspace.storage.account.name,
        "keyVaultName": workspace.key_vault.name,
        "containerRegistryName": workspace.registry.name if workspace.registry else None,
        "logAnalyticsWorkspaceId": monitoring.log_analytics.id,
        "computeNames": compute.compute_names,
        "computeIdentityPrincipalId": compute.principal_id,
        "inferenceClusterName": compute.inference_cluster_name,
        # the InstanceType objects to kubectl apply to the cluster (docs/compute.md, "Instance types")
        "inferenceInstanceTypes": compute.inference.instance_type_manifest if compute.inference else None,
        "workspaceIdentity": {"type": settings.workspace.identity, "principalId": workspace.principal_id},
        "datastores": data.summary,
        "accessGrants": [
            *identity_grant_summary("workspaceIdentity", workspace.principal_id, workspace.identity_grants),
            *(
                entry
                for who, principal_id, grants in compute.role_grants
                for entry in identity_grant_summary(who, principal_id, grants)
            ),
            *access.summary,
            *(
                audit_entry(who, principal_id, principal_type, role, target, target)
                for who, principal_id, principal_type, role, target in (
                    compute.inference.audit if compute.inference else []
                )
            ),
            *(
                audit_entry(who, principal_id, principal_type, role, target, target)
                for who, principal_id, principal_type, role, target in (workspace.cmk.audit if workspace.cmk else [])
            ),
        ],
        "azMl": az_ml_commands(workspace.workspace.name, resource_group_name),
        "sharedRegistry": shared_registry_output(settings),
    }


def shared_registry_output(settings: StackSettings) -> dict[str, Any] | None:
    """Which shared registry this stack consumes, how it reaches it and who holds which role there:
    what a check across stacks compares with the shared stack's own outputs (registryName...)."""
    registry = settings.shared_registry
    if registry is None:
        return None
    return {
        "id": registry.id,
        "name": registry.name,
        "resourceGroupName": registry.resource_group,
        "principals": {
            key: {"access": p.shared_registry, "role": REGISTRY_ROLES[p.shared_registry]}
            for key, p in settings.access.principals.items()
            if p.shared_registry is not None
        },
        "outboundRule": SHARED_REGISTRY_RULE if settings.network.mode == "managed" else None,
        "storageResourceRule": bool(settings.storage_registry_rules),
    }


def az_ml_commands(workspace: pulumi.Input[str], group: pulumi.Input[str]) -> dict[str, pulumi.Output[str]]:
    """The `az ml` commands (CLI v2) that reach this stack's workspace."""
    target = pulumi.Output.concat("-w ", workspace, " -g ", group)
    return {
        "setDefaults": pulumi.Output.concat("az configure --defaults workspace=", workspace, " group=", group),
        "showWorkspace": pulumi.Output.concat("az ml workspace show -n ", workspace, " -g ", group),
        "listDatastores": pulumi.Output.concat("az ml datastore list ", target),
        "listComputes": pulumi.Output.concat("az ml compute list ", target),
        "submitJob": pulumi.Output.concat("az ml job create --file job.yml ", target),
    }
