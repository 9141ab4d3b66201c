"""The workspace's managed virtual network: isolation mode and user-defined outbound rules.

Once a workspace's managed network is on it cannot be turned off again (Azure rejects it): moving a
stack from `managed` back to `none` or `customerVnet` means a new workspace.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from .base import PlatformComponent, StackContext
from .network_endpoints import PrivateLinkTarget
from .settings.network import NetworkSettings, OutboundRule

OutboundRuleArgs = ml.FqdnOutboundRuleArgs | ml.PrivateEndpointOutboundRuleArgs | ml.ServiceTagOutboundRuleArgs


def outbound_rule_args(rule: OutboundRule) -> OutboundRuleArgs:
    if rule.type == "FQDN":
        return ml.FqdnOutboundRuleArgs(
            type=ml.RuleType.FQDN, category=ml.RuleCategory.USER_DEFINED, destination=rule.destination
        )
    if rule.type == "PrivateEndpoint":
        return private_endpoint_rule(rule.resource_id or "", rule.subresource_target or "", spark=rule.spark_enabled)
    return ml.ServiceTagOutboundRuleArgs(
        type=ml.RuleType.SERVICE_TAG,
        category=ml.RuleCategory.USER_DEFINED,
        destination=ml.ServiceTagDestinationArgs(
            service_tag=rule.service_tag,
            protocol=rule.protocol,
            port_ranges=rule.port_ranges,
            action=ml.RuleAction.ALLOW,
        ),
    )


def private_endpoint_rule(
    resource_id: pulumi.Input[str], group: str, *, spark: bool = False
) -> ml.PrivateEndpointOutboundRuleArgs:
    return ml.PrivateEndpointOutboundRuleArgs(
        type=ml.RuleType.PRIVATE_ENDPOINT,
        category=ml.RuleCategory.USER_DEFINED,
        destination=ml.PrivateEndpointDestinationArgs(
            service_resource_id=resource_id, subresource_target=group, spark_enabled=spark
        ),
    )


def managed_network_args(settings: NetworkSettings) -> ml.ManagedNetworkSettingsArgs | None:
    """The workspace's `managed_network` for mode `managed` (None otherwise: Azure's default, Disabled)."""
    if settings.mode != "managed":
        return None
    managed = settings.managed
    approved_only = managed.isolation_mode == "AllowOnlyApprovedOutbound"
    return ml.ManagedNetworkSettingsArgs(
        isolation_mode=ml.IsolationMode(managed.isolation_mode),
        # the firewall only exists (and bills) when FQDN rules need it
        firewall_sku=ml.FirewallSku(managed.firewall_sku) if approved_only else None,
        outbound_rules={name: outbound_rule_args(rule) for name, rule in sorted(managed.outbound_rules.items())}
        or None,
    )


class ManagedOutboundRules(PlatformComponent):
    """PrivateEndpoint outbound rules for resources created after the workspace (data lakes...).

    Rules known from settings live in the workspace's own `outbound_rules` map; these are separate
    `outboundRules` child resources because their targets do not exist when the workspace is made.
    """

    def __init__(
        self,
        name: str,
        ctx: StackContext,
        *,
        workspace_name: pulumi.Input[str],
        targets: Sequence[PrivateLinkTarget],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ManagedOutboundRules", name, ctx, opts)
        self.rules = [
            ml.ManagedNetworkSettingsRule(
                self.child_name(f"{target.name}-{group}"),
                rule_name=f"{target.name}-{group}",
                workspace_name=workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=private_endpoint_rule(target.resource_id, group),
                opts=self.child_opts(),
            )
            for target in targets
            for group in target.group_ids
        ]
        self.finish({"ruleNames": [f"{t.name}-{g}" for t in targets for g in t.group_ids]})
