"""ARM ids and the ARM resource types behind the plan's Pulumi types (pure: no Azure SDK here).

The ARM type of each azure-native token is the resource's PUT path in its REST API spec
(Azure/azure-rest-api-specs, `specification/<service>/resource-manager/<Namespace>/...`); the action
that creates or updates it is `<type>/write` (learn.microsoft.com/azure/role-based-access-control/
resource-provider-operations). A test fails when a shipped plan uses a type missing here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# azure-native token -> ARM resource type (namespace/type[/child...]).
ARM_TYPES: dict[str, str] = {
    "azure-native:resources:ResourceGroup": "Microsoft.Resources/subscriptions/resourceGroups",
    "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
    "azure-native:storage:BlobServiceProperties": "Microsoft.Storage/storageAccounts/blobServices",
    "azure-native:storage:BlobContainer": "Microsoft.Storage/storageAccounts/blobServices/containers",
    "azure-native:storage:FileShare": "Microsoft.Storage/storageAccounts/fileServices/shares",
    "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
    "azure-native:keyvault:Key": "Microsoft.KeyVault/vaults/keys",
    "azure-native:containerregistry:Registry": "Microsoft.ContainerRegistry/registries",
    "azure-native:operationalinsights:Workspace": "Microsoft.OperationalInsights/workspaces",
    "azure-native:applicationinsights:Component": "Microsoft.Insights/components",
    "azure-native:machinelearningservices:Workspace": "Microsoft.MachineLearningServices/workspaces",
    "azure-native:machinelearningservices:Compute": "Microsoft.MachineLearningServices/workspaces/computes",
    "azure-native:machinelearningservices:Datastore": "Microsoft.MachineLearningServices/workspaces/datastores",
    "azure-native:machinelearningservices:ManagedNetworkSettingsRule": (
        "Microsoft.MachineLearningServices/workspaces/outboundRules"
    ),
    # the shared stack's registry and the environments it publishes (REST spec
    # specification/machinelearningservices: registries/{registryName}/environments/{name}/versions/{version})
    "azure-native:machinelearningservices:Registry": "Microsoft.MachineLearningServices/registries",
    "azure-native:machinelearningservices:RegistryEnvironmentContainer": (
        "Microsoft.MachineLearningServices/registries/environments"
    ),
    "azure-native:machinelearningservices:RegistryEnvironmentVersion": (
        "Microsoft.MachineLearningServices/registries/environments/versions"
    ),
    "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
    "azure-native:containerservice:ManagedCluster": "Microsoft.ContainerService/managedClusters",
    "azure-native:kubernetesconfiguration:Extension": "Microsoft.KubernetesConfiguration/extensions",
    "azure-native:monitor:DiagnosticSetting": "Microsoft.Insights/diagnosticSettings",
    "azure-native:monitor:DataCollectionRule": "Microsoft.Insights/dataCollectionRules",
    "azure-native:monitor:DataCollectionRuleAssociation": "Microsoft.Insights/dataCollectionRuleAssociations",
    "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
    "azure-native:network:Subnet": "Microsoft.Network/virtualNetworks/subnets",
    "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups",
    "azure-native:network:NatGateway": "Microsoft.Network/natGateways",
    "azure-native:network:PublicIPAddress": "Microsoft.Network/publicIPAddresses",
    "azure-native:network:PrivateEndpoint": "Microsoft.Network/privateEndpoints",
    "azure-native:network:PrivateDnsZoneGroup": "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
    "azure-native:privatedns:PrivateZone": "Microsoft.Network/privateDnsZones",
    "azure-native:privatedns:VirtualNetworkLink": "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
    "azure-native:authorization:RoleAssignment": "Microsoft.Authorization/roleAssignments",
    "azure-native:authorization:ManagementLockAtResourceGroupLevel": "Microsoft.Authorization/locks",
    "azure-native:authorization:ManagementLockByScope": "Microsoft.Authorization/locks",
}

# Providers every subscription has registered (learn: azure-resource-manager/management/
# resource-providers-and-types, "registered by default"): never worth a request.
ALWAYS_REGISTERED = frozenset({"microsoft.authorization", "microsoft.resources"})

# API versions for reading resources the stack references but does not create: the versions
# azure-native 3.29 deploys these types with (its resources' docstrings, "Uses Azure REST API version").
READ_API_VERSIONS: dict[str, str] = {
    "microsoft.network/virtualnetworks": "2024-05-01",
    "microsoft.network/privatednszones": "2024-06-01",
    "microsoft.storage/storageaccounts": "2024-01-01",
    "microsoft.machinelearningservices/registries": "2025-12-01",
    "microsoft.containerservice/managedclusters": "2025-09-01",
    "microsoft.databricks/workspaces": "2026-01-01",
    "microsoft.synapse/workspaces/bigdatapools": "2021-06-01",
}

_SUBSCRIPTION = re.compile(r"^/subscriptions/(?P<sub>[^/]+)", re.IGNORECASE)
_GROUP = re.compile(r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)", re.IGNORECASE)


@dataclass(frozen=True)
class ArmId:
    """An ARM id split the way the permissions API wants it (Permissions_ListForResource)."""

    subscription: str
    resource_group: str | None
    namespace: str | None = None
    types: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def type(self) -> str | None:
        """`Namespace/type/child` (what API versions and actions are keyed by)."""
        return "/".join((self.namespace, *self.types)) if self.namespace else None

    @property
    def parent_path(self) -> str:
        """Everything between the namespace and the last type: `storageAccounts/x/blobServices/default`."""
        return "/".join(part for pair in zip(self.types[:-1], self.names[:-1], strict=True) for part in pair)

    @property
    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"


def parse(arm_id: str) -> ArmId:
    """Split `/subscriptions/S[/resourceGroups/G[/providers/NS/t1/n1[/t2/n2...]]]`."""
    parts = [p for p in arm_id.split("/") if p]
    if len(parts) < 2 or parts[0].lower() != "subscriptions":
        raise ValueError(f"not an ARM id under a subscription: {arm_id}")
    subscription = parts[1]
    if len(parts) < 4 or parts[2].lower() != "resourcegroups":
        return ArmId(subscription, None)
    group = parts[3]
    if len(parts) < 7 or parts[4].lower() != "providers" or len(parts[6:]) % 2:
        return ArmId(subscription, group)
    rest = parts[6:]
    return ArmId(subscription, group, parts[5], tuple(rest[0::2]), tuple(rest[1::2]))


def with_subscription(arm_id: str, placeholder: str, subscription: str) -> str:
    """The plan's ids carry the mock engine's subscription; the real one replaces it."""
    match = _SUBSCRIPTION.match(arm_id)
    if match and match["sub"].lower() == placeholder.lower():
        return f"/subscriptions/{subscription}{arm_id[match.end() :]}"
    return arm_id


def region(name: str) -> str:
    """`West Europe` (provider listings) and `westeurope` (everywhere else) compare equal."""
    return name.replace(" ", "").lower()
