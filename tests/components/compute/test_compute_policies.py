"""The compute resources pass the policy pack (run offline on the plan, each stack's own config):
every mandatory rule in every tier, and in prod every rule, advisory ones included."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings.tiers import deep_merge
from tests.planning import AKS_ADMINS, SCORING_TLS, Resources, plan
from tools.plan.policy import Verdict, evaluate

INFERENCE_ON = deep_merge(AKS_ADMINS, {"compute": {"inference": {"enabled": True}}})


def compute_findings(res: Resources, stack: str, *, levels: set[str]) -> list[Verdict]:
    compute = res.one("mlplatform:index:Compute")
    prefix = compute["name"] + "-"
    return [
        v
        for v in evaluate(res.records, stack)
        if v.kind == "violation" and v.level in levels and (v.resource_name or "").startswith(prefix)
    ]


@pytest.mark.parametrize(
    ("stack", "overrides"),
    [("dev", {}), ("staging", {}), ("dev", INFERENCE_ON), ("staging", INFERENCE_ON)],
    ids=["dev", "staging", "dev-with-inference", "staging-with-inference"],
)
def test_compute_meets_every_mandatory_rule_of_its_tier(
    stack: str, overrides: dict[str, Any], stack_plans: dict[str, Resources]
) -> None:
    # staging's cluster serves HTTPS: its certificate and key are secrets of the stack
    res = Resources(plan(stack, overrides, secrets=SCORING_TLS)) if overrides else stack_plans[stack]
    assert compute_findings(res, stack, levels={"mandatory"}) == []


# Advisory by design in prod: its cluster's egress leaves through AKS's load balancer until the stack
# names a route table to the customer's firewall (network.vnet.routeTableId), which it cannot create.
EGRESS_RULE = "aks-08-cluster-egress-approved"


def test_prod_compute_meets_every_rule_mandatory_or_advisory(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    findings = compute_findings(res, "prod", levels={"mandatory", "advisory"})
    assert [v for v in findings if v.policy != EGRESS_RULE] == []
    assert [(v.policy, v.level) for v in findings] == [(EGRESS_RULE, "advisory")]
    # the local-accounts exception is earned by the extension on the cluster, not assumed
    assert res.one("containerservice:ManagedCluster")["inputs"]["disableLocalAccounts"] is False
    assert not [v for v in evaluate(res.records, "prod") if v.policy == "aks-01-local-accounts-disabled"]


def test_the_egress_rule_is_satisfied_by_a_route_to_the_firewall() -> None:
    route_table = (
        "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg-hub"
        "/providers/Microsoft.Network/routeTables/rt-to-firewall"
    )
    res = Resources(plan("prod", {"network": {"vnet": {"routeTableId": route_table}}}))
    assert compute_findings(res, "prod", levels={"mandatory", "advisory"}) == []
