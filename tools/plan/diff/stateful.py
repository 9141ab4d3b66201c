"""Data-bearing resource types: deleting or replacing one loses data (or the keys to it).

The workspace (its metadata, runs, registered assets), storage accounts (the workspace's and the
data lakes) and their containers, the key vault and its keys (a deleted customer-managed key makes
what it encrypts unreadable), the container registry's images, the Azure ML registry's assets and
its published environments, the Log Analytics workspace's logs, and the datastores (their
registrations, which jobs and data assets name).
"""

from __future__ import annotations

_AN = "azure-native"

DATA_BEARING = frozenset(
    {
        f"{_AN}:machinelearningservices:Workspace",
        f"{_AN}:storage:StorageAccount",
        f"{_AN}:storage:BlobContainer",
        f"{_AN}:storage:FileShare",
        f"{_AN}:keyvault:Vault",
        f"{_AN}:keyvault:Key",
        f"{_AN}:containerregistry:Registry",
        f"{_AN}:machinelearningservices:Registry",
        f"{_AN}:machinelearningservices:RegistryEnvironmentContainer",
        f"{_AN}:machinelearningservices:RegistryEnvironmentVersion",
        f"{_AN}:operationalinsights:Workspace",
        f"{_AN}:machinelearningservices:Datastore",
    }
)


def is_stateful(type_token: str) -> bool:
    return type_token in DATA_BEARING
