"""Every resource rule: a compliant case passes, a non-compliant case fails and says why."""

from __future__ import annotations

from typing import Any, NamedTuple

import pytest
from policy_fixtures import (
    T_ACR,
    T_AI,
    T_AKS,
    T_BC,
    T_CMP,
    T_DS,
    T_EXT,
    T_KEY,
    T_KV,
    T_LAW,
    T_POOL,
    T_RD,
    T_SA,
    T_SECRET,
    T_WS,
    by_name,
    run_resource,
)
from pulumi_policy import ResourceValidationPolicy

from policies.rules import ALL_POLICIES
from tools.plan.compat import NotApplicableError


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


def extension(**settings: str) -> dict[str, Any]:
    base = {
        "enableInference": "True",
        "inferenceRouterServiceType": "loadBalancer",
        "internalLoadBalancerProvider": "azure",
        "allowInsecureConnections": "False",
    }
    base.update(settings)
    return {"extensionType": "Microsoft.AzureML.Kubernetes", "configurationSettings": base}


SA_OK = {
    "allowSharedKeyAccess": False,
    "enableHttpsTrafficOnly": True,
    "minimumTlsVersion": "TLS1_2",
    "allowBlobPublicAccess": False,
    "publicNetworkAccess": "Disabled",
    "allowCrossTenantReplication": False,
    "isLocalUserEnabled": False,
    "sku": {"name": "Standard_GZRS"},
    "encryption": {"requireInfrastructureEncryption": True},
}
KV_OK = {
    "properties": {
        "enablePurgeProtection": True,
        "enableSoftDelete": True,
        "softDeleteRetentionInDays": 90,
        "enableRbacAuthorization": True,
        "accessPolicies": [],
        "publicNetworkAccess": "Disabled",
    }
}
ACR_OK = {
    "adminUserEnabled": False,
    "anonymousPullEnabled": False,
    "sku": {"name": "Premium"},
    "publicNetworkAccess": "Disabled",
    "zoneRedundancy": "Enabled",
    "policies": {
        "exportPolicy": {"status": "disabled"},
        "azureADAuthenticationAsArmPolicy": {"status": "disabled"},
        "quarantinePolicy": {"status": "enabled"},
        "retentionPolicy": {"status": "enabled", "days": 7},
    },
}
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


def merged(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def kv(**changes: Any) -> dict[str, Any]:
    return {"properties": {**KV_OK["properties"], **changes}}


class Case(NamedTuple):
    policy: str
    kind: str
    props: dict[str, Any]
    fails_with: str | None  # None: must pass; else a fragment the message must contain
    config: dict[str, Any] | None = None


CASES = [
    # Azure ML
    Case("ml-01-workspace-public-network-disabled", T_WS, {"publicNetworkAccess": "Disabled"}, None),
    Case(
        "ml-01-workspace-public-network-disabled",
        T_WS,
        {"publicNetworkAccess": "Enabled"},
        'publicNetworkAccess is "Enabled"',
    ),
    Case(
        "ml-01-workspace-public-network-disabled",
        T_WS,
        {"publicNetworkAccess": "Disabled", "allowPublicAccessWhenBehindVnet": True},
        "allowPublicAccessWhenBehindVnet is true",
    ),
    Case(
        "ml-03-workspace-customer-managed-key",
        T_WS,
        {"encryption": {"status": "Enabled", "keyVaultProperties": {"keyVaultArmId": "/kv", "keyIdentifier": "k"}}},
        None,
    ),
    Case(
        "ml-03-workspace-customer-managed-key",
        T_WS,
        {"encryption": {"status": "Disabled"}},
        'encryption.status is "Disabled"',
    ),
    Case(
        "ml-04-workspace-user-assigned-identity",
        T_WS,
        {"identity": {"type": "SystemAssigned,UserAssigned"}, "primaryUserAssignedIdentity": "/uai"},
        None,
    ),
    Case(
        "ml-04-workspace-user-assigned-identity",
        T_WS,
        {"identity": {"type": "SystemAssigned"}},
        "must include UserAssigned",
    ),
    Case("ml-06-workspace-identity-datastore-auth", T_WS, {"systemDatastoresAuthMode": "identity"}, None),
    Case(
        "ml-06-workspace-identity-datastore-auth",
        T_WS,
        {"systemDatastoresAuthMode": "AccessKey"},
        'systemDatastoresAuthMode is "AccessKey"',
    ),
    Case(
        "ml-06-workspace-identity-datastore-auth",
        T_WS,
        {"systemDatastoresAuthMode": "Identity", "v1LegacyMode": True},
        "v1LegacyMode is true",
    ),
    Case("ml-07-compute-local-auth-disabled", T_CMP, cluster(), None),
    Case("ml-07-compute-local-auth-disabled", T_CMP, {"properties": {"computeType": "Databricks"}}, None),
    Case(
        "ml-07-compute-local-auth-disabled",
        T_CMP,
        {"properties": {"computeType": "ComputeInstance", "disableLocalAuth": False}},
        "properties.disableLocalAuth is false",
    ),
    Case("ml-08-compute-no-public-ip-or-ssh", T_CMP, cluster(), None),
    Case("ml-08-compute-no-public-ip-or-ssh", T_CMP, instance(), None),
    Case("ml-08-compute-no-public-ip-or-ssh", T_CMP, cluster(enableNodePublicIp=True), "enableNodePublicIp is true"),
    Case(
        "ml-08-compute-no-public-ip-or-ssh",
        T_CMP,
        cluster(remoteLoginPortPublicAccess="NotSpecified"),
        'remoteLoginPortPublicAccess is "NotSpecified"',
    ),
    Case(
        "ml-08-compute-no-public-ip-or-ssh",
        T_CMP,
        instance(sshSettings={"sshPublicAccess": "Enabled"}),
        'sshPublicAccess is "Enabled"',
    ),
    Case("ml-10-compute-scale-to-zero-and-capped", T_CMP, cluster(), None, {"maxNodesPerCluster": 4}),
    Case(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(scaleSettings={"minNodeCount": 1, "maxNodeCount": 4}),
        "minNodeCount is 1",
        {"maxNodesPerCluster": 4},
    ),
    Case(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(scaleSettings={"minNodeCount": 0, "maxNodeCount": 5}),
        "maxNodeCount is 5; the cap for this stack is 4",
        {"maxNodesPerCluster": 4},
    ),
    Case(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(),
        "maxNodesPerCluster is not configured: it comes from the stack's tier",
    ),
    Case(
        "ml-10-compute-scale-to-zero-and-capped",
        T_CMP,
        cluster(scaleSettings={"minNodeCount": 0, "maxNodeCount": 5}),
        None,
        {"maxNodesPerCluster": 8},
    ),
    Case("ml-11-compute-instance-idle-shutdown", T_CMP, instance(), None),
    Case(
        "ml-11-compute-instance-idle-shutdown",
        T_CMP,
        instance(idleTimeBeforeShutdown=None),
        "idleTimeBeforeShutdown is not set",
    ),
    Case("ml-11-compute-instance-idle-shutdown", T_CMP, instance(idleTimeBeforeShutdown="60 minutes"), "ISO 8601"),
    Case(
        "ml-12-kubernetes-compute-secure",
        T_CMP,
        {"properties": {"computeType": "Kubernetes", "disableLocalAuth": True}},
        None,
    ),
    Case(
        "ml-12-kubernetes-compute-secure",
        T_CMP,
        {"properties": {"computeType": "Kubernetes", "disableLocalAuth": False}},
        "disableLocalAuth is false",
    ),
    Case("ml-12-kubernetes-compute-secure", T_EXT, extension(), None),
    Case(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension(allowInsecureConnections="True"),
        "allowInsecureConnections is true",
    ),
    Case(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        extension(internalLoadBalancerProvider=""),
        "inference router is not exposed publicly",
    ),
    Case(
        "ml-12-kubernetes-compute-secure",
        T_EXT,
        {"extensionType": "microsoft.flux", "configurationSettings": {"allowInsecureConnections": "True"}},
        None,
    ),
    Case(
        "ml-13-datastore-identity-based",
        T_DS,
        {"properties": {"datastoreType": "AzureDataLakeGen2", "credentials": {"credentialsType": "None"}}},
        None,
    ),
    Case(
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
    # Storage
    Case("st-01-storage-shared-key-disabled", T_SA, SA_OK, None),
    Case(
        "st-01-storage-shared-key-disabled",
        T_SA,
        merged(SA_OK, allowSharedKeyAccess=None),
        "allowSharedKeyAccess is not set",
    ),
    Case("st-02-storage-https-tls12", T_SA, SA_OK, None),
    Case("st-02-storage-https-tls12", T_SA, merged(SA_OK, minimumTlsVersion="TLS1_1"), 'minimumTlsVersion is "TLS1_1"'),
    Case(
        "st-02-storage-https-tls12",
        T_SA,
        merged(SA_OK, enableHttpsTrafficOnly=False),
        "enableHttpsTrafficOnly is false",
    ),
    Case("st-03-storage-no-public-blob-access", T_SA, SA_OK, None),
    Case(
        "st-03-storage-no-public-blob-access",
        T_SA,
        merged(SA_OK, allowBlobPublicAccess=True),
        "allowBlobPublicAccess is true",
    ),
    Case("st-03-storage-no-public-blob-access", T_BC, {"publicAccess": "None"}, None),
    Case("st-03-storage-no-public-blob-access", T_BC, {"publicAccess": "Blob"}, 'publicAccess is "Blob"'),
    Case("st-03-storage-no-public-blob-access", T_BC, {"accountName": "st"}, "publicAccess is not set"),
    Case("st-04-storage-network-restricted", T_SA, SA_OK, None),
    Case(
        "st-04-storage-network-restricted",
        T_SA,
        merged(
            SA_OK,
            publicNetworkAccess="Enabled",
            networkRuleSet={"defaultAction": "Deny", "bypass": "Logging, AzureServices"},
        ),
        None,
    ),
    Case(
        "st-04-storage-network-restricted",
        T_SA,
        merged(SA_OK, publicNetworkAccess="Enabled"),
        "disable public network access or deny by default",
    ),
    Case(
        "st-04-storage-network-restricted",
        T_SA,
        merged(SA_OK, publicNetworkAccess="Enabled", networkRuleSet={"defaultAction": "Deny", "bypass": "None"}),
        "must include AzureServices",
    ),
    Case("st-05-storage-no-cross-tenant-replication-or-local-users", T_SA, SA_OK, None),
    Case(
        "st-05-storage-no-cross-tenant-replication-or-local-users",
        T_SA,
        merged(SA_OK, isLocalUserEnabled=True),
        "isLocalUserEnabled is true",
    ),
    Case(
        "st-05-storage-no-cross-tenant-replication-or-local-users",
        T_SA,
        merged(SA_OK, allowCrossTenantReplication=True),
        "allowCrossTenantReplication is true",
    ),
    Case("st-06-storage-geo-redundant", T_SA, SA_OK, None),
    Case(
        "st-06-storage-geo-redundant", T_SA, merged(SA_OK, sku={"name": "Standard_LRS"}), 'sku.name is "Standard_LRS"'
    ),
    Case(
        "st-08-storage-infrastructure-encryption-or-cmk",
        T_SA,
        merged(SA_OK, encryption={"keySource": "Microsoft.Keyvault"}),
        None,
    ),
    Case(
        "st-08-storage-infrastructure-encryption-or-cmk",
        T_SA,
        merged(SA_OK, encryption={"keySource": "Microsoft.Storage"}),
        "requireInfrastructureEncryption",
    ),
    # Key Vault
    Case("kv-01-key-vault-purge-protection", T_KV, KV_OK, None),
    Case("kv-01-key-vault-purge-protection", T_KV, kv(enablePurgeProtection=None), "enablePurgeProtection is not set"),
    Case("kv-02-key-vault-soft-delete-retention", T_KV, KV_OK, None),
    Case("kv-02-key-vault-soft-delete-retention", T_KV, kv(enableSoftDelete=False), "enableSoftDelete is false"),
    Case(
        "kv-02-key-vault-soft-delete-retention",
        T_KV,
        kv(softDeleteRetentionInDays=30),
        "softDeleteRetentionInDays is 30; keep at least 60",
        {"minRetentionDays": 60},
    ),
    # the configured minimum itself is enough; one day less is not
    Case(
        "kv-02-key-vault-soft-delete-retention", T_KV, kv(softDeleteRetentionInDays=60), None, {"minRetentionDays": 60}
    ),
    Case(
        "kv-02-key-vault-soft-delete-retention",
        T_KV,
        kv(softDeleteRetentionInDays=59),
        "softDeleteRetentionInDays is 59; keep at least 60",
        {"minRetentionDays": 60},
    ),
    Case("kv-03-key-vault-rbac-authorization", T_KV, KV_OK, None),
    Case(
        "kv-03-key-vault-rbac-authorization",
        T_KV,
        kv(enableRbacAuthorization=False),
        "enableRbacAuthorization is false",
    ),
    Case(
        "kv-03-key-vault-rbac-authorization",
        T_KV,
        kv(accessPolicies=[{"objectId": "x"}]),
        "accessPolicies has 1 entries",
    ),
    Case("kv-04-key-vault-network-restricted", T_KV, KV_OK, None),
    Case(
        "kv-04-key-vault-network-restricted",
        T_KV,
        kv(publicNetworkAccess="Enabled", networkAcls={"defaultAction": "Deny"}),
        None,
    ),
    Case("kv-04-key-vault-network-restricted", T_KV, kv(publicNetworkAccess="Enabled"), "deny by default"),
    Case(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_SECRET,
        {"properties": {"value": "[secret]", "contentType": "text/plain", "attributes": {"expires": 1924992000}}},
        None,
    ),
    Case(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_SECRET,
        {"properties": {"value": "[secret]", "contentType": "text/plain"}},
        "attributes.expires is not set",
    ),
    Case(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_KEY,
        {"properties": {"kty": "RSA", "attributes": {"expires": 1924992000}}},
        None,
        {"requireHsmKeys": False},
    ),
    Case(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_KEY,
        {"properties": {"kty": "RSA", "attributes": {"expires": 1924992000}}},
        'properties.kty is "RSA"',
        {"requireHsmKeys": True},
    ),
    Case("kv-05-key-vault-secret-and-key-hygiene", T_KEY, {"properties": {"kty": "RSA-HSM"}}, "keys must expire"),
    # Container registry
    Case("cr-01-registry-admin-and-anonymous-pull-disabled", T_ACR, ACR_OK, None),
    Case(
        "cr-01-registry-admin-and-anonymous-pull-disabled",
        T_ACR,
        merged(ACR_OK, adminUserEnabled=True),
        "adminUserEnabled is true",
    ),
    Case(
        "cr-01-registry-admin-and-anonymous-pull-disabled",
        T_ACR,
        merged(ACR_OK, anonymousPullEnabled=True),
        "anonymousPullEnabled is true",
    ),
    Case("cr-02-registry-network-restricted-premium", T_ACR, ACR_OK, None),
    Case(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, publicNetworkAccess="Enabled"),
        "deny by default",
    ),
    Case(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, sku={"name": "Standard"}),
        'sku.name is "Standard"',
    ),
    Case(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, sku={"name": "Standard"}),
        None,
        {"requirePremium": False},
    ),
    Case("cr-03-registry-export-and-arm-tokens-disabled", T_ACR, ACR_OK, None),
    Case(
        "cr-03-registry-export-and-arm-tokens-disabled",
        T_ACR,
        merged(ACR_OK, policies={"azureADAuthenticationAsArmPolicy": {"status": "disabled"}}),
        "exportPolicy.status is not set",
    ),
    Case("cr-04-registry-quarantine-retention-zone-redundancy", T_ACR, ACR_OK, None),
    Case(
        "cr-04-registry-quarantine-retention-zone-redundancy",
        T_ACR,
        merged(ACR_OK, zoneRedundancy="Disabled"),
        'zoneRedundancy is "Disabled"',
    ),
    # AKS
    Case("aks-01-cluster-entra-rbac", T_AKS, AKS_OK, None),
    Case(
        "aks-01-cluster-entra-rbac",
        T_AKS,
        merged(AKS_OK, aadProfile={"managed": True}),
        "aadProfile.enableAzureRBAC is not set",
    ),
    Case("aks-02-cluster-api-server-restricted", T_AKS, AKS_OK, None),
    Case(
        "aks-02-cluster-api-server-restricted",
        T_AKS,
        merged(AKS_OK, apiServerAccessProfile={"authorizedIPRanges": ["10.0.0.0/8"], "disableRunCommand": True}),
        None,
    ),
    Case(
        "aks-02-cluster-api-server-restricted",
        T_AKS,
        merged(AKS_OK, apiServerAccessProfile={"disableRunCommand": True}),
        "API server is public",
    ),
    Case("aks-03-node-pools-hardened", T_AKS, AKS_OK, None),
    Case("aks-03-node-pools-hardened", T_POOL, POOL_OK, None),
    Case(
        "aks-03-node-pools-hardened",
        T_AKS,
        merged(AKS_OK, agentPoolProfiles=[merged(POOL_OK, enableNodePublicIP=True)]),
        'agentPoolProfiles[0] ("system"): enableNodePublicIP is true',
    ),
    Case(
        "aks-03-node-pools-hardened",
        T_POOL,
        merged(POOL_OK, securityProfile={}),
        "securityProfile.sshAccess is not set",
    ),
    Case("aks-04-cluster-network-policy", T_AKS, AKS_OK, None),
    Case(
        "aks-04-cluster-network-policy",
        T_AKS,
        merged(AKS_OK, networkProfile={"networkPolicy": "none"}),
        'networkProfile.networkPolicy is "none"',
    ),
    Case("aks-05-cluster-policy-monitoring-defender", T_AKS, AKS_OK, None),
    Case(
        "aks-05-cluster-policy-monitoring-defender",
        T_AKS,
        merged(
            AKS_OK, addonProfiles={"azurepolicy": {"enabled": True}}, azureMonitorProfile={"metrics": {"enabled": True}}
        ),
        None,
    ),
    Case(
        "aks-05-cluster-policy-monitoring-defender",
        T_AKS,
        merged(AKS_OK, addonProfiles={"azurepolicy": {"enabled": True}}),
        "no monitoring",
    ),
    Case("aks-06-cluster-identity-and-upgrades", T_AKS, AKS_OK, None),
    Case(
        "aks-06-cluster-identity-and-upgrades",
        T_AKS,
        merged(AKS_OK, autoUpgradeProfile={"upgradeChannel": "none"}),
        'autoUpgradeProfile.upgradeChannel is "none"',
    ),
    Case(
        "aks-06-cluster-identity-and-upgrades",
        T_AKS,
        merged(AKS_OK, servicePrincipalProfile={"clientId": "app-id", "secret": "[secret]"}),
        "servicePrincipalProfile.clientId is set",
    ),
    Case("aks-07-cluster-tier-and-addons", T_AKS, AKS_OK, None),
    Case("aks-07-cluster-tier-and-addons", T_AKS, merged(AKS_OK, sku={"tier": "Free"}), 'sku.tier is "Free"'),
    Case(
        "aks-07-cluster-tier-and-addons",
        T_AKS,
        merged(AKS_OK, sku={"tier": "Free"}),
        None,
        {"requireStandardTier": False},
    ),
    Case(
        "aks-07-cluster-tier-and-addons",
        T_AKS,
        merged(AKS_OK, addonProfiles={"kubeDashboard": {"enabled": True}}),
        "addonProfiles.kubeDashboard.enabled is true",
    ),
    # Monitoring, IAM
    Case("mon-01-app-insights-workspace-based", T_AI, {"workspaceResourceId": "/law", "disableLocalAuth": True}, None),
    Case("mon-01-app-insights-workspace-based", T_AI, {"disableLocalAuth": True}, "workspaceResourceId is not set"),
    Case(
        "mon-02-log-analytics-retention-and-local-auth",
        T_LAW,
        {"retentionInDays": 90, "features": {"disableLocalAuth": True}},
        None,
        {"minLogRetentionDays": 90},
    ),
    Case(
        "mon-02-log-analytics-retention-and-local-auth",
        T_LAW,
        {"features": {"disableLocalAuth": True}},
        "retentionInDays is not set (default 30)",
        {"minLogRetentionDays": 90},
    ),
    Case(
        "mon-02-log-analytics-retention-and-local-auth",
        T_LAW,
        {"retentionInDays": 30},
        "features.disableLocalAuth is not set",
    ),
    Case(
        "iam-01-role-definition-no-wildcard-actions",
        T_RD,
        {"permissions": [{"actions": ["Microsoft.MachineLearningServices/workspaces/*/read"]}]},
        None,
    ),
    Case(
        "iam-01-role-definition-no-wildcard-actions",
        T_RD,
        {"permissions": [{"actions": ["*"]}]},
        'permissions[0].actions contains "*"',
    ),
    Case(
        "iam-01-role-definition-no-wildcard-actions",
        T_RD,
        {"permissions": [{"actions": ["Microsoft.Storage/*/read", "*/write"]}]},
        'contains "*/write"',
    ),
]


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    return value


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.policy}-{c.fails_with or 'ok'}")
def test_resource_rule(case: Case) -> None:
    messages = run_resource(by_name(case.policy), case.kind, _strip_none(case.props), case.config)
    if case.fails_with is None:
        assert messages == []
    else:
        assert any(case.fails_with in m for m in messages), messages


def test_every_resource_rule_has_a_passing_and_a_failing_case() -> None:
    resource_rules = {p.name for p in ALL_POLICIES if isinstance(p, ResourceValidationPolicy)}
    passing = {c.policy for c in CASES if c.fails_with is None}
    failing = {c.policy for c in CASES if c.fails_with is not None}
    assert resource_rules - passing == set()
    assert resource_rules - failing == set()


def test_rules_ignore_other_resource_types() -> None:
    insecure = {
        "publicNetworkAccess": "Enabled",
        "allowSharedKeyAccess": True,
        "adminUserEnabled": True,
        "properties": {"enablePurgeProtection": False},
    }
    for policy in ALL_POLICIES:
        if isinstance(policy, ResourceValidationPolicy):
            assert run_resource(policy, "mlplatform:index:Workspace", insecure) == []


def test_versioned_type_tokens_are_judged_like_the_default_version() -> None:
    messages = run_resource(
        by_name("st-01-storage-shared-key-disabled"),
        "azure-native:storage/v20230501:StorageAccount",
        {"allowSharedKeyAccess": True},
    )
    assert messages == [("allowSharedKeyAccess is true; it must be false (Entra ID authorization only)")]


def test_file_datastores_are_an_explicit_exception() -> None:
    with pytest.raises(NotApplicableError) as raised:
        run_resource(
            by_name("ml-13-datastore-identity-based"),
            T_DS,
            {"properties": {"datastoreType": "AzureFile", "credentials": {"credentialsType": "AccountKey"}}},
        )
    assert "credential-based" in str(raised.value.reason)
