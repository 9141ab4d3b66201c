"""Network isolation: none, the workspace's managed virtual network, or a customer virtual network.

The one derived decision about public network access (workspace, key vault, storage, registry)
lives here, in ``NetworkSettings.access``: components read it and never decide on their own.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StringConstraints

from .base import SettingsModel, cross_checks, problem
from .compute import REQUIRED_CLUSTER

Mode = Literal["none", "managed", "customerVnet"]
IsolationMode = Literal["AllowInternetOutbound", "AllowOnlyApprovedOutbound"]
SubnetPurpose = Literal["endpoints", "training", "aks"]
# How nodes in the stack's subnets (training in customerVnet, aks) reach the internet
NodeEgress = Literal["natGateway", "routeTable", "loadBalancer"]

# Private DNS zones per private-link group id (Microsoft's "private endpoint DNS zone values").
PRIVATE_DNS_ZONES: dict[str, tuple[str, ...]] = {
    "amlworkspace": ("privatelink.api.azureml.ms", "privatelink.notebooks.azure.net"),
    "vault": ("privatelink.vaultcore.azure.net",),
    "blob": ("privatelink.blob.core.windows.net",),
    "file": ("privatelink.file.core.windows.net",),
    "dfs": ("privatelink.dfs.core.windows.net",),
    "registry": ("privatelink.azurecr.io",),
    # an Azure ML registry (Microsoft.MachineLearningServices/registries): private-endpoint-dns lists
    # `amlregistry` with the zone `privatelink.api.azureml.ms`, the workspace's API zone
    "amlregistry": ("privatelink.api.azureml.ms",),
}
KNOWN_ZONES = frozenset(zone for zones in PRIVATE_DNS_ZONES.values() for zone in zones)

_ARM_ID = r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[\w\-.()]+/providers/[\w.]+/[\w\-./]+$"
_VNET_ID = re.compile(
    r"^/subscriptions/(?P<sub>[0-9a-fA-F-]{36})/resourceGroups/(?P<rg>[\w\-.()]+)"
    r"/providers/Microsoft\.Network/virtualNetworks/(?P<name>[\w\-.]+)$",
    re.IGNORECASE,
)
_ROUTE_TABLE_ID = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[\w\-.()]+"
    r"/providers/Microsoft\.Network/routeTables/[\w\-.]+$",
    re.IGNORECASE,
)
_FQDN = re.compile(r"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)
# Microsoft (azure-ai-ml ServiceTagDestination, learn.microsoft.com/python/api/azure-ai-ml/
# azure.ai.ml.entities.servicetagdestination): "a comma-separated list of single ports and/or
# range of ports, such as "80,1024-65535"" (its example writes "80, 8080-8089"). Ports are the
# 16-bit TCP/UDP port numbers, 1 to 65535 (0 is no destination port).
_PORT_RANGE = re.compile(r"([0-9]{1,5})(?:-([0-9]{1,5}))?")
MAX_PORT = 65535


def port_ranges_ok(text: str) -> bool:
    """`*`, or ports and low-high ranges within 1-65535, separated by commas."""
    if text.strip() == "*":
        return True
    for part in text.split(","):
        match = _PORT_RANGE.fullmatch(part.strip())
        if match is None:
            return False
        low, high = int(match[1]), int(match[2] or match[1])
        if not 1 <= low <= high <= MAX_PORT:
            return False
    return True


def _cidr(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"'{value}' is not a CIDR range such as 10.40.0.0/24 ({error})") from None
    if network.version != 4 or "/" not in value:
        raise ValueError(f"'{value}' must be an IPv4 range in CIDR form such as 10.40.0.0/24")
    return value


def _public_range(value: str) -> str:
    try:
        network = ipaddress.ip_network(value, strict=True)
    except ValueError as error:
        raise ValueError(f"'{value}' is not an IPv4 address or CIDR range ({error})") from None
    if network.version != 4:
        raise ValueError(f"'{value}': only IPv4 ranges are accepted by storage and key vault firewalls")
    if not network.is_global:
        raise ValueError(f"'{value}' is not a public range (firewalls accept public addresses only)")
    if network.prefixlen == 31:
        raise ValueError(f"'{value}': /31 is not accepted; list the two addresses or use /30")
    # Storage rejects "/32": a single address is written without a prefix.
    return str(network.network_address) if network.prefixlen == 32 else str(network)


Cidr = Annotated[str, AfterValidator(_cidr)]
PublicRange = Annotated[str, AfterValidator(_public_range)]
RuleName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")]


class OutboundRule(SettingsModel):
    """One user-defined outbound rule of the managed virtual network (one of three kinds)."""

    type: Literal["FQDN", "PrivateEndpoint", "ServiceTag"] = Field(description="Kind of rule.")
    destination: str | None = Field(
        default=None, description="FQDN rules: host name, `*.` wildcard allowed (e.g. `pypi.org`)."
    )
    resource_id: str | None = Field(
        default=None, pattern=_ARM_ID, description="PrivateEndpoint rules: ARM id of the target resource."
    )
    subresource_target: str | None = Field(
        default=None, description="PrivateEndpoint rules: private-link group id (`blob`, `dfs`, `vault`...)."
    )
    spark_enabled: bool = Field(default=False, description="PrivateEndpoint rules: also for serverless Spark.")
    service_tag: str | None = Field(default=None, description="ServiceTag rules: Azure service tag name.")
    protocol: Literal["TCP", "UDP", "ICMP", "*"] = Field(default="TCP", description="ServiceTag rules: protocol.")
    port_ranges: str = Field(default="443", description="ServiceTag rules: `443`, `80,443`, `8000-8080` or `*`.")

    @cross_checks
    def _destination_fits_type(self) -> Iterator[ValueError]:
        if self.type == "FQDN":
            if not self.destination:
                yield problem("destination", "required for FQDN rules")
            elif not _FQDN.match(self.destination):
                yield problem("destination", f"'{self.destination}' is not a host name (`*.` prefix allowed)")
        elif self.type == "PrivateEndpoint":
            if not self.resource_id:
                yield problem("resourceId", "required for PrivateEndpoint rules")
            if not self.subresource_target:
                yield problem("subresourceTarget", "required for PrivateEndpoint rules")
        else:
            if not self.service_tag:
                yield problem("serviceTag", "required for ServiceTag rules")
            if not port_ranges_ok(self.port_ranges):
                yield problem(
                    "portRanges", f"'{self.port_ranges}' is not a port list such as 443 or 80,8000-8080 (ports 1-65535)"
                )


# Package egress for environment image builds (`managed.packageEgress: public`): Microsoft's
# recommended FQDN rules for Python packages (how-to-managed-network, "Scenario: Access public machine
# learning packages", include recommended-network-outbound.md): anaconda.com and *.anaconda.com ("Used
# to install default packages"), *.anaconda.org ("Used to get repo data": conda-forge is served from
# conda.anaconda.org), pypi.org ("Used to list dependencies from the default index"). The same row asks
# for *.pythonhosted.org when the index is overwritten; pip downloads the files the default index
# lists from files.pythonhosted.org too, so it is allowed here (an addition to Microsoft's table).
PACKAGE_INDEX_FQDNS = ("anaconda.com", "*.anaconda.com", "*.anaconda.org", "pypi.org", "*.pythonhosted.org")
PACKAGE_RULE_PREFIX = "pkg-"


def package_rule_name(fqdn: str) -> str:
    return PACKAGE_RULE_PREFIX + fqdn.replace("*.", "any-").replace(".", "-")


class ManagedNetworkSettings(SettingsModel):
    isolation_mode: IsolationMode = Field(
        default="AllowOnlyApprovedOutbound",
        description=(
            "`AllowOnlyApprovedOutbound`: only Azure ML's required rules and `outboundRules`; "
            "`AllowInternetOutbound`: any internet egress. Once on, the managed network cannot be turned off."
        ),
    )
    firewall_sku: Literal["Basic", "Standard"] = Field(
        default="Standard",
        description="Azure Firewall SKU Azure ML creates for FQDN rules (billed only when FQDN rules exist).",
    )
    outbound_rules: dict[RuleName, OutboundRule] = Field(
        default_factory=dict, description="User-defined outbound rules by name (FQDN, PrivateEndpoint, ServiceTag)."
    )
    package_egress: Literal["none", "public"] = Field(
        default="none",
        description=(
            "Package indexes for environment image builds and `pip`/`conda` in jobs: `public` adds Microsoft's "
            "recommended FQDN rules for PyPI and Anaconda (an Azure Firewall, billed, comes with the first FQDN "
            "rule); `none`: only curated environments, images built elsewhere, or a private feed reached through "
            "a PrivateEndpoint rule. AllowInternetOutbound reaches the indexes anyway (no rules are added)."
        ),
    )

    @cross_checks
    def _fqdn_and_service_tag_rules_need_approved_outbound(self) -> Iterator[ValueError]:
        # Microsoft: FQDN and service tag rules are only valid with allow_only_approved_outbound
        for name in self.outbound_rules:
            if name.startswith(PACKAGE_RULE_PREFIX):
                yield problem(f"outboundRules.{name}", f"'{PACKAGE_RULE_PREFIX}' names the packageEgress rules")
        if self.isolation_mode == "AllowInternetOutbound":
            for name, rule in self.outbound_rules.items():
                if rule.type in ("FQDN", "ServiceTag"):
                    yield problem(
                        f"outboundRules.{name}.type",
                        f"{rule.type} rules need isolationMode AllowOnlyApprovedOutbound "
                        "(with AllowInternetOutbound only PrivateEndpoint rules apply)",
                    )

    def package_rules(self) -> dict[str, OutboundRule]:
        """The FQDN rules `packageEgress` asks for, by name. With AllowInternetOutbound the indexes are
        reachable already, and FQDN rules are only valid with allow only approved outbound (Microsoft)."""
        if self.package_egress != "public" or self.isolation_mode != "AllowOnlyApprovedOutbound":
            return {}
        return {package_rule_name(fqdn): OutboundRule(type="FQDN", destination=fqdn) for fqdn in PACKAGE_INDEX_FQDNS}


class SubnetPrefixes(SettingsModel):
    endpoints: Cidr = Field(default="10.40.0.0/24", description="Private endpoints subnet.")
    training: Cidr = Field(default="10.40.4.0/22", description="Training compute subnet (customerVnet mode).")
    aks: Cidr = Field(default="10.40.8.0/22", description="AKS inference cluster nodes subnet.")


class VnetSettings(SettingsModel):
    existing_id: str | None = Field(
        default=None,
        description="ARM id of an existing virtual network to add the subnets to (else a new one is created).",
    )
    address_space: list[Cidr] = Field(
        default_factory=lambda: ["10.40.0.0/16"], min_length=1, description="Address space of a new VNet."
    )
    subnets: SubnetPrefixes = Field(default_factory=SubnetPrefixes, description="Subnet prefixes by purpose.")
    nat_gateway: bool = Field(
        default=True,
        description=(
            "customerVnet mode: a NAT gateway gives the training and AKS subnets outbound access (nodes have no "
            "public IP); set false when a hub firewall routes egress (then routeTableId is required)."
        ),
    )
    route_table_id: str | None = Field(
        default=None,
        description=(
            "ARM id of an existing route table (0.0.0.0/0 to your firewall) for the node subnets: training and "
            "aks in customerVnet, aks in managed mode; AKS then uses userDefinedRouting."
        ),
    )

    @cross_checks
    def _subnets_fit(self) -> Iterator[ValueError]:
        if self.existing_id is not None and not _VNET_ID.match(self.existing_id):
            yield problem(
                "existingId",
                "must be /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/virtualNetworks/<name>",
            )
        if self.route_table_id is not None and not _ROUTE_TABLE_ID.match(self.route_table_id):
            yield problem(
                "routeTableId",
                "must be /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/routeTables/<name>",
            )
        prefixes = {purpose: ipaddress.IPv4Network(cidr) for purpose, cidr in self.subnets.model_dump().items()}
        spaces = [ipaddress.IPv4Network(space) for space in self.address_space]
        seen: dict[str, ipaddress.IPv4Network] = {}
        for purpose, network in prefixes.items():
            for other, taken in seen.items():
                if network.overlaps(taken):
                    yield problem(f"subnets.{purpose}", f"overlaps subnets.{other} ({taken})")
            seen[purpose] = network
            if self.existing_id is None and not any(network.subnet_of(space) for space in spaces):
                yield problem(f"subnets.{purpose}", f"{network} is outside addressSpace {self.address_space}")

    @property
    def existing(self) -> tuple[str, str] | None:
        """(resource group, name) of an existing VNet."""
        if self.existing_id is None:
            return None
        match = _VNET_ID.match(self.existing_id)
        assert match is not None  # checked by the validator
        return match["rg"], match["name"]


def check_zone_ids(zone_ids: dict[str, str]) -> Iterator[ValueError]:
    """Existing private DNS zones (zone name -> ARM id) of the zones this platform uses."""
    for zone in zone_ids:
        if zone not in KNOWN_ZONES:
            yield problem(f"privateDnsZoneIds.{zone}", f"unknown zone; expected one of {sorted(KNOWN_ZONES)}")
    for zone, zone_id in zone_ids.items():
        if not re.match(_ARM_ID, zone_id) or "/privateDnsZones/" not in zone_id:
            yield problem(f"privateDnsZoneIds.{zone}", "must be the ARM id of a Microsoft.Network/privateDnsZones")


def _check_egress(settings: NetworkSettings) -> Iterator[ValueError]:
    """One egress per node subnet, and always one in customerVnet."""
    vnet = settings.vnet
    if vnet.route_table_id is not None and not settings.uses_vnet:
        yield problem("vnet.routeTableId", "needs a VNet: mode customerVnet, or managed with privateEndpoints")
    if settings.mode != "customerVnet":
        return
    if not vnet.nat_gateway and vnet.route_table_id is None:
        yield problem(
            "vnet.routeTableId",
            "required when vnet.natGateway is false: without it the training and aks subnets have no outbound "
            "path (nodes have no public IP, default outbound access is off)",
        )
    if vnet.nat_gateway and vnet.route_table_id is not None:
        yield problem(
            "vnet.natGateway",
            "set natGateway: false when routeTableId routes the node subnets through your firewall "
            "(one egress per subnet)",
        )


@dataclass(frozen=True)
class NetworkAccess:
    """Public network access of the workspace and of its key vault, storage and registry."""

    workspace: Literal["Enabled", "Disabled"]
    resources: Literal["Enabled", "Disabled"]
    # admins' public addresses through the resources' firewalls (each firewall then denies the rest)
    ip_ranges: tuple[str, ...] = ()


OPEN = NetworkAccess(workspace="Enabled", resources="Enabled")

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    # cheap and open: no managed network (no managed private endpoints billed), no VNet
    "dev": {"mode": "none", "privateEndpoints": False},
    # the policy pack holds staging to prod's network rules (ML-01/02, ST-04, KV-04, CR-02, STK-07)
    # Both reach the package indexes through approved FQDN rules (how-to-managed-network, "Scenario:
    # Access public machine learning packages"): a deployment's conda environment is built in the
    # workspace it deploys to, and a job promoted from staging keeps the egress it had there.
    "staging": {
        "mode": "managed",
        "privateEndpoints": True,
        "managed": {"isolationMode": "AllowOnlyApprovedOutbound", "packageEgress": "public"},
    },
    # approved outbound only, private endpoints (and DNS) for every inbound path
    "prod": {
        "mode": "managed",
        "privateEndpoints": True,
        "managed": {"isolationMode": "AllowOnlyApprovedOutbound", "packageEgress": "public"},
    },
}


class NetworkSettings(SettingsModel):
    mode: Mode = Field(
        description=(
            "`none`: public endpoints; `managed`: the workspace's managed virtual network isolates compute; "
            "`customerVnet`: compute in your VNet's subnets, private endpoints for everything."
        )
    )
    private_endpoints: bool = Field(
        description=(
            "Private endpoints (with private DNS) for the workspace, key vault, storage, registry and data lakes "
            "in the VNet's endpoints subnet; then public network access is disabled. Always true in customerVnet."
        )
    )
    allowed_ip_ranges: list[PublicRange] = Field(
        default_factory=list,
        description=(
            "Public IPv4 addresses/CIDRs admins may use to reach storage, key vault and registry "
            "(firewall default Deny). The workspace has no IP allow-list in this API version."
        ),
    )
    managed: ManagedNetworkSettings = Field(
        default_factory=ManagedNetworkSettings, description="Managed virtual network (mode `managed`)."
    )
    vnet: VnetSettings = Field(
        default_factory=VnetSettings,
        description="Customer VNet (mode `customerVnet`, or `managed` + privateEndpoints).",
    )
    private_dns_zone_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Existing private DNS zones to use instead of creating them (zone name -> ARM id), e.g. a hub's.",
    )
    image_build_compute: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z][A-Za-z0-9-]{2,23}$",
        description=(
            f"CPU compute cluster of `compute.clusters` that builds environment images. Used whenever storage or the "
            f"registry is not publicly reachable (private endpoints, an IP allow-list, customerVnet, or a managed "
            f"network with AllowOnlyApprovedOutbound), and then `{REQUIRED_CLUSTER}` when unset."
        ),
    )

    @cross_checks
    def _consistent(self) -> Iterator[ValueError]:
        if self.mode == "customerVnet" and not self.private_endpoints:
            yield problem("privateEndpoints", "customerVnet mode reaches every service through private endpoints")
        if self.mode == "none" and self.private_endpoints:
            yield problem("privateEndpoints", "needs a VNet: set mode to managed or customerVnet")
        if self.mode == "none" and self.allowed_ip_ranges:
            yield problem(
                "allowedIpRanges",
                "needs mode managed or customerVnet (compute outside a VNet would be locked out of storage)",
            )
        if self.mode != "managed" and self.managed.outbound_rules:
            yield problem("managed.outboundRules", "apply only in mode managed")
        yield from check_zone_ids(self.private_dns_zone_ids)
        yield from _check_egress(self)

    @property
    def image_builds_need_compute(self) -> bool:
        """Whether the workspace must build images on a cluster. Microsoft (how-to-secure-workspace-vnet):
        the serverless default "works only when the workspace-dependent resources such as Storage Account
        or Container Registry aren't under any network restriction (private endpoints). If you restrict
        network access to your workspace-dependent resources, use an image-build-compute instead." A
        managed network with allow only approved outbound reaches them privately whatever their public
        access (how-to-managed-network: "flagged as private [...] a private endpoint is used")."""
        access = self.access
        restricted = access.resources == "Disabled" or bool(access.ip_ranges) or self.mode == "customerVnet"
        approved_only = self.mode == "managed" and self.managed.isolation_mode == "AllowOnlyApprovedOutbound"
        return restricted or approved_only

    @property
    def image_build_compute_name(self) -> str | None:
        """The workspace's imageBuildCompute: the one set, else cpu-cluster where a cluster must build."""
        if self.image_build_compute:
            return self.image_build_compute
        return REQUIRED_CLUSTER if self.image_builds_need_compute else None

    @property
    def node_egress(self) -> NodeEgress:
        """The one decision on how nodes reach the internet (they have no public IP, and new subnets
        get no default outbound access). Microsoft (how-to-access-azureml-behind-firewall, "Basic
        configuration"): compute without a public IP needs a NAT gateway, or a user-defined route
        to a firewall. Without a subnet of ours, or in managed mode without a route table, AKS's
        own load balancer gives the cluster its outbound IP."""
        if self.uses_vnet and self.vnet.route_table_id is not None:
            return "routeTable"
        if self.mode == "customerVnet" and self.vnet.nat_gateway:
            return "natGateway"
        return "loadBalancer"

    @property
    def uses_vnet(self) -> bool:
        return self.mode == "customerVnet" or self.private_endpoints

    def subnet_purposes(self, *, aks: bool) -> tuple[SubnetPurpose, ...]:
        """The subnets the stack's VNet gets. Training compute lives in the managed network in managed
        mode (policy ML-09's exception); the `aks` subnet only where the stack has the AKS inference
        cluster (`aks`: compute.inference.enabled), so a stack without it holds no idle address range."""
        if not self.uses_vnet:
            return ()
        purposes: tuple[SubnetPurpose, ...] = (
            ("endpoints", "training") if self.mode == "customerVnet" else ("endpoints",)
        )
        return (*purposes, "aks") if aks else purposes

    @property
    def access(self) -> NetworkAccess:
        """The one place that decides public network access.

        Reachable privately (private endpoints): the workspace is closed, and so are its key vault,
        storage and registry unless admins' IP ranges are allowed through their firewalls. Managed
        network without private endpoints: managed compute reaches the associated resources
        through Azure ML's own managed private endpoints, users need the public endpoints (their
        firewalls close to the allow-list when one is given). No isolation: everything public.
        """
        ips = tuple(self.allowed_ip_ranges)
        if self.private_endpoints:
            if ips:
                return NetworkAccess("Disabled", "Enabled", ips)
            return NetworkAccess("Disabled", "Disabled")
        if self.mode == "managed" and ips:
            return NetworkAccess("Enabled", "Enabled", ips)
        return OPEN
