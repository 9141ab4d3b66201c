"""Secure storage accounts: the workspace's default account, and data lakes built the same way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pulumi_azure_native import storage

from components.core.component import PlatformComponent

if TYPE_CHECKING:
    from .customer_key import CustomerManagedKey


@dataclass(frozen=True)
class StorageSpec:
    account_name: str
    sku: str
    public_network_access: str
    blob_soft_delete_days: int
    versioning: bool
    # Azure ML's default storage must not be a data lake; extra datastore accounts may be.
    hierarchical_namespace: bool = False
    # admins' public addresses let through the firewall (settings.network.access.ip_ranges)
    ip_rules: tuple[str, ...] = ()
    # a customer-managed key instead of Microsoft's (encryption.storage)
    customer_key: CustomerManagedKey | None = None
    # Azure resource instances let through the firewall by id (an Azure ML registry that copies a
    # model out of the workspace: settings.stack.StackSettings.storage_registry_rules)
    resource_access_rules: tuple[str, ...] = ()


@dataclass(frozen=True)
class SecureStorage:
    account: storage.StorageAccount
    blob_service: storage.BlobServiceProperties


def secure_storage_account(owner: PlatformComponent, suffix: str, spec: StorageSpec) -> SecureStorage:
    closed = spec.public_network_access == "Disabled" or bool(spec.ip_rules) or bool(spec.resource_access_rules)
    cmk = spec.customer_key.storage_encryption() if spec.customer_key else None
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
            default_action=storage.DefaultAction.DENY if closed else storage.DefaultAction.ALLOW,
            bypass="AzureServices",
            ip_rules=[storage.IPRuleArgs(i_p_address_or_range=ip, action=storage.Action.ALLOW) for ip in spec.ip_rules]
            or None,
            # "Grant access from Azure resource instances" (storage-network-security): the instance's
            # resource id and its tenant, the stack's own (a registry is unique within a tenant)
            resource_access_rules=[
                storage.ResourceAccessRuleArgs(resource_id=rid, tenant_id=owner.ctx.tenant_id)
                for rid in spec.resource_access_rules
            ]
            or None,
        ),
        identity=cmk[0] if cmk else None,
        encryption=cmk[1]
        if cmk
        else storage.EncryptionArgs(key_source="Microsoft.Storage", require_infrastructure_encryption=True),
        **owner.common,
        # with a customer key, the account must not be created before its identity may use the key
        opts=owner.child_opts(
            stateful=True,
            depends_on=[spec.customer_key.permission, spec.customer_key.key_wait] if spec.customer_key else None,
        ),
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
