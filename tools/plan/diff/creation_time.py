"""Azure properties fixed when a resource is created: a changed value means a new resource.

The offline plan runs under Pulumi's mock engine, which knows only the `replaceOnChanges` a
component declares (components/compute/ml_compute.py lists the Azure ML computes' own, and the
workspace its encryption and hbiWorkspace: the diff reads those from the plan records, so they
are not repeated here). The rows below are what Azure itself refuses to change in place, each with
the Microsoft source that says so. Paths are Pulumi input paths (camelCase, `[*]` for any list
index); type "*" applies to every resource that has the input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CreationTimeProperty:
    type: str  # Pulumi type token, or "*"
    path: str  # input path, as diff.json's `changed` writes it ([*]: any index)
    source: str  # the Microsoft page or REST API spec that says it is fixed at creation


_SPECS = "Azure/azure-rest-api-specs specification/"

CREATION_TIME: tuple[CreationTimeProperty, ...] = (
    CreationTimeProperty(
        "*",
        "location",
        _SPECS + "common-types/resource-management/v5/types.json: TrackedResource.location has "
        'x-ms-mutability ["read", "create"] (no "update")',
    ),
    CreationTimeProperty(
        "azure-native:machinelearningservices:Workspace",
        "storageAccount",
        _SPECS + "machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/"
        'workspaceRP.json: WorkspaceProperties.storageAccount "cannot be changed once the workspace has been created"',
    ),
    CreationTimeProperty(
        "azure-native:machinelearningservices:Workspace",
        "keyVault",
        _SPECS + "machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/"
        'workspaceRP.json: WorkspaceProperties.keyVault "cannot be changed once the workspace has been created"',
    ),
    CreationTimeProperty(
        "azure-native:storage:StorageAccount",
        "isHnsEnabled",
        "https://learn.microsoft.com/azure/storage/blobs/upgrade-to-data-lake-storage-gen2-how-to: a hierarchical "
        "namespace comes from a separate, one-way upgrade of the account (never from its PUT) and cannot be turned off",
    ),
    CreationTimeProperty(
        "azure-native:containerservice:ManagedCluster",
        "dnsPrefix",
        _SPECS + "containerservice/resource-manager/Microsoft.ContainerService/aks/stable/2025-09-01/"
        'managedClusters.json: dnsPrefix "cannot be updated once the Managed Cluster has been created"',
    ),
    CreationTimeProperty(
        "azure-native:containerservice:ManagedCluster",
        "agentPoolProfiles[*].vmSize",
        "https://learn.microsoft.com/azure/aks/manage-node-pools#limitations: you can't change the VM size of a "
        "node pool after you create it",
    ),
)


def creation_time_paths(type_token: str) -> list[CreationTimeProperty]:
    return [row for row in CREATION_TIME if row.type in ("*", type_token)]
