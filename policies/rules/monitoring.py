"""Monitoring rules: Application Insights, Log Analytics (MON-01, MON-02)."""

from __future__ import annotations

from collections.abc import Iterator

from .lib.catalog import APP_INSIGHTS, LOG_ANALYTICS
from .lib.props import MISSING, fmt
from .lib.rule import ADVISORY, MANDATORY, Levels, Param, Resource, Tiers, integer, resource_rule

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


RULES = [MON_01, MON_02]
