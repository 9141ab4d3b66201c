"""Management locks: CanNotDelete on top of Pulumi's `protect`, for deletions outside Pulumi."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .base import SettingsModel

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {"enabled": False},
    "staging": {"enabled": False},
    "prod": {"enabled": True},
}


class LocksSettings(SettingsModel):
    enabled: bool = Field(description="CanNotDelete locks (docs/protection.md: how to lift them on purpose).")
    # `resourceGroup` stays a known value so that a stack asking for it gets Microsoft's reason
    # (settings/stack.py), not "unknown value".
    scope: Literal["resourceGroup", "resources"] = Field(
        default="resources",
        description=(
            "`resources`: one lock per data-bearing resource (storage, key vault, registry, logs, data lakes). "
            "`resourceGroup` is refused: Microsoft says a CanNotDelete lock on a resource group holding an Azure "
            "ML workspace stops compute clusters scaling down, and a managed network wants no scope locks."
        ),
    )
