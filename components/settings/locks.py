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
    enabled: bool = Field(description="CanNotDelete locks (README: how to lift them on purpose).")
    scope: Literal["resourceGroup", "resources"] = Field(
        default="resourceGroup",
        description=(
            "`resourceGroup`: one lock on the resource group the stack creates; `resources`: one lock per "
            "data-bearing resource (storage, key vault, registry, logs, data lakes). A group the stack does not "
            "create is never locked: then `resources` applies."
        ),
    )
