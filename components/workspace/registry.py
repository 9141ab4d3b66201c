"""The container registry for environment images; identity access only (admin user off)."""

from __future__ import annotations

from collections.abc import Sequence

from pulumi_azure_native import containerregistry

from components.core.component import PlatformComponent
from components.settings.workspace import RegistrySettings


def workspace_registry(
    owner: PlatformComponent, settings: RegistrySettings, *, public_network_access: str, ip_rules: Sequence[str] = ()
) -> containerregistry.Registry:
    premium = settings.sku == "Premium"
    return containerregistry.Registry(
        owner.child_name("registry"),
        registry_name=owner.ctx.names.container_registry,
        sku=containerregistry.SkuArgs(name=settings.sku),
        admin_user_enabled=False,
        anonymous_pull_enabled=False,
        # the network settings below exist on Premium only
        public_network_access=public_network_access if premium else None,
        network_rule_bypass_options="AzureServices" if premium else None,
        # Premium only: admins' addresses through an otherwise closed firewall
        network_rule_set=containerregistry.NetworkRuleSetArgs(
            default_action=containerregistry.DefaultAction.DENY,
            ip_rules=[
                containerregistry.IPRuleArgs(i_p_address_or_range=ip, action=containerregistry.Action.ALLOW)
                for ip in ip_rules
            ],
        )
        if premium and ip_rules
        else None,
        zone_redundancy="Enabled" if premium else None,
        policies=_premium_policies(public_network_access) if premium else None,
        **owner.common,
        opts=owner.child_opts(stateful=True),
    )


def _premium_policies(public_network_access: str) -> containerregistry.PoliciesArgs:
    # Quarantine stays off on purpose: it holds every pushed image until a scanner releases it,
    # and Azure ML's image builds would wait forever (Azure/acr docs/preview/quarantine/readme.md:
    # "Only after the image has been verifed, and the quarantine flag removed may a subsequent pull be
    # completed"; Azure/data-product-analytics#137). Policy CR-04 names this exception.
    return containerregistry.PoliciesArgs(
        retention_policy=containerregistry.RetentionPolicyArgs(days=7, status="enabled"),
        # Azure accepts a disabled export policy only on a registry closed to the public
        export_policy=containerregistry.ExportPolicyArgs(status="disabled")
        if public_network_access == "Disabled"
        else None,
    )
