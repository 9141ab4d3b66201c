"""The settings of a shared stack (`ml-platform:kind: shared`): the Azure ML registry every
environment stack consumes, its network, monitoring, diagnostics and locks. It creates no workspace,
compute, data or access of its own: the environment stacks grant their principals on the registry.

A shared stack validates with this model only; a key of an environment stack's sections in a
shared stack file is an error naming it (loader.py), never ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from .base import SettingsModel, cross_checks, problem
from .core import CoreFields
from .diagnostics import DiagnosticsSettings
from .locks import LocksSettings
from .network import check_zone_ids
from .registry import MlRegistrySettings
from .workspace import MonitoringSettings

_SUBNET_ID = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[\w\-.()]+"
    r"/providers/Microsoft\.Network/virtualNetworks/[\w\-.]+/subnets/[\w\-.]+$",
    re.IGNORECASE,
)

# Per-tier defaults of the shared network (camelCase keys), merged by tiers.py. Public in every tier:
# the registry serves every environment, dev's workspace has no network to reach a private one
# through, and Microsoft: "Creating an environment asset isn't supported in a private registry where
# associated ACR has public access disabled" (how-to-registry-network-isolation). A secure workspace
# with a public registry is one of Microsoft's two documented scenarios (same page); the isolated
# consumers reach it through a private-endpoint outbound rule, never the internet.
NETWORK_TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {"privateEndpoints": False},
    "staging": {"privateEndpoints": False},
    "prod": {"privateEndpoints": False},
}


class SharedNetworkSettings(SettingsModel):
    private_endpoints: bool = Field(
        description=(
            "Close the registry to the internet (publicNetworkAccess Disabled) and give it a private endpoint "
            "(`amlregistry`, DNS `privatelink.api.azureml.ms`) in `subnetId`. Only when every consuming workspace "
            "is isolated; environments are then published from a workspace (`az ml environment share`)."
        )
    )
    subnet_id: str | None = Field(
        default=None,
        description="ARM id of an existing subnet (e.g. a hub's shared-services subnet) for the private endpoint.",
    )
    private_dns_zone_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Existing private DNS zones to use instead of creating them (zone name -> ARM id), e.g. a hub's.",
    )

    @cross_checks
    def _consistent(self) -> Iterator[ValueError]:
        if self.subnet_id is not None and not _SUBNET_ID.match(self.subnet_id):
            yield problem(
                "subnetId",
                "must be /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<vnet>"
                "/subnets/<subnet>",
            )
        if self.private_endpoints and self.subnet_id is None:
            yield problem("subnetId", "required with privateEndpoints: the subnet the registry's endpoint joins")
        if not self.private_endpoints and self.subnet_id is not None:
            yield problem("subnetId", "applies only with privateEndpoints: true")
        yield from check_zone_ids(self.private_dns_zone_ids)

    @property
    def public_network_access(self) -> Literal["Enabled", "Disabled"]:
        """The one decision on the registry's public network access."""
        return "Disabled" if self.private_endpoints else "Enabled"

    @property
    def vnet_id(self) -> str | None:
        return self.subnet_id.rsplit("/subnets/", 1)[0] if self.subnet_id else None


class SharedStackSettings(CoreFields):
    # narrows CoreFields.kind: the loader validates a shared stack with this model only
    kind: Literal["shared"] = Field(  # pyright: ignore[reportIncompatibleVariableOverride]
        description="`shared`: this stack creates the Azure ML registry only."
    )
    monitoring: MonitoringSettings
    ml_registry: MlRegistrySettings
    network: SharedNetworkSettings
    diagnostics: DiagnosticsSettings
    locks: LocksSettings

    @cross_checks
    def _cross_section_checks(self) -> Iterator[ValueError]:
        registry = self.ml_registry
        for i, region in enumerate(registry.replication_locations):
            if region == self.location:
                yield problem(f"mlRegistry.replicationLocations[{i}]", f"'{region}' is `location` (the primary region)")
        if registry.publish_environments and self.network.private_endpoints:
            # how-to-registry-network-isolation, "Create assets in registry from local files"
            yield problem(
                "mlRegistry.publishEnvironments",
                "Microsoft does not support creating environments in a private registry: set false and share them "
                "from a workspace (`az ml environment share`, docs/registry.md), or keep the registry public",
            )
        if self.locks.enabled and self.locks.scope == "resourceGroup":
            yield problem("locks.scope", "resourceGroup: use 'resources' (one lock on the registry and the logs)")

    @property
    def regions(self) -> list[str]:
        """The primary region first, then the replicas (Microsoft lists the primary among them too)."""
        return [self.location, *self.ml_registry.replication_locations]
