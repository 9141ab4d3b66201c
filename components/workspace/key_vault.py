"""The workspace's key vault: RBAC authorization, soft delete, purge protection per tier."""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_azure_native import keyvault

from components.core.component import PlatformComponent
from components.settings.workspace import KeyVaultSettings


def workspace_key_vault(
    owner: PlatformComponent, settings: KeyVaultSettings, *, public_network_access: str, ip_rules: Sequence[str] = ()
) -> keyvault.Vault:
    ctx = owner.ctx
    return keyvault.Vault(
        owner.child_name("keyvault"),
        vault_name=ctx.names.key_vault,
        properties=keyvault.VaultPropertiesArgs(
            tenant_id=ctx.tenant_id,
            sku=keyvault.SkuArgs(family=keyvault.SkuFamily.A, name=keyvault.SkuName(settings.sku)),
            enable_rbac_authorization=True,
            access_policies=[],
            enable_soft_delete=True,
            soft_delete_retention_in_days=settings.soft_delete_retention_days,
            # Azure rejects an explicit false: purge protection can only ever be switched on.
            enable_purge_protection=True if settings.purge_protection else None,
            public_network_access=public_network_access,
            network_acls=keyvault.NetworkRuleSetArgs(
                bypass="AzureServices",
                default_action="Deny" if public_network_access == "Disabled" or ip_rules else "Allow",
                ip_rules=[keyvault.IPRuleArgs(value=ip) for ip in ip_rules] or None,
            ),
        ),
        **owner.common,
        opts=owner.child_opts(stateful=True),
    )
