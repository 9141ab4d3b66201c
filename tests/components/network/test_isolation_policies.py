"""The policy pack's network, diagnostics and protection rules on staging and prod, in both isolation
modes (run offline on the plan, each stack's own config)."""

from __future__ import annotations

import pytest

from tests.planning import Resources, plan
from tools.plan.policy import evaluate


@pytest.fixture(scope="module")
def customer_vnet() -> Resources:
    return Resources(plan("prod", {"network": {"mode": "customerVnet"}}))


# The checklist rows this feature answers for (ML-09: compute in a subnet or the managed network)
OWN_RULES = ("ml-01-", "ml-02-", "ml-09-", "st-04-", "kv-04-", "cr-02-", "stk-05-", "stk-07-", "stk-08-")


def failures(res: Resources, stack: str) -> list[str]:
    """Mandatory violations of this feature's rules, as the real policy pack reports them offline."""
    return sorted(
        f"{v.policy} {v.resource_name}: {v.message}"
        for v in evaluate(res.records, stack)
        if v.kind == "violation" and v.level == "mandatory" and v.policy.startswith(OWN_RULES)
    )


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_shipped_stacks_pass_the_network_diagnostics_and_protection_rules(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    assert failures(stack_plans[stack], stack) == []


def test_prod_in_customer_vnet_mode_passes_them_without_the_managed_network(customer_vnet: Resources) -> None:
    assert "managedNetwork" not in customer_vnet.one("machinelearningservices:Workspace")["inputs"]
    assert failures(customer_vnet, "prod") == []


def test_the_rules_do_catch_an_open_prod() -> None:
    res = Resources(plan("prod", {"network": {"mode": "none", "privateEndpoints": False}, "locks": {"enabled": False}}))
    failed = {f.split("-")[0] + "-" + f.split("-")[1] for f in failures(res, "prod")}
    assert {"ml-01", "ml-02", "st-04", "kv-04", "stk-07"} <= failed
