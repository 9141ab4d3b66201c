"""Storage rules: accounts, containers, blob services (ST-01..ST-09).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    T_BC,
    T_SA,
    add,
    change,
    drop,
    merged,
    storage_account,
)
from tests.policies.rule_cases import Case, ResourceCase, StackCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "ST-01": "CKV2_AZURE_40, AzP 8c6a50c6",
    "ST-02": "CKV_AZURE_3/44, AzP 404c3081, fe83a0eb, AZU-0008/0011",
    "ST-03": "CKV_AZURE_190, CKV2_AZURE_47, AzP 4fa4b6c0, AZU-0007",
    "ST-04": "CKV_AZURE_59/35/36, AzP b2982f36, 34c877ad, AZU-0012",
    "ST-05": "AzP 92a89a79, CKV_AZURE_244",
    "ST-06": "CKV_AZURE_206, AzP bf045164",
    "ST-07": "CKV2_AZURE_38, AzP c36a325b, AZU-0056",
    "ST-08": "CKV2_AZURE_1, AzP 6fac406b, 4733ea7b",
    "ST-09": "Azure ML docs",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    (
        "storage",
        "StorageAccountArgs",
        {
            "allowSharedKeyAccess",
            "enableHttpsTrafficOnly",
            "minimumTlsVersion",
            "allowBlobPublicAccess",
            "publicNetworkAccess",
            "networkRuleSet",
            "allowCrossTenantReplication",
            "isLocalUserEnabled",
            "sku",
            "kind",
            "encryption",
            "isHnsEnabled",
            "accountName",
            "location",
            "tags",
        },
    ),
    ("storage", "NetworkRuleSetArgs", {"defaultAction", "bypass"}),
    ("storage", "SkuArgs", {"name"}),
    ("storage", "EncryptionArgs", {"requireInfrastructureEncryption", "keySource"}),
    ("storage", "BlobContainerArgs", {"publicAccess", "accountName"}),
    (
        "storage",
        "BlobServicePropertiesArgs",
        {"deleteRetentionPolicy", "containerDeleteRetentionPolicy", "isVersioningEnabled", "accountName"},
    ),
    ("storage", "DeleteRetentionPolicyArgs", {"enabled", "days"}),
]


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


CASES: list[Case] = [
    ResourceCase("st-01-storage-shared-key-disabled", T_SA, SA_OK, None),
    ResourceCase(
        "st-01-storage-shared-key-disabled",
        T_SA,
        merged(SA_OK, allowSharedKeyAccess=None),
        "allowSharedKeyAccess is not set",
    ),
    ResourceCase("st-02-storage-https-tls12", T_SA, SA_OK, None),
    ResourceCase(
        "st-02-storage-https-tls12", T_SA, merged(SA_OK, minimumTlsVersion="TLS1_1"), 'minimumTlsVersion is "TLS1_1"'
    ),
    ResourceCase(
        "st-02-storage-https-tls12",
        T_SA,
        merged(SA_OK, enableHttpsTrafficOnly=False),
        "enableHttpsTrafficOnly is false",
    ),
    ResourceCase("st-03-storage-no-public-blob-access", T_SA, SA_OK, None),
    ResourceCase(
        "st-03-storage-no-public-blob-access",
        T_SA,
        merged(SA_OK, allowBlobPublicAccess=True),
        "allowBlobPublicAccess is true",
    ),
    ResourceCase("st-03-storage-no-public-blob-access", T_BC, {"publicAccess": "None"}, None),
    ResourceCase("st-03-storage-no-public-blob-access", T_BC, {"publicAccess": "Blob"}, 'publicAccess is "Blob"'),
    ResourceCase("st-03-storage-no-public-blob-access", T_BC, {"accountName": "st"}, "publicAccess is not set"),
    ResourceCase("st-04-storage-network-restricted", T_SA, SA_OK, None),
    ResourceCase(
        "st-04-storage-network-restricted",
        T_SA,
        merged(
            SA_OK,
            publicNetworkAccess="Enabled",
            networkRuleSet={"defaultAction": "Deny", "bypass": "Logging, AzureServices"},
        ),
        None,
    ),
    ResourceCase(
        "st-04-storage-network-restricted",
        T_SA,
        merged(SA_OK, publicNetworkAccess="Enabled"),
        "disable public network access or deny by default",
    ),
    ResourceCase(
        "st-04-storage-network-restricted",
        T_SA,
        merged(SA_OK, publicNetworkAccess="Enabled", networkRuleSet={"defaultAction": "Deny", "bypass": "None"}),
        "must include AzureServices",
    ),
    ResourceCase("st-05-storage-no-cross-tenant-replication-or-local-users", T_SA, SA_OK, None),
    ResourceCase(
        "st-05-storage-no-cross-tenant-replication-or-local-users",
        T_SA,
        merged(SA_OK, isLocalUserEnabled=True),
        "isLocalUserEnabled is true",
    ),
    ResourceCase(
        "st-05-storage-no-cross-tenant-replication-or-local-users",
        T_SA,
        merged(SA_OK, allowCrossTenantReplication=True),
        "allowCrossTenantReplication is true",
    ),
    ResourceCase("st-06-storage-geo-redundant", T_SA, SA_OK, None),
    ResourceCase(
        "st-06-storage-geo-redundant", T_SA, merged(SA_OK, sku={"name": "Standard_LRS"}), 'sku.name is "Standard_LRS"'
    ),
    ResourceCase(
        "st-08-storage-infrastructure-encryption-or-cmk",
        T_SA,
        merged(SA_OK, encryption={"keySource": "Microsoft.Keyvault"}),
        None,
    ),
    ResourceCase(
        "st-08-storage-infrastructure-encryption-or-cmk",
        T_SA,
        merged(SA_OK, encryption={"keySource": "Microsoft.Storage"}),
        "requireInfrastructureEncryption",
    ),
    # ST-07: blob soft delete and versioning, on every account
    StackCase("st-07-blob-soft-delete-and-versioning", None, None),
    StackCase(
        "st-07-blob-soft-delete-and-versioning",
        change("stmlpprod-blob", "isVersioningEnabled", False),
        "isVersioningEnabled is false",
        on=("stmlpprod-blob",),
    ),
    StackCase(
        "st-07-blob-soft-delete-and-versioning",
        change("stmlpprod-blob", "deleteRetentionPolicy.days", 3),
        "deleteRetentionPolicy.days is 3; keep at least 7",
        on=("stmlpprod-blob",),
    ),
    StackCase(
        "st-07-blob-soft-delete-and-versioning",
        drop("stmlpprod-blob"),
        "no BlobServiceProperties for this account",
        on=("stmlpprod",),
    ),
    StackCase("st-07-blob-soft-delete-and-versioning", add(storage_account("stfiles", kind="FileStorage")), None),
    # ST-09: the workspace's default storage
    StackCase("st-09-workspace-default-storage-compatible", None, None),
    StackCase(
        "st-09-workspace-default-storage-compatible",
        change("stmlpprod", "isHnsEnabled", True),
        "isHnsEnabled is true",
        on=("stmlpprod",),
    ),
    StackCase(
        "st-09-workspace-default-storage-compatible",
        change("stmlpprod", "sku.name", "Premium_LRS"),
        "cannot be premium",
        on=("stmlpprod",),
    ),
    StackCase(
        "st-09-workspace-default-storage-compatible", add(storage_account("stlake", isHnsEnabled=True)), None
    ),  # not the default storage
]


# Properties a passing case sets that its rule may also find unset (see test_policy_pack).
UNSET_IS_SECURE = {
    # networkRuleSet.defaultAction Deny closes the account whatever publicNetworkAccess says
    ("st-04-storage-network-restricted", "publicNetworkAccess"): "the firewall denies by default",
}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
