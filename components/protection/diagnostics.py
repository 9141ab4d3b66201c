"""Diagnostic settings: resource logs and metrics into the stack's Log Analytics workspace.

Retention is the Log Analytics workspace's own (`monitoring.logRetentionDays`, per tier): the
per-setting retention policies of diagnostic settings are deprecated, so none is set here.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import monitor

from components.core.component import PlatformComponent, StackContext
from components.core.targets import DiagnosticTarget
from components.settings.diagnostics import DiagnosticsSettings


class Diagnostics(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: DiagnosticsSettings,
        *,
        logs_id: pulumi.Input[str],
        targets: Sequence[DiagnosticTarget],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Diagnostics", name, ctx, opts)
        names = [t.name for t in targets]
        if len(names) != len(set(names)):
            raise ValueError(f"diagnostic target names must be unique: {names}")
        self.settings_by_target = {
            target.name: monitor.DiagnosticSetting(
                self.child_name(target.name),
                name=ctx.names.scoped("diag", 260),
                resource_uri=target.resource_id,
                workspace_id=logs_id,
                logs=_logs(target, settings) if target.logs else [],
                metrics=[monitor.DiagnosticsMetricSettingsArgs(category="AllMetrics", enabled=True)]
                if settings.metrics and target.metrics
                else [],
                opts=self.child_opts(),
            )
            for target in targets
        }
        self.finish({"diagnosticSettingIds": {k: v.id for k, v in self.settings_by_target.items()}})


def _logs(target: DiagnosticTarget, settings: DiagnosticsSettings) -> list[monitor.DiagnosticsLogSettingsArgs]:
    """The tier's category group (allLogs or audit), or the target's own categories where its type
    has no category groups."""
    if target.log_categories:
        return [monitor.DiagnosticsLogSettingsArgs(category=c, enabled=True) for c in target.log_categories]
    return [monitor.DiagnosticsLogSettingsArgs(category_group=settings.log_category_group, enabled=True)]
