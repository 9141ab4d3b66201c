"""Defaults per tier: cheap and open in dev, geo-redundant, protected and closed in prod.

A stack file only states where it differs; its values are deep-merged over these (lists replace).
"""

from typing import Any

from . import access, compute, data, network

_CORE_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {
        "protect": False,
        "workspace": {"publicNetworkAccess": "Enabled", "hbiWorkspace": False},
        "monitoring": {"logRetentionDays": 30, "dailyQuotaGb": 1, "disableLocalAuth": False},
        "keyVault": {"purgeProtection": False, "softDeleteRetentionDays": 7},
        "storage": {"sku": "Standard_LRS", "blobSoftDeleteDays": 7, "versioning": False},
        # a stack-made registry is hardened (admin user off); onDemand leaves that to Azure ML
        "registry": {"mode": "create", "sku": "Basic"},
    },
    "staging": {
        # isolated like prod, so network and identity problems show up before prod
        "protect": False,
        "workspace": {"publicNetworkAccess": "Disabled", "hbiWorkspace": False},
        "monitoring": {"logRetentionDays": 90, "disableLocalAuth": True},
        "keyVault": {"purgeProtection": True, "softDeleteRetentionDays": 30},
        "storage": {"sku": "Standard_ZRS", "blobSoftDeleteDays": 14, "versioning": True},
        "registry": {"mode": "create", "sku": "Premium"},
    },
    "prod": {
        "protect": True,
        "workspace": {"publicNetworkAccess": "Disabled", "hbiWorkspace": True},
        "monitoring": {"logRetentionDays": 365, "disableLocalAuth": True},
        "keyVault": {"purgeProtection": True, "softDeleteRetentionDays": 90},
        "storage": {"sku": "Standard_GZRS", "blobSoftDeleteDays": 30, "versioning": True},
        "registry": {"mode": "create", "sku": "Premium"},
    },
}


# Each feature keeps its own section's defaults next to its model.
_SECTIONS = {"compute": compute, "data": data, "access": access, "network": network}

TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    tier: {**core, **{key: module.TIER_DEFAULTS[tier] for key, module in _SECTIONS.items()}}
    for tier, core in _CORE_DEFAULTS.items()
}


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
