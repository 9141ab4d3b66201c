"""Azure Machine Learning rules: workspace, compute, datastores (ML-01..ML-13) and the
workspace's associated resources (STK-09).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.policy_fixtures import (
    DELETE,
    NO_MANAGED_NETWORK,
    SUB,
    T_CMP,
    T_DS,
    T_EXT,
    T_MLREG,
    T_WS,
    by_name,
    chain,
    change,
    drop,
    no_refs,
    run_resource,
)
from tests.policies.rule_cases import Case, ResourceCase, StackCase, case_id
from tools.plan.compat import NotApplicableError

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "ML-01": "CKV_AZURE_144, CKV2_AZURE_49, AzP 438c38d2, PSR Azure.ML.PublicAccess",
    "ML-02": "AzP 6ddb1705, CKV_AZURE_243",
    "ML-03": "AzP ba769a63, 7f40cee6",
    "ML-04": "AzP 5f0c7d88, PSR Azure.ML.UserManagedIdentity",
    "ML-05": "CKV2_AZURE_50",
    "ML-06": "custom (AzP e413671a audits the opposite: do not adopt)",
    "ML-07": "CKV_AZURE_142, AzP e96a9a5f, a6f9a2d0, PSR Azure.ML.DisableLocalAuth",
    "ML-08": "custom (no external id)",
    "ML-09": "AzP 7804b5c7, PSR Azure.ML.ComputeVnet",
    "ML-10": "CKV_AZURE_150, WAF cost",
    "ML-11": "AzP 679ddf89, PSR Azure.ML.ComputeIdleShutdown",
    "ML-12": "custom",
    "ML-13": "custom",
    "ML-14": "custom",
    "STK-09": "custom stack rule",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    ("machinelearningservices", "RegistryArgs", {"publicNetworkAccess", "registryName"}),
    (
        "machinelearningservices",
        "WorkspaceArgs",
        {
            "publicNetworkAccess",
            "allowPublicAccessWhenBehindVnet",
            "managedNetwork",
            "encryption",
            "identity",
            "primaryUserAssignedIdentity",
            "hbiWorkspace",
            "systemDatastoresAuthMode",
            "v1LegacyMode",
            "storageAccount",
            "keyVault",
            "applicationInsights",
            "containerRegistry",
            "kind",
            "location",
            "tags",
            "workspaceName",
            "resourceGroupName",
        },
    ),
    ("machinelearningservices", "ManagedNetworkSettingsArgs", {"isolationMode", "outboundRules"}),
    ("machinelearningservices", "ManagedNetworkSettingsRuleArgs", {"properties", "workspaceName"}),
    ("machinelearningservices", "PrivateEndpointOutboundRuleArgs", {"type", "destination"}),
    ("machinelearningservices", "PrivateEndpointDestinationArgs", {"serviceResourceId"}),
    ("machinelearningservices", "EncryptionPropertyArgs", {"status", "keyVaultProperties"}),
    ("machinelearningservices", "KeyVaultPropertiesArgs", {"keyVaultArmId", "keyIdentifier"}),
    ("machinelearningservices", "ManagedServiceIdentityArgs", {"type"}),
    ("machinelearningservices", "ComputeArgs", {"properties", "workspaceName", "computeName", "location", "tags"}),
    ("machinelearningservices", "AmlComputeArgs", {"computeType", "disableLocalAuth", "properties"}),
    (
        "machinelearningservices",
        "AmlComputePropertiesArgs",
        {"enableNodePublicIp", "remoteLoginPortPublicAccess", "scaleSettings", "subnet", "vmSize", "vmPriority"},
    ),
    ("machinelearningservices", "ScaleSettingsArgs", {"minNodeCount", "maxNodeCount"}),
    ("machinelearningservices", "ResourceIdArgs", {"id"}),
    ("machinelearningservices", "ComputeInstanceArgs", {"computeType", "disableLocalAuth"}),
    (
        "machinelearningservices",
        "ComputeInstancePropertiesArgs",
        {"idleTimeBeforeShutdown", "sshSettings", "subnet", "vmSize"},
    ),
    ("machinelearningservices", "ComputeInstanceSshSettingsArgs", {"sshPublicAccess"}),
    ("machinelearningservices", "KubernetesArgs", {"computeType", "disableLocalAuth"}),
    (
        "kubernetesconfiguration",
        "ExtensionArgs",
        {"extensionType", "configurationSettings", "configurationProtectedSettings"},
    ),
    ("machinelearningservices", "DatastoreArgs", {"properties", "workspaceName"}),
    ("machinelearningservices", "AzureBlobDatastoreArgs", {"datastoreType", "credentials"}),
    ("machinelearningservices", "AzureDataLakeGen2DatastoreArgs", {"datastoreType", "credentials"}),
    ("machinelearningservices", "NoneDatastoreCredentialsArgs", {"credentialsType"}),
]


def cluster(**props: Any) -> dict[str, Any]:
    inner = {
        "vmSize": "Standard_D4ds_v5",
        "enableNodePublicIp": False,
        "remoteLoginPortPublicAccess": "Disabled",
        "scaleSettings": {"minNodeCount": 0, "maxNodeCount": 4},
    }
    inner.update(props)
    return {"properties": {"computeType": "AmlCompute", "disableLocalAuth": True, "properties": inner}}


def instance(**props: Any) -> dict[str, Any]:
    inner = {
        "vmSize": "Standard_DS3_v2",
        "idleTimeBeforeShutdown": "PT60M",
        "sshSettings": {"sshPublicAccess": "Disabled"},
    }
    inner.update(props)
    return {"properties": {"computeType": "ComputeInstance", "disableLocalAuth": True, "properties": inner}}


CERTIFICATE = {"scoringFe.sslCert": "[secret]", "scoringFe.sslKey": "[secret]"}


def extension(protected: dict[str, str] | None = None, /, **settings: str) -> dict[str, Any]:
    """An HTTPS Azure ML extension with an internal router, in the keys ARM reads (the CLI's
    rewrite of internalLoadBalancerProvider=azure and of sslCertPemFile/sslKeyPemFile)."""
    base = {
        "enableInference": "True",
        "inferenceRouterServiceType": "loadBalancer",
        "internalLoadBalancerProvider": "azure",
        "scoringFe.serviceType.internalLoadBalancer": "True",
        "allowInsecureConnections": "False",
        "sslCname": "scoring.mlp.internal",
    }
    base.update(settings)
    found = {k: v for k, v in base.items() if v != "<drop>"}
    props: dict[str, Any] = {"extensionType": "Microsoft.AzureML.Kubernetes", "configurationSettings": found}
    props["configurationProtectedSettings"] = CERTIFICATE if protected is None else protected
    return props


CASES: list[Case] = [
    # ML-14: a registry closed to the internet passes; an open one is reported (advisory everywhere)
    ResourceCase("ml-14-registry-public-network-disabled", T_MLREG, {"publicNetworkAccess": "Disabled"}, None),
    ResourceCase(
        "ml-14-registry-public-network-disabled",
        T_MLREG,
        {"publicNetworkAccess": "Enabled"},
        'publicNetworkAccess is "Enabled"',
    ),
    # left unset is a violation too: Azure's default differs between API versions
    ResourceCase("ml-14-registry-public-network-disabled", T_MLREG, {}, "publicNetworkAccess is not set"),
    ResourceCase("ml-01-workspace-public-network-disabled", T_WS, {"publicNetworkAccess": "Disabled"}, None),
    ResourceCase(
        "ml-01-workspace-public-network-disabled",
        T_WS,
        {"publicNetworkAccess": "Enabled"},
        'publicNetworkAccess is "Enabled"',
    ),
    # unset is Azure's default, Enabled (Workspace REST API: publicNetworkAccess defaults to Enabled)
    ResourceCase("ml-01-workspace-public-network-disabled", T_WS, {}, "publicNetworkAccess is not set"),
    ResourceCase(
        "ml-01-workspace-public-network-disabled",
        T_WS,
        {"publicNetworkAccess": "Disabled", "allowPublicAccessWhenBehindVnet": True},
        "allowPublicAccessWhenBehindVnet is true",
    ),
    ResourceCase(
        "ml-03-workspace-customer-managed-key",
        T_WS,
        {"encryption": {"status": "Enabled", "keyVaultProperties": {"keyVaultArmId": "/kv", "keyIdentifier": "k"}}},
        None,
    ),
    ResourceCase(
        "ml-03-workspace-customer-managed-key",
        T_WS,
        {"encryption": {"status": "Disabled"}},
        'encryption.status is "Disabled"',
    ),
    ResourceCase(
        "ml-04-workspace-user-assigned-identity",
        T_WS,
        {"identity": {"type": "SystemAssigned,UserAssigned"}, "primaryUserAssignedIdentity": "/uai"},
        None,
    ),
    ResourceCase(
        "ml-04-workspace-user-assigned-identity",
        T_WS,
        {"identity": {"type": "SystemAssigned"}},
        "must include UserAssigned",
    ),
    ResourceCase("ml-06-workspace-identity-datastore-auth", T_WS, {"systemDatastoresAuthMode": "identity"}, None),
    ResourceCase(
        "ml-06-workspace-identity-datastore-auth",
        T_WS,
        {"systemDatastoresAuthMode": "AccessKey"},
        'systemDatastoresAuthMode is "AccessKey"',
    ),
    ResourceCase(
        "ml-06-workspace-identity-datastore-auth",
        T_WS,
        {"systemDatastoresAuthMode": "Identity", "v1LegacyMode": True},
        "v1LegacyMode is true",
    ),
    ResourceCase("ml-07-compute-local-auth-disabled", T_CMP, cluster(), None),
    ResourceCase("ml-07-compute-local-auth-disabled", T_CMP, {"properties": {"computeType": "Databricks"}}, None),
    ResourceCase(
        "ml-07-compute-local-auth-disabled",
        T_CMP,
        {"properties": {"computeType": "ComputeInstance", "disableLocalAuth": False}},
        "properties.disableLocalAuth is false",
    ),
    ResourceCase("ml-08-compute-no-public-ip-or-ssh", T_CMP, cluster(), None),
    ResourceCase("ml-08-compute-no-public-ip-or-ssh", T_CMP, instance(), None),
    ResourceCase(
        "ml-08-compute-no-public-ip-or-ssh", T_CMP, cluster(enableNodePublicIp=True), "enableNodePublicIp is true"
    ),
    ResourceCase(
        "ml-08-compute-no-public-ip-or-ssh",
        T_CMP,
        cluster(remoteLoginPortPublicAccess="NotSpecified"),
        'remoteLoginPortPublicAccess is "NotSpecified"',
    ),
    ResourceCase(
        "ml-08-compute-no-public-ip-or-ssh",
        T_CMP,
        instance(sshSettings={"sshPublicAccess": "Enabled"}),
        'sshPublicAccess is "Enabled"',
    ),
    ResourceCase("ml-10-compute-scale-to-zero-and-capped", T_CMP, cluster(), None, {"maxNodesPerCluster": 4}),
    ResourceCase(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(scaleSettings={"minNodeCount": 1, "maxNodeCount": 4}),
        "minNodeCount is 1",
        {"maxNodesPerCluster": 4},
    ),
    ResourceCase(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(scaleSettings={"minNodeCount": 0, "maxNodeCount": 5}),
        "maxNodeCount is 5; the cap for this stack is 4",
        {"maxNodesPerCluster": 4},
    ),
    ResourceCase(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(),
        "maxNodesPerCluster is not configured: it comes from the stack's tier",
    ),
    ResourceCase(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(scaleSettings={"minNodeCount": 0, "maxNodeCount": 5}),
        None,
        {"maxNodesPerCluster": 8},
    ),
    ResourceCase("ml-11-compute-instance-idle-shutdown", T_CMP, instance(), None),
    ResourceCase(
        "ml-11-compute-instance-idle-shutdown",
        T_CMP,
        instance(idleTimeBeforeShutdown=None),
        "idleTimeBeforeShutdown is not set",
    ),
    ResourceCase(
        "ml-11-compute-instance-idle-shutdown", T_CMP, instance(idleTimeBeforeShutdown="60 minutes"), "ISO 8601"
    ),
    # other scripts' digits are no ISO 8601 digits (Azure refuses them)
    ResourceCase("ml-11-compute-instance-idle-shutdown", T_CMP, instance(idleTimeBeforeShutdown="PT٦٠M"), "ISO 8601"),
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_CMP,
        {"properties": {"computeType": "Kubernetes", "disableLocalAuth": True}},
        None,
    ),
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_CMP,
        {"properties": {"computeType": "Kubernetes", "disableLocalAuth": False}},
        "disableLocalAuth is false",
    ),
    ResourceCase("ml-12-kubernetes-compute-secure", T_EXT, extension(), None),
    # the in-cluster secret is the other way the CLI gives the chart a certificate
    ResourceCase(
        "ml-12-kubernetes-compute-secure", T_EXT, extension({}, **{"scoringFe.sslSecret": "scoring-tls"}), None
    ),
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension(allowInsecureConnections="True"),
        "allowInsecureConnections is true",
    ),
    # the friendly key alone: ARM never rewrites it, so the router would be public
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension(**{"scoringFe.serviceType.internalLoadBalancer": "<drop>"}),
        "scoringFe.serviceType.internalLoadBalancer is not set",
    ),
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension(**{"scoringFe.serviceType.internalLoadBalancer": "False"}),
        "inference router is not exposed publicly",
    ),
    # the CLI's local file names reach ARM as nothing the chart reads
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension({"sslCertPemFile": "[secret]", "sslKeyPemFile": "[secret]"}),
        "no certificate for HTTPS scoring",
    ),
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension({"scoringFe.sslCert": "[secret]"}),
        "(missing: scoringFe.sslKey)",
    ),
    ResourceCase("ml-12-kubernetes-compute-secure", T_EXT, extension(sslCname="<drop>"), "sslCname is not set"),
    ResourceCase(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        {"extensionType": "microsoft.flux", "configurationSettings": {"allowInsecureConnections": "True"}},
        None,
    ),
    ResourceCase(
        "ml-13-datastore-identity-based",
        T_DS,
        {"properties": {"datastoreType": "AzureDataLakeGen2", "credentials": {"credentialsType": "None"}}},
        None,
    ),
    ResourceCase(
        "ml-13-datastore-identity-based",
        T_DS,
        {
            "properties": {
                "datastoreType": "AzureBlob",
                "credentials": {"credentialsType": "AccountKey", "secrets": {"key": "[secret]"}},
            }
        },
        'credentialsType is "AccountKey"',
    ),
    # ML-02: managed network in an allowed mode, or customer VNet + private endpoint
    StackCase("ml-02-workspace-managed-network-isolated", None, None),
    StackCase(
        "ml-02-workspace-managed-network-isolated",
        change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound"),
        'isolationMode is "AllowInternetOutbound"',
        on=("mlw-mlp-prod",),
    ),
    StackCase(
        "ml-02-workspace-managed-network-isolated",
        change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound"),
        None,
        {"allowedIsolationModes": ["AllowOnlyApprovedOutbound", "AllowInternetOutbound"]},
    ),
    StackCase("ml-02-workspace-managed-network-isolated", NO_MANAGED_NETWORK, None),  # has pe-mlw
    StackCase(
        "ml-02-workspace-managed-network-isolated",
        chain(NO_MANAGED_NETWORK, drop("pe-mlw")),
        "'amlworkspace' private endpoint",
        on=("mlw-mlp-prod",),
    ),
    # ML-05: HBI for sensitive data; HBI storage not public
    StackCase("ml-05-hbi-workspace-for-sensitive-data", None, None),
    StackCase(
        "ml-05-hbi-workspace-for-sensitive-data",
        change("mlw-mlp-prod", "hbiWorkspace", False),
        'tags.dataClassification is "confidential" (sensitive data); set hbiWorkspace',
        on=("mlw-mlp-prod",),
    ),
    StackCase(
        "ml-05-hbi-workspace-for-sensitive-data",
        chain(
            change("mlw-mlp-prod", "hbiWorkspace", False), change("mlw-mlp-prod", "tags.dataClassification", "internal")
        ),
        None,
    ),
    StackCase(
        "ml-05-hbi-workspace-for-sensitive-data",
        chain(
            change("stmlpprod", "publicNetworkAccess", "Enabled"),
            change("stmlpprod", "networkRuleSet.defaultAction", "Allow"),
        ),
        "links storage account stmlpprod, which is public",
        on=("stmlpprod",),
    ),
    # ML-09: subnet unless the workspace's managed network is on
    StackCase("ml-09-compute-in-vnet-or-managed-network", None, None),
    StackCase(
        "ml-09-compute-in-vnet-or-managed-network",
        NO_MANAGED_NETWORK,
        "subnet.id is not set and the workspace has no managed network",
        on=("cpu-cluster", "ci-alice"),
    ),
    StackCase(
        "ml-09-compute-in-vnet-or-managed-network",
        chain(
            NO_MANAGED_NETWORK,
            change("cpu-cluster", "properties.properties.subnet.id", "/s/x"),
            change("ci-alice", "properties.properties.subnet.id", "/s/x"),
        ),
        None,
    ),
    # STK-09: associated resources belong to the stack
    StackCase("stk-09-workspace-associated-resources-in-stack", None, None),
    StackCase(
        "stk-09-workspace-associated-resources-in-stack",
        chain(
            change(
                "mlw-mlp-prod", "keyVault", f"{SUB}/resourceGroups/other/providers/Microsoft.KeyVault/vaults/kv-shared"
            ),
            no_refs("mlw-mlp-prod", "keyVault"),
        ),
        "not a key vault of this stack",
        on=("mlw-mlp-prod",),
    ),
    StackCase(
        "stk-09-workspace-associated-resources-in-stack",
        change("mlw-mlp-prod", "containerRegistry", DELETE),
        "containerRegistry is not set",
        on=("mlw-mlp-prod",),
    ),
    StackCase(
        "stk-09-workspace-associated-resources-in-stack",
        change("mlw-mlp-prod", "containerRegistry", DELETE),
        None,
        {"requireContainerRegistry": False},
    ),
    StackCase(
        "stk-09-workspace-associated-resources-in-stack",
        chain(change("mlw-mlp-prod", "kind", "Project"), change("mlw-mlp-prod", "keyVault", DELETE)),
        None,
    ),
]


# Properties a passing case sets that its rule may also find unset (test_policy_pack checks that
# every other property a rule reads makes it fail when left out: Azure's default is often open).
UNSET_IS_SECURE = {
    # the kind a rule judges: a compute, extension or datastore of another kind is not its subject
    ("ml-07-compute-local-auth-disabled", "properties.computeType"): "judges the compute types it names",
    ("ml-08-compute-no-public-ip-or-ssh", "properties.computeType"): "judges the compute types it names",
    ("ml-10-compute-scale-to-zero-and-capped", "properties.computeType"): "judges AmlCompute only",
    ("ml-11-compute-instance-idle-shutdown", "properties.computeType"): "judges ComputeInstance only",
    ("ml-12-kubernetes-compute-secure", "properties.computeType"): "judges Kubernetes compute only",
    ("ml-12-kubernetes-compute-secure", "extensionType"): "judges the Azure ML extension only",
    ("ml-13-datastore-identity-based", "properties.datastoreType"): "judges blob and ADLS Gen2 datastores only",
    # Microsoft (how-to-deploy-kubernetes-extension, config settings): "enableInference: True or
    # False, default False"; "allowInsecureConnections: True or False, default False"
    ("ml-12-kubernetes-compute-secure", "configurationSettings.enableInference"): "default False: no router",
    ("ml-12-kubernetes-compute-secure", "configurationSettings.allowInsecureConnections"): "default False",
    # the router check is about a load balancer; the service type is required with inference
    # (the extension does not install without it), so unset exposes nothing
    ("ml-12-kubernetes-compute-secure", "configurationSettings.inferenceRouterServiceType"): "required by Azure",
}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()


def test_file_datastores_are_an_explicit_exception() -> None:
    with pytest.raises(NotApplicableError) as raised:
        run_resource(
            by_name("ml-13-datastore-identity-based"),
            T_DS,
            {"properties": {"datastoreType": "AzureFile", "credentials": {"credentialsType": "AccountKey"}}},
        )
    assert "credential-based" in str(raised.value.reason)
