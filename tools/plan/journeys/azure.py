"""The Azure facts the journey checker judges plan records by, each with its Microsoft source.

Kept here, not imported from components/: the checker reads plan records the way the policy pack
does, so it would notice a component that forgot a grant instead of repeating the component's own
idea of it. tests/plan/test_journey_facts.py holds these tables against components/ where both
name the same fact (one fact, two readers, one test that they agree).
"""

from __future__ import annotations

# Built-in role definitions by name (the GUID is the last segment of a roleDefinitionId).
# https://learn.microsoft.com/azure/role-based-access-control/built-in-roles
ROLE_IDS: dict[str, str] = {
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage File Data Privileged Contributor": "69566ab7-960f-475b-8e7c-b3118f30c6bd",
    "Storage File Data Privileged Reader": "b8eda974-7b85-4f76-af95-65846b26df6d",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Kubernetes Extension Contributor": "85cb6faf-e071-4c9b-8136-154b5a04f717",
    "Azure Kubernetes Service Cluster Admin Role": "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
}
ROLE_NAMES = {guid: name for name, guid in ROLE_IDS.items()}

# Roles whose permissions include another's (built-in roles page: Owner and Contributor have
# `*` actions but no data actions, so they never stand in for a data role; AcrPush "push or pull").
INCLUDED_IN: dict[str, tuple[str, ...]] = {
    # AzureML Registry User is registries/read + registries/assets/*: on a registry (the only scope
    # it is granted at here) it reads what Reader reads there, and writes assets too
    "Reader": ("Contributor", "Owner", "AzureML Registry User"),
    "AzureML Data Scientist": ("Contributor", "Owner"),
    "Storage Blob Data Reader": ("Storage Blob Data Contributor", "Storage Blob Data Owner"),
    "Storage Blob Data Contributor": ("Storage Blob Data Owner",),
    "Storage File Data Privileged Reader": ("Storage File Data Privileged Contributor",),
    "AcrPull": ("AcrPush",),
}


def roles_satisfying(role: str) -> tuple[str, ...]:
    """The role itself and the built-in roles that include its permissions."""
    return (role, *INCLUDED_IN.get(role, ()))


# The private DNS zones a private endpoint of each group id needs, so that the service's public
# name resolves to the endpoint ("Azure Private Endpoint private DNS zone values").
# https://learn.microsoft.com/azure/private-link/private-endpoint-dns
PRIVATE_DNS_ZONES: dict[str, tuple[str, ...]] = {
    "amlworkspace": ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"),
    "vault": ("privatelink.vaultcore.azure.net",),
    "blob": ("privatelink.blob.core.windows.net",),
    "file": ("privatelink.file.core.windows.net",),
    "dfs": ("privatelink.dfs.core.windows.net",),
    "registry": ("privatelink.azurecr.io",),
    "amlregistry": ("privatelink.api.azureml.ms",),
}

# Roles Azure assigns to a system-assigned identity itself (so the plan holds no record for them):
# (whose identity, role, what it is on) -> the source that says so.
SYSTEM_ASSIGNED_GRANTS: dict[tuple[str, str, str], str] = {
    # Workspace identity types: system-assigned "Role assignment creation: Managed by Microsoft";
    # "Storage account: Storage Blob Data Contributor"
    ("workspace", "Storage Blob Data Contributor", "default storage"): (
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication"
        "#workspace-identity-types"
    ),
    # "A managed identity is automatically granted ACRPull role on workspace ACR to enable pulling
    # Docker images for training" (system-assigned compute)
    ("compute", "AcrPull", "registry"): (
        "https://learn.microsoft.com/azure/machine-learning/how-to-identity-based-service-authentication"
        "#create-compute-with-managed-identity-to-access-docker-images-for-training"
    ),
}

# Where a managed network (AllowOnlyApprovedOutbound) takes Microsoft's images from without any
# rule of ours: the required service-tag rules "MicrosoftContainerRegistry" and
# "AzureFrontDoor.FirstParty" ("Access docker images provided by Microsoft").
# https://learn.microsoft.com/azure/machine-learning/how-to-managed-network#list-of-required-rules
MICROSOFT_IMAGE_HOST = "mcr.microsoft.com"

# What the workspace's associated resources get in a managed network without any rule of ours:
# "private endpoint outbound rules are automatically created as required rules ... for the
# workspace and associated resources regardless of public network access mode" (approved
# outbound only), or "with public network access disabled" (internet outbound). Same page.
ASSOCIATED_RESOURCE_INPUTS = ("storageAccount", "keyVault", "containerRegistry")


def is_gpu_size(vm_size: str) -> bool:
    """N-series sizes carry GPUs (NC, ND, NG, NV: "GPU accelerated" in the VM size families).
    https://learn.microsoft.com/azure/virtual-machines/sizes/overview"""
    return vm_size.startswith("Standard_N")


def fqdn_covers(rule: str, host: str) -> bool:
    """An FQDN rule's destination names the host itself, or `*.<parent>` any name under the parent."""
    rule, host = rule.lower(), host.lower()
    if rule.startswith("*."):
        return host.endswith(rule[1:])
    return rule == host
