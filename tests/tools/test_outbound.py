"""tools/plan/outbound.py: the one reading of a plan's outbound rules, both forms Azure ML takes
(a ManagedNetworkSettingsRule resource, or inline on the workspace's managedNetwork)."""

from __future__ import annotations

from typing import Any

from tests.planning import Resources
from tools.plan.outbound import outbound_rules

RULE = "azure-native:machinelearningservices:ManagedNetworkSettingsRule"
WORKSPACE = "azure-native:machinelearningservices:Workspace"


def record(kind: str, name: str, **inputs: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "urn": f"urn:{name}", "inputs": inputs}


def test_rule_resources_come_first_then_each_workspaces_inline_rules() -> None:
    records = [
        record(
            WORKSPACE,
            "ws-a",
            workspaceName="mlw-a",
            managedNetwork={"outboundRules": {"pypi": {"type": "FQDN"}, "broken": "not a rule"}},
        ),
        record(RULE, "r1", ruleName="blob", workspaceName="mlw-a", properties={"type": "PrivateEndpoint"}),
        record(RULE, "r2", workspaceName="mlw-b"),  # no ruleName, no properties
        record(WORKSPACE, "ws-b", workspaceName="mlw-b"),  # no managed network
    ]
    found = [(r.name, r.workspace, dict(r.properties), r.inline, r.record["name"]) for r in outbound_rules(records)]
    assert found == [
        ("blob", "mlw-a", {"type": "PrivateEndpoint"}, False, "r1"),
        ("r2", "mlw-b", {}, False, "r2"),
        ("pypi", "mlw-a", {"type": "FQDN"}, True, "ws-a"),
    ]


def test_prods_rules_are_its_workspaces_rule_resources(stack_plans: dict[str, Resources]) -> None:
    """What the program writes: every rule its own resource, none inline, each of prod's workspace."""
    prod = stack_plans["prod"]
    workspace = prod.one("machinelearningservices:Workspace")["inputs"]["workspaceName"]
    rules = outbound_rules(prod.records)
    assert rules, "prod's approved-outbound network has user-defined rules"
    assert {r.workspace for r in rules} == {workspace}
    assert not any(r.inline for r in rules)
    assert sorted(r.name for r in rules) == sorted(
        r["inputs"]["ruleName"] for r in prod.of_type("machinelearningservices:ManagedNetworkSettingsRule")
    )
