"""AKS rules: clusters, node pools, the Azure ML extension (AKS-01..AKS-07).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    DELETE,
    T_AKS,
    T_POOL,
    chain,
    change,
    drop,
    merged,
)
from tests.policies.rule_cases import Case, ResourceCase, StackCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "AKS-01": "CKV_AZURE_141/5, AzP 993c2fcd, 450d2877, AZU-0042",
    "AKS-02": "CKV_AZURE_115/6, AzP 0e246bcf, AZU-0041",
    "AKS-03": "CKV_AZURE_143/227, AzP 41425d9f",
    "AKS-04": "CKV_AZURE_7, AzP 46238e2f, AZU-0043",
    "AKS-05": "CKV_AZURE_116/4, AzP 0a15ec92, a1840de2",
    "AKS-06": "AzP da6e2401, 2cc2e023, CKV_AZURE_171",
    "AKS-07": "CKV_AZURE_170/246/8",
    "AKS-08": "custom",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    (
        "containerservice",
        "ManagedClusterArgs",
        {
            "aadProfile",
            "enableRBAC",
            "disableLocalAccounts",
            "apiServerAccessProfile",
            "agentPoolProfiles",
            "networkProfile",
            "addonProfiles",
            "azureMonitorProfile",
            "securityProfile",
            "identity",
            "servicePrincipalProfile",
            "oidcIssuerProfile",
            "autoUpgradeProfile",
            "sku",
            "resourceName",
        },
    ),
    ("containerservice", "ManagedClusterAADProfileArgs", {"managed", "enableAzureRBAC"}),
    (
        "containerservice",
        "ManagedClusterAPIServerAccessProfileArgs",
        {"enablePrivateCluster", "authorizedIPRanges", "disableRunCommand"},
    ),
    (
        "containerservice",
        "ManagedClusterAgentPoolProfileArgs",
        {
            "name",
            "vmSize",
            "count",
            "maxCount",
            "enableAutoScaling",
            "enableNodePublicIP",
            "enableEncryptionAtHost",
            "securityProfile",
        },
    ),
    (
        "containerservice",
        "AgentPoolArgs",
        {
            "vmSize",
            "count",
            "maxCount",
            "enableAutoScaling",
            "enableNodePublicIP",
            "enableEncryptionAtHost",
            "securityProfile",
            "agentPoolName",
            "resourceName",
        },
    ),
    ("containerservice", "AgentPoolSecurityProfileArgs", {"sshAccess"}),
    ("containerservice", "ContainerServiceNetworkProfileArgs", {"networkPolicy", "outboundType"}),
    ("containerservice", "ManagedClusterAddonProfileArgs", {"enabled"}),
    ("containerservice", "ManagedClusterAzureMonitorProfileArgs", {"metrics"}),
    ("containerservice", "ManagedClusterAzureMonitorProfileMetricsArgs", {"enabled"}),
    ("containerservice", "ManagedClusterSecurityProfileArgs", {"defender", "workloadIdentity"}),
    ("containerservice", "ManagedClusterSecurityProfileDefenderArgs", {"securityMonitoring"}),
    ("containerservice", "ManagedClusterSecurityProfileDefenderSecurityMonitoringArgs", {"enabled"}),
    ("containerservice", "ManagedClusterSecurityProfileWorkloadIdentityArgs", {"enabled"}),
    ("containerservice", "ManagedClusterOIDCIssuerProfileArgs", {"enabled"}),
    ("containerservice", "ManagedClusterAutoUpgradeProfileArgs", {"upgradeChannel"}),
    ("containerservice", "ManagedClusterIdentityArgs", {"type"}),
    ("containerservice", "ManagedClusterServicePrincipalProfileArgs", {"clientId"}),
    ("containerservice", "ManagedClusterSKUArgs", {"tier"}),
    ("kubernetesconfiguration", "ExtensionArgs", {"extensionType", "configurationSettings", "clusterName"}),
    ("machinelearningservices", "WorkspaceArgs", {"managedNetwork"}),
    ("machinelearningservices", "ManagedNetworkSettingsArgs", {"isolationMode"}),
]


POOL_OK = {
    "name": "system",
    "vmSize": "Standard_D4ds_v5",
    "enableNodePublicIP": False,
    "enableEncryptionAtHost": True,
    "securityProfile": {"sshAccess": "Disabled"},
}


AKS_OK = {
    "aadProfile": {"managed": True, "enableAzureRBAC": True},
    "enableRBAC": True,
    "apiServerAccessProfile": {"enablePrivateCluster": True, "disableRunCommand": True},
    "agentPoolProfiles": [POOL_OK],
    "networkProfile": {"networkPolicy": "azure"},
    "addonProfiles": {"azurePolicy": {"enabled": True}, "omsAgent": {"enabled": True}},
    "securityProfile": {"defender": {"securityMonitoring": {"enabled": True}}, "workloadIdentity": {"enabled": True}},
    "oidcIssuerProfile": {"enabled": True},
    "identity": {"type": "SystemAssigned"},
    "autoUpgradeProfile": {"upgradeChannel": "patch"},
    "sku": {"name": "Base", "tier": "Standard"},
}


CASES: list[Case] = [
    ResourceCase("aks-01-cluster-entra-rbac", T_AKS, AKS_OK, None),
    ResourceCase(
        "aks-01-cluster-entra-rbac",
        T_AKS,
        merged(AKS_OK, aadProfile={"managed": True}),
        "aadProfile.enableAzureRBAC is not set",
    ),
    ResourceCase("aks-02-cluster-api-server-restricted", T_AKS, AKS_OK, None),
    ResourceCase(
        "aks-02-cluster-api-server-restricted",
        T_AKS,
        merged(AKS_OK, apiServerAccessProfile={"authorizedIPRanges": ["10.0.0.0/8"], "disableRunCommand": True}),
        None,
    ),
    ResourceCase(
        "aks-02-cluster-api-server-restricted",
        T_AKS,
        merged(AKS_OK, apiServerAccessProfile={"disableRunCommand": True}),
        "API server is public",
    ),
    ResourceCase("aks-03-node-pools-hardened", T_AKS, AKS_OK, None),
    ResourceCase("aks-03-node-pools-hardened", T_POOL, POOL_OK, None),
    ResourceCase(
        "aks-03-node-pools-hardened",
        T_AKS,
        merged(AKS_OK, agentPoolProfiles=[merged(POOL_OK, enableNodePublicIP=True)]),
        'agentPoolProfiles[0] ("system"): enableNodePublicIP is true',
    ),
    ResourceCase(
        "aks-03-node-pools-hardened",
        T_POOL,
        merged(POOL_OK, securityProfile={}),
        "securityProfile.sshAccess is not set",
    ),
    ResourceCase("aks-04-cluster-network-policy", T_AKS, AKS_OK, None),
    ResourceCase(
        "aks-04-cluster-network-policy",
        T_AKS,
        merged(AKS_OK, networkProfile={"networkPolicy": "none"}),
        'networkProfile.networkPolicy is "none"',
    ),
    ResourceCase("aks-05-cluster-policy-monitoring-defender", T_AKS, AKS_OK, None),
    ResourceCase(
        "aks-05-cluster-policy-monitoring-defender",
        T_AKS,
        merged(
            AKS_OK, addonProfiles={"azurepolicy": {"enabled": True}}, azureMonitorProfile={"metrics": {"enabled": True}}
        ),
        None,
    ),
    ResourceCase(
        "aks-05-cluster-policy-monitoring-defender",
        T_AKS,
        merged(AKS_OK, addonProfiles={"azurepolicy": {"enabled": True}}),
        "no monitoring",
    ),
    ResourceCase("aks-06-cluster-identity-and-upgrades", T_AKS, AKS_OK, None),
    ResourceCase(
        "aks-06-cluster-identity-and-upgrades",
        T_AKS,
        merged(AKS_OK, autoUpgradeProfile={"upgradeChannel": "none"}),
        'autoUpgradeProfile.upgradeChannel is "none"',
    ),
    ResourceCase(
        "aks-06-cluster-identity-and-upgrades",
        T_AKS,
        merged(AKS_OK, servicePrincipalProfile={"clientId": "app-id", "secret": "[secret]"}),
        "servicePrincipalProfile.clientId is set",
    ),
    ResourceCase("aks-07-cluster-tier-and-addons", T_AKS, AKS_OK, None),
    ResourceCase("aks-07-cluster-tier-and-addons", T_AKS, merged(AKS_OK, sku={"tier": "Free"}), 'sku.tier is "Free"'),
    ResourceCase(
        "aks-07-cluster-tier-and-addons",
        T_AKS,
        merged(AKS_OK, sku={"tier": "Free"}),
        None,
        {"requireStandardTier": False},
    ),
    ResourceCase(
        "aks-07-cluster-tier-and-addons",
        T_AKS,
        merged(AKS_OK, addonProfiles={"kubeDashboard": {"enabled": True}}),
        "addonProfiles.kubeDashboard.enabled is true",
    ),
    # AKS-01: local accounts, except clusters with the Azure ML extension
    StackCase("aks-01-local-accounts-disabled", None, None),
    StackCase(
        "aks-01-local-accounts-disabled",
        drop("azureml-extension"),
        "disableLocalAccounts is false",
        on=("aks-mlp-prod",),
    ),
    StackCase(
        "aks-01-local-accounts-disabled",
        chain(drop("azureml-extension"), change("aks-mlp-prod", "disableLocalAccounts", True)),
        None,
    ),
    StackCase(
        "aks-01-local-accounts-disabled",
        change("azureml-extension", "extensionType", "microsoft.flux"),
        "disableLocalAccounts is false",
        on=("aks-mlp-prod",),
    ),
    # AKS-08: the secure platform routes its cluster through a firewall (userDefinedRouting)
    StackCase("aks-08-cluster-egress-approved", None, None),
    StackCase(
        "aks-08-cluster-egress-approved",
        change("aks-mlp-prod", "networkProfile.outboundType", "loadBalancer"),
        'outboundType is "loadBalancer"',
        on=("aks-mlp-prod",),
    ),
    StackCase(
        "aks-08-cluster-egress-approved",
        change("aks-mlp-prod", "networkProfile.outboundType", "userAssignedNATGateway"),
        "does not cover its egress",
        on=("aks-mlp-prod",),
    ),
    StackCase(
        "aks-08-cluster-egress-approved",
        change("aks-mlp-prod", "networkProfile.outboundType", DELETE),
        "not set (AKS's default, loadBalancer)",
        on=("aks-mlp-prod",),
    ),
    # without AllowOnlyApprovedOutbound there is no approval for the cluster to bypass
    StackCase(
        "aks-08-cluster-egress-approved",
        chain(
            change("aks-mlp-prod", "networkProfile.outboundType", "loadBalancer"),
            change("mlw-mlp-prod", "managedNetwork.isolationMode", "AllowInternetOutbound"),
        ),
        None,
    ),
]


# Properties a passing case sets that its rule may also find unset (see test_policy_pack).
UNSET_IS_SECURE = {
    (
        "aks-03-node-pools-hardened",
        "agentPoolProfiles",
    ): "pools outside the cluster are AgentPool resources, judged there",
}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
