"""Azure properties fixed when a resource is created: a changed value means a new resource.

The offline plan runs under Pulumi's mock engine, which knows only the `replaceOnChanges` a
component declares (components/compute/ml_compute.py lists the Azure ML computes' own, and the
workspace its encryption and hbiWorkspace: the diff reads those from the plan records, so they
are not repeated here). The rows below are what Azure itself refuses to change in place, each with
the Microsoft source that says so. Paths are Pulumi input paths (camelCase, `[*]` for any list
index); type "*" applies to every resource that has the input. A row with `when` applies only to
the changes it names (a one-way switch, a SKU Azure will not move to or from in place), judged on
the old and the new value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CreationTimeProperty:
    type: str  # Pulumi type token, or "*"
    path: str  # input path, as diff.json's `changed` writes it ([*]: any index)
    source: str  # the Microsoft page or REST API spec that says it is fixed at creation
    # (old value, new value) -> whether Azure refuses this change in place; None: every change
    when: Callable[[Any, Any], bool] | None = None
    why: str = "fixed at creation"

    def refuses(self, before: Any, after: Any) -> bool:
        return self.when is None or self.when(before, after)


# Storage SKUs Azure will not change to or from in place (StorageAccountUpdateParameters.sku)
_FIXED_STORAGE_SKUS = frozenset({"Standard_ZRS", "Premium_LRS", "Premium_ZRS"})
# Managed-network isolation modes, from the most open: a workspace may only move to a stricter one
_ISOLATION_ORDER = {"Disabled": 0, "AllowInternetOutbound": 1, "AllowOnlyApprovedOutbound": 2}


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
        "https://learn.microsoft.com/azure/aks/create-node-pools#limitations: you can't change the VM size of a "
        "node pool after you create it",
    ),
    CreationTimeProperty(
        "azure-native:containerservice:ManagedCluster",
        "agentPoolProfiles[*].availabilityZones",
        "https://learn.microsoft.com/azure/reliability/reliability-availability-zones-configure: you can't change "
        "the number of availability zones after you create a node pool",
    ),
    CreationTimeProperty(
        "azure-native:keyvault:Vault",
        "properties.softDeleteRetentionInDays",
        "https://learn.microsoft.com/azure/key-vault/general/soft-delete-overview: the retention policy interval "
        "can only be configured during key vault creation and can't be changed afterwards",
    ),
    CreationTimeProperty(
        "azure-native:keyvault:Vault",
        "properties.enablePurgeProtection",
        _SPECS + "keyvault/resource-manager/Microsoft.KeyVault/stable/2024-11-01/keyvault.json: "
        'VaultProperties.enablePurgeProtection "Enabling this functionality is irreversible - that is, the '
        'property does not accept false as its value"',
        when=lambda before, after: before is True and after is not True,
        why="one-way: Azure keeps it on",
    ),
    CreationTimeProperty(
        "azure-native:containerregistry:Registry",
        "zoneRedundancy",
        "https://learn.microsoft.com/azure/reliability/reliability-container-registry: you can only configure "
        "zone redundancy when a registry is created",
    ),
    CreationTimeProperty(
        "azure-native:storage:StorageAccount",
        "sku.name",
        _SPECS + "storage/resource-manager/Microsoft.Storage/stable/2024-01-01/storage.json: "
        'StorageAccountUpdateParameters.sku "the SKU name cannot be updated to Standard_ZRS, Premium_LRS or '
        'Premium_ZRS, nor can accounts of those SKU names be updated to any other value"',
        when=lambda before, after: before in _FIXED_STORAGE_SKUS or after in _FIXED_STORAGE_SKUS,
        why="Azure does not change this SKU in place (a storage migration does)",
    ),
    CreationTimeProperty(
        "azure-native:machinelearningservices:Workspace",
        "managedNetwork.isolationMode",
        "https://learn.microsoft.com/azure/machine-learning/how-to-managed-network: once set to allow internet "
        "outbound it can't be reconfigured to disabled; once set to allow only approved outbound it can't be "
        "reconfigured to allow internet outbound",
        when=lambda before, after: _ISOLATION_ORDER.get(str(after), 0) < _ISOLATION_ORDER.get(str(before), 0),
        why="one-way: the managed network only moves to a stricter mode",
    ),
)


def creation_time_paths(type_token: str) -> list[CreationTimeProperty]:
    return [row for row in CREATION_TIME if row.type in ("*", type_token)]
