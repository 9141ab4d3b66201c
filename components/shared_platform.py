"""The one place that wires a shared stack (`kind: shared`): settings -> the Azure ML registry, its
logs, private endpoint, diagnostics and locks -> the stack's outputs. No workspace, compute, data or
access: the environment stacks grant their principals on the registry (docs/registry.md)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

from components.core.stack_root import StackRoot
from components.network.private_endpoints import PrivateEndpoints
from components.protection.diagnostics import Diagnostics
from components.protection.locks import Locks
from components.registry.environments import EnvironmentDefinition
from components.registry.ml_registry import MlRegistry
from components.settings.shared import SharedStackSettings
from components.workspace.monitoring import Monitoring


class SharedPlatform(StackRoot):
    def __init__(
        self,
        settings: SharedStackSettings,
        *,
        environments: Sequence[EnvironmentDefinition],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("SharedPlatform", settings, opts)
        ctx = self.children
        self.monitoring = Monitoring(
            self.child_name("monitoring"), ctx, settings.monitoring, app_insights=False, opts=self.child_opts()
        )
        self.registry = MlRegistry(
            self.child_name("mlregistry"), ctx, settings, environments=environments, opts=self.child_opts()
        )
        built: list[pulumi.Resource] = [self.monitoring, self.registry]
        network = settings.network
        if network.private_endpoints and network.subnet_id and network.vnet_id:
            # how-to-registry-network-isolation: a private endpoint to the registry in the network its
            # clients use (Microsoft.MachineLearningServices/registries, sub-resource amlregistry)
            built.append(
                PrivateEndpoints(
                    self.child_name("endpoints"),
                    ctx,
                    private_dns_zone_ids=network.private_dns_zone_ids,
                    subnet_id=network.subnet_id,
                    vnet_id=network.vnet_id,
                    targets=self.registry.private_link_targets,
                    opts=self.child_opts(),
                )
            )
        if settings.diagnostics.enabled:
            built.append(
                Diagnostics(
                    self.child_name("diagnostics"),
                    ctx,
                    settings.diagnostics,
                    logs_id=self.monitoring.log_analytics.id,
                    targets=self.registry.diagnostic_targets,
                    opts=self.child_opts(),
                )
            )
        if settings.locks.enabled:
            # last: after everything scoped to the registry (protection/locks.py)
            Locks(
                self.child_name("locks"),
                ctx,
                settings.locks,
                targets=[*self.registry.lock_targets, *self.monitoring.lock_targets],
                after=built,
                opts=self.child_opts(),
            )
        self.outputs = shared_outputs(settings, self.registry, ctx.resource_group_name, environments)
        self.finish(self.outputs)


def shared_outputs(
    settings: SharedStackSettings,
    registry: MlRegistry,
    resource_group_name: pulumi.Input[str],
    environments: Sequence[EnvironmentDefinition],
) -> dict[str, Any]:
    """What the environment stacks and a platform engineer need: the registry's id (an environment
    stack's `sharedRegistry.id`), its name and regions, and the environments it publishes."""
    name = registry.registry.name
    return {
        "kind": "shared",
        "resourceGroupName": resource_group_name,
        "location": settings.location,
        "registryId": registry.registry.id,
        "registryName": name,
        "registryRegions": settings.regions,
        "registryPublicNetworkAccess": settings.network.public_network_access,
        "environments": {f"{e.name}/{e.version}": e.uri(registry.ctx.names.ml_registry) for e in environments},
        "azMl": {
            "showRegistry": pulumi.Output.concat("az ml registry show -n ", name, " -g ", resource_group_name),
            "listEnvironments": pulumi.Output.concat("az ml environment list --registry-name ", name),
            "listModels": pulumi.Output.concat("az ml model list --registry-name ", name),
        },
    }
