"""Diagnostic settings: every stateful resource sends its logs and metrics to the stack's Log Analytics."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import SettingsModel

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    # dev's Log Analytics has a 1 GB daily cap: audit logs only, so a chatty cluster cannot eat it
    "dev": {"enabled": True, "logCategoryGroup": "audit"},
    "staging": {"enabled": True, "logCategoryGroup": "allLogs"},
    "prod": {"enabled": True, "logCategoryGroup": "allLogs"},
}


class DiagnosticsSettings(SettingsModel):
    enabled: bool = Field(
        description="Diagnostic settings on the workspace, key vault, storage (account, blob, file), registry and AKS."
    )
    log_category_group: Literal["allLogs", "audit"] = Field(
        description="Log category group sent to Log Analytics (retention = `monitoring.logRetentionDays`)."
    )
    metrics: bool = Field(default=True, description="Also send the AllMetrics category.")
