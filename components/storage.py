"""Secure storage accounts: the workspace's default account, and data lakes built the same way."""

from __future__ import annotations

from dataclasses import dataclass

from pulumi_azure_native import storage

from .base import PlatformComponent


@dataclass(frozen=True)
class StorageSpec:
    account_name: str
    sku: str
    public_network_access: str
    blob_soft_delete_days: int
    versioning: bool
    # Azure ML's default storage must not be a data lake; extra datastore accounts may be.
    hierarchical_namespace: bool = False


@dataclass(frozen=True)
class SecureStorage:
    account: storage.StorageAccount
    blob_service: storage.BlobServiceProperties


def secure_storage_account(owner: PlatformComponent, suffix: str, spec: StorageSpec) -> SecureStorage:
    closed = spec.public_network_access == "Disabled"
    account = storage.StorageAccount(
        owner.child_name(suffix),
        account_name=spec.account_name,
        kind="StorageV2",
        sku=storage.SkuArgs(name=spec.sku),
        access_tier=storage.AccessTier.HOT,
        is_hns_enabled=spec.hierarchical_namespace,
        enable_https_traffic_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        # identity-only access: the workspace authenticates its datastores with Entra ID
        allow_shared_key_access=False,
        default_to_o_auth_authentication=True,
        allow_cross_tenant_replication=False,
        is_local_user_enabled=False,
        public_network_access=spec.public_network_access,
        network_rule_set=storage.NetworkRuleSetArgs(
            default_action=storage.DefaultAction.DENY if closed else storage.DefaultAction.ALLOW, bypass="AzureServices"
        ),
        encryption=storage.EncryptionArgs(key_source="Microsoft.Storage", require_infrastructure_encryption=True),
        **owner.common,
        opts=owner.child_opts(stateful=True),
    )
    retention = storage.DeleteRetentionPolicyArgs(enabled=True, days=spec.blob_soft_delete_days)
    blob_service = storage.BlobServiceProperties(
        owner.child_name(f"{suffix}-blob"),
        account_name=account.name,
        resource_group_name=owner.ctx.resource_group_name,
        blob_services_name="default",
        delete_retention_policy=retention,
        container_delete_retention_policy=retention,
        is_versioning_enabled=spec.versioning,
        opts=owner.child_opts(),
    )
    return SecureStorage(account, blob_service)
