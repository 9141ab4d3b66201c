"""Network steps break when their path is taken away: a public endpoint closed, nodes without a
public IP or managed network, an FQDN rule missing, a private endpoint in another VNet, a NAT
gateway removed. Each case checks the edge too: the same step holds before the change."""

from __future__ import annotations

from typing import Any

import pytest

from tests.planning import Resources, plan
from tools.plan.journeys.azure import fqdn_covers

from .helpers import changed, journey, journeys, named, step

OTHER_VNET = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-hub"
    "/providers/Microsoft.Network/virtualNetworks/vnet-hub"
)
CLIENT = "dataScientists's client"
NODES = "cpu-cluster nodes"


def _close(inputs: dict[str, Any]) -> None:
    inputs["publicNetworkAccess"] = "Disabled"


def _allow_list(inputs: dict[str, Any]) -> None:
    inputs["networkRuleSet"] = {"defaultAction": "Deny", "ipRules": [{"iPAddressOrRange": "203.0.113.7"}]}


def test_a_public_endpoint_is_a_path_until_it_is_closed(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    storage = named(res.records, "mlp-workspace-storage")["urn"]
    upload = step(journey(journeys(res), "J1"), "reach 'blob'", "default storage", CLIENT)
    assert upload.ok
    assert upload.detail == "public endpoint"
    closed_plan = journeys(res, changed(res.records, storage, _close))
    closed = step(journey(closed_plan, "J1"), "reach 'blob'", "default storage", CLIENT)
    assert not closed.ok
    assert "public access closed" in closed.detail
    assert "no private endpoint for 'blob'" in closed.detail


def test_an_ip_allow_list_serves_the_cli_but_not_studio(stack_plans: dict[str, Resources]) -> None:
    """Microsoft: an IP firewall "is not supported when using Azure Machine Learning studio. It's
    supported when using the Azure Machine Learning SDK or CLI" (how-to-enable-studio-virtual-network)."""
    res = stack_plans["dev"]
    records = changed(res.records, named(res.records, "mlp-workspace-storage")["urn"], _allow_list)
    results = journeys(res, records)
    cli = step(journey(results, "J1"), "reach 'blob'", "default storage", CLIENT)
    assert cli.ok
    assert cli.assumes == "the client's address is listed"
    studio = step(journey(results, "J4"), "reach 'blob'", "default storage")
    assert not studio.ok
    assert "studio does not support IP firewalls" in studio.detail


def test_nodes_without_a_public_ip_outside_any_network_reach_nothing(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    cluster = named(res.records, "mlp-compute-cpu-cluster")["urn"]
    # the shared registry is not in dev's plan: its public endpoint is assumed reachable from public IPs
    assert step(journey(journeys(res), "J1"), "reach 'amlregistry'", "registry mlr-mlp-shared").ok

    def no_public_ip(inputs: dict[str, Any]) -> None:
        inputs["properties"]["properties"]["enableNodePublicIp"] = False

    result = journey(journeys(res, changed(res.records, cluster, no_public_ip)), "J1")
    for needs, on in (("reach 'amlregistry'", "registry"), ("reach 'blob'", "default storage")):
        broken = step(result, needs, on, NODES)
        assert not broken.ok, needs
        assert broken.detail.startswith("nodes without public IP outside any VNet"), needs


def test_the_managed_networks_required_rules_are_the_nodes_only_path(stack_plans: dict[str, Resources]) -> None:
    """Approved outbound only: Azure ML creates the private-endpoint rules to the associated
    resources and the service-tag rules for Microsoft's images (how-to-managed-network, "List of
    required rules"); without the managed network the nodes (no public IP) have no path."""
    res = stack_plans["staging"]
    before = journey(journeys(res), "J3")
    assert step(before, "reach mcr.microsoft.com", "mcr").detail.startswith("required rules")
    nodes = journey(journeys(res), "J1")
    assert step(nodes, "reach 'blob'", "default storage", NODES).detail.startswith("required private-endpoint rule")
    urn = named(res.records, "mlp-workspace-mlw")["urn"]
    without_network = journeys(res, changed(res.records, urn, lambda inputs: inputs.pop("managedNetwork")))
    mcr = [s for s in journey(without_network, "J3").steps if s.needs == "reach mcr.microsoft.com"]
    assert mcr
    assert not any(s.ok for s in mcr)
    after = journey(without_network, "J1")
    nodes_blob = [s for s in after.steps if s.on.startswith("default storage") and s.who == "cpu-cluster nodes"]
    assert nodes_blob
    assert not any(s.ok for s in nodes_blob)


def test_a_zone_linked_to_another_vnet_is_no_path(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    link = named(res.records, "mlp-endpoints-zone-blob-core-windows-net-link")["urn"]
    assert step(journey(journeys(res), "J1"), "reach 'blob'", "default storage", CLIENT).ok

    def elsewhere(inputs: dict[str, Any]) -> None:
        inputs["virtualNetwork"] = {"id": OTHER_VNET}

    moved_plan = journeys(res, changed(res.records, link, elsewhere))
    moved = step(journey(moved_plan, "J1"), "reach 'blob'", "default storage", CLIENT)
    assert not moved.ok
    assert "privatelink.blob.core.windows.net is not linked to vnet-mlp-staging" in moved.detail


def test_studio_needs_the_storage_endpoint_in_the_workspace_endpoints_vnet(stack_plans: dict[str, Resources]) -> None:
    """ "the workspace private endpoint and storage private endpoint must be in the same virtual
    network" (how-to-enable-studio-virtual-network, Limitations); the CLI has no such rule."""
    res = stack_plans["staging"]
    endpoint = named(res.records, "mlp-endpoints-pe-storage-blob")["urn"]
    link = named(res.records, "mlp-endpoints-zone-blob-core-windows-net-link")["urn"]

    def in_hub(inputs: dict[str, Any]) -> None:
        inputs["subnet"]["id"] = f"{OTHER_VNET}/subnets/snet-endpoints"

    def hub_link(inputs: dict[str, Any]) -> None:
        inputs["virtualNetwork"] = {"id": OTHER_VNET}

    records = changed(changed(res.records, endpoint, in_hub), link, hub_link)
    results = journeys(res, records)
    assert step(journey(results, "J1"), "reach 'blob'", "default storage", CLIENT).ok  # the CLI reaches the hub
    studio = step(journey(results, "J4"), "reach 'blob'", "default storage")
    assert not studio.ok
    assert "is in vnet-hub, not vnet-mlp-staging" in studio.detail


def test_package_egress_needs_an_fqdn_rule_per_host(stack_plans: dict[str, Resources]) -> None:
    """Approved outbound only: "add outbound FQDN rules to allow traffic to the following host
    names" for Python packages (how-to-managed-network); staging's packageEgress adds them."""
    res = stack_plans["staging"]
    hosts = ("conda.anaconda.org", "pypi.org", "files.pythonhosted.org")
    build = {s.on: s for s in journey(journeys(res), "J3").steps if s.on in hosts}
    assert set(build) == set(hosts)
    assert all(s.ok for s in build.values())
    assert build["conda.anaconda.org"].detail == "FQDN outbound rule *.anaconda.org"
    for host in hosts:
        covering = {
            r["urn"]
            for r in res.records
            if r["type"].endswith("ManagedNetworkSettingsRule")
            and r["inputs"]["properties"].get("type") == "FQDN"
            and fqdn_covers(r["inputs"]["properties"]["destination"], host)
        }
        assert covering, host
        after = journey(journeys(res, [r for r in res.records if r["urn"] not in covering]), "J3")
        assert [s.ok for s in after.steps if s.on == host] == [False], host
        assert all(s.ok for s in after.steps if s.on in set(hosts) - {host}), host


def test_without_any_package_rule_a_private_workspace_claims_no_image_build(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    assert journey(journeys(res), "J3").claimed
    rules = {r["urn"] for r in res.records if r["name"].startswith("mlp-outbound-pkg-")}
    assert rules
    after = journeys(res, [r for r in res.records if r["urn"] not in rules])
    assert not journey(after, "J3").claimed
    assert not step(journey(after, "J2"), "J3 holds", "registry").ok


def test_a_private_endpoint_rule_is_the_nodes_path_to_a_data_account(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["staging"]
    reads = journey(journeys(res), "J5")
    raw = step(reads, "reach 'dfs'", "datastore raw")
    assert raw.ok
    assert raw.detail == "private-endpoint outbound rule (dfs)"
    rule = named(res.records, "mlp-outbound-lake-lake-dfs")["urn"]

    def blob_only(inputs: dict[str, Any]) -> None:
        inputs["properties"]["destination"]["subresourceTarget"] = "blob"

    after = step(journey(journeys(res, changed(res.records, rule, blob_only)), "J5"), "reach 'dfs'", "datastore raw")
    assert not after.ok
    assert "no private-endpoint outbound rule" in after.detail


@pytest.fixture(scope="module")
def customer_vnet() -> Resources:
    return Resources(plan("staging", {"network": {"mode": "customerVnet", "privateEndpoints": True}}))


def test_nodes_in_a_subnet_reach_the_internet_through_its_nat_gateway(customer_vnet: Resources) -> None:
    res = customer_vnet
    # the image build compute (cpu-cluster, in the training subnet) pulls the base image from MCR
    mcr = step(journey(journeys(res), "J3"), "reach mcr.microsoft.com", "mcr")
    assert mcr.ok
    assert mcr.detail == "internet through the natGateway"
    subnet = named(res.records, "mlp-network-snet-training")["urn"]
    after = journey(journeys(res, changed(res.records, subnet, lambda inputs: inputs.pop("natGateway"))), "J3")
    broken = step(after, "reach mcr.microsoft.com", "mcr")
    assert not broken.ok
    assert "no NAT gateway or route table" in broken.detail


def test_nodes_in_a_subnet_reach_storage_through_a_private_endpoint_in_their_vnet(customer_vnet: Resources) -> None:
    res = customer_vnet
    mount = step(journey(journeys(res), "J1"), "reach 'blob'", "default storage", NODES)
    assert mount.ok
    assert mount.who == "cpu-cluster nodes"
    assert "private endpoint" in mount.detail
    link = named(res.records, "mlp-endpoints-zone-blob-core-windows-net-link")["urn"]
    after = journey(journeys(res, [r for r in res.records if r["urn"] != link]), "J1")
    assert not step(after, "reach 'blob'", "default storage", NODES).ok
