"""The user-defined outbound rules of the workspace's managed virtual network.

Every user-defined rule is its own `outboundRules` child resource, and they are written one after
another: rules in the workspace's inline `outbound_rules` map and child rules would be two owners of
one list (a workspace update rewrites the list), and concurrent rule writes drop each other
(Azure/terraform-provider-azapi#453: create them one at a time).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from components.core.component import PlatformComponent, StackContext
from components.core.targets import PrivateLinkTarget
from components.settings.network import NetworkSettings, OutboundRule

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


def user_defined_rules(
    settings: NetworkSettings,
    targets: Sequence[PrivateLinkTarget],
    derived: Mapping[str, OutboundRule] | None = None,
) -> dict[str, OutboundRuleArgs]:
    """Every user-defined rule by name: the settings' rules, the package-egress FQDN rules, the rules
    other settings derive (`derived`: the shared registry's storage and container registry), then a
    PrivateEndpoint rule per group of each target (data accounts, the shared registry)."""
    rules: dict[str, OutboundRuleArgs] = {
        name: outbound_rule_args(rule) for name, rule in sorted(settings.managed.outbound_rules.items())
    }
    rules.update({name: outbound_rule_args(rule) for name, rule in settings.managed.package_rules().items()})
    rules.update({name: outbound_rule_args(rule) for name, rule in (derived or {}).items()})
    for target in targets:
        for group in target.group_ids:
            name = f"{target.name}-{group}"
            if name in rules:
                raise ValueError(
                    f"network.managed.outboundRules.{name}: the stack's own rule for {target.name} has that name"
                )
            rules[name] = private_endpoint_rule(target.resource_id, group)
    return rules


class ManagedOutboundRules(PlatformComponent):
    """The workspace's user-defined outbound rules, each an `outboundRules` child resource, in a chain."""

    def __init__(
        self,
        name: str,
        ctx: StackContext,
        *,
        workspace_name: pulumi.Input[str],
        rules: Mapping[str, OutboundRuleArgs],
        after: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("ManagedOutboundRules", name, ctx, opts)
        self.rules: list[ml.ManagedNetworkSettingsRule] = []
        for rule_name, properties in rules.items():
            # the first rule waits for `after` (approvals); every later one for the rule before it
            previous = [self.rules[-1]] if self.rules else list(after)
            self.rules.append(
                ml.ManagedNetworkSettingsRule(
                    self.child_name(rule_name),
                    rule_name=rule_name,
                    workspace_name=workspace_name,
                    resource_group_name=ctx.resource_group_name,
                    properties=properties,
                    # one rule write at a time: concurrent writes to the managed network drop rules
                    opts=self.child_opts(depends_on=previous or None),
                )
            )
        self.finish({"ruleNames": list(rules)})
