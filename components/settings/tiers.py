"""Defaults per tier: cheap and open in dev, geo-redundant, protected and closed in prod.

A stack file only states where it differs; its values are deep-merged over these (lists replace).
"""

from typing import Any

from . import access, compute, data, diagnostics, encryption, locks, network, registry, shared

_CORE_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {
        "protect": False,
        "workspace": {"hbiWorkspace": False},
        "monitoring": {"logRetentionDays": 30, "dailyQuotaGb": 1, "disableLocalAuth": False},
        "keyVault": {"purgeProtection": False, "softDeleteRetentionDays": 7},
        "storage": {"sku": "Standard_LRS", "blobSoftDeleteDays": 7, "versioning": False},
        # a stack-made registry is hardened (admin user off); onDemand leaves that to Azure ML
        "registry": {"mode": "create", "sku": "Basic"},
    },
    "staging": {
        # isolated like prod, so network and identity problems show up before prod
        "protect": False,
        "workspace": {"hbiWorkspace": False},
        "monitoring": {"logRetentionDays": 90, "disableLocalAuth": True},
        "keyVault": {"purgeProtection": True, "softDeleteRetentionDays": 30},
        "storage": {"sku": "Standard_ZRS", "blobSoftDeleteDays": 14, "versioning": True},
        # Premium: private endpoints, as the policy pack requires of staging (CR-02, STK-07)
        "registry": {"mode": "create", "sku": "Premium"},
    },
    "prod": {
        "protect": True,
        "workspace": {"hbiWorkspace": True},
        "monitoring": {"logRetentionDays": 365, "disableLocalAuth": True},
        # premium: the workspace's customer-managed key is HSM-backed (encryption.keyType RSA-HSM)
        "keyVault": {"sku": "premium", "purgeProtection": True, "softDeleteRetentionDays": 90},
        "storage": {"sku": "Standard_GZRS", "blobSoftDeleteDays": 30, "versioning": True},
        "registry": {"mode": "create", "sku": "Premium"},
    },
}


# Each feature keeps its own section's defaults next to its model.
_SECTIONS = {
    "compute": compute,
    "data": data,
    "access": access,
    "network": network,
    "encryption": encryption,
    "diagnostics": diagnostics,
    "locks": locks,
}

TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    tier: {**core, **{key: module.TIER_DEFAULTS[tier] for key, module in _SECTIONS.items()}}
    for tier, core in _CORE_DEFAULTS.items()
}


# A shared stack (kind: shared) takes its tier's protection, monitoring, diagnostics and locks, and the
# registry's own defaults; none of the environment sections (settings/shared.py).
SHARED_TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    tier: {
        "protect": core["protect"],
        "monitoring": core["monitoring"],
        "mlRegistry": registry.TIER_DEFAULTS[tier],
        "network": shared.NETWORK_TIER_DEFAULTS[tier],
        "diagnostics": diagnostics.TIER_DEFAULTS[tier],
        "locks": locks.TIER_DEFAULTS[tier],
    }
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
