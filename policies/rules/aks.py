"""AKS rules: managed clusters and node pools (AKS-01..AKS-08)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .lib.catalog import AKS_CLUSTER, AKS_POOL, AZUREML_EXTENSION_TYPE, K8S_EXTENSION, ML_WORKSPACE
from .lib.props import MISSING, as_list, expect, fmt, key_ci, peek, read, same
from .lib.rule import (
    ADVISORY,
    MANDATORY,
    Levels,
    Param,
    Report,
    Resource,
    Stack,
    Tiers,
    boolean,
    resource_rule,
    stack_rule,
    string_list,
)


def addon(props: Mapping[str, Any], name: str) -> list[str | int]:
    """Path to an add-on's `enabled` flag (add-on keys differ in case between docs and SDKs)."""
    profiles = read(props, "addonProfiles")
    return ["addonProfiles", key_ci(profiles, name), "enabled"]


# --- AKS-01 ------------------------------------------------------------------------------


def _entra_rbac(r: Resource) -> Iterator[str]:
    yield from r.expect("aadProfile.managed", True)
    yield from r.expect("aadProfile.enableAzureRBAC", True)
    yield from r.expect("enableRBAC", True)


AKS_01 = resource_rule(
    rule_id="AKS-01",
    slug="cluster-entra-rbac",
    summary="AKS clusters use managed Entra ID integration with Azure RBAC and Kubernetes RBAC.",
    sources="CKV_AZURE_141/5, AzP 993c2fcd, 450d2877, AZU-0042",
    types=[AKS_CLUSTER],
    check=_entra_rbac,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)

# Explicit exception: the Azure ML extension (Microsoft.AzureML.Kubernetes) needs the cluster's
# local accounts, so a cluster that carries it keeps them. A resource rule cannot see the
# extension, hence this part of AKS-01 is a stack rule: the exemption is earned by an actual
# extension resource targeting the cluster, not by a self-declared tag.
AZUREML_LOCAL_ACCOUNTS_EXCEPTION = "the Azure ML extension needs local accounts on the clusters it is installed on"


def _local_accounts(stack: Stack) -> Iterator[Report]:
    attached: set[str] = set()

    def collect(extension: Resource) -> None:
        if same(extension.get("extensionType"), AZUREML_EXTENSION_TYPE):
            attached.update(c.urn for c in stack.parent(extension, "clusterName", [AKS_CLUSTER]))

    complete = stack.index(stack.of_type(K8S_EXTENSION), collect)

    def check(cluster: Resource) -> Iterator[str]:
        if cluster.urn in attached:
            return  # AZUREML_LOCAL_ACCOUNTS_EXCEPTION
        problems = list(expect(cluster.props, "disableLocalAccounts", True))
        if problems and not complete:
            raise stack.undecided(cluster, "whether the Azure ML extension is installed")
        yield from problems

    yield from stack.each(stack.of_type(AKS_CLUSTER), check)


AKS_01_LOCAL_ACCOUNTS = stack_rule(
    rule_id="AKS-01",
    slug="local-accounts-disabled",
    summary="AKS clusters disable local accounts, except clusters that carry the Azure ML "
    "extension (it needs them: explicit exception).",
    sources="CKV_AZURE_141/5, AzP 993c2fcd, 450d2877, AZU-0042",
    check=_local_accounts,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- AKS-02 ------------------------------------------------------------------------------


def _api_server(r: Resource) -> Iterator[str]:
    private = r.get("apiServerAccessProfile.enablePrivateCluster") is True
    ranges = r.get("apiServerAccessProfile.authorizedIPRanges")
    if not private and not as_list(ranges):
        yield (
            "the API server is public to any address: set "
            "apiServerAccessProfile.enablePrivateCluster or authorizedIPRanges"
        )
    yield from r.expect("apiServerAccessProfile.disableRunCommand", True)


AKS_02 = resource_rule(
    rule_id="AKS-02",
    slug="cluster-api-server-restricted",
    summary="AKS API servers are private or limited to authorized IP ranges, and run command is disabled.",
    sources="CKV_AZURE_115/6, AzP 0e246bcf, AZU-0041",
    types=[AKS_CLUSTER],
    check=_api_server,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- AKS-03 ------------------------------------------------------------------------------


def pool_problems(r: Resource, pool: Any) -> Iterator[str]:
    yield from r.check(expect(pool, "enableNodePublicIP", False))
    yield from r.check(expect(pool, "enableEncryptionAtHost", True))
    yield from r.check(expect(pool, "securityProfile.sshAccess", "Disabled"))


def _node_pools(r: Resource) -> Iterator[str]:
    if r.type == AKS_POOL:
        yield from pool_problems(r, r.props)
        return
    for index, pool in enumerate(as_list(r.get("agentPoolProfiles"))):
        label = peek(pool, "name")
        for message in pool_problems(r, pool):
            yield f"agentPoolProfiles[{index}] ({fmt(label)}): {message}"


AKS_03 = resource_rule(
    rule_id="AKS-03",
    slug="node-pools-hardened",
    summary="AKS node pools have no public IPs, encrypt at host and disable SSH.",
    sources="CKV_AZURE_143/227, AzP 41425d9f",
    types=[AKS_CLUSTER, AKS_POOL],
    check=_node_pools,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- AKS-04 ------------------------------------------------------------------------------


def _network_policy(r: Resource) -> Iterator[str]:
    yield from r.expect_in("networkProfile.networkPolicy", list(r.config["allowedNetworkPolicies"]))


AKS_04 = resource_rule(
    rule_id="AKS-04",
    slug="cluster-network-policy",
    summary="AKS clusters enforce Kubernetes network policies (azure, calico or cilium).",
    sources="CKV_AZURE_7, AzP 46238e2f, AZU-0043",
    types=[AKS_CLUSTER],
    check=_network_policy,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "allowedNetworkPolicies",
            string_list("Accepted networkProfile.networkPolicy values."),
            default=["azure", "calico", "cilium"],
        )
    ],
)


# --- AKS-05 ------------------------------------------------------------------------------


def _policy_monitoring_defender(r: Resource) -> Iterator[str]:
    yield from r.expect(addon(r.props, "azurepolicy"), True)
    container_insights = r.get(addon(r.props, "omsagent")) is True
    managed_prometheus = r.get("azureMonitorProfile.metrics.enabled") is True
    if not (container_insights or managed_prometheus):
        yield ("no monitoring: enable the omsagent add-on (Container insights) or azureMonitorProfile.metrics")
    yield from r.expect("securityProfile.defender.securityMonitoring.enabled", True)


AKS_05 = resource_rule(
    rule_id="AKS-05",
    slug="cluster-policy-monitoring-defender",
    summary="AKS clusters run the Azure Policy add-on, monitoring (omsagent or azureMonitorProfile) and Defender.",
    sources="CKV_AZURE_116/4, AzP 0a15ec92, a1840de2",
    types=[AKS_CLUSTER],
    check=_policy_monitoring_defender,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- AKS-06 ------------------------------------------------------------------------------


def _identity_and_upgrades(r: Resource) -> Iterator[str]:
    yield from r.expect_in(
        "identity.type", ["SystemAssigned", "UserAssigned"], "the Azure ML extension requires a managed identity"
    )
    client = r.get("servicePrincipalProfile.clientId")
    if client is not MISSING and not same(client, "msi"):
        yield "servicePrincipalProfile.clientId is set; use the managed identity instead"
    yield from r.expect("securityProfile.workloadIdentity.enabled", True)
    yield from r.expect("oidcIssuerProfile.enabled", True)
    yield from r.expect_set("autoUpgradeProfile.upgradeChannel")
    yield from r.expect_not("autoUpgradeProfile.upgradeChannel", "none")


AKS_06 = resource_rule(
    rule_id="AKS-06",
    slug="cluster-identity-and-upgrades",
    summary="AKS clusters use a managed identity (no service principal), workload identity "
    "with the OIDC issuer, and an auto-upgrade channel.",
    sources="AzP da6e2401, 2cc2e023, CKV_AZURE_171",
    types=[AKS_CLUSTER],
    check=_identity_and_upgrades,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- AKS-07 ------------------------------------------------------------------------------


def _tier_and_addons(r: Resource) -> Iterator[str]:
    if r.config["requireStandardTier"]:
        yield from r.expect_in("sku.tier", ["Standard", "Premium"], "the Free tier has no uptime SLA")
    for name in ("kubeDashboard", "httpApplicationRouting"):
        yield from r.expect_not(addon(r.props, name), True)


AKS_07 = resource_rule(
    rule_id="AKS-07",
    slug="cluster-tier-and-addons",
    summary="AKS clusters use the Standard tier where the stack requires it (prod) and do not "
    "enable the dashboard or HTTP application routing add-ons.",
    sources="CKV_AZURE_170/246/8",
    types=[AKS_CLUSTER],
    check=_tier_and_addons,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
    params=[
        Param(
            "requireStandardTier",
            boolean("sku.tier must be Standard or Premium."),
            # cost, not posture: staging keeps dev's Free tier at prod's level
            tiers=Tiers(dev=False, staging=False, prod=True),
        )
    ],
)


# --- AKS-08 ------------------------------------------------------------------------------

# Microsoft (how-to-managed-network, "Limitations"): "Kubernetes and attached VMs aren't supported
# in an Azure Machine Learning managed virtual network." A workspace's AllowOnlyApprovedOutbound
# therefore says nothing about the inference cluster: only a route to a firewall
# (outboundType userDefinedRouting, learn.microsoft.com/azure/aks/egress-outboundtype) filters its
# egress. A NAT gateway or AKS's load balancer translate addresses; they approve nothing.
APPROVED_ONLY = "AllowOnlyApprovedOutbound"
FILTERED_EGRESS = "userDefinedRouting"


def _egress_approved(stack: Stack) -> Iterator[Report]:
    approved: list[Resource] = []

    def collect(workspace: Resource) -> None:
        if same(workspace.get("managedNetwork.isolationMode"), APPROVED_ONLY):
            approved.append(workspace)

    complete = stack.index(stack.of_type(ML_WORKSPACE), collect)

    def check(cluster: Resource) -> Iterator[str]:
        if not approved:
            if not complete:
                raise stack.undecided(cluster, "whether a workspace allows only approved outbound")
            return
        outbound = cluster.get("networkProfile.outboundType")
        if same(outbound, FILTERED_EGRESS):
            return
        shown = "not set (AKS's default, loadBalancer)" if outbound is MISSING else fmt(outbound)
        yield (
            f"networkProfile.outboundType is {shown}: the cluster is outside the workspace's managed network "
            f"(Kubernetes is not supported in it), so {APPROVED_ONLY} does not cover its egress; route it "
            f"through your firewall ({FILTERED_EGRESS}: network.vnet.routeTableId) and allow the AKS and "
            "Azure ML destinations there (docs/network.md)"
        )

    yield from stack.each(stack.of_type(AKS_CLUSTER), check)


AKS_08 = stack_rule(
    rule_id="AKS-08",
    slug="cluster-egress-approved",
    summary="In a stack whose workspace allows only approved outbound, AKS clusters route their "
    "egress through a firewall (userDefinedRouting): the managed network does not cover Kubernetes.",
    sources="custom",
    check=_egress_approved,
    # Advisory in every tier: the firewall is the customer's hub, outside what a stack can create
    # (the shipped prod has none), and Azure ML works without it; the finding keeps the gap in
    # view in every plan instead of blocking a stack that cannot fix it by itself.
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


RULES = [AKS_01, AKS_01_LOCAL_ACCOUNTS, AKS_02, AKS_03, AKS_04, AKS_05, AKS_06, AKS_07, AKS_08]
