"""Monitoring rules: Application Insights, Log Analytics (MON-01, MON-02) and diagnostic settings (STK-08).

Each rule: a compliant case passes, a non-compliant case fails and says why (rule_cases.py);
its checklist row and the SDK names it reads are listed here too."""

from __future__ import annotations

import pytest

from tests.policies.policy_fixtures import (
    LAW_ID,
    RG_ID,
    T_AI,
    T_LAW,
    T_MLREG,
    add,
    chain,
    change,
    diagnostics,
    drop,
    ml_registry,
    no_refs,
)
from tests.policies.rule_cases import Case, ResourceCase, StackCase, case_id

MLREG_PATH = "providers/Microsoft.MachineLearningServices/registries/mlr-mlp-shared"

# The policy checklist's rows for these rules (shared/reference/policy-checklist.md): the
# sources each rule must cite, exactly as listed.
CHECKLIST = {
    "MON-01": "AzP d550e854, 199d5677, PSR Azure.AppInsights.Workspace",
    "MON-02": "custom, AzP e15effd4",
    "STK-08": "custom stack rule",
}


# (SDK module, input class, the wire names these rules read), checked against the installed SDK.
READ = [
    ("applicationinsights", "ComponentArgs", {"workspaceResourceId", "disableLocalAuth"}),
    ("operationalinsights", "WorkspaceArgs", {"retentionInDays", "features"}),
    ("operationalinsights", "WorkspaceFeaturesArgs", {"disableLocalAuth"}),
    ("monitor", "DiagnosticSettingArgs", {"resourceUri", "workspaceId", "logs"}),
    ("monitor", "DiagnosticsLogSettingsArgs", {"enabled"}),
]


CASES: list[Case] = [
    ResourceCase(
        "mon-01-app-insights-workspace-based", T_AI, {"workspaceResourceId": "/law", "disableLocalAuth": True}, None
    ),
    ResourceCase(
        "mon-01-app-insights-workspace-based", T_AI, {"disableLocalAuth": True}, "workspaceResourceId is not set"
    ),
    ResourceCase(
        "mon-02-log-analytics-retention-and-local-auth",
        T_LAW,
        {"retentionInDays": 90, "features": {"disableLocalAuth": True}},
        None,
        {"minLogRetentionDays": 90},
    ),
    ResourceCase(
        "mon-02-log-analytics-retention-and-local-auth",
        T_LAW,
        {"features": {"disableLocalAuth": True}},
        "retentionInDays is not set (default 30)",
        {"minLogRetentionDays": 90},
    ),
    ResourceCase(
        "mon-02-log-analytics-retention-and-local-auth",
        T_LAW,
        {"retentionInDays": 30},
        "features.disableLocalAuth is not set",
    ),
    # STK-08: diagnostics to the stack's Log Analytics workspace
    StackCase("stk-08-diagnostic-settings", None, None),
    StackCase(
        "stk-08-diagnostic-settings",
        drop("diag-kv-mlp-prod"),
        "no diagnostic setting sends its logs",
        on=("kv-mlp-prod",),
    ),
    StackCase(
        "stk-08-diagnostic-settings",
        drop("diag-stmlpprod-blob"),
        "no diagnostic setting sends its logs",
        on=("stmlpprod",),
    ),
    StackCase(
        "stk-08-diagnostic-settings",
        chain(
            change("diag-aks-mlp-prod", "workspaceId", LAW_ID.replace("log-mlp-prod", "elsewhere")),
            no_refs("diag-aks-mlp-prod", "workspaceId"),
        ),
        "do not send to a Log Analytics workspace of this stack",
        on=("aks-mlp-prod",),
    ),
    StackCase(
        "stk-08-diagnostic-settings",
        change("diag-crmlpprod", "logs", [{"categoryGroup": "allLogs", "enabled": False}]),
        "enables no log category",
        on=("crmlpprod",),
    ),
    # an Azure ML registry (a shared stack's) sends its logs too, and is judged without one
    StackCase(
        "stk-08-diagnostic-settings",
        add(ml_registry(), diagnostics("mlr-mlp-shared", T_MLREG, f"{RG_ID}/{MLREG_PATH}")),
        None,
    ),
    StackCase(
        "stk-08-diagnostic-settings",
        add(ml_registry()),
        "no diagnostic setting sends its logs",
        on=("mlr-mlp-shared",),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_rule(case: Case) -> None:
    case.check()
