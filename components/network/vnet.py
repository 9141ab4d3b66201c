"""The customer virtual network: a new or existing VNet with one subnet (and NSG) per purpose.

Created before the workspace and compute: it publishes its subnet ids by purpose (``subnets``), which
the platform hands to the workspace (serverless jobs) and compute (nodes); the private endpoints come
later (``private_endpoints.py``), once the resources they point at exist.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import network

from components.core.component import PlatformComponent, StackContext
from components.settings.network import NetworkSettings, SubnetPurpose


class Network(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: NetworkSettings,
        *,
        aks_subnet: bool,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Network", name, ctx, opts)
        vnet_settings = settings.vnet
        existing = vnet_settings.existing
        self.vnet: network.VirtualNetwork | None = None
        if existing is not None:
            vnet_group, vnet_name = existing
            self.vnet_id: pulumi.Input[str] = vnet_settings.existing_id or ""
            vnet_name_in: pulumi.Input[str] = vnet_name
            vnet_group_in: pulumi.Input[str] = vnet_group
        else:
            self.vnet = network.VirtualNetwork(
                self.child_name("vnet"),
                virtual_network_name=ctx.names.scoped("vnet", 64),
                address_space=network.AddressSpaceArgs(address_prefixes=list(vnet_settings.address_space)),
                **self.common,
                opts=self.child_opts(),
            )
            self.vnet_id = self.vnet.id
            vnet_name_in = self.vnet.name
            vnet_group_in = ctx.resource_group_name

        # Nodes have no public IP and new subnets get no default outbound access: the node subnets get
        # the network's one egress (settings.node_egress), a NAT gateway or the stack's route table to
        # a hub firewall. The stack owns these associations and writes them on every subnet update
        # (one made by hand outside the stack would be dropped by the next update).
        self.egress = settings.node_egress
        self.nat_gateway = self._nat_gateway() if self.egress == "natGateway" else None
        self.route_table_id = vnet_settings.route_table_id if self.egress == "routeTable" else None

        self.subnets: dict[str, pulumi.Output[str]] = {}
        previous: network.Subnet | None = None
        # the aks subnet only with the inference cluster (the platform passes compute.inference.enabled)
        for purpose in settings.subnet_purposes(aks=aks_subnet):
            subnet = self._subnet(
                purpose, getattr(vnet_settings.subnets, purpose), vnet_name_in, vnet_group_in, previous
            )
            self.subnets[purpose] = subnet.id
            previous = subnet
        self.finish({"vnetId": self.vnet_id, **{f"{purpose}SubnetId": sid for purpose, sid in self.subnets.items()}})

    def _nat_gateway(self) -> network.NatGateway:
        names = self.ctx.names
        ip = network.PublicIPAddress(
            self.child_name("nat-ip"),
            public_ip_address_name=names.scoped("pip-nat", 80),
            sku=network.PublicIPAddressSkuArgs(name=network.PublicIPAddressSkuName.STANDARD),
            public_ip_allocation_method=network.IPAllocationMethod.STATIC,
            **self.common,
            opts=self.child_opts(),
        )
        return network.NatGateway(
            self.child_name("nat"),
            nat_gateway_name=names.scoped("ng", 80),
            sku=network.NatGatewaySkuArgs(name=network.NatGatewaySkuName.STANDARD),
            public_ip_addresses=[network.SubResourceArgs(id=ip.id)],
            idle_timeout_in_minutes=10,
            **self.common,
            opts=self.child_opts(),
        )

    def _subnet(
        self,
        purpose: SubnetPurpose,
        prefix: str,
        vnet_name: pulumi.Input[str],
        vnet_group: pulumi.Input[str],
        previous: network.Subnet | None,
    ) -> network.Subnet:
        names = self.ctx.names
        # Azure's default rules are what the subnets need: VNet traffic in, internet inbound denied
        # (nodes have no public IP and no SSH); the NSG is where a team adds its own rules.
        nsg = network.NetworkSecurityGroup(
            self.child_name(f"nsg-{purpose}"),
            network_security_group_name=names.scoped(f"nsg-{purpose}", 80),
            **self.common,
            opts=self.child_opts(),
        )
        nodes = purpose != "endpoints"  # private endpoints need no egress
        return network.Subnet(
            self.child_name(f"snet-{purpose}"),
            subnet_name=names.scoped(f"snet-{purpose}", 80),
            virtual_network_name=vnet_name,
            resource_group_name=vnet_group,
            address_prefix=prefix,
            network_security_group=network.NetworkSecurityGroupArgs(id=nsg.id),
            nat_gateway=network.SubResourceArgs(id=self.nat_gateway.id) if nodes and self.nat_gateway else None,
            route_table=network.RouteTableArgs(id=self.route_table_id) if nodes and self.route_table_id else None,
            default_outbound_access=False,
            # Microsoft (learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy):
            # network policies are disabled by default and "only [apply] to private endpoints in the
            # subnet"; they can be enabled "for network security groups only, for user-defined routes
            # only, or for both". NSG only: the NSG on this subnet (where a team adds its rules) then
            # filters traffic to the endpoints too. Not route tables: this subnet carries none, and
            # with UDR support a route whose prefix is "equal to or smaller than the virtual network
            # address space" overrides the endpoints' /32 routes, so the node subnets' 0.0.0.0/0 to a
            # hub firewall (network.vnet.routeTableId) would send their private-endpoint traffic through
            # the firewall instead of straight to the endpoint ("Enabled" would do both).
            private_endpoint_network_policies=(
                network.VirtualNetworkPrivateEndpointNetworkPolicies.NETWORK_SECURITY_GROUP_ENABLED
                if purpose == "endpoints"
                else None
            ),
            # Azure rejects concurrent writes to one VNet's subnets: create them one after another
            opts=self.child_opts(depends_on=[previous] if previous else None),
        )
