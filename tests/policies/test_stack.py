"""Rules across services: tags, regions, VM sizes, the node cap, protection (STK-01..STK-05).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    DELETE,
    add,
    chain,
    change,
    ml_registry,
    unprotect,
)
from tests.policies.rule_cases import Case, StackCase, case_id

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "STK-01": "custom stack rule",
    "STK-02": "custom stack rule",
    "STK-03": "custom stack rule",
    "STK-04": "custom stack rule",
    "STK-05": "custom stack rule",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    ("resources", "ResourceGroupArgs", {"location", "resourceGroupName"}),
]


CASES: list[Case] = [
    # STK-01: tags
    StackCase("stk-01-required-tags", None, None),
    StackCase(
        "stk-01-required-tags",
        change("kv-mlp-prod", "tags.owner", DELETE),
        "missing required tags: owner",
        on=("kv-mlp-prod",),
    ),
    StackCase(
        "stk-01-required-tags",
        change("kv-mlp-prod", "tags", DELETE),
        "missing required tags: environment, owner, costCenter, dataClassification",
        on=("kv-mlp-prod",),
    ),
    StackCase(
        "stk-01-required-tags", change("kv-mlp-prod", "tags.owner", DELETE), None, {"requiredTags": ["environment"]}
    ),
    # a tag with no value says nothing about who owns or pays for the resource
    StackCase(
        "stk-01-required-tags",
        change("kv-mlp-prod", "tags.owner", ""),
        "missing required tags: owner",
        on=("kv-mlp-prod",),
    ),
    StackCase(
        "stk-01-required-tags",
        change("kv-mlp-prod", "tags.costCenter", "  "),
        "missing required tags: costCenter",
        on=("kv-mlp-prod",),
    ),
    # STK-02: regions
    StackCase("stk-02-allowed-locations", None, None),
    StackCase(
        "stk-02-allowed-locations",
        change("kv-mlp-prod", "location", "eastus"),
        'location "eastus" is not an allowed region',
        on=("kv-mlp-prod",),
    ),
    StackCase(
        "stk-02-allowed-locations",
        change("kv-mlp-prod", "location", "North Europe"),
        'location "North Europe" differs from its resource group\'s "westeurope"',
        on=("kv-mlp-prod",),
    ),
    StackCase("stk-02-allowed-locations", change("kv-mlp-prod", "location", "global"), None),
    # STK-03: VM sizes, dev low priority
    StackCase("stk-03-vm-size-allow-list", None, None),
    StackCase(
        "stk-03-vm-size-allow-list",
        change("gpu", "vmSize", "Standard_ND96asr_v4"),
        'vmSize is "Standard_ND96asr_v4", which is not in the allowed VM sizes',
        on=("gpu",),
    ),
    StackCase(
        "stk-03-vm-size-allow-list",
        change("cpu-cluster", "properties.properties.vmSize", "Standard_M128s"),
        "not in the allowed VM sizes",
        on=("cpu-cluster",),
    ),
    StackCase(
        "stk-03-vm-size-allow-list",
        None,
        'vmPriority is "Dedicated"',
        {"requireLowPriorityClusters": True},
        on=("cpu-cluster",),
    ),
    # STK-04: cost caps (4 + 4 + 2 = 10 nodes)
    StackCase("stk-04-node-cost-caps", None, None, {"maxTotalNodes": 10}),
    StackCase("stk-04-node-cost-caps", None, "can reach 10 nodes, over the cap of 9", {"maxTotalNodes": 9}),
    StackCase(
        "stk-04-node-cost-caps",
        change("gpu", "enableAutoScaling", False),
        "can reach 8 nodes, over the cap of 7",
        {"maxTotalNodes": 7},
    ),  # count 0 instead of 2
    # STK-05: protection
    StackCase("stk-05-stateful-resources-protected", None, None),
    StackCase("stk-05-stateful-resources-protected", unprotect("kv-mlp-prod"), "not protected", on=("kv-mlp-prod",)),
    # the shared stack's registry holds the models prod deploys: protected like the data
    StackCase("stk-05-stateful-resources-protected", add(ml_registry()), None),
    StackCase(
        "stk-05-stateful-resources-protected",
        chain(add(ml_registry()), unprotect("mlr-mlp-shared")),
        "not protected",
        on=("mlr-mlp-shared",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
