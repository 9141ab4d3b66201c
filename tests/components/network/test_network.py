"""Network isolation as planned: dev open, prod behind the managed network and private endpoints,
the customer-VNet mode, existing VNets and DNS zones, outbound rules and the admin IP allow-list."""

from __future__ import annotations

import re
from typing import Any

import pytest

from components.settings.network import PRIVATE_DNS_ZONES
from components.settings.tiers import deep_merge
from tests.azure_roles import ROLE_GUIDS
from tests.planning import AKS_ADMINS, SCORING_TLS, Resources, config_for, plan
from tools.plan.engine import run_program
from tools.plan.stackfile import ROOT, StackConfig

HUB = "/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups"
EXISTING_VNET = f"{HUB}/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub"
HUB_ZONE = f"{HUB}/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.blob.core.windows.net"


@pytest.fixture(scope="module")
def customer_vnet() -> Resources:
    return Resources(plan("prod", {"network": {"mode": "customerVnet"}}))


def associated(res: Resources) -> dict[str, dict[str, Any]]:
    return {
        "workspace": res.one("machinelearningservices:Workspace"),
        "keyvault": res.one("keyvault:Vault"),
        "storage": res.named("mlp-workspace-storage"),
        "registry": res.one("containerregistry:Registry"),
    }


def endpoints_by_target(res: Resources) -> dict[tuple[str, str], dict[str, Any]]:
    """(private link resource id, group id) -> private endpoint record."""
    found = {}
    for pe in res.of_type("network:PrivateEndpoint"):
        (conn,) = pe["inputs"]["privateLinkServiceConnections"]
        (group,) = conn["groupIds"]
        found[(conn["privateLinkServiceId"], group)] = pe
    return found


def test_dev_stays_open_and_cheap(stack_plans: dict[str, Resources]) -> None:
    dev = stack_plans["dev"]
    for type_suffix in (
        "network:VirtualNetwork",
        "network:Subnet",
        "network:PrivateEndpoint",
        "privatedns:PrivateZone",
        "network:NatGateway",
        "authorization:ManagementLockAtResourceGroupLevel",
        "authorization:ManagementLockByScope",
        "keyvault:Key",
    ):
        assert dev.of_type(type_suffix) == [], type_suffix
    # no customer-key identity: the user-assigned identities are the workspace's and compute's
    assert sorted(r["name"] for r in dev.of_type("managedidentity:UserAssignedIdentity")) == [
        "mlp-compute-identity",
        "mlp-workspace-identity",
    ]
    ws = dev.one("machinelearningservices:Workspace")["inputs"]
    assert ws["publicNetworkAccess"] == "Enabled"
    assert "managedNetwork" not in ws
    assert "encryption" not in ws
    assert dev.named("mlp-workspace-storage")["inputs"]["networkRuleSet"]["defaultAction"] == "Allow"
    assert dev.one("keyvault:Vault")["inputs"]["properties"]["networkAcls"]["defaultAction"] == "Allow"


OPEN_MANAGED = {"network": {"privateEndpoints": False, "managed": {"isolationMode": "AllowInternetOutbound"}}}


def test_managed_network_with_internet_egress_needs_no_firewall_and_stays_reachable() -> None:
    res = Resources(plan("staging", OPEN_MANAGED))
    managed = res.one("machinelearningservices:Workspace")["inputs"]["managedNetwork"]
    assert managed["isolationMode"] == "AllowInternetOutbound"
    assert "firewallSku" not in managed  # no FQDN rules possible, no firewall
    assert res.one("machinelearningservices:Workspace")["inputs"]["publicNetworkAccess"] == "Enabled"
    assert res.of_type("network:VirtualNetwork") == []


def test_staging_is_isolated_like_prod_with_its_key_without_locks(stack_plans: dict[str, Resources]) -> None:
    staging = stack_plans["staging"]
    ws = staging.one("machinelearningservices:Workspace")["inputs"]
    assert ws["managedNetwork"]["isolationMode"] == "AllowOnlyApprovedOutbound"
    assert ws["publicNetworkAccess"] == "Disabled"
    ids = {name: record["outputs"]["id"] for name, record in associated(staging).items()}
    assert {
        (ids["workspace"], "amlworkspace"),
        (ids["keyvault"], "vault"),
        (ids["storage"], "blob"),
        (ids["storage"], "file"),
        (ids["registry"], "registry"),
    } <= set(endpoints_by_target(staging))
    assert len(staging.of_type("keyvault:Key")) == 1  # the staging tier's customer-managed key
    assert staging.of_type("authorization:ManagementLockAtResourceGroupLevel") == []


def test_prod_is_managed_network_approved_outbound_and_closed(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    found = associated(prod)
    ws = found["workspace"]["inputs"]
    managed = ws["managedNetwork"]
    assert (managed["isolationMode"], managed["firewallSku"]) == ("AllowOnlyApprovedOutbound", "Standard")
    assert "outboundRules" not in managed  # only Azure ML's required rules unless settings add some
    assert ws["publicNetworkAccess"] == "Disabled"
    assert ws["allowPublicAccessWhenBehindVnet"] is False
    assert found["storage"]["inputs"]["publicNetworkAccess"] == "Disabled"
    assert found["storage"]["inputs"]["networkRuleSet"]["defaultAction"] == "Deny"
    vault = found["keyvault"]["inputs"]["properties"]
    assert (vault["publicNetworkAccess"], vault["networkAcls"]["defaultAction"]) == ("Disabled", "Deny")
    assert found["registry"]["inputs"]["publicNetworkAccess"] == "Disabled"
    # training compute lives in the managed network: only the endpoints and AKS subnets exist
    subnets = {s["inputs"]["subnetName"] for s in prod.of_type("network:Subnet")}
    assert subnets == {"snet-endpoints-mlp-prod", "snet-aks-mlp-prod"}


@pytest.mark.parametrize("which", ["prod", "customerVnet"])
def test_every_associated_resource_has_its_private_endpoints_and_dns(
    which: str, stack_plans: dict[str, Resources], customer_vnet: Resources
) -> None:
    res = stack_plans["prod"] if which == "prod" else customer_vnet
    ids = {name: record["outputs"]["id"] for name, record in associated(res).items()}
    lake = res.named("mlp-data-account-lake")["outputs"]["id"]  # the prod stack's ADLS Gen2 lake
    endpoints = endpoints_by_target(res)
    expected = {
        (ids["workspace"], "amlworkspace"),
        (ids["keyvault"], "vault"),
        (ids["storage"], "blob"),
        (ids["storage"], "file"),
        (ids["registry"], "registry"),
        # data lakes join through the PrivateLinkTarget hook
        (lake, "blob"),
        (lake, "file"),
        (lake, "dfs"),
    }
    assert set(endpoints) == expected
    endpoints_subnet = next(s for s in res.of_type("network:Subnet") if "endpoints" in s["name"])
    zones = {z["inputs"]["privateZoneName"]: z["outputs"]["id"] for z in res.of_type("privatedns:PrivateZone")}
    assert set(zones) == {
        "privatelink.api.azureml.ms",
        "privatelink.notebooks.azure.net",
        "privatelink.vaultcore.azure.net",
        "privatelink.blob.core.windows.net",
        "privatelink.file.core.windows.net",
        "privatelink.dfs.core.windows.net",
        "privatelink.azurecr.io",
    }
    groups = {g["inputs"]["privateEndpointName"]: g for g in res.of_type("network:PrivateDnsZoneGroup")}
    for (_, group), pe in endpoints.items():
        assert pe["inputs"]["subnet"]["id"] == endpoints_subnet["outputs"]["id"]
        zone_ids = {c["privateDnsZoneId"] for c in groups[pe["outputs"]["name"]]["inputs"]["privateDnsZoneConfigs"]}
        assert zone_ids == {zones[zone] for zone in PRIVATE_DNS_ZONES[group]}
    vnet_id = res.one("network:VirtualNetwork")["outputs"]["id"]
    links = res.of_type("privatedns:VirtualNetworkLink")
    assert sorted(link["inputs"]["privateZoneName"] for link in links) == sorted(zones)
    assert all(link["inputs"]["virtualNetwork"]["id"] == vnet_id for link in links)
    assert all(link["inputs"]["registrationEnabled"] is False for link in links)


def test_customer_vnet_puts_compute_in_subnets_behind_a_nat_gateway(customer_vnet: Resources) -> None:
    ws = customer_vnet.one("machinelearningservices:Workspace")["inputs"]
    assert "managedNetwork" not in ws
    assert ws["publicNetworkAccess"] == "Disabled"
    assert ws["imageBuildCompute"] == "cpu-cluster"  # the registry is private: a CPU cluster builds images
    subnets = {s["inputs"]["subnetName"]: s for s in customer_vnet.of_type("network:Subnet")}
    assert set(subnets) == {"snet-endpoints-mlp-prod", "snet-training-mlp-prod", "snet-aks-mlp-prod"}
    assert ws["serverlessComputeSettings"] == {
        "serverlessComputeCustomSubnet": subnets["snet-training-mlp-prod"]["outputs"]["id"],
        "serverlessComputeNoPublicIP": True,
    }
    nat_id = customer_vnet.one("network:NatGateway")["outputs"]["id"]
    assert subnets["snet-training-mlp-prod"]["inputs"]["natGateway"]["id"] == nat_id
    assert subnets["snet-aks-mlp-prod"]["inputs"]["natGateway"]["id"] == nat_id
    assert "natGateway" not in subnets["snet-endpoints-mlp-prod"]["inputs"]
    nsgs = {n["outputs"]["id"] for n in customer_vnet.of_type("network:NetworkSecurityGroup")}
    assert {s["inputs"]["networkSecurityGroup"]["id"] for s in subnets.values()} == nsgs
    assert all(s["inputs"]["defaultOutboundAccess"] is False for s in subnets.values())
    assert {s["inputs"]["addressPrefix"] for s in subnets.values()} == {"10.40.0.0/24", "10.40.4.0/22", "10.40.8.0/22"}


def test_subnets_of_one_vnet_are_created_one_after_another(customer_vnet: Resources) -> None:
    subnets = customer_vnet.of_type("network:Subnet")
    urns = {s["urn"] for s in subnets}
    waits = sorted(len(urns & set(s["dependencies"])) for s in subnets)
    assert waits == [0, 1, 1]  # a chain: each subnet after the previous one


def test_an_existing_vnet_gets_the_subnets_and_the_dns_links() -> None:
    res = Resources(plan("prod", {"network": {"vnet": {"existingId": EXISTING_VNET}}}))
    assert res.of_type("network:VirtualNetwork") == []
    for subnet in res.of_type("network:Subnet"):
        assert (subnet["inputs"]["resourceGroupName"], subnet["inputs"]["virtualNetworkName"]) == ("rg-hub", "vnet-hub")
    assert {link["inputs"]["virtualNetwork"]["id"] for link in res.of_type("privatedns:VirtualNetworkLink")} == {
        EXISTING_VNET
    }


def test_existing_private_dns_zones_are_used_instead_of_created() -> None:
    res = Resources(plan("prod", {"network": {"privateDnsZoneIds": {"privatelink.blob.core.windows.net": HUB_ZONE}}}))
    names = {z["inputs"]["privateZoneName"] for z in res.of_type("privatedns:PrivateZone")}
    assert "privatelink.blob.core.windows.net" not in names
    assert {"privatelink.file.core.windows.net", "privatelink.api.azureml.ms"} <= names
    storage_id = res.named("mlp-workspace-storage")["outputs"]["id"]
    blob_pe = endpoints_by_target(res)[(storage_id, "blob")]
    group = next(
        g
        for g in res.of_type("network:PrivateDnsZoneGroup")
        if g["inputs"]["privateEndpointName"] == blob_pe["outputs"]["name"]
    )
    assert [c["privateDnsZoneId"] for c in group["inputs"]["privateDnsZoneConfigs"]] == [HUB_ZONE]


def test_outbound_rules_from_settings_are_chained_child_rules_not_inline() -> None:
    lake = f"{HUB}/rg-data/providers/Microsoft.Storage/storageAccounts/stlake"
    rules = {
        "pypi": {"type": "FQDN", "destination": "pypi.org"},
        "lake": {"type": "PrivateEndpoint", "resourceId": lake, "subresourceTarget": "dfs", "sparkEnabled": True},
        "frontdoor": {"type": "ServiceTag", "serviceTag": "AzureFrontDoor.FrontEnd", "portRanges": "443,8443"},
    }
    res = Resources(plan("prod", {"network": {"managed": {"firewallSku": "Basic", "outboundRules": rules}}}))
    managed = res.one("machinelearningservices:Workspace")["inputs"]["managedNetwork"]
    assert managed["firewallSku"] == "Basic"
    # one owner of the rule list: an inline map next to child rules would overwrite them
    assert "outboundRules" not in managed
    children = res.of_type("ManagedNetworkSettingsRule")
    by_name = {r["inputs"]["ruleName"]: r for r in children}
    assert {name: by_name[name]["inputs"]["properties"] for name in rules} == {
        "frontdoor": {
            "type": "ServiceTag",
            "category": "UserDefined",
            "destination": {
                "serviceTag": "AzureFrontDoor.FrontEnd",
                "protocol": "TCP",
                "portRanges": "443,8443",
                "action": "Allow",
            },
        },
        "lake": {
            "type": "PrivateEndpoint",
            "category": "UserDefined",
            "destination": {"serviceResourceId": lake, "subresourceTarget": "dfs", "sparkEnabled": True},
        },
        "pypi": {"type": "FQDN", "category": "UserDefined", "destination": "pypi.org"},
    }
    # the settings' rules and the stack's data-lake rules, written one at a time (azapi#453):
    # every rule but the first waits for exactly one other rule, and they form a single chain
    assert set(by_name) >= {*rules, "lake-lake-blob", "lake-lake-dfs"}
    urns = {r["urn"] for r in children}
    waits_for = {r["urn"]: [d for d in r["dependencies"] if d in urns] for r in children}
    assert sorted(len(deps) for deps in waits_for.values()) == [0] + [1] * (len(children) - 1)
    assert len({deps[0] for deps in waits_for.values() if deps}) == len(children) - 1


def test_managed_network_is_provisioned_with_the_workspace(stack_plans: dict[str, Resources]) -> None:
    for stack in ("staging", "prod"):
        assert stack_plans[stack].one("machinelearningservices:Workspace")["inputs"]["provisionNetworkNow"] is True
    assert "provisionNetworkNow" not in stack_plans["dev"].one("machinelearningservices:Workspace")["inputs"]


def test_admin_ip_ranges_open_the_firewalls_but_not_the_workspace() -> None:
    res = Resources(plan("prod", {"network": {"allowedIpRanges": ["20.50.12.0/24", "52.174.10.7/32"]}}))
    found = associated(res)
    assert found["workspace"]["inputs"]["publicNetworkAccess"] == "Disabled"
    sa = found["storage"]["inputs"]
    assert sa["publicNetworkAccess"] == "Enabled"
    assert sa["networkRuleSet"]["defaultAction"] == "Deny"
    assert sa["networkRuleSet"]["bypass"] == "AzureServices"
    # storage rejects "/32": a single address is written bare
    assert [r["iPAddressOrRange"] for r in sa["networkRuleSet"]["ipRules"]] == ["20.50.12.0/24", "52.174.10.7"]
    acls = found["keyvault"]["inputs"]["properties"]["networkAcls"]
    assert acls["defaultAction"] == "Deny"
    assert [r["value"] for r in acls["ipRules"]] == ["20.50.12.0/24", "52.174.10.7"]
    acr = found["registry"]["inputs"]
    assert acr["networkRuleSet"]["defaultAction"] == "Deny"
    assert [r["iPAddressOrRange"] for r in acr["networkRuleSet"]["ipRules"]] == ["20.50.12.0/24", "52.174.10.7"]


def test_an_allow_list_without_private_endpoints_keeps_firewalls_closed_to_everyone_else() -> None:
    overrides = {"network": {**OPEN_MANAGED["network"], "allowedIpRanges": ["20.50.12.0/24"]}}
    res = Resources(plan("staging", overrides))
    assert res.one("machinelearningservices:Workspace")["inputs"]["publicNetworkAccess"] == "Enabled"
    rules = res.named("mlp-workspace-storage")["inputs"]["networkRuleSet"]
    assert (rules["defaultAction"], rules["ipRules"][0]["iPAddressOrRange"]) == ("Deny", "20.50.12.0/24")


SHARED_PROD = (
    "/subscriptions/9a9a9a9a-0000-4000-8000-000000000901/resourceGroups/rg-data-shared-prod"
    "/providers/Microsoft.Storage/storageAccounts/stsharedrefprod"
)


def outbound_rules(res: Resources) -> dict[str, dict[str, Any]]:
    return {r["inputs"]["ruleName"]: r for r in res.of_type("machinelearningservices:ManagedNetworkSettingsRule")}


def approvals_on(res: Resources, scope: str) -> list[dict[str, Any]]:
    approver = ROLE_GUIDS["Azure AI Enterprise Network Connection Approver"]
    return [
        a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["scope"] == scope and a["inputs"]["roleDefinitionId"].endswith(approver)
    ]


def test_an_existing_account_a_datastore_reads_gets_its_outbound_rule_in_the_chain(
    stack_plans: dict[str, Resources],
) -> None:
    """Microsoft (how-to-managed-network, Limitations): with allow only approved outbound "you can't use
    an FQDN rule to access Azure Storage Accounts. You must use a private endpoint instead"; only the
    workspace's own resources get theirs automatically."""
    prod = stack_plans["prod"]
    rules = outbound_rules(prod)
    shared = rules["account-shared-blob"]  # prod's `reference` datastore is a blob container there
    destination = shared["inputs"]["properties"]["destination"]
    assert destination == {"serviceResourceId": SHARED_PROD, "subresourceTarget": "blob", "sparkEnabled": False}
    assert shared["inputs"]["properties"]["category"] == "UserDefined"
    # one chain: every rule but the first waits for exactly one other rule
    urns = {r["urn"] for r in rules.values()}
    waits = [len(set(r["dependencies"]) & urns) for r in rules.values()]
    assert sorted(waits) == [0] + [1] * (len(rules) - 1)
    # the account is not the stack's: its owner approves (the default), no client-VNet endpoint into it
    assert approvals_on(prod, SHARED_PROD) == []
    targets = [
        pe["inputs"]["privateLinkServiceConnections"][0]["privateLinkServiceId"]
        for pe in prod.of_type("network:PrivateEndpoint")
    ]
    assert SHARED_PROD not in targets


def test_the_stack_may_approve_an_existing_accounts_endpoints_before_its_rules() -> None:
    overrides = {"data": {"accounts": {"shared": {"endpointApproval": "grant"}}}}
    res = Resources(plan("prod", overrides))
    (approval,) = approvals_on(res, SHARED_PROD)
    assert approval["inputs"]["principalId"] == res.named("mlp-workspace-identity")["outputs"]["principalId"]
    assert approval["inputs"]["principalType"] == "ServicePrincipal"
    rules = outbound_rules(res)
    urns = {r["urn"] for r in rules.values()}
    head = next(r for r in rules.values() if not set(r["dependencies"]) & urns)
    assert approval["urn"] in head["dependencies"]


def test_adls_and_file_datastores_on_an_existing_account_get_their_groups() -> None:
    """ADLS Gen2 needs blob beside dfs (azure-docs storage-private-endpoints: "operations that target the
    Data Lake Storage Gen2 endpoint might be redirected to the Blob endpoint")."""
    overrides = {
        "data": {
            "datastores": {
                "refdfs": {"kind": "adlsGen2", "account": "shared", "container": "gold"},
                "team": {
                    "kind": "fileShare",
                    "account": "shared",
                    "container": "team",
                    "credential": {"secret": "teamSas"},
                },
            }
        }
    }
    config = config_for("prod", overrides)
    values = {**config.values, "ml-platform:teamSas": "sv=2024&sig=fake"}
    secret_keys = (*config.secret_keys, "ml-platform:teamSas")
    res = Resources(run_program(StackConfig(config.project, config.stack, values, secret_keys)))
    shared = {name for name in outbound_rules(res) if name.startswith("account-shared-")}
    assert shared == {"account-shared-blob", "account-shared-dfs", "account-shared-file"}


def test_no_rules_for_existing_accounts_outside_a_managed_network(stack_plans: dict[str, Resources]) -> None:
    overrides = {
        "data": {
            "accounts": {"shared": {"existingId": SHARED_PROD}},
            "datastores": {"reference": {"kind": "blob", "account": "shared", "container": "reference"}},
        }
    }
    res = Resources(plan("dev", overrides))
    assert outbound_rules(res) == {}
    assert stack_plans["dev"].of_type("machinelearningservices:ManagedNetworkSettingsRule") == []


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_the_workspace_identity_reads_every_storage_endpoint_of_the_client_vnet(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    """Studio with private storage: Microsoft (how-to-managed-network, "Azure Machine Learning studio")
    asks for Reader for the workspace managed identity on the client VNet's blob and file private
    endpoints; how-to-enable-studio-virtual-network adds dfs and every account studio browses."""
    res = stack_plans[stack]
    principal = res.named("mlp-workspace-identity")["outputs"]["principalId"]
    storage_endpoints = {
        pe["outputs"]["id"]: pe
        for pe in res.of_type("network:PrivateEndpoint")
        if pe["inputs"]["privateLinkServiceConnections"][0]["groupIds"][0] in {"blob", "file", "dfs"}
    }
    groups = {pe["inputs"]["privateLinkServiceConnections"][0]["groupIds"][0] for pe in storage_endpoints.values()}
    assert groups == {"blob", "file", "dfs"}  # the default storage's blob and file, the lake's dfs too
    readers = {
        a["inputs"]["scope"]: a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["principalId"] == principal
        and a["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS["Reader"])
        and "/privateEndpoints/" in a["inputs"]["scope"]  # prod's identity also reads the AKS cluster (attach)
    }
    assert set(readers) == set(storage_endpoints)
    for scope, grant in readers.items():
        assert grant["inputs"]["principalType"] == "ServicePrincipal"
        assert storage_endpoints[scope]["urn"] in grant["dependencies"]  # the endpoint exists first


def test_the_network_page_counts_the_private_dns_zones_prod_creates(stack_plans: dict[str, Resources]) -> None:
    """The diagrams of docs/network.md name the number of zones: the plan's, not a remembered one."""
    text = (ROOT / "docs" / "network.md").read_text()
    counts = {int(n) for n in re.findall(r"(\d+) private DNS zones", text)}
    for stack in ("staging", "prod"):
        zones = {z["inputs"]["privateZoneName"] for z in stack_plans[stack].of_type("privatedns:PrivateZone")}
        assert counts == {len(zones)}, stack


def test_the_network_page_says_dev_creates_its_registry(stack_plans: dict[str, Resources]) -> None:
    text = (ROOT / "docs" / "network.md").read_text()
    assert stack_plans["dev"].one("containerregistry:Registry")["inputs"]["sku"] == {"name": "Basic"}
    assert "on demand" not in text


def _subnet_names(res: Resources) -> set[str]:
    return {s["inputs"]["subnetName"] for s in res.of_type("network:Subnet")}


def test_a_stack_without_the_inference_cluster_gets_no_aks_subnet(stack_plans: dict[str, Resources]) -> None:
    """Staging has a VNet (private endpoints) but no AKS: only the endpoints subnet, and no NSG for an
    aks subnet. The same stack with inference on gets the subnet and puts the cluster's nodes in it."""
    staging = stack_plans["staging"]
    assert not staging.of_type("containerservice:ManagedCluster")
    assert _subnet_names(staging) == {"snet-endpoints-mlp-staging"}
    assert {n["inputs"]["networkSecurityGroupName"] for n in staging.of_type("network:NetworkSecurityGroup")} == {
        "nsg-endpoints-mlp-staging"
    }
    inference_on = deep_merge(AKS_ADMINS, {"compute": {"inference": {"enabled": True}}})
    with_aks = Resources(plan("staging", inference_on, secrets=SCORING_TLS))
    assert _subnet_names(with_aks) == {"snet-endpoints-mlp-staging", "snet-aks-mlp-staging"}
    subnet_id = with_aks.named("mlp-network-snet-aks")["outputs"]["id"]
    pools = with_aks.one("containerservice:ManagedCluster")["inputs"]["agentPoolProfiles"]
    assert {p["vnetSubnetID"] for p in pools} == {subnet_id}


def test_prod_without_inference_drops_the_aks_subnet_in_both_vnet_modes() -> None:
    off = {"compute": {"inference": {"enabled": False}}}
    assert _subnet_names(Resources(plan("prod", off))) == {"snet-endpoints-mlp-prod"}
    customer = Resources(plan("prod", deep_merge(off, {"network": {"mode": "customerVnet"}})))
    assert _subnet_names(customer) == {"snet-endpoints-mlp-prod", "snet-training-mlp-prod"}
