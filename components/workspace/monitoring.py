"""Log Analytics and workspace-based Application Insights (classic App Insights is retired)."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import applicationinsights, operationalinsights

from components.core.component import PlatformComponent, StackContext
from components.core.targets import LockTarget
from components.settings.workspace import MonitoringSettings


class Monitoring(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: MonitoringSettings,
        *,
        app_insights: bool = True,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Monitoring", name, ctx, opts)
        capping = (
            operationalinsights.WorkspaceCappingArgs(daily_quota_gb=settings.daily_quota_gb)
            if settings.daily_quota_gb
            else None
        )
        self.log_analytics = operationalinsights.Workspace(
            self.child_name("logs"),
            workspace_name=ctx.names.log_analytics,
            sku=operationalinsights.WorkspaceSkuArgs(name="PerGB2018"),
            retention_in_days=settings.log_retention_days,
            workspace_capping=capping,
            features=operationalinsights.WorkspaceFeaturesArgs(
                disable_local_auth=settings.disable_local_auth,
                enable_log_access_using_only_resource_permissions=True,
            ),
            **self.common,
            opts=self.child_opts(stateful=True),
        )
        # the shared stack keeps logs only: it runs no application to instrument
        self.app_insights = (
            None
            if not app_insights
            else applicationinsights.Component(
                self.child_name("appinsights"),
                resource_name_=ctx.names.app_insights,
                kind="web",
                application_type="web",
                ingestion_mode="LogAnalytics",
                workspace_resource_id=self.log_analytics.id,
                disable_local_auth=settings.disable_local_auth,
                retention_in_days=settings.log_retention_days,
                **self.common,
                opts=self.child_opts(),
            )
        )
        # the logs are data: locked with the other data-bearing resources
        self.lock_targets = [LockTarget("logs", self.log_analytics.id)]
        self.finish(
            {
                "logAnalyticsId": self.log_analytics.id,
                "appInsightsId": self.app_insights.id if self.app_insights else None,
            }
        )
