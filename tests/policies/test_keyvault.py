"""Key Vault rules: vaults, secrets, keys (KV-01..KV-05).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.policies.policy_fixtures import (
    T_KEY,
    T_KV,
    T_SECRET,
)
from tests.policies.rule_cases import Case, ResourceCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "KV-01": "CKV_AZURE_110/42, AzP 0b60c0b2, AZU-0016",
    "KV-02": "CKV_AZURE_111, AzP 1e66c121",
    "KV-03": "AzP 12d4fa5e",
    "KV-04": "CKV_AZURE_189/109, AzP 405c5871, 55615ac9, AZU-0013",
    "KV-05": "CKV_AZURE_41/114/40/112, AzP 98728c90, 152b15f7",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    ("keyvault", "VaultArgs", {"properties", "vaultName", "location", "tags"}),
    (
        "keyvault",
        "VaultPropertiesArgs",
        {
            "enablePurgeProtection",
            "enableSoftDelete",
            "softDeleteRetentionInDays",
            "enableRbacAuthorization",
            "accessPolicies",
            "publicNetworkAccess",
            "networkAcls",
        },
    ),
    ("keyvault", "NetworkRuleSetArgs", {"defaultAction"}),
    ("keyvault", "SecretPropertiesArgs", {"attributes", "contentType"}),
    ("keyvault", "SecretAttributesArgs", {"expires"}),
    ("keyvault", "KeyPropertiesArgs", {"attributes", "kty", "rotationPolicy"}),
    ("keyvault", "KeyAttributesArgs", {"expires"}),
    ("keyvault", "RotationPolicyArgs", {"attributes"}),
    ("keyvault", "KeyRotationPolicyAttributesArgs", {"expiryTime"}),
]


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


def kv(**changes: Any) -> dict[str, Any]:
    return {"properties": {**KV_OK["properties"], **changes}}


CASES: list[Case] = [
    ResourceCase("kv-01-key-vault-purge-protection", T_KV, KV_OK, None),
    ResourceCase(
        "kv-01-key-vault-purge-protection", T_KV, kv(enablePurgeProtection=None), "enablePurgeProtection is not set"
    ),
    ResourceCase("kv-02-key-vault-soft-delete-retention", T_KV, KV_OK, None),
    ResourceCase(
        "kv-02-key-vault-soft-delete-retention", T_KV, kv(enableSoftDelete=False), "enableSoftDelete is false"
    ),
    ResourceCase(
        "kv-02-key-vault-soft-delete-retention",
        T_KV,
        kv(softDeleteRetentionInDays=30),
        "softDeleteRetentionInDays is 30; keep at least 60",
        {"minRetentionDays": 60},
    ),
    # the configured minimum itself is enough; one day less is not
    ResourceCase(
        "kv-02-key-vault-soft-delete-retention", T_KV, kv(softDeleteRetentionInDays=60), None, {"minRetentionDays": 60}
    ),
    ResourceCase(
        "kv-02-key-vault-soft-delete-retention",
        T_KV,
        kv(softDeleteRetentionInDays=59),
        "softDeleteRetentionInDays is 59; keep at least 60",
        {"minRetentionDays": 60},
    ),
    ResourceCase("kv-03-key-vault-rbac-authorization", T_KV, KV_OK, None),
    ResourceCase(
        "kv-03-key-vault-rbac-authorization",
        T_KV,
        kv(enableRbacAuthorization=False),
        "enableRbacAuthorization is false",
    ),
    ResourceCase(
        "kv-03-key-vault-rbac-authorization",
        T_KV,
        kv(accessPolicies=[{"objectId": "x"}]),
        "accessPolicies has 1 entries",
    ),
    ResourceCase("kv-04-key-vault-network-restricted", T_KV, KV_OK, None),
    ResourceCase(
        "kv-04-key-vault-network-restricted",
        T_KV,
        kv(publicNetworkAccess="Enabled", networkAcls={"defaultAction": "Deny"}),
        None,
    ),
    ResourceCase("kv-04-key-vault-network-restricted", T_KV, kv(publicNetworkAccess="Enabled"), "deny by default"),
    # unset, with no firewall: Azure's default is Enabled and Allow
    ResourceCase(
        "kv-04-key-vault-network-restricted",
        T_KV,
        kv(publicNetworkAccess=None),
        "properties.publicNetworkAccess is not set and properties.networkAcls.defaultAction is not set",
    ),
    ResourceCase(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_SECRET,
        {"properties": {"value": "[secret]", "contentType": "text/plain", "attributes": {"expires": 1924992000}}},
        None,
    ),
    ResourceCase(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_SECRET,
        {"properties": {"value": "[secret]", "contentType": "text/plain"}},
        "attributes.expires is not set",
    ),
    ResourceCase(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_KEY,
        {"properties": {"kty": "RSA", "attributes": {"expires": 1924992000}}},
        None,
        {"requireHsmKeys": False},
    ),
    ResourceCase(
        "kv-05-key-vault-secret-and-key-hygiene",
        T_KEY,
        {"properties": {"kty": "RSA", "attributes": {"expires": 1924992000}}},
        'properties.kty is "RSA"',
        {"requireHsmKeys": True},
    ),
    ResourceCase(
        "kv-05-key-vault-secret-and-key-hygiene", T_KEY, {"properties": {"kty": "RSA-HSM"}}, "keys must expire"
    ),
]


# Properties a passing case sets that its rule may also find unset (see test_policy_pack).
UNSET_IS_SECURE = {
    # Microsoft (key-vault/general/soft-delete-overview): soft delete is on for every vault and
    # cannot be turned off; retention defaults to 90 days (VaultProperties: ">=7 and <=90")
    ("kv-02-key-vault-soft-delete-retention", "properties.enableSoftDelete"): "always on",
    ("kv-02-key-vault-soft-delete-retention", "properties.softDeleteRetentionInDays"): "default 90 days",
    ("kv-03-key-vault-rbac-authorization", "properties.accessPolicies"): "no access policies: nothing granted",
    # networkAcls.defaultAction Deny closes the vault whatever publicNetworkAccess says
    ("kv-04-key-vault-network-restricted", "properties.publicNetworkAccess"): "the firewall denies by default",
}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
