"""Deterministic stand-ins for what Azure would return: ARM ids, names and identity outputs."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pulumi

SUBSCRIPTION_ID = "00000000-0000-0000-0000-000000000000"
TENANT_ID = "11111111-1111-1111-1111-111111111111"
CLIENT_OBJECT_ID = "22222222-2222-2222-2222-222222222222"

# The input that carries the Azure name, where it is not "<typeName>Name".
NAME_INPUTS = {
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:storage:BlobServiceProperties": "blobServicesName",
    "azure-native:storage:BlobContainer": "containerName",
    "azure-native:applicationinsights:Component": "resourceName",
    "azure-native:operationalinsights:Workspace": "workspaceName",
    "azure-native:machinelearningservices:Workspace": "workspaceName",
    "azure-native:machinelearningservices:Compute": "computeName",
    "azure-native:machinelearningservices:Datastore": "name",
    "azure-native:machinelearningservices:ManagedNetworkSettingsRule": "ruleName",
    "azure-native:machinelearningservices:RegistryEnvironmentContainer": "environmentName",
    "azure-native:machinelearningservices:RegistryEnvironmentVersion": "version",
    "azure-native:managedidentity:UserAssignedIdentity": "resourceName",
    "azure-native:containerservice:ManagedCluster": "resourceName",
    "azure-native:kubernetesconfiguration:Extension": "extensionName",
    "azure-native:monitor:DataCollectionRuleAssociation": "associationName",
    "azure-native:monitor:DiagnosticSetting": "name",
    "azure-native:authorization:ManagementLockAtResourceGroupLevel": "lockName",
    "azure-native:authorization:ManagementLockByScope": "lockName",
}

# ARM path segments per type: (provider namespace, collection). Children of another resource
# (computes, datastores, extensions...) are placed under the id of their parent resource input.
ARM_TYPES = {
    "azure-native:storage:StorageAccount": ("Microsoft.Storage", "storageAccounts"),
    "azure-native:keyvault:Vault": ("Microsoft.KeyVault", "vaults"),
    "azure-native:containerregistry:Registry": ("Microsoft.ContainerRegistry", "registries"),
    "azure-native:operationalinsights:Workspace": ("Microsoft.OperationalInsights", "workspaces"),
    "azure-native:applicationinsights:Component": ("Microsoft.Insights", "components"),
    "azure-native:machinelearningservices:Workspace": ("Microsoft.MachineLearningServices", "workspaces"),
    "azure-native:machinelearningservices:Registry": ("Microsoft.MachineLearningServices", "registries"),
    "azure-native:managedidentity:UserAssignedIdentity": ("Microsoft.ManagedIdentity", "userAssignedIdentities"),
    "azure-native:containerservice:ManagedCluster": ("Microsoft.ContainerService", "managedClusters"),
    "azure-native:network:VirtualNetwork": ("Microsoft.Network", "virtualNetworks"),
    "azure-native:network:PrivateEndpoint": ("Microsoft.Network", "privateEndpoints"),
    "azure-native:network:NetworkSecurityGroup": ("Microsoft.Network", "networkSecurityGroups"),
    "azure-native:privatedns:PrivateZone": ("Microsoft.Network", "privateDnsZones"),
    "azure-native:monitor:DataCollectionRule": ("Microsoft.Insights", "dataCollectionRules"),
    "azure-native:network:NatGateway": ("Microsoft.Network", "natGateways"),
    "azure-native:network:PublicIPAddress": ("Microsoft.Network", "publicIPAddresses"),
}

# Child resources placed under their parent's ARM id: type -> (parent type, parent name input, collection).
ARM_CHILD_TYPES = {
    "azure-native:network:Subnet": ("azure-native:network:VirtualNetwork", "virtualNetworkName", "subnets"),
    "azure-native:network:PrivateDnsZoneGroup": (
        "azure-native:network:PrivateEndpoint",
        "privateEndpointName",
        "privateDnsZoneGroups",
    ),
    "azure-native:privatedns:VirtualNetworkLink": (
        "azure-native:privatedns:PrivateZone",
        "privateZoneName",
        "virtualNetworkLinks",
    ),
    "azure-native:keyvault:Key": ("azure-native:keyvault:Vault", "vaultName", "keys"),
    "azure-native:machinelearningservices:ManagedNetworkSettingsRule": (
        "azure-native:machinelearningservices:Workspace",
        "workspaceName",
        "outboundRules",
    ),
    "azure-native:machinelearningservices:RegistryEnvironmentContainer": (
        "azure-native:machinelearningservices:Registry",
        "registryName",
        "environments",
    ),
}

# Grandchildren: type -> (parent type, parent name input, the parent's collection, collection).
ARM_GRANDCHILD_TYPES = {
    "azure-native:machinelearningservices:RegistryEnvironmentVersion": (
        "azure-native:machinelearningservices:RegistryEnvironmentContainer",
        "environmentName",
        "environments",
        "versions",
    ),
}


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(parts)))


def azure_name(args: pulumi.runtime.MockResourceArgs) -> str:
    type_name = args.typ.rsplit(":", 1)[-1]
    key = NAME_INPUTS.get(args.typ, type_name[:1].lower() + type_name[1:] + "Name")
    value = args.inputs.get(key)
    return value if isinstance(value, str) else args.name


def arm_id(args: pulumi.runtime.MockResourceArgs, name: str) -> str:
    inputs = args.inputs
    if args.typ == "azure-native:resources:ResourceGroup":
        return f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{name}"
    scope = inputs.get("scope", inputs.get("resourceUri"))
    if scope is not None:  # role assignments, locks, diagnostic settings: extension resources
        leaf = args.typ.rsplit(":", 1)[-1]
        return f"{scope}/providers/Microsoft.Mock/{leaf}/{name}"
    rg = f"/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{inputs.get('resourceGroupName', 'rg')}"
    if args.typ in ARM_GRANDCHILD_TYPES:
        parent_type, parent_input, parents, collection = ARM_GRANDCHILD_TYPES[args.typ]
        top_type, top_input, _ = ARM_CHILD_TYPES[parent_type]
        namespace, tops = ARM_TYPES[top_type]
        top = f"{rg}/providers/{namespace}/{tops}/{inputs.get(top_input)}"
        return f"{top}/{parents}/{inputs.get(parent_input)}/{collection}/{name}"
    if args.typ in ARM_CHILD_TYPES:
        parent_type, parent_input, collection = ARM_CHILD_TYPES[args.typ]
        namespace, parents = ARM_TYPES[parent_type]
        return f"{rg}/providers/{namespace}/{parents}/{inputs.get(parent_input)}/{collection}/{name}"
    if args.typ in ARM_TYPES:
        namespace, collection = ARM_TYPES[args.typ]
        return f"{rg}/providers/{namespace}/{collection}/{name}"
    module, leaf = args.typ.split(":")[1:]
    parent = next(
        (
            inputs[k]
            for k in ("workspaceName", "accountName", "resourceName", "clusterName", "vaultName")
            if k in inputs
        ),
        None,
    )
    path = f"{rg}/providers/Microsoft.{module}"
    return f"{path}/parent/{parent}/{leaf}/{name}" if parent else f"{path}/{leaf}/{name}"


def _identity(kind: str, key: str) -> dict[str, Any]:
    return {"principalId": stable_uuid(kind, key, "principal"), "tenantId": TENANT_ID, "type": "SystemAssigned"}


def _with_system_identity(args: pulumi.runtime.MockResourceArgs, state: dict[str, Any]) -> None:
    identity = args.inputs.get("identity")
    if isinstance(identity, dict) and "SystemAssigned" in str(identity.get("type", "")):
        state["identity"] = {**identity, **_identity(args.typ, args.name)}


def _with_user_identities(state: dict[str, Any]) -> None:
    """Azure answers a request's list of user-assigned identity ids with a map id -> identity."""
    identity = state.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        state["identity"] = {
            **identity,
            "userAssignedIdentities": {
                uai: {"principalId": stable_uuid(uai, "principal"), "clientId": stable_uuid(uai, "client")}
                for uai in identity["userAssignedIdentities"]
            },
        }


def _user_assigned_identity(args: pulumi.runtime.MockResourceArgs, state: dict[str, Any]) -> None:
    state["principalId"] = stable_uuid(args.typ, args.name, "principal")
    state["clientId"] = stable_uuid(args.typ, args.name, "client")
    state["tenantId"] = TENANT_ID


def _managed_cluster(args: pulumi.runtime.MockResourceArgs, state: dict[str, Any]) -> None:
    state["identityProfile"] = {
        "kubeletidentity": {
            "objectId": stable_uuid(args.name, "kubelet"),
            "clientId": stable_uuid(args.name, "kubelet-client"),
            "resourceId": f"{state['id']}-agentpool",
        }
    }
    state["oidcIssuerProfile"] = {"enabled": True, "issuerURL": f"https://oidc.mock/{args.name}/"}
    state["fqdn"] = f"{args.name}.hcp.mock.azmk8s.io"


def _key_vault(args: pulumi.runtime.MockResourceArgs, state: dict[str, Any]) -> None:
    state["properties"] = {**state.get("properties", {}), "vaultUri": f"https://{state['name']}.vault.azure.net/"}


def _key(args: pulumi.runtime.MockResourceArgs, state: dict[str, Any]) -> None:
    uri = f"https://{args.inputs.get('vaultName')}.vault.azure.net/keys/{state['name']}"
    state["keyUri"] = uri
    state["keyUriWithVersion"] = f"{uri}/{stable_uuid(uri, 'version').replace('-', '')}"


# Extra outputs Azure computes for some types (identities the platform grants roles to).
OUTPUT_HOOKS: dict[str, Callable[[pulumi.runtime.MockResourceArgs, dict[str, Any]], None]] = {
    "azure-native:managedidentity:UserAssignedIdentity": _user_assigned_identity,
    "azure-native:containerservice:ManagedCluster": _managed_cluster,
    "azure-native:keyvault:Vault": _key_vault,
    "azure-native:keyvault:Key": _key,
}


class PlanMocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        name = azure_name(args)
        state = {**args.inputs, "name": name}
        state["id"] = arm_id(args, name)
        _with_system_identity(args, state)
        _with_user_identities(state)
        hook = OUTPUT_HOOKS.get(args.typ)
        if hook:
            hook(args, state)
        return state["id"], state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == "azure-native:authorization:getClientConfig":
            return {
                "clientId": CLIENT_OBJECT_ID,
                "objectId": CLIENT_OBJECT_ID,
                "subscriptionId": SUBSCRIPTION_ID,
                "tenantId": TENANT_ID,
            }, []
        return {}, []
