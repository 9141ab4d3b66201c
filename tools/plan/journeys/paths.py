"""Network paths in a plan: can this client or these nodes reach that endpoint or host?

Where a path starts (a Vantage):
- `client`: a user's machine or a CI runner. It reaches public endpoints, and private endpoints
  whose DNS zones are linked to their VNet (the plan cannot see the client: "assumes" says where
  it must be). In the browser (studio) an IP firewall does not count: Microsoft, "Firewall
  settings ... This is not supported when using Azure Machine Learning studio"
  (https://learn.microsoft.com/azure/machine-learning/how-to-enable-studio-virtual-network#firewall-settings).
- `managed`: nodes in the workspace's managed network. Azure ML itself creates private-endpoint
  rules to the workspace's associated resources and the service-tag rules for Microsoft's images
  (https://learn.microsoft.com/azure/machine-learning/how-to-managed-network#list-of-required-rules);
  anything else needs a rule of ours, and storage only a private-endpoint rule ("you can't use an
  FQDN rule to access Azure Storage Accounts ... You must use a private endpoint instead", same
  page, Limitations).
- `subnet`: nodes in one of our subnets (customer VNet, AKS): private endpoints in that VNet with
  their DNS linked to it, or public endpoints through the subnet's egress (NAT gateway, route
  table, AKS's outbound load balancer).
- `public-ip`: nodes outside any VNet, with a public IP: public endpoints only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .azure import MICROSOFT_IMAGE_HOST, PRIVATE_DNS_ZONES, fqdn_covers
from .facts import SUBNET, PlanFacts, Record, arm_parent, last_segment

VantageKind = Literal["client", "managed", "subnet", "public-ip", "none"]
Access = Literal["open", "allow-list", "closed"]


@dataclass(frozen=True)
class Vantage:
    label: str
    kind: VantageKind
    vnet_id: str | None = None
    egress: str | None = None  # natGateway | routeTable | loadBalancer
    studio: bool = False
    # studio: "the workspace private endpoint and storage private endpoint must be in the same
    # virtual network" (how-to-enable-studio-virtual-network, Limitations)
    same_vnet_as: str | None = None
    evidence: tuple[str, ...] = ()
    reason: str = ""


@dataclass
class Outcome:
    ok: bool
    detail: str
    assumes: str | None = None
    evidence: list[str] = field(default_factory=list)


def public_access(record: Record) -> Access:
    """How a resource's public endpoint answers: open, only to an IP allow-list, or closed."""
    inputs = record.get("inputs") or {}
    properties = inputs.get("properties") if isinstance(inputs.get("properties"), Mapping) else {}
    state = inputs.get("publicNetworkAccess", (properties or {}).get("publicNetworkAccess"))
    if state == "Disabled":
        return "closed"
    rules: Mapping[str, Any] = inputs.get("networkRuleSet") or (properties or {}).get("networkAcls") or {}
    if rules.get("defaultAction") == "Deny":
        return "allow-list" if rules.get("ipRules") else "closed"
    return "open"


def vnet_name(vnet_id: str | None) -> str:
    return last_segment(vnet_id) if vnet_id else "the VNet"


def private_path(facts: PlanFacts, target_id: str, group: str, vnet_id: str | None = None) -> Outcome:
    """A private endpoint to the target's `group`, its DNS zone group naming every zone the group
    needs, and each zone linked to the endpoint's VNet (or to `vnet_id`: where the nodes are)."""
    endpoints = facts.endpoints_to(target_id, group)
    if not endpoints:
        return Outcome(False, f"no private endpoint for '{group}'")
    problems = []
    for endpoint in endpoints:
        name = facts.inputs(endpoint).get("privateEndpointName") or endpoint["name"]
        endpoint_vnet = arm_parent(str((facts.inputs(endpoint).get("subnet") or {}).get("id", "")), "subnets")
        if vnet_id is not None and endpoint_vnet.lower() != vnet_id.lower():
            problems.append(f"private endpoint {name} is in {vnet_name(endpoint_vnet)}, not {vnet_name(vnet_id)}")
            continue
        evidence = [endpoint["urn"]]
        zone_group = facts.zone_group_of(endpoint)
        configured = {
            last_segment(str(config.get("privateDnsZoneId", ""))): str(config.get("privateDnsZoneId", ""))
            for config in (facts.inputs(zone_group).get("privateDnsZoneConfigs") or [])
        }
        missing = [zone for zone in PRIVATE_DNS_ZONES.get(group, ()) if zone not in configured]
        if zone_group is None or missing:
            problems.append(f"private endpoint {name} has no DNS zone group record for {', '.join(missing)}")
            continue
        evidence.append(zone_group["urn"])
        outside: list[str] = []
        unlinked: list[str] = []
        for zone in PRIVATE_DNS_ZONES.get(group, ()):
            zone_record = facts.record(configured[zone])
            if zone_record is None:
                outside.append(zone)  # a hub's zone (network.privateDnsZoneIds): linked by its owner
                continue
            evidence.append(zone_record["urn"])
            links = [
                link
                for link in facts.zone_links(zone)
                if str((facts.inputs(link).get("virtualNetwork") or {}).get("id", "")).lower() == endpoint_vnet.lower()
            ]
            if not links:
                unlinked.append(zone)
            evidence += [link["urn"] for link in links]
        if unlinked:
            problems.append(f"zone {', '.join(unlinked)} is not linked to {vnet_name(endpoint_vnet)}")
            continue
        zones = ", ".join(PRIVATE_DNS_ZONES.get(group, ()))
        assumes = (
            f"zone {', '.join(outside)} (not in this stack) is linked to {vnet_name(endpoint_vnet)}"
            if outside
            else None
        )
        return Outcome(True, f"private endpoint {name} in {vnet_name(endpoint_vnet)}, DNS {zones}", assumes, evidence)
    return Outcome(False, "; ".join(problems))


def reach_resource(
    facts: PlanFacts, vantage: Vantage, target_id: str, group: str, *, associated: bool = False
) -> Outcome:
    """Whether `vantage` reaches the `group` endpoint (blob, amlworkspace, registry...) of a resource."""
    record = facts.record(target_id)
    name = last_segment(target_id)
    if vantage.kind == "none":
        return Outcome(False, vantage.reason or "no outbound path")
    if vantage.kind == "managed":
        return _from_managed_network(facts, target_id, group, record, associated=associated)
    if record is None:
        # an account the stack does not own (data.accounts.<key>.existingId): its network is not in the plan
        return Outcome(True, f"{name} is not in this stack", assumes=f"its owner keeps '{group}' reachable from here")
    access = public_access(record)
    if vantage.kind == "client":
        if access == "open":
            return Outcome(True, "public endpoint", evidence=[record["urn"]])
        if access == "allow-list" and not vantage.studio:
            return Outcome(
                True, "public endpoint behind an IP allow-list", "the client's address is listed", [record["urn"]]
            )
        path = private_path(facts, target_id, group, vantage.same_vnet_as)
        if path.ok:
            where = f"the client is in or peered to {vnet_name(vantage.same_vnet_as or _vnet_of(facts, path))}"
            path.assumes = "; ".join(a for a in (where, path.assumes) if a)
            return path
        studio = " (studio does not support IP firewalls)" if access == "allow-list" and vantage.studio else ""
        return Outcome(False, f"public access {access}{studio}; {path.detail}")
    if vantage.kind == "subnet":
        path = private_path(facts, target_id, group, vantage.vnet_id)
        if path.ok:
            return path
        if access == "open" and vantage.egress:
            return Outcome(True, f"public endpoint through the {vantage.egress}", evidence=[record["urn"]])
        return Outcome(False, f"public access {access}; {path.detail}")
    # public-ip nodes outside any VNet
    if access == "open":
        return Outcome(True, "public endpoint (nodes with public IPs)", evidence=[record["urn"]])
    return Outcome(False, f"public access {access} and the nodes are in no VNet (no private path)")


def _vnet_of(facts: PlanFacts, outcome: Outcome) -> str | None:
    for urn in outcome.evidence:
        record = facts.by_urn.get(urn)
        if record is not None and record["type"].endswith(":PrivateEndpoint"):
            return arm_parent(str((facts.inputs(record).get("subnet") or {}).get("id", "")), "subnets")
    return None


def _from_managed_network(
    facts: PlanFacts, target_id: str, group: str, record: Record | None, *, associated: bool
) -> Outcome:
    mode = facts.isolation_mode
    workspace = [facts.workspace["urn"]] if facts.workspace else []
    access = public_access(record) if record is not None else None
    if associated:
        if mode == "AllowOnlyApprovedOutbound" or access == "closed":
            return Outcome(True, f"required private-endpoint rule Azure ML creates ({mode})", evidence=workspace)
        if access == "open":
            return Outcome(True, "internet outbound", evidence=workspace)
        return Outcome(False, "public endpoint behind an IP allow-list, and no required rule (internet outbound)")
    for rule, carrier in facts.outbound_rules():
        destination = rule.get("destination") or {}
        if (
            rule.get("type") == "PrivateEndpoint"
            and str(destination.get("serviceResourceId", "")).lower() == target_id.lower()
            and destination.get("subresourceTarget") == group
        ):
            assumes = None
            if record is None:
                assumes = "its owner approves the private endpoint connection (it is not in this stack)"
            return Outcome(True, f"private-endpoint outbound rule ({group})", assumes, [carrier["urn"]])
    if mode == "AllowInternetOutbound" and access == "open":
        return Outcome(True, "internet outbound", evidence=workspace)
    return Outcome(
        False, f"no private-endpoint outbound rule to {last_segment(target_id)} ({group}) in the managed network"
    )


def reach_host(facts: PlanFacts, vantage: Vantage, host: str) -> Outcome:
    """Whether `vantage` reaches an internet host (Microsoft's image registry, a package index)."""
    if vantage.kind == "none":
        return Outcome(False, vantage.reason or "no outbound path")
    if vantage.kind == "managed":
        workspace = [facts.workspace["urn"]] if facts.workspace else []
        if facts.isolation_mode == "AllowInternetOutbound":
            return Outcome(True, "internet outbound", evidence=workspace)
        if host == MICROSOFT_IMAGE_HOST:
            return Outcome(
                True, "required rules MicrosoftContainerRegistry, AzureFrontDoor.FirstParty", evidence=workspace
            )
        for rule, carrier in facts.outbound_rules():
            if rule.get("type") == "FQDN" and fqdn_covers(str(rule.get("destination", "")), host):
                return Outcome(True, f"FQDN outbound rule {rule.get('destination')}", evidence=[carrier["urn"]])
        return Outcome(False, f"no FQDN outbound rule for {host} (AllowOnlyApprovedOutbound)")
    if vantage.kind == "subnet":
        if vantage.egress == "routeTable":
            return Outcome(True, "route table to your firewall", f"the firewall allows {host}", list(vantage.evidence))
        if vantage.egress:
            return Outcome(True, f"internet through the {vantage.egress}", evidence=list(vantage.evidence))
        return Outcome(False, "the subnet has no NAT gateway or route table and the nodes have no public IP")
    return Outcome(True, "internet (nodes with public IPs)", evidence=list(vantage.evidence))


def compute_vantage(facts: PlanFacts, compute: Record | None, label: str) -> Vantage:
    """Where a cluster's or instance's nodes make their calls from."""
    if compute is None:
        return Vantage(label, "none", reason="no such compute in the plan")
    properties = (facts.inputs(compute).get("properties") or {}).get("properties") or {}
    subnet_id = (properties.get("subnet") or {}).get("id")
    if subnet_id:
        subnet = facts.record(subnet_id)
        egress = _subnet_egress(subnet)
        evidence = (subnet["urn"],) if subnet is not None and egress else ()
        return Vantage(label, "subnet", vnet_id=arm_parent(subnet_id, "subnets"), egress=egress, evidence=evidence)
    if facts.isolation_mode:
        return Vantage(label, "managed")
    if properties.get("enableNodePublicIp", True):
        return Vantage(label, "public-ip", evidence=(compute["urn"],))
    return Vantage(label, "none", reason="nodes without public IP outside any VNet or managed network")


def aks_vantage(facts: PlanFacts, cluster: Record | None, label: str) -> Vantage:
    """Where the AKS nodes call from: their subnet, with the cluster's outbound type as egress."""
    if cluster is None:
        return Vantage(label, "none", reason="no AKS cluster in the plan")
    inputs = facts.inputs(cluster)
    pools = inputs.get("agentPoolProfiles") or []
    subnet_id = next((p.get("vnetSubnetID") for p in pools if p.get("vnetSubnetID")), None)
    outbound = (inputs.get("networkProfile") or {}).get("outboundType") or "loadBalancer"
    egress = {"loadBalancer": "loadBalancer", "userDefinedRouting": "routeTable"}.get(outbound, "natGateway")
    if not subnet_id:
        return Vantage(label, "public-ip", evidence=(cluster["urn"],))
    return Vantage(label, "subnet", vnet_id=arm_parent(subnet_id, "subnets"), egress=egress, evidence=(cluster["urn"],))


def _subnet_egress(subnet: Record | None) -> str | None:
    if subnet is None or subnet["type"] != SUBNET:
        return None
    inputs = subnet.get("inputs") or {}
    if (inputs.get("natGateway") or {}).get("id"):
        return "natGateway"
    if (inputs.get("routeTable") or {}).get("id"):
        return "routeTable"
    return None
