"""Monitoring rules: Application Insights, Log Analytics (MON-01, MON-02), and the diagnostic
settings that send every service's logs to the stack's Log Analytics workspace (STK-08)."""

from __future__ import annotations

from collections.abc import Iterator

from .lib.catalog import (
    AKS_CLUSTER,
    APP_INSIGHTS,
    DIAGNOSTIC_SETTING,
    KEY_VAULT,
    LOG_ANALYTICS,
    ML_REGISTRY,
    ML_WORKSPACE,
    REGISTRY,
    STORAGE_ACCOUNT,
)
from .lib.props import MISSING, as_list, fmt, read
from .lib.rule import (
    ADVISORY,
    MANDATORY,
    Levels,
    Param,
    Report,
    Resource,
    Stack,
    Tiers,
    integer,
    resource_rule,
    stack_rule,
)

# Log Analytics keeps data 30 days when retentionInDays is not set.
LOG_ANALYTICS_DEFAULT_RETENTION = 30


def _workspace_based(r: Resource) -> Iterator[str]:
    yield from r.expect_set("workspaceResourceId", "classic Application Insights was retired on 29 Feb 2024")
    yield from r.expect("disableLocalAuth", True, "ingest with Entra ID only")


MON_01 = resource_rule(
    rule_id="MON-01",
    slug="app-insights-workspace-based",
    summary="Application Insights is workspace-based and disables local authentication.",
    sources="AzP d550e854, 199d5677, PSR Azure.AppInsights.Workspace",
    types=[APP_INSIGHTS],
    check=_workspace_based,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


def _retention_and_local_auth(r: Resource) -> Iterator[str]:
    minimum = int(r.config["minLogRetentionDays"])
    days = r.get("retentionInDays")
    effective = LOG_ANALYTICS_DEFAULT_RETENTION if days is MISSING else days
    if effective < minimum:
        shown = f"{fmt(days)} (default {LOG_ANALYTICS_DEFAULT_RETENTION})" if days is MISSING else fmt(days)
        yield f"retentionInDays is {shown}; this stack keeps logs at least {minimum} days"
    yield from r.expect("features.disableLocalAuth", True)


MON_02 = resource_rule(
    rule_id="MON-02",
    slug="log-analytics-retention-and-local-auth",
    summary="Log Analytics workspaces keep logs at least the stack's minimum and disable local authentication.",
    sources="custom, AzP e15effd4",
    types=[LOG_ANALYTICS],
    check=_retention_and_local_auth,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
    params=[
        Param(
            "minLogRetentionDays",
            integer("Shortest log retention, in days.", 1),
            tiers=Tiers(dev=30, staging=30, prod=90),
        )
    ],
)


# --- STK-08 ------------------------------------------------------------------------------

# An Azure ML registry has log categories (RegistryAssetReadEvent, RegistryAssetWriteEvent: Azure
# Monitor's supported logs for Microsoft.MachineLearningServices/registries).
DIAGNOSED_TYPES = (ML_WORKSPACE, KEY_VAULT, REGISTRY, ML_REGISTRY, AKS_CLUSTER, STORAGE_ACCOUNT)


def _diagnostics(stack: Stack) -> Iterator[Report]:
    # urn of the target -> [(sends to a Log Analytics workspace of the stack, logs enabled)]
    settings: dict[str, list[tuple[bool, bool]]] = {}

    def index(setting: Resource) -> None:
        targets = stack.diagnostic_target(setting, DIAGNOSED_TYPES)
        to_law = bool(stack.refs(setting, "workspaceId", [LOG_ANALYTICS]))
        logs = any(read(entry, "enabled") is True for entry in as_list(setting.get("logs")))
        for target in targets:
            settings.setdefault(target.urn, []).append((to_law, logs))

    complete = stack.index(stack.of_type(DIAGNOSTIC_SETTING), index)

    def check(resource: Resource) -> Iterator[str]:
        found = settings.get(resource.urn, [])
        if not any(to_law and logs for to_law, logs in found) and not complete:
            raise stack.undecided(resource, "its diagnostic settings")
        if not found:
            yield "no diagnostic setting sends its logs to Log Analytics"
        elif not any(to_law for to_law, _ in found):
            yield "its diagnostic settings do not send to a Log Analytics workspace of this stack"
        elif not any(to_law and logs for to_law, logs in found):
            yield "its diagnostic setting enables no log category"

    yield from stack.each(stack.of_type(*DIAGNOSED_TYPES), check)


STK_08 = stack_rule(
    rule_id="STK-08",
    slug="diagnostic-settings",
    summary="Workspaces, key vaults, container and Azure ML registries, AKS clusters and storage accounts send logs to "
    "the stack's Log Analytics workspace (storage: from a service of the account, e.g. "
    "blobServices/default; the account itself has no log categories).",
    sources="custom stack rule",
    check=_diagnostics,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


RULES = [MON_01, MON_02, STK_08]
