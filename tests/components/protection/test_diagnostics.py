"""Diagnostic settings (protection/diagnostics.py) in the offline plan: every published target's logs
and metrics go to the stack's Log Analytics."""

from __future__ import annotations

import pytest

from tests.planning import Resources, plan


@pytest.mark.parametrize(("stack", "group"), [("dev", "audit"), ("prod", "allLogs")])
def test_diagnostics_send_logs_and_metrics_to_log_analytics(
    stack: str, group: str, stack_plans: dict[str, Resources]
) -> None:
    res = stack_plans[stack]
    law = res.one("operationalinsights:Workspace")["outputs"]["id"]
    storage_id = res.named("mlp-workspace-storage")["outputs"]["id"]
    lakes = [r["outputs"]["id"] for r in res.of_type("storage:StorageAccount") if r["name"].startswith("mlp-data-")]
    assert lakes  # the shipped stacks have data lakes: they join through the DiagnosticTarget hook
    accounts = {storage_id, *lakes}
    settings = {d["inputs"]["resourceUri"]: d["inputs"] for d in res.of_type("monitor:DiagnosticSetting")}
    expected = {
        res.one("machinelearningservices:Workspace")["outputs"]["id"],
        res.one("keyvault:Vault")["outputs"]["id"],
        f"{storage_id}/fileServices/default",
        *accounts,
        *(f"{account}/blobServices/default" for account in accounts),
        *(r["outputs"]["id"] for r in res.of_type("containerregistry:Registry")),
        *(r["outputs"]["id"] for r in res.of_type("containerservice:ManagedCluster")),  # prod's inference AKS
    }
    assert set(settings) == expected
    for uri, inputs in settings.items():
        assert inputs["workspaceId"] == law
        assert inputs["metrics"] == [{"category": "AllMetrics", "enabled": True}]
        # retention is the Log Analytics workspace's: deprecated per-setting policies stay unset
        assert "retentionPolicy" not in str(inputs)
        logs = [{"categoryGroup": group, "enabled": True}] if uri not in accounts else []
        assert inputs["logs"] == logs, uri


def test_metrics_can_be_left_out_while_the_logs_stay() -> None:
    settings = Resources(plan("dev", {"diagnostics": {"metrics": False}})).of_type("monitor:DiagnosticSetting")
    assert settings
    assert all(s["inputs"]["metrics"] == [] for s in settings)
    assert any(s["inputs"]["logs"] == [{"categoryGroup": "audit", "enabled": True}] for s in settings)


def test_diagnostics_can_be_switched_off() -> None:
    res = Resources(plan("dev", {"diagnostics": {"enabled": False}}))
    assert res.of_type("monitor:DiagnosticSetting") == []
