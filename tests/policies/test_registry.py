"""Container registry rules (CR-01..CR-04).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    T_ACR,
    merged,
)
from tests.policies.rule_cases import Case, ResourceCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "CR-01": "CKV_AZURE_137/138, AzP dc921057, 9f2dea28",
    "CR-02": "CKV_AZURE_139/163, AzP 0fdf0491, bd560fc0",
    "CR-03": "AzP 524b0254, 42781ec6",
    "CR-04": "CKV_AZURE_166/167/233",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    (
        "containerregistry",
        "RegistryArgs",
        {
            "adminUserEnabled",
            "anonymousPullEnabled",
            "publicNetworkAccess",
            "networkRuleSet",
            "sku",
            "policies",
            "zoneRedundancy",
            "registryName",
        },
    ),
    ("containerregistry", "NetworkRuleSetArgs", {"defaultAction"}),
    (
        "containerregistry",
        "PoliciesArgs",
        {"exportPolicy", "azureADAuthenticationAsArmPolicy", "quarantinePolicy", "retentionPolicy"},
    ),
    ("containerregistry", "ExportPolicyArgs", {"status"}),
]


ACR_OK = {
    "adminUserEnabled": False,
    "anonymousPullEnabled": False,
    "sku": {"name": "Premium"},
    "publicNetworkAccess": "Disabled",
    "zoneRedundancy": "Enabled",
    "policies": {
        "exportPolicy": {"status": "disabled"},
        "azureADAuthenticationAsArmPolicy": {"status": "disabled"},
        "retentionPolicy": {"status": "enabled", "days": 7},
    },
}


CASES: list[Case] = [
    ResourceCase("cr-01-registry-admin-and-anonymous-pull-disabled", T_ACR, ACR_OK, None),
    ResourceCase(
        "cr-01-registry-admin-and-anonymous-pull-disabled",
        T_ACR,
        merged(ACR_OK, adminUserEnabled=True),
        "adminUserEnabled is true",
    ),
    ResourceCase(
        "cr-01-registry-admin-and-anonymous-pull-disabled",
        T_ACR,
        merged(ACR_OK, anonymousPullEnabled=True),
        "anonymousPullEnabled is true",
    ),
    ResourceCase("cr-02-registry-network-restricted-premium", T_ACR, ACR_OK, None),
    ResourceCase(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, publicNetworkAccess="Enabled"),
        "deny by default",
    ),
    # unset, with no network rule set: Azure's default is Enabled and Allow
    ResourceCase(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, publicNetworkAccess=None),
        "publicNetworkAccess is not set and networkRuleSet.defaultAction is not set",
    ),
    ResourceCase(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, sku={"name": "Standard"}),
        'sku.name is "Standard"',
    ),
    ResourceCase(
        "cr-02-registry-network-restricted-premium",
        T_ACR,
        merged(ACR_OK, sku={"name": "Standard"}),
        None,
        {"requirePremium": False},
    ),
    ResourceCase("cr-03-registry-export-and-arm-tokens-disabled", T_ACR, ACR_OK, None),
    ResourceCase(
        "cr-03-registry-export-and-arm-tokens-disabled",
        T_ACR,
        merged(ACR_OK, policies={"azureADAuthenticationAsArmPolicy": {"status": "disabled"}}),
        "exportPolicy.status is not set",
    ),
    # quarantine is the named exception (QUARANTINE_EXCEPTION): off passes, on is reported with the reason
    ResourceCase("cr-04-registry-retention-zone-redundancy", T_ACR, ACR_OK, None),
    ResourceCase(
        "cr-04-registry-retention-zone-redundancy",
        T_ACR,
        merged(ACR_OK, policies={**ACR_OK["policies"], "quarantinePolicy": {"status": "disabled"}}),
        None,
    ),
    ResourceCase(
        "cr-04-registry-retention-zone-redundancy",
        T_ACR,
        merged(ACR_OK, policies={**ACR_OK["policies"], "quarantinePolicy": {"status": "enabled"}}),
        "a quarantined image cannot be pulled",
    ),
    ResourceCase(
        "cr-04-registry-retention-zone-redundancy",
        T_ACR,
        merged(ACR_OK, zoneRedundancy="Disabled"),
        'zoneRedundancy is "Disabled"',
    ),
    ResourceCase(
        "cr-04-registry-retention-zone-redundancy",
        T_ACR,
        merged(ACR_OK, policies={**ACR_OK["policies"], "retentionPolicy": {"status": "disabled"}}),
        'policies.retentionPolicy.status is "disabled"',
    ),
]


# Properties a passing case sets that its rule may also find unset (see test_policy_pack).
UNSET_IS_SECURE = {
    # the rule asks for quarantine to stay off (QUARANTINE_EXCEPTION); unset is off (the SDK and the
    # REST API default QuarantinePolicy.status to "disabled")
    ("cr-04-registry-retention-zone-redundancy", "policies.quarantinePolicy.status"): "unset is disabled",
}


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
