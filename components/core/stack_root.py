"""The root component of a stack, either kind: its names, the context its children share, and the
resource group they live in (created by the stack, or an existing one by name)."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization, resources

from components.settings.core import CoreFields

from .component import PlatformComponent, StackContext
from .naming import Names


class StackRoot(PlatformComponent):
    """Named after the name prefix; `children` is the context its components get, `client` the
    deploying identity (its object id, tenant and subscription)."""

    def __init__(self, kind: str, settings: CoreFields, opts: pulumi.ResourceOptions | None = None) -> None:
        names = Names(pulumi.get_project(), pulumi.get_stack(), settings.name_prefix, settings.naming.revision)
        client = self.client = authorization.get_client_config_output()
        rg_name = settings.resource_group.name or names.resource_group
        super().__init__(kind, settings.name_prefix, stack_context(settings, names, client, rg_name), opts)
        # the children's context names the group through its output, so Pulumi creates the group first
        self.children = stack_context(settings, names, client, self._resource_group(settings, rg_name))

    def _resource_group(self, settings: CoreFields, name: str) -> pulumi.Input[str]:
        """The group's name: the created group's output (so its children wait for it), or the
        name of the existing group the stack deploys into."""
        if not settings.resource_group.create:
            return name
        group = resources.ResourceGroup(
            self.child_name("rg"),
            resource_group_name=name,
            location=settings.location,
            tags=dict(self.ctx.tags),
            opts=self.child_opts(stateful=True),
        )
        return group.name


def stack_context(
    settings: CoreFields,
    names: Names,
    client: pulumi.Output[authorization.GetClientConfigResult],
    resource_group_name: pulumi.Input[str],
) -> StackContext:
    """What every component knows of the stack; made whole, never patched afterwards."""
    return StackContext(
        names=names,
        location=settings.location,
        tags=settings.tags.as_dict(environment=names.stack),
        protect=settings.protect,
        resource_group_name=resource_group_name,
        subscription_id=client.subscription_id,
        tenant_id=client.tenant_id,
    )
