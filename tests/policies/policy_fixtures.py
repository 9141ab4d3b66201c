"""Plan records for the policy tests, in the shape the offline plan engine writes.

`secure_platform()` is a hardened prod platform (workspace with managed network, storage, key
vault, registry, AKS with the Azure ML extension, compute, roles, diagnostics). Tests derive
insecure variants from it with `find`/`mutate`, so each variant differs by what it breaks.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pulumi_policy import (
    Policy,
    PolicyCustomTimeouts,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
)

from policies.rules import ALL_POLICIES
from tools.plan.compat import unknown_checking_proxy
from tools.plan.policy import _engine_value, stack_resources

Record = dict[str, Any]

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
RG = "rg-mlp-prod"
RG_ID = f"{SUB}/resourceGroups/{RG}"
PROJECT = "mlplatform"
STACK = "prod"
LOCATION = "westeurope"
TAGS = {"environment": "prod", "owner": "ml-platform", "costCenter": "cc-4711", "dataClassification": "confidential"}

ROLE_DS = "f6c7c914-8db3-469d-8ca1-694a8f32e121"
ROLE_COMPUTE_OPERATOR = "e503ece1-11d0-4e8e-8e2c-7a6c3bf38815"
ROLE_CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"
ROLE_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
ROLE_BLOB_CONTRIBUTOR = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
ROLE_BLOB_READER = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"

STACK_URN = f"urn:pulumi:{STACK}::{PROJECT}::pulumi:pulumi:Stack::{PROJECT}-{STACK}"


def role_id(guid: str) -> str:
    return f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def urn(kind: str, name: str) -> str:
    return f"urn:pulumi:{STACK}::{PROJECT}::{kind}::{name}"


def record(
    kind: str,
    name: str,
    inputs: Mapping[str, Any],
    arm_id: str | None = None,
    *,
    azure_name: str | None = None,
    protect: bool = False,
    refs: Mapping[str, Sequence[str]] | None = None,
    custom: bool = True,
    parent: str | None = STACK_URN,
) -> Record:
    """One plan record. `refs` maps an input to the URNs it depends on."""
    outputs: dict[str, Any] = {}
    if arm_id:
        outputs = {"id": arm_id, "name": azure_name or arm_id.rsplit("/", 1)[-1]}
    prop_deps = {k: list(v) for k, v in (refs or {}).items()}
    return {
        "urn": urn(kind, name),
        "type": kind,
        "name": name,
        "parent": parent,
        "custom": custom,
        "inputs": copy.deepcopy(dict(inputs)),
        "outputs": outputs,
        "protect": protect,
        "dependencies": sorted({u for v in prop_deps.values() for u in v}),
        "propertyDependencies": prop_deps,
        "provider": f"{urn('pulumi:providers:azure-native', 'default')}::0000" if custom else "",
        "deleteBeforeReplace": False,
        "replaceOnChanges": [],
        "ignoreChanges": [],
        "retainOnDelete": False,
    }


T_RG = "azure-native:resources:ResourceGroup"
T_LAW = "azure-native:operationalinsights:Workspace"
T_AI = "azure-native:applicationinsights:Component"
T_KV = "azure-native:keyvault:Vault"
T_KEY = "azure-native:keyvault:Key"
T_SECRET = "azure-native:keyvault:Secret"
T_SA = "azure-native:storage:StorageAccount"
T_BSP = "azure-native:storage:BlobServiceProperties"
T_BC = "azure-native:storage:BlobContainer"
T_ACR = "azure-native:containerregistry:Registry"
T_UAI = "azure-native:managedidentity:UserAssignedIdentity"
T_WS = "azure-native:machinelearningservices:Workspace"
T_CMP = "azure-native:machinelearningservices:Compute"
T_DS = "azure-native:machinelearningservices:Datastore"
T_OUTBOUND = "azure-native:machinelearningservices:ManagedNetworkSettingsRule"
T_AKS = "azure-native:containerservice:ManagedCluster"
T_POOL = "azure-native:containerservice:AgentPool"
T_EXT = "azure-native:kubernetesconfiguration:Extension"
T_RA = "azure-native:authorization:RoleAssignment"
T_RD = "azure-native:authorization:RoleDefinition"
T_PE = "azure-native:network:PrivateEndpoint"
T_DIAG = "azure-native:monitor:DiagnosticSetting"
T_MLREG = "azure-native:machinelearningservices:Registry"
# A shared stack's Azure ML registry (another resource group: consumers name it by id)
MLREG_ID = (
    "/subscriptions/5e5e5e5e-0000-4000-8000-00000000005e/resourceGroups/rg-mlp-shared"
    "/providers/Microsoft.MachineLearningServices/registries/mlr-mlp-shared"
)

LAW_ID = f"{RG_ID}/providers/Microsoft.OperationalInsights/workspaces/log-mlp-prod"
AI_ID = f"{RG_ID}/providers/Microsoft.Insights/components/appi-mlp-prod"
KV_ID = f"{RG_ID}/providers/Microsoft.KeyVault/vaults/kv-mlp-prod"
SA_ID = f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/stmlpprod"
ACR_ID = f"{RG_ID}/providers/Microsoft.ContainerRegistry/registries/crmlpprod"
UAI_ID = f"{RG_ID}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-mlp-prod"
WS_ID = f"{RG_ID}/providers/Microsoft.MachineLearningServices/workspaces/mlw-mlp-prod"
AKS_ID = f"{RG_ID}/providers/Microsoft.ContainerService/managedClusters/aks-mlp-prod"
PE_SUBNET = f"{RG_ID}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/pe"


def common(**extra: Any) -> dict[str, Any]:
    return {"resourceGroupName": RG, "location": LOCATION, "tags": dict(TAGS), **extra}


def diagnostics(target_name: str, target_kind: str, target_id: str) -> Record:
    name = f"diag-{target_name}"
    return record(
        T_DIAG,
        name,
        {
            "name": name,
            "resourceUri": target_id,
            "workspaceId": LAW_ID,
            "logs": [{"categoryGroup": "allLogs", "enabled": True}],
            "metrics": [{"category": "AllMetrics", "enabled": True}],
        },
        f"{target_id}/providers/Microsoft.Insights/diagnosticSettings/{name}",
        refs={"resourceUri": [urn(target_kind, target_name)], "workspaceId": [urn(T_LAW, "log-mlp-prod")]},
    )


def assignment(
    name: str,
    principal: str,
    principal_type: str | None,
    role: str,
    scope: str = WS_ID,
    scope_ref: str | None = None,
) -> Record:
    """A role assignment of `role` (a GUID or a definition id); principalType left out when None."""
    inputs = {"principalId": principal, "roleDefinitionId": role if role.startswith("/") else role_id(role)}
    if principal_type:
        inputs["principalType"] = principal_type
    inputs["scope"] = scope
    return record(
        T_RA,
        name,
        inputs,
        f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}",
        refs={"scope": [scope_ref]} if scope_ref else None,
    )


def ml_registry(name: str = "mlr-mlp-shared", **props: Any) -> Record:
    """An Azure ML registry of this resource group (a shared stack's)."""
    return record(
        T_MLREG,
        name,
        common(**{"registryName": name, **props}),
        f"{RG_ID}/providers/Microsoft.MachineLearningServices/registries/{name}",
        protect=True,
    )


def storage_account(name: str, **props: Any) -> Record:
    """A StorageV2 account of the resource group (beside the secure platform's own)."""
    return record(
        T_SA,
        name,
        common(**{"accountName": name, "kind": "StorageV2", **props}),
        f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/{name}",
    )


def outbound_rule(name: str, target: str = "stlake", rule_type: str = "PrivateEndpoint") -> Record:
    """A managed-network outbound rule created as its own resource (ManagedNetworkSettingsRule)."""
    target_id = f"{RG_ID}/providers/Microsoft.Storage/storageAccounts/{target}"
    return record(
        T_OUTBOUND,
        name,
        {
            "ruleName": name,
            "workspaceName": "mlw-mlp-prod",
            "resourceGroupName": RG,
            "properties": {
                "type": rule_type,
                "category": "UserDefined",
                "destination": {"serviceResourceId": target_id, "subresourceTarget": "blob"},
            },
        },
        f"{WS_ID}/outboundRules/{name}",
        refs={"workspaceName": [urn(T_WS, "mlw-mlp-prod")], "properties": [urn(T_SA, target)]},
    )


def secure_platform() -> list[Record]:
    ws_urn = urn(T_WS, "mlw-mlp-prod")
    sa_urn = urn(T_SA, "stmlpprod")
    aks_urn = urn(T_AKS, "aks-mlp-prod")
    records = [
        record("pulumi:pulumi:Stack", f"{PROJECT}-{STACK}", {}, custom=False, parent=None),
        record("mlplatform:index:Workspace", "ml", {}, custom=False),
        record(T_RG, RG, {"resourceGroupName": RG, "location": LOCATION, "tags": dict(TAGS)}, RG_ID),
        record(
            T_LAW,
            "log-mlp-prod",
            common(
                workspaceName="log-mlp-prod",
                sku={"name": "PerGB2018"},
                retentionInDays=90,
                features={"disableLocalAuth": True},
            ),
            LAW_ID,
            protect=True,
        ),
        record(
            T_AI,
            "appi-mlp-prod",
            common(
                resourceName="appi-mlp-prod",
                kind="web",
                applicationType="web",
                workspaceResourceId=LAW_ID,
                disableLocalAuth=True,
            ),
            AI_ID,
            refs={"workspaceResourceId": [urn(T_LAW, "log-mlp-prod")]},
        ),
        record(
            T_KV,
            "kv-mlp-prod",
            common(
                vaultName="kv-mlp-prod",
                properties={
                    "tenantId": "11111111-1111-1111-1111-111111111111",
                    "sku": {"family": "A", "name": "premium"},
                    "enablePurgeProtection": True,
                    "enableSoftDelete": True,
                    "softDeleteRetentionInDays": 90,
                    "enableRbacAuthorization": True,
                    "accessPolicies": [],
                    "publicNetworkAccess": "Disabled",
                    "networkAcls": {"defaultAction": "Deny", "bypass": "AzureServices"},
                },
            ),
            KV_ID,
            protect=True,
        ),
        record(
            T_KEY,
            "cmk",
            {
                "keyName": "cmk",
                "vaultName": "kv-mlp-prod",
                "resourceGroupName": RG,
                "tags": dict(TAGS),
                "properties": {"kty": "RSA-HSM", "keySize": 3072, "attributes": {"expires": 1924992000}},
            },
            f"{KV_ID}/keys/cmk",
        ),
        record(
            T_SECRET,
            "api-token",
            {
                "secretName": "api-token",
                "vaultName": "kv-mlp-prod",
                "resourceGroupName": RG,
                "tags": dict(TAGS),
                "properties": {"value": "[secret]", "contentType": "text/plain", "attributes": {"expires": 1924992000}},
            },
            f"{KV_ID}/secrets/api-token",
        ),
        record(
            T_SA,
            "stmlpprod",
            common(
                accountName="stmlpprod",
                kind="StorageV2",
                sku={"name": "Standard_RAGZRS"},
                allowSharedKeyAccess=False,
                enableHttpsTrafficOnly=True,
                minimumTlsVersion="TLS1_2",
                allowBlobPublicAccess=False,
                publicNetworkAccess="Disabled",
                networkRuleSet={"defaultAction": "Deny", "bypass": "AzureServices"},
                allowCrossTenantReplication=False,
                isLocalUserEnabled=False,
                isHnsEnabled=False,
                encryption={"requireInfrastructureEncryption": True, "keySource": "Microsoft.Storage"},
            ),
            SA_ID,
            protect=True,
        ),
        record(
            T_BSP,
            "stmlpprod-blob",
            {
                "accountName": "stmlpprod",
                "resourceGroupName": RG,
                "blobServicesName": "default",
                "deleteRetentionPolicy": {"enabled": True, "days": 30},
                "containerDeleteRetentionPolicy": {"enabled": True, "days": 30},
                "isVersioningEnabled": True,
            },
            f"{SA_ID}/blobServices/default",
            azure_name="default",
            refs={"accountName": [sa_urn]},
        ),
        record(
            T_BC,
            "data",
            {"accountName": "stmlpprod", "resourceGroupName": RG, "containerName": "data", "publicAccess": "None"},
            f"{SA_ID}/blobServices/default/containers/data",
            refs={"accountName": [sa_urn]},
        ),
        record(
            T_ACR,
            "crmlpprod",
            common(
                registryName="crmlpprod",
                sku={"name": "Premium"},
                adminUserEnabled=False,
                anonymousPullEnabled=False,
                publicNetworkAccess="Disabled",
                networkRuleSet={"defaultAction": "Deny"},
                zoneRedundancy="Enabled",
                policies={
                    "exportPolicy": {"status": "disabled"},
                    "azureADAuthenticationAsArmPolicy": {"status": "disabled"},
                    "retentionPolicy": {"status": "enabled", "days": 7},
                },
            ),
            ACR_ID,
            protect=True,
        ),
        record(T_UAI, "id-mlp-prod", common(resourceName="id-mlp-prod"), UAI_ID),
        record(
            T_WS,
            "mlw-mlp-prod",
            common(
                workspaceName="mlw-mlp-prod",
                kind="Default",
                identity={"type": "UserAssigned", "userAssignedIdentities": {UAI_ID: {}}},
                primaryUserAssignedIdentity=UAI_ID,
                storageAccount=SA_ID,
                keyVault=KV_ID,
                applicationInsights=AI_ID,
                containerRegistry=ACR_ID,
                publicNetworkAccess="Disabled",
                allowPublicAccessWhenBehindVnet=False,
                managedNetwork={"isolationMode": "AllowOnlyApprovedOutbound"},
                systemDatastoresAuthMode="Identity",
                v1LegacyMode=False,
                hbiWorkspace=True,
                encryption={
                    "status": "Enabled",
                    "keyVaultProperties": {
                        "keyVaultArmId": KV_ID,
                        "keyIdentifier": "https://kv-mlp-prod.vault.azure.net/keys/cmk/0123",
                    },
                },
            ),
            WS_ID,
            protect=True,
            refs={
                "storageAccount": [sa_urn],
                "keyVault": [urn(T_KV, "kv-mlp-prod")],
                "applicationInsights": [urn(T_AI, "appi-mlp-prod")],
                "containerRegistry": [urn(T_ACR, "crmlpprod")],
                "primaryUserAssignedIdentity": [urn(T_UAI, "id-mlp-prod")],
            },
        ),
        record(
            T_CMP,
            "cpu-cluster",
            common(
                computeName="cpu-cluster",
                workspaceName="mlw-mlp-prod",
                properties={
                    "computeType": "AmlCompute",
                    "disableLocalAuth": True,
                    "properties": {
                        "vmSize": "Standard_D4ds_v5",
                        "vmPriority": "Dedicated",
                        "scaleSettings": {
                            "minNodeCount": 0,
                            "maxNodeCount": 4,
                            "nodeIdleTimeBeforeScaleDown": "PT120S",
                        },
                        "enableNodePublicIp": False,
                        "remoteLoginPortPublicAccess": "Disabled",
                    },
                },
            ),
            f"{WS_ID}/computes/cpu-cluster",
            refs={"workspaceName": [ws_urn]},
        ),
        record(
            T_CMP,
            "ci-alice",
            common(
                computeName="ci-alice",
                workspaceName="mlw-mlp-prod",
                properties={
                    "computeType": "ComputeInstance",
                    "disableLocalAuth": True,
                    "properties": {
                        "vmSize": "Standard_DS3_v2",
                        "idleTimeBeforeShutdown": "PT60M",
                        "sshSettings": {"sshPublicAccess": "Disabled"},
                        "enableNodePublicIp": False,
                    },
                },
            ),
            f"{WS_ID}/computes/ci-alice",
            refs={"workspaceName": [ws_urn]},
        ),
        record(
            T_AKS,
            "aks-mlp-prod",
            common(
                resourceName="aks-mlp-prod",
                dnsPrefix="aks-mlp-prod",
                sku={"name": "Base", "tier": "Standard"},
                identity={"type": "SystemAssigned"},
                aadProfile={"managed": True, "enableAzureRBAC": True},
                enableRBAC=True,
                disableLocalAccounts=False,
                apiServerAccessProfile={"enablePrivateCluster": True, "disableRunCommand": True},
                networkProfile={
                    "networkPlugin": "azure",
                    "networkPolicy": "cilium",
                    "networkDataplane": "cilium",
                    # egress through the hub firewall (AKS-08)
                    "outboundType": "userDefinedRouting",
                },
                addonProfiles={
                    "azurepolicy": {"enabled": True},
                    "omsagent": {"enabled": True, "config": {"logAnalyticsWorkspaceResourceID": LAW_ID}},
                },
                securityProfile={
                    "defender": {"logAnalyticsWorkspaceResourceId": LAW_ID, "securityMonitoring": {"enabled": True}},
                    "workloadIdentity": {"enabled": True},
                },
                oidcIssuerProfile={"enabled": True},
                autoUpgradeProfile={"upgradeChannel": "stable"},
                agentPoolProfiles=[
                    {
                        "name": "system",
                        "mode": "System",
                        "vmSize": "Standard_D4ds_v5",
                        "count": 3,
                        "enableAutoScaling": True,
                        "minCount": 3,
                        "maxCount": 4,
                        "enableNodePublicIP": False,
                        "enableEncryptionAtHost": True,
                        "securityProfile": {"sshAccess": "Disabled"},
                        "osType": "Linux",
                    }
                ],
            ),
            AKS_ID,
            protect=True,
        ),
        record(
            T_POOL,
            "gpu",
            {
                "agentPoolName": "gpu",
                "resourceName": "aks-mlp-prod",
                "resourceGroupName": RG,
                "vmSize": "Standard_NC4as_T4_v3",
                "mode": "User",
                "enableAutoScaling": True,
                "count": 0,
                "minCount": 0,
                "maxCount": 2,
                "enableNodePublicIP": False,
                "enableEncryptionAtHost": True,
                "securityProfile": {"sshAccess": "Disabled"},
                "tags": dict(TAGS),
            },
            f"{AKS_ID}/agentPools/gpu",
            refs={"resourceName": [aks_urn]},
        ),
        record(
            T_EXT,
            "azureml-extension",
            {
                "extensionName": "azureml",
                "clusterName": "aks-mlp-prod",
                "clusterResourceName": "managedClusters",
                "clusterRp": "Microsoft.ContainerService",
                "resourceGroupName": RG,
                "extensionType": "Microsoft.AzureML.Kubernetes",
                "configurationSettings": {
                    "enableTraining": "True",
                    "enableInference": "True",
                    "inferenceRouterServiceType": "loadBalancer",
                    "internalLoadBalancerProvider": "azure",
                    "scoringFe.serviceType.internalLoadBalancer": "True",
                    "allowInsecureConnections": "False",
                    "sslCname": "inference.mlp.internal",
                },
                "configurationProtectedSettings": {"scoringFe.sslCert": "[secret]", "scoringFe.sslKey": "[secret]"},
            },
            f"{AKS_ID}/providers/Microsoft.KubernetesConfiguration/extensions/azureml",
            refs={"clusterName": [aks_urn]},
        ),
        record(
            T_CMP,
            "aks-inference",
            common(
                computeName="aks-inference",
                workspaceName="mlw-mlp-prod",
                properties={
                    "computeType": "Kubernetes",
                    "disableLocalAuth": True,
                    "resourceId": AKS_ID,
                    "properties": {"namespace": "azureml"},
                },
            ),
            f"{WS_ID}/computes/aks-inference",
            refs={"workspaceName": [ws_urn]},
        ),
        record(
            T_DS,
            "trainingdata",
            {
                "name": "trainingdata",
                "workspaceName": "mlw-mlp-prod",
                "resourceGroupName": RG,
                "properties": {
                    "datastoreType": "AzureBlob",
                    "accountName": "stmlpprod",
                    "containerName": "data",
                    "credentials": {"credentialsType": "None"},
                },
            },
            f"{WS_ID}/datastores/trainingdata",
            refs={"workspaceName": [ws_urn]},
        ),
        record(
            T_PE,
            "pe-mlw",
            common(
                privateEndpointName="pe-mlw",
                subnet={"id": PE_SUBNET},
                privateLinkServiceConnections=[
                    {"name": "mlw", "privateLinkServiceId": WS_ID, "groupIds": ["amlworkspace"]}
                ],
            ),
            f"{RG_ID}/providers/Microsoft.Network/privateEndpoints/pe-mlw",
            refs={"privateLinkServiceConnections": [ws_urn]},
        ),
        record(
            T_RD,
            "ml-job-submitter",
            {
                "roleName": "ML Job Submitter",
                "scope": RG_ID,
                "assignableScopes": [RG_ID],
                "roleDefinitionId": "3f1c9a2e-5b7d-4c8e-9a0b-1c2d3e4f5a6b",
                "permissions": [
                    {
                        "actions": [
                            "Microsoft.MachineLearningServices/workspaces/read",
                            "Microsoft.MachineLearningServices/workspaces/jobs/*",
                        ],
                        "notActions": [],
                    }
                ],
            },
            f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/3f1c9a2e-5b7d-4c8e-9a0b-1c2d3e4f5a6b",
        ),
        assignment("ra-ds-ws", "group-data-scientists", "Group", ROLE_DS, WS_ID, ws_urn),
        assignment("ra-ds-blob", "group-data-scientists", "Group", ROLE_BLOB_READER, SA_ID, sa_urn),
        assignment(
            "ra-ds-jobs",
            "group-data-scientists",
            "Group",
            f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/3f1c9a2e-5b7d-4c8e-9a0b-1c2d3e4f5a6b",
            WS_ID,
            ws_urn,
        ),
        assignment("ra-admins-compute", "group-ml-admins", "Group", ROLE_COMPUTE_OPERATOR, WS_ID, ws_urn),
        assignment("ra-uai-ws", "uai-principal", "ServicePrincipal", ROLE_CONTRIBUTOR, WS_ID, ws_urn),
        assignment("ra-uai-blob", "uai-principal", "ServicePrincipal", ROLE_BLOB_CONTRIBUTOR, SA_ID, sa_urn),
        diagnostics("mlw-mlp-prod", T_WS, WS_ID),
        diagnostics("kv-mlp-prod", T_KV, KV_ID),
        diagnostics("crmlpprod", T_ACR, ACR_ID),
        diagnostics("aks-mlp-prod", T_AKS, AKS_ID),
        record(
            T_DIAG,
            "diag-stmlpprod-blob",
            {
                "name": "diag-stmlpprod-blob",
                "resourceUri": f"{SA_ID}/blobServices/default",
                "workspaceId": LAW_ID,
                "logs": [{"categoryGroup": "allLogs", "enabled": True}],
            },
            f"{SA_ID}/blobServices/default/providers/Microsoft.Insights/diagnosticSettings/diag-stmlpprod-blob",
            refs={"resourceUri": [urn(T_BSP, "stmlpprod-blob")], "workspaceId": [urn(T_LAW, "log-mlp-prod")]},
        ),
    ]
    return records


# --- editing -----------------------------------------------------------------------------


def find(records: Iterable[Record], name: str, kind: str | None = None) -> Record:
    matches = [r for r in records if r["name"] == name and (kind is None or r["type"] == kind)]
    assert len(matches) == 1, f"expected one record named {name}, found {len(matches)}"
    return matches[0]


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set (or, with value DELETE, remove) a dotted path in a dict, creating parents."""
    *parents, last = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    if value is DELETE:
        target.pop(last, None)
    else:
        target[last] = value


DELETE: Any = object()


def mutate(records: list[Record], name: str, path: str, value: Any) -> list[Record]:
    """A copy of `records` with `inputs.<path>` of record `name` changed (or deleted)."""
    changed = copy.deepcopy(records)
    set_path(find(changed, name)["inputs"], path, value)
    return changed


def merged(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """Props `base` with top-level keys replaced (for the resource cases)."""
    return {**base, **changes}


def without(records: list[Record], *names: str) -> list[Record]:
    return [copy.deepcopy(r) for r in records if r["name"] not in names]


# --- running one policy --------------------------------------------------------------------

OPTS = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [])


def run_resource(
    policy: Policy, kind: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None
) -> list[str]:
    """Messages a resource policy reports for props wrapped as the CLI wraps them."""
    messages: list[str] = []
    args = ResourceValidationArgs(
        kind, unknown_checking_proxy(_engine_value(dict(props))), urn(kind, "subject"), "subject", OPTS, None, config
    )
    policy.validate(args, lambda m, u=None: messages.append(m))  # type: ignore[attr-defined]
    return messages


def run_stack(
    policy: Policy, records: list[Record], config: Mapping[str, Any] | None = None
) -> list[tuple[str, str | None]]:
    """(message, urn) pairs a stack policy reports on the plan records."""
    found: list[tuple[str, str | None]] = []
    args = StackValidationArgs(stack_resources(records), config)
    policy.validate(args, lambda m, u=None: found.append((m, u)))  # type: ignore[attr-defined]
    return found


def by_name(name: str) -> Policy:
    return next(p for p in ALL_POLICIES if p.name == name)


# --- changes: functions of the records, for the stack cases ---------------------------------

Change = Callable[[list[Record]], list[Record]]


def change(name: str, path: str, value: Any) -> Change:
    return lambda records: mutate(records, name, path, value)


def unprotect(name: str) -> Change:
    def apply(records: list[Record]) -> list[Record]:
        changed = copy.deepcopy(records)
        find(changed, name)["protect"] = False
        return changed

    return apply


def add(*extra: Record) -> Change:
    return lambda records: [*copy.deepcopy(records), *extra]


def drop(*names: str) -> Change:
    return lambda records: without(records, *names)


def no_refs(name: str, prop: str) -> Change:
    """Forget the property dependencies the engine recorded for one input of a resource."""

    def apply(records: list[Record]) -> list[Record]:
        changed = copy.deepcopy(records)
        find(changed, name)["propertyDependencies"].pop(prop, None)
        return changed

    return apply


def chain(*changes: Change) -> Change:
    def apply(records: list[Record]) -> list[Record]:
        for step in changes:
            records = step(records)
        return records

    return apply


NO_MANAGED_NETWORK = change("mlw-mlp-prod", "managedNetwork.isolationMode", "Disabled")
