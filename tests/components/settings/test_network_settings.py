"""Every network, encryption, diagnostics and locks setting is validated, naming its full config key,
and public network access is derived in one place from the network settings."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings import validate_settings
from components.settings.network import NetworkAccess, NetworkSettings
from components.settings.tiers import deep_merge
from tests.planning import rejected_keys, stack_values

HUB = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups"
EXISTING_VNET = f"{HUB}/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"
COSMOS = "c05d0000-0000-4000-8000-0000000000aa"  # a stand-in object id of the Cosmos DB app
LAKE = f"{HUB}/rg-data/providers/Microsoft.Storage/storageAccounts/stlake"
ROUTE_TABLE = f"{HUB}/rg-hub/providers/Microsoft.Network/routeTables/rt-to-firewall"
CUSTOMER_VNET_BEHIND_FIREWALL = {"mode": "customerVnet", "vnet": {"natGateway": False, "routeTableId": ROUTE_TABLE}}


def rule(**fields: Any) -> dict[str, Any]:
    return {"network": {"managed": {"outboundRules": {"r1": fields}}}}


@pytest.mark.parametrize(
    ("stack", "overrides", "key"),
    [
        # CIDRs
        ("prod", {"network": {"vnet": {"addressSpace": ["10.40.0.0/33"]}}}, "network.vnet.addressSpace[0]"),
        ("prod", {"network": {"vnet": {"addressSpace": ["10.40.0.1/16"]}}}, "network.vnet.addressSpace[0]"),
        ("prod", {"network": {"vnet": {"addressSpace": ["10.40.0.0"]}}}, "network.vnet.addressSpace[0]"),
        ("prod", {"network": {"vnet": {"subnets": {"training": "not-a-cidr"}}}}, "network.vnet.subnets.training"),
        ("prod", {"network": {"vnet": {"subnets": {"aks": "10.40.4.0/23"}}}}, "network.vnet.subnets.aks"),
        ("prod", {"network": {"vnet": {"subnets": {"aks": "10.99.0.0/22"}}}}, "network.vnet.subnets.aks"),
        ("prod", {"network": {"vnet": {"existingId": "/subscriptions/x/vnet"}}}, "network.vnet.existingId"),
        # egress: exactly one path out of the node subnets, a route table by its ARM id
        ("prod", {"network": {"vnet": {"routeTableId": LAKE}}}, "network.vnet.routeTableId"),
        ("prod", {"network": {"vnet": {"routeTableId": "rt-to-firewall"}}}, "network.vnet.routeTableId"),
        ("prod", {"network": {"mode": "customerVnet", "vnet": {"natGateway": False}}}, "network.vnet.routeTableId"),
        (
            "prod",
            {"network": {"mode": "customerVnet", "vnet": {"routeTableId": ROUTE_TABLE}}},
            "network.vnet.natGateway",
        ),
        ("dev", {"network": {"vnet": {"routeTableId": ROUTE_TABLE}}}, "network.vnet.routeTableId"),
        (
            "prod",
            {
                "network": CUSTOMER_VNET_BEHIND_FIREWALL,
                "compute": {"inference": {"internalLoadBalancer": False, "allowInsecureConnections": False}},
            },
            "compute.inference.internalLoadBalancer",
        ),
        # admin allow-list: public IPv4 only, and only where compute sits behind a network
        ("prod", {"network": {"allowedIpRanges": ["10.1.2.0/24"]}}, "network.allowedIpRanges[0]"),
        ("prod", {"network": {"allowedIpRanges": ["20.50.12.1/24"]}}, "network.allowedIpRanges[0]"),
        ("prod", {"network": {"allowedIpRanges": ["20.50.12.0/31"]}}, "network.allowedIpRanges[0]"),
        ("prod", {"network": {"allowedIpRanges": ["2001:db8::/32"]}}, "network.allowedIpRanges[0]"),
        ("dev", {"network": {"allowedIpRanges": ["20.50.12.0/24"]}}, "network.allowedIpRanges"),
        # modes
        ("prod", {"network": {"mode": "vpn"}}, "network.mode"),
        ("prod", {"network": {"mode": "customerVnet", "privateEndpoints": False}}, "network.privateEndpoints"),
        ("dev", {"network": {"privateEndpoints": True}}, "network.privateEndpoints"),
        ("prod", {"network": {"managed": {"isolationMode": "Disabled"}}}, "network.managed.isolationMode"),
        ("prod", {"network": {"imageBuildCompute": "-bad"}}, "network.imageBuildCompute"),
        (
            "prod",
            {"network": {"managed": {"outboundRules": {"pkg-pypi": {"type": "FQDN", "destination": "pypi.org"}}}}},
            "network.managed.outboundRules.pkg-pypi",
        ),
        ("staging", {"network": {"managed": {"packageEgress": "all"}}}, "network.managed.packageEgress"),
        # the names of the data accounts' own rules are taken
        (
            "prod",
            {
                "network": {
                    "managed": {"outboundRules": {"account-shared-blob": {"type": "FQDN", "destination": "a.io"}}}
                }
            },
            "network.managed.outboundRules.account-shared-blob",
        ),
        # outbound rules: each kind needs its destination
        ("prod", rule(type="FQDN"), "network.managed.outboundRules.r1.destination"),
        ("prod", rule(type="FQDN", destination="https://pypi.org"), "network.managed.outboundRules.r1.destination"),
        ("prod", rule(type="PrivateEndpoint", subresourceTarget="dfs"), "network.managed.outboundRules.r1.resourceId"),
        ("prod", rule(type="PrivateEndpoint", resourceId=LAKE), "network.managed.outboundRules.r1.subresourceTarget"),
        ("prod", rule(type="ServiceTag"), "network.managed.outboundRules.r1.serviceTag"),
        (
            "prod",
            rule(type="ServiceTag", serviceTag="AzureFrontDoor.FrontEnd", portRanges="443;80"),
            "network.managed.outboundRules.r1.portRanges",
        ),
        ("prod", rule(type="Http", destination="pypi.org"), "network.managed.outboundRules.r1.type"),
        (
            "staging",
            {
                "network": {
                    "managed": {
                        "isolationMode": "AllowInternetOutbound",
                        **rule(type="FQDN", destination="a.io")["network"]["managed"],
                    }
                }
            },
            "network.managed.outboundRules.r1.type",
        ),
        (
            "staging",
            {
                "network": {
                    "managed": {
                        "isolationMode": "AllowInternetOutbound",
                        **rule(type="ServiceTag", serviceTag="AzureFrontDoor.FrontEnd", portRanges="443")["network"][
                            "managed"
                        ],
                    }
                }
            },
            "network.managed.outboundRules.r1.type",
        ),
        (
            "prod",
            {
                "network": {
                    "mode": "customerVnet",
                    "managed": {"outboundRules": {"r1": {"type": "FQDN", "destination": "pypi.org"}}},
                }
            },
            "network.managed.outboundRules",
        ),
        # private DNS zones brought from elsewhere
        (
            "prod",
            {"network": {"privateDnsZoneIds": {"privatelink.example.com": LAKE}}},
            "network.privateDnsZoneIds.privatelink.example.com",
        ),
        (
            "prod",
            {"network": {"privateDnsZoneIds": {"privatelink.azurecr.io": LAKE}}},
            "network.privateDnsZoneIds.privatelink.azurecr.io",
        ),
        # the registry behind private endpoints must be Premium and created by the stack
        ("prod", {"registry": {"sku": "Standard"}}, "registry.sku"),
        ("prod", {"registry": {"mode": "onDemand"}, "workspace": {"identity": "SystemAssigned"}}, "registry.mode"),
        ("staging", {"registry": {"sku": "Basic"}}, "registry.sku"),
        # customer-managed key
        (
            "dev",
            {"encryption": {"customerManagedKey": True, "cosmosDbPrincipalObjectId": COSMOS}},
            "encryption.customerManagedKey",
        ),
        # the Cosmos DB that holds the workspace's metadata needs the key: its principal is required
        ("staging", {"encryption": {"cosmosDbPrincipalObjectId": None}}, "encryption.cosmosDbPrincipalObjectId"),
        ("prod", {"encryption": {"cosmosDbPrincipalObjectId": "cosmos"}}, "encryption.cosmosDbPrincipalObjectId"),
        (
            "prod",
            {"encryption": {"cosmosDbPrincipalObjectId": "a232010e-820c-4083-83bb-3ace5fc29d0b"}},
            "encryption.cosmosDbPrincipalObjectId",
        ),
        ("prod", {"encryption": {"serviceSide": True}}, "encryption.cosmosDbPrincipalObjectId"),
        ("staging", {"encryption": {"customerManagedKey": False}}, "encryption.cosmosDbPrincipalObjectId"),
        ("prod", {"encryption": {"deployerPrincipalType": "Group"}}, "encryption.deployerPrincipalType"),
        ("prod", {"keyVault": {"sku": "standard"}}, "encryption.keyType"),
        ("prod", {"encryption": {"keySize": 1024}}, "encryption.keySize"),
        ("prod", {"encryption": {"rotateAfter": "1 year"}}, "encryption.rotateAfter"),
        ("prod", {"encryption": {"expiresAfter": "P20D", "rotateAfter": "P7D"}}, "encryption.expiresAfter"),
        ("prod", {"encryption": {"rotateAfter": "P2Y", "expiresAfter": "P2Y"}}, "encryption.rotateAfter"),
        ("prod", {"encryption": {"keyExpiresOn": "next year"}}, "encryption.keyExpiresOn"),
        # diagnostics and locks
        ("prod", {"diagnostics": {"logCategoryGroup": "everything"}}, "diagnostics.logCategoryGroup"),
        ("prod", {"locks": {"scope": "subscription"}}, "locks.scope"),
        ("prod", {"locks": {"enabled": "sometimes"}}, "locks.enabled"),
        ("prod", {"network": {"firewall": True}}, "network.firewall"),
    ],
)
def test_bad_setting_names_its_key(stack: str, overrides: dict[str, Any], key: str) -> None:
    assert rejected_keys(overrides, stack) == [f"ml-platform:{key}"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"network": {"mode": "customerVnet"}},
        {"network": CUSTOMER_VNET_BEHIND_FIREWALL},
        {"network": {"vnet": {"routeTableId": ROUTE_TABLE}}},  # managed mode: the aks subnet only
        {
            "network": CUSTOMER_VNET_BEHIND_FIREWALL,
            "compute": {"inference": {"inferenceRouterServiceType": "nodePort", "internalLoadBalancer": False}},
        },
        {"network": {"vnet": {"existingId": EXISTING_VNET, "subnets": {"endpoints": "10.9.0.0/26"}}}},
        {"network": {"allowedIpRanges": ["20.50.12.0/24", "52.174.10.7"]}},
        {
            "encryption": {"customerManagedKey": False, "cosmosDbPrincipalObjectId": None},
            "keyVault": {"sku": "standard"},
        },
        {"encryption": {"keyExpiresOn": "2028-06-30", "rotateAfter": "P90D", "expiresAfter": "P180D"}},
        {"locks": {"scope": "resources"}, "diagnostics": {"enabled": False}},
        rule(type="ServiceTag", serviceTag="AzureFrontDoor.FrontEnd", protocol="*", portRanges="*"),
    ],
)
def test_good_prod_variants_validate(overrides: dict[str, Any]) -> None:
    validate_settings(deep_merge(stack_values("prod"), overrides), "prod")


def test_staging_takes_a_software_customer_key() -> None:
    settings = validate_settings(
        deep_merge(stack_values("staging"), {"encryption": {"cosmosDbPrincipalObjectId": COSMOS}}), "staging"
    )
    assert settings.encryption.customer_managed_key
    assert settings.encryption.key_type == "RSA"


def test_tier_defaults() -> None:
    dev, staging, prod = (validate_settings(stack_values(s), s) for s in ("dev", "staging", "prod"))
    assert (dev.network.mode, staging.network.mode, prod.network.mode) == ("none", "managed", "managed")
    assert staging.network.managed.isolation_mode == "AllowOnlyApprovedOutbound"
    assert prod.network.managed.isolation_mode == "AllowOnlyApprovedOutbound"
    assert [s.network.private_endpoints for s in (dev, staging, prod)] == [False, True, True]
    assert [s.registry.sku for s in (dev, staging, prod)] == ["Basic", "Premium", "Premium"]
    assert [s.encryption.customer_managed_key for s in (dev, staging, prod)] == [False, True, True]
    assert [s.locks.enabled for s in (dev, staging, prod)] == [False, False, True]
    assert [s.diagnostics.log_category_group for s in (dev, staging, prod)] == ["audit", "allLogs", "allLogs"]
    assert (prod.key_vault.sku, prod.encryption.key_type, prod.encryption.key_size) == ("premium", "RSA-HSM", 3072)


def network(**fields: Any) -> NetworkSettings:
    return NetworkSettings.model_validate(fields)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"mode": "none", "privateEndpoints": False}, NetworkAccess("Enabled", "Enabled")),
        ({"mode": "managed", "privateEndpoints": False}, NetworkAccess("Enabled", "Enabled")),
        (
            {"mode": "managed", "privateEndpoints": False, "allowedIpRanges": ["20.50.12.0/24"]},
            NetworkAccess("Enabled", "Enabled", ("20.50.12.0/24",)),
        ),
        ({"mode": "managed", "privateEndpoints": True}, NetworkAccess("Disabled", "Disabled")),
        ({"mode": "customerVnet", "privateEndpoints": True}, NetworkAccess("Disabled", "Disabled")),
        (
            {"mode": "customerVnet", "privateEndpoints": True, "allowedIpRanges": ["52.174.10.7/32"]},
            NetworkAccess("Disabled", "Enabled", ("52.174.10.7",)),
        ),
    ],
)
def test_public_access_is_one_derived_decision(fields: dict[str, Any], expected: NetworkAccess) -> None:
    assert network(**fields).access == expected


@pytest.mark.parametrize(
    ("fields", "egress"),
    [
        ({"mode": "none", "privateEndpoints": False}, "loadBalancer"),  # no subnet: AKS makes its own network
        ({"mode": "managed", "privateEndpoints": True}, "loadBalancer"),
        ({"mode": "managed", "privateEndpoints": True, "vnet": {"routeTableId": ROUTE_TABLE}}, "routeTable"),
        ({"mode": "customerVnet", "privateEndpoints": True}, "natGateway"),
        ({"mode": "customerVnet", "privateEndpoints": True, **CUSTOMER_VNET_BEHIND_FIREWALL}, "routeTable"),
    ],
)
def test_node_egress_is_one_derived_decision(fields: dict[str, Any], egress: str) -> None:
    assert network(**fields).node_egress == egress


@pytest.mark.parametrize("aks", [True, False])
def test_subnets_follow_the_mode_and_the_aks_subnet_the_inference_cluster(aks: bool) -> None:
    with_aks: tuple[str, ...] = ("aks",) if aks else ()
    assert network(mode="none", privateEndpoints=False).subnet_purposes(aks=aks) == ()
    assert network(mode="managed", privateEndpoints=False).subnet_purposes(aks=aks) == ()
    assert network(mode="managed", privateEndpoints=True).subnet_purposes(aks=aks) == ("endpoints", *with_aks)
    assert network(mode="customerVnet", privateEndpoints=True).subnet_purposes(aks=aks) == (
        "endpoints",
        "training",
        *with_aks,
    )
