"""Private endpoints with their private DNS zones, for every resource the platform reaches privately.

Built after the resources exist: the platform hands in the ``PrivateLinkTarget`` lists the
components publish (the workspace's own resources, then the data lakes with ``dfs`` and ``blob``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
from pulumi_azure_native import network, privatedns

from components.core.component import PlatformComponent, StackContext
from components.core.targets import PrivateLinkTarget
from components.settings.network import PRIVATE_DNS_ZONES

# Storage sub-resources: studio reaches them from the browser through these endpoints.
STORAGE_GROUPS = frozenset({"blob", "file", "dfs"})


class PrivateEndpoints(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        *,
        private_dns_zone_ids: Mapping[str, str],
        subnet_id: pulumi.Input[str],
        vnet_id: pulumi.Input[str],
        targets: Sequence[PrivateLinkTarget],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("PrivateEndpoints", name, ctx, opts)
        # Every endpoint, DNS zone group (the A records) and zone link: what a client of the private
        # names waits for (the Kubernetes compute: the cluster calls the workspace by these names).
        self.ready: list[pulumi.Resource] = []
        names = [t.name for t in targets]
        if len(names) != len(set(names)):
            raise ValueError(f"private link target names must be unique: {names}")
        zones_in_use = dict.fromkeys(zone for t in targets for g in t.group_ids for zone in PRIVATE_DNS_ZONES[g])
        self.zone_ids: dict[str, pulumi.Input[str]] = {
            zone: private_dns_zone_ids.get(zone) or self._zone(zone, vnet_id) for zone in zones_in_use
        }
        self.endpoints: dict[str, network.PrivateEndpoint] = {}
        # the storage endpoints (blob, file, dfs) by key, for the grants studio needs on them
        self.storage_endpoint_ids: dict[str, pulumi.Output[str]] = {}
        for target in targets:
            for group in target.group_ids:
                key = f"{target.name}-{group}"
                self.endpoints[key] = self._endpoint(key, target, group, subnet_id)
                if group in STORAGE_GROUPS:
                    self.storage_endpoint_ids[key] = self.endpoints[key].id
        self.finish({"privateEndpointIds": {key: pe.id for key, pe in self.endpoints.items()}})

    def _zone(self, zone: str, vnet_id: pulumi.Input[str]) -> pulumi.Output[str]:
        """A private zone this stack owns, linked to the VNet (resolution only, no auto-registration)."""
        slug = zone.removeprefix("privatelink.").replace(".", "-")
        private_zone = privatedns.PrivateZone(
            self.child_name(f"zone-{slug}"),
            private_zone_name=zone,
            # private DNS zones are global resources: "global" is their only valid location
            location="global",
            resource_group_name=self.ctx.resource_group_name,
            tags=dict(self.ctx.tags),
            opts=self.child_opts(),
        )
        link = privatedns.VirtualNetworkLink(
            self.child_name(f"zone-{slug}-link"),
            virtual_network_link_name=self.ctx.names.scoped("link", 80),
            private_zone_name=private_zone.name,
            resource_group_name=self.ctx.resource_group_name,
            location="global",
            virtual_network=privatedns.SubResourceArgs(id=vnet_id),
            registration_enabled=False,
            tags=dict(self.ctx.tags),
            opts=self.child_opts(),
        )
        self.ready.append(link)
        return private_zone.id

    def _endpoint(
        self, key: str, target: PrivateLinkTarget, group: str, subnet_id: pulumi.Input[str]
    ) -> network.PrivateEndpoint:
        pe_name = self.ctx.names.scoped(f"pe-{key}", 80)
        endpoint = network.PrivateEndpoint(
            self.child_name(f"pe-{key}"),
            private_endpoint_name=pe_name,
            subnet=network.SubnetArgs(id=subnet_id),
            custom_network_interface_name=f"{pe_name}-nic"[:80],
            private_link_service_connections=[
                network.PrivateLinkServiceConnectionArgs(
                    name=pe_name, private_link_service_id=target.resource_id, group_ids=[group]
                )
            ],
            **self.common,
            opts=self.child_opts(),
        )
        # the zone group writes (and removes) the endpoint's A records in its zones
        zone_group = network.PrivateDnsZoneGroup(
            self.child_name(f"pe-{key}-dns"),
            private_dns_zone_group_name="default",
            private_endpoint_name=endpoint.name,
            resource_group_name=self.ctx.resource_group_name,
            private_dns_zone_configs=[
                network.PrivateDnsZoneConfigArgs(name=zone.replace(".", "-"), private_dns_zone_id=self.zone_ids[zone])
                for zone in PRIVATE_DNS_ZONES[group]
            ],
            opts=self.child_opts(),
        )
        self.ready += [endpoint, zone_group]
        return endpoint
