"""The workspace and its associated resources: monitoring, key vault, storage, registry."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import SettingsModel


class WorkspaceSettings(SettingsModel):
    friendly_name: str | None = Field(
        default=None, max_length=256, description="Display name in Azure ML studio (default `<prefix> ML (<stack>)`)."
    )
    description: str = Field(
        default="Azure Machine Learning platform workspace", max_length=256, description="Workspace description."
    )
    hbi_workspace: bool = Field(
        description=(
            "High business impact: less diagnostic data to Microsoft, encrypted scratch disks. Creation-time only."
        )
    )
    # UserAssigned in every tier: its roles exist before the workspace (ADR 0001), the stack makes
    # every grant itself (one code path, checkable in the plan), and none duplicates Microsoft's.
    # For a system-assigned identity "Role assignment creation" is "Managed by Microsoft"
    # (how-to-identity-based-service-authentication); the same principal, role and scope created
    # again under our name fails with 409 RoleAssignmentExists (MicrosoftDocs/azure-docs#80040, #80686).
    identity: Literal["SystemAssigned", "UserAssigned"] = Field(
        default="UserAssigned",
        description=(
            "Workspace identity. UserAssigned (every tier): an identity with the roles Microsoft lists, granted "
            "before the workspace. SystemAssigned: Azure ML grants its roles on the associated resources itself "
            "(the stack adds only what Microsoft does not grant: private endpoint approvals and studio's Reader)."
        ),
    )


class MonitoringSettings(SettingsModel):
    # Microsoft (azure-monitor logs/data-retention-configure): the workspace default retention is
    # 30 days and goes "up to two years" (730); logs/cost-logs: "user-configurable retention from 30
    # to 730 days". (The Tables API takes 4-730 per table; the workspace setting is what this sets.)
    log_retention_days: int = Field(ge=30, le=730, description="Log Analytics retention.")
    daily_quota_gb: float | None = Field(
        default=None, gt=0, description="Log Analytics daily ingestion cap in GB (none: uncapped)."
    )
    disable_local_auth: bool = Field(
        description="Entra ID only for log ingestion and queries (no workspace keys or instrumentation keys)."
    )


class KeyVaultSettings(SettingsModel):
    sku: Literal["standard", "premium"] = Field(default="standard", description="premium gives HSM-backed keys.")
    purge_protection: bool = Field(
        description="Cannot be turned off once on; a destroyed vault keeps its name for the retention period."
    )
    # Microsoft (Key Vault REST API VaultProperties.softDeleteRetentionInDays, also in the SDK's
    # docstring): "It accepts >=7 and <=90."
    soft_delete_retention_days: int = Field(ge=7, le=90, description="Soft-delete retention (creation-time only).")


StorageSku = Literal[
    "Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS", "Standard_RAGZRS"
]


class StorageSettings(SettingsModel):
    # Premium SKUs are absent on purpose: Azure ML rejects them as the default storage account.
    sku: StorageSku = Field(description="Redundancy of the default storage account.")
    blob_soft_delete_days: int = Field(ge=1, le=365, description="Blob and container soft-delete retention.")
    versioning: bool = Field(description="Blob versioning.")


class RegistrySettings(SettingsModel):
    mode: Literal["create", "onDemand"] = Field(
        description=(
            "`create`: the stack creates the registry now; "
            "`onDemand`: Azure ML creates one when it first builds an image."
        )
    )
    sku: Literal["Basic", "Standard", "Premium"] = Field(
        default="Premium", description="Premium is required for private endpoints."
    )
