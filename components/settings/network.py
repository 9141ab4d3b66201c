"""Network settings (filled in by the network feature)."""

from typing import Any

from .base import SettingsModel

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {"dev": {}, "staging": {}, "prod": {}}


class NetworkSettings(SettingsModel):
    pass
