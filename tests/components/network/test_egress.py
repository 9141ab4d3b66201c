"""How the node subnets and the AKS cluster reach the internet: one decision (network.node_egress).

Microsoft (how-to-access-azureml-behind-firewall, "Basic configuration"): compute without a public
IP needs a NAT gateway, or a user-defined route 0.0.0.0/0 to a firewall. AKS
(learn.microsoft.com/azure/aks/egress-outboundtype): `userAssignedNATGateway` with the NAT gateway on
a bring-your-own subnet, `userDefinedRouting` with a route table associated with the cluster
subnet, `loadBalancer` (the default) with an AKS-managed public outbound IP. Only the mock engine
checks these payloads.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.planning import Resources, plan

HUB = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg-hub/providers/Microsoft.Network"
ROUTE_TABLE = f"{HUB}/routeTables/rt-to-firewall"
BEHIND_FIREWALL = {"natGateway": False, "routeTableId": ROUTE_TABLE}


def subnets(res: Resources) -> dict[str, dict[str, Any]]:
    """Subnet inputs by purpose (endpoints, training, aks)."""
    return {s["inputs"]["subnetName"].split("-")[1]: s["inputs"] for s in res.of_type("network:Subnet")}


def outbound_type(res: Resources) -> str:
    return res.one("containerservice:ManagedCluster")["inputs"]["networkProfile"]["outboundType"]


@pytest.fixture(scope="module")
def customer_vnet() -> Resources:
    return Resources(plan("prod", {"network": {"mode": "customerVnet"}}))


@pytest.fixture(scope="module")
def customer_vnet_behind_firewall() -> Resources:
    return Resources(plan("prod", {"network": {"mode": "customerVnet", "vnet": BEHIND_FIREWALL}}))


def test_customer_vnet_nodes_leave_through_the_nat_gateway_aks_included(customer_vnet: Resources) -> None:
    nat = customer_vnet.one("network:NatGateway")["outputs"]["id"]
    found = subnets(customer_vnet)
    assert found["training"]["natGateway"]["id"] == found["aks"]["natGateway"]["id"] == nat
    assert not [s for s in found.values() if "routeTable" in s]
    # the NAT gateway is on the subnet before the cluster, which uses it instead of a public LB IP
    assert outbound_type(customer_vnet) == "userAssignedNATGateway"


def test_behind_a_firewall_the_node_subnets_carry_the_route_table(customer_vnet_behind_firewall: Resources) -> None:
    found = subnets(customer_vnet_behind_firewall)
    # set by the stack on every subnet write: an association made by hand would be dropped by the next one
    assert found["training"]["routeTable"] == found["aks"]["routeTable"] == {"id": ROUTE_TABLE}
    assert "routeTable" not in found["endpoints"]  # private endpoints need no egress
    assert customer_vnet_behind_firewall.of_type("network:NatGateway") == []
    assert not [s for s in found.values() if "natGateway" in s]
    assert outbound_type(customer_vnet_behind_firewall) == "userDefinedRouting"


@pytest.mark.parametrize("fixture", ["customer_vnet", "customer_vnet_behind_firewall"])
def test_the_endpoints_subnet_applies_its_nsg_to_private_endpoints_but_not_route_tables(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """Microsoft (private-link/disable-private-endpoint-network-policy): network policies for private
    endpoints are off by default and can be enabled for NSGs only, UDRs only or both; with UDR support
    a route with a prefix "equal to or smaller than the virtual network address space" overrides the
    endpoint's /32 route. NetworkSecurityGroupEnabled: the subnet's NSG filters traffic to the
    endpoints, and the node subnets' 0.0.0.0/0 to a firewall does not pull endpoint traffic through it."""
    found = subnets(request.getfixturevalue(fixture))
    endpoints = found["endpoints"]
    assert endpoints["privateEndpointNetworkPolicies"] == "NetworkSecurityGroupEnabled"
    assert endpoints["networkSecurityGroup"]["id"]  # the NSG the policy applies
    assert "routeTable" not in endpoints
    # node subnets hold no private endpoints: Azure's default there ("By default, network policies are
    # disabled"), which the SDK sends
    assert {found[p]["privateEndpointNetworkPolicies"] for p in ("training", "aks")} == {"Disabled"}


def test_managed_mode_routes_the_aks_subnet_through_the_firewall_when_asked() -> None:
    res = Resources(plan("prod", {"network": {"vnet": {"routeTableId": ROUTE_TABLE}}}))
    found = subnets(res)
    assert found["aks"]["routeTable"] == {"id": ROUTE_TABLE}
    assert "routeTable" not in found["endpoints"]
    assert outbound_type(res) == "userDefinedRouting"


def test_managed_mode_without_a_route_table_keeps_aks_s_own_outbound_ip(stack_plans: dict[str, Resources]) -> None:
    """Kubernetes is outside the managed network (Microsoft: "Kubernetes and attached VMs aren't
    supported in an Azure Machine Learning managed virtual network"); policy AKS-08 reports it."""
    prod = stack_plans["prod"]
    assert outbound_type(prod) == "loadBalancer"
    assert prod.of_type("network:NatGateway") == []
    assert not [s for s in subnets(prod).values() if "routeTable" in s or "natGateway" in s]


def test_without_a_subnet_of_ours_aks_uses_its_load_balancer() -> None:
    res = Resources(plan("dev", {"compute": {"inference": {"enabled": True}}}))
    assert outbound_type(res) == "loadBalancer"
