"""What must exist before the cluster, the extension and the attach: roles and private DNS.

- The AKS control plane joins its subnet (the router's internal load balancer): Network
  Contributor on the subnet (learn.microsoft.com/azure/aks/concepts-network-cni-overview), granted
  to a user-assigned control-plane identity before the cluster (managed-identity-overview: "we
  recommend using a user-assigned managed identity for the control plane").
- A user-assigned workspace identity needs Reader, Kubernetes Extension Contributor and Azure
  Kubernetes Service Cluster Admin Role on the cluster "before attaching the compute"
  (how-to-attach-kubernetes-to-workspace); a system-assigned one needs none.
- The cluster reaches the private workspace and its resources through their private endpoints with
  DNS (how-to-secure-kubernetes-inferencing-environment): the attach waits for them.

Only the mock engine checks these orderings.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.azure_roles import ROLE_NAMES
from tests.planning import Resources, plan

AKS = "containerservice:ManagedCluster"
EXTENSION = "kubernetesconfiguration:Extension"
ATTACH_ROLES = {"Reader", "Kubernetes Extension Contributor", "Azure Kubernetes Service Cluster Admin Role"}


def role_of(assignment: dict[str, Any]) -> str:
    guid = assignment["inputs"]["roleDefinitionId"].rsplit("/", 1)[-1]
    return ROLE_NAMES[guid]


def grants_on(res: Resources, scope: str) -> list[dict[str, Any]]:
    return [a for a in res.of_type("authorization:RoleAssignment") if a["inputs"]["scope"] == scope]


def kubernetes_compute(res: Resources) -> dict[str, Any]:
    (found,) = res.ml_computes("Kubernetes").values()
    return found


@pytest.fixture(scope="module")
def dev_inference() -> Resources:
    return Resources(plan("dev", {"compute": {"inference": {"enabled": True}}}))


def test_the_control_plane_may_join_its_subnet_before_the_cluster_exists(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    subnet = res.named("mlp-network-snet-aks")["outputs"]["id"]
    (grant,) = grants_on(res, subnet)
    assert role_of(grant) == "Network Contributor"
    identity = res.named("mlp-compute-inference-aks-identity")
    assert grant["inputs"]["principalId"] == identity["outputs"]["principalId"]
    assert grant["inputs"]["principalType"] == "ServicePrincipal"
    cluster = res.one(AKS)
    assert cluster["inputs"]["identity"]["userAssignedIdentities"] == [identity["outputs"]["id"]]
    assert grant["urn"] in cluster["dependencies"]
    assert grant["urn"] in res.one(EXTENSION)["dependencies"]


def test_without_a_subnet_of_ours_the_control_plane_gets_no_network_role(dev_inference: Resources) -> None:
    """AKS then makes its own network in the node resource group, where its identity is Contributor."""
    assert "Network Contributor" not in {role_of(a) for a in dev_inference.of_type("authorization:RoleAssignment")}
    assert dev_inference.one(AKS)["inputs"]["identity"]["type"] == "UserAssigned"


def test_a_user_assigned_workspace_identity_gets_its_attach_roles_before_the_attach(
    stack_plans: dict[str, Resources],
) -> None:
    res = stack_plans["prod"]
    cluster = res.one(AKS)["outputs"]["id"]
    workspace_identity = res.named("mlp-workspace-identity")["outputs"]["principalId"]
    attach = [a for a in grants_on(res, cluster) if a["inputs"]["principalId"] == workspace_identity]
    assert {role_of(a) for a in attach} == ATTACH_ROLES
    compute = kubernetes_compute(res)
    assert {a["urn"] for a in attach} <= set(compute["dependencies"])
    # the stack's access audit lists them
    audited = {(g["objectId"], g["role"]) for g in res.plan.outputs["accessGrants"]}
    assert {(workspace_identity, role) for role in ATTACH_ROLES} <= audited


def test_a_system_assigned_workspace_identity_needs_no_attach_roles() -> None:
    """Microsoft: "The steps are completed if the system assigned default setting is on"."""
    # every tier's default is UserAssigned: this stack opts into the system-assigned identity
    overrides = {"workspace": {"identity": "SystemAssigned"}, "compute": {"inference": {"enabled": True}}}
    res = Resources(plan("dev", overrides))
    cluster = res.one(AKS)["outputs"]["id"]
    assert res.one("machinelearningservices:Workspace")["inputs"]["identity"]["type"] == "SystemAssigned"
    assert grants_on(res, cluster) == []


def test_the_attach_waits_for_the_private_endpoints_and_their_dns(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["prod"]
    waits = set(kubernetes_compute(res)["dependencies"])
    workspace = res.named("mlp-endpoints-pe-workspace-amlworkspace")
    zone_group = res.named("mlp-endpoints-pe-workspace-amlworkspace-dns")
    link = next(
        r
        for r in res.of_type("privatedns:VirtualNetworkLink")
        if r["inputs"]["privateZoneName"] == "privatelink.api.azureml.ms"
    )
    assert {workspace["urn"], zone_group["urn"], link["urn"]} <= waits
    # every endpoint and zone group of the stack: storage, registry and vault are reached the same way
    for kind in ("network:PrivateEndpoint", "network:PrivateDnsZoneGroup", "privatedns:VirtualNetworkLink"):
        assert {r["urn"] for r in res.of_type(kind)} <= waits, kind


def test_without_private_endpoints_the_attach_waits_only_for_the_extension(dev_inference: Resources) -> None:
    waits = set(kubernetes_compute(dev_inference)["dependencies"])
    assert dev_inference.one(EXTENSION)["urn"] in waits
    assert not [u for u in waits if "PrivateEndpoints" in u]
