"""Built-in Azure role definitions the platform grants, by name (GUIDs from Microsoft's docs)."""

from __future__ import annotations

import re
import uuid

BUILTIN_ROLES: dict[str, str] = {
    "AzureML Data Scientist": "f6c7c914-8db3-469d-8ca1-694a8f32e121",
    "AzureML Compute Operator": "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815",
    "AzureML Registry User": "1823dd4f-9b8c-4ab6-ab4e-7397a3684615",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
    # never granted by the platform: catalogued so settings and policies can name and refuse them
    "Owner": "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage File Data Privileged Contributor": "69566ab7-960f-475b-8e7c-b3118f30c6bd",
    # Microsoft's "Azure built-in roles for Storage" (azure-docs
    # articles/role-based-access-control/built-in-roles/storage.md): read files overriding ACLs
    "Storage File Data Privileged Reader": "b8eda974-7b85-4f76-af95-65846b26df6d",
    "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",
    # Key Vault's data-plane role table (azure-security-docs articles/key-vault/general/rbac-guide.md):
    # "Perform any action on the keys of a key vault, except manage permissions"
    "Key Vault Crypto Officer": "14b46e9e-c2b7-41b4-b07b-48a6ebf60603",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "AcrPush": "8311e382-0749-4cb8-b61a-304f252e45ec",
    # The inference cluster (Microsoft's built-in role lists, "Networking" and "Containers"): the
    # AKS control plane joins its subnet; a user-assigned workspace identity attaches the cluster.
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Kubernetes Extension Contributor": "85cb6faf-e071-4c9b-8136-154b5a04f717",
    "Azure Kubernetes Service Cluster Admin Role": "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8",
    # "Lets you manage all resources in the cluster" (built-in roles, "Containers"): cluster-admin for
    # people when Azure RBAC for Kubernetes authorization is on (aks/manage-azure-rbac)
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    # Approves the private endpoints a managed network creates (Microsoft's role list, "AI + machine
    # learning"; not auto-granted to user-assigned identities since 30 April 2025)
    "Azure AI Enterprise Network Connection Approver": "b556d68e-0be0-4f35-a333-ad7ee1ce17ea",
}


_SCOPE_SUBSCRIPTION = re.compile(r"^/subscriptions/([0-9a-fA-F-]{36})(/|$)", re.IGNORECASE)


def scope_subscription(scope: str) -> str:
    """The subscription an ARM scope lives in (`/subscriptions/<id>/...`)."""
    match = _SCOPE_SUBSCRIPTION.match(scope)
    if match is None:
        raise ValueError(f"role assignment scope '{scope}' is not in a subscription (/subscriptions/<id>/...)")
    return match[1]


def role_definition_id(scope: str, role: str) -> str:
    """The role definition as ARM takes it for an assignment at `scope`: in the scope's own
    subscription, which is not the deploying one for an existing account, the shared registry or
    any id of another subscription. Microsoft ("Assign Azure roles using the REST API",
    learn.microsoft.com/azure/role-based-access-control/role-assignments-rest): "For the
    roleDefinitionId [...] /subscriptions/{subscriptionId}/providers/Microsoft.Authorization/
    roleDefinitions/{roleDefinitionId}", with the subscription of the `{scope}` the PUT is sent to
    (the REST spec's example, authorization RoleAssignments_Create, uses the same subscription in
    both)."""
    guid = BUILTIN_ROLES[role]
    return f"/subscriptions/{scope_subscription(scope)}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def assignment_guid(scope: str, role: str, principal_id: str) -> str:
    """The same principal, role and scope always get the same assignment name, so a rerun never
    duplicates an assignment (Azure answers a second GUID with RoleAssignmentExists)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{scope.lower()}|{BUILTIN_ROLES[role]}|{principal_id.lower()}"))
