"""Compute in the offline plan: clusters, the compute identity and its roles, instances, attached
compute, and the replacement options Azure's update rules call for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from components.settings import validate_settings
from tests.azure_roles import ROLE_GUIDS
from tests.conftest import STACKS
from tests.planning import Resources, config_for, plan, stack_values
from tools.plan.engine import run_program
from tools.plan.mocks import TENANT_ID

COMPUTE = "machinelearningservices:Compute"
AKS_TYPE = "containerservice:ManagedCluster"
SUBNETS_PROGRAM = Path(__file__).parent / "programs" / "compute_in_subnets.py"
DATABRICKS = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
    "Microsoft.Databricks/workspaces/dbw-data"
)
SYNAPSE_POOL = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
    "Microsoft.Synapse/workspaces/syn-data/bigDataPools/sparkpool"
)


def at_path(inputs: dict[str, Any], path: str) -> Any:
    node: Any = inputs
    for part in path.split("."):
        node = node[part]
    return node


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_plans_its_clusters_closed_and_capped(stack: str, stack_plans: dict[str, Resources]) -> None:
    res = stack_plans[stack]
    stack_settings = validate_settings(stack_values(stack), stack)
    settings, network = stack_settings.compute, stack_settings.network
    clusters = res.ml_computes("AmlCompute")
    assert set(clusters) == {c.name for c in settings.clusters}
    assert "cpu-cluster" in clusters
    workspace = res.one("machinelearningservices:Workspace")["outputs"]["name"]
    compute_component = res.one("mlplatform:index:Compute")
    for cluster in settings.clusters:
        record = clusters[cluster.name]
        assert record["parent"] == compute_component["urn"]
        assert record["inputs"]["workspaceName"] == workspace
        props = record["inputs"]["properties"]
        assert props["disableLocalAuth"] is True
        inner = props["properties"]
        assert inner["vmSize"] == cluster.vm_size
        assert inner["vmPriority"] == cluster.priority
        assert inner["scaleSettings"] == {
            "minNodeCount": cluster.min_nodes,
            "maxNodeCount": cluster.max_nodes,
            "nodeIdleTimeBeforeScaleDown": cluster.idle_time_before_scale_down,
        }
        # no public IP wherever the stack has a network to place nodes in (staging, prod)
        assert inner["enableNodePublicIp"] is (network.mode == "none")
        # NotSpecified would mean SSH open on nodes outside a virtual network
        assert inner["remoteLoginPortPublicAccess"] == "Disabled"
        assert "userAccountCredentials" not in inner
        # the managed network places the nodes itself; only a customer VNet gives them a subnet
        assert ("subnet" in inner) is (network.mode == "customerVnet")


def test_dev_clusters_are_low_priority_and_prod_has_a_gpu_cluster(stack_plans: dict[str, Resources]) -> None:
    dev = stack_plans["dev"].ml_computes("AmlCompute")
    assert {r["inputs"]["properties"]["properties"]["vmPriority"] for r in dev.values()} == {"LowPriority"}
    prod = stack_plans["prod"].ml_computes("AmlCompute")
    assert prod["gpu-cluster"]["inputs"]["properties"]["properties"]["vmSize"] == "Standard_NC4as_T4_v3"
    assert prod["cpu-cluster"]["inputs"]["properties"]["properties"]["vmPriority"] == "Dedicated"


@pytest.mark.parametrize("stack", STACKS)
def test_clusters_run_as_the_compute_identity_whose_roles_exist_first(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    res = stack_plans[stack]
    identity = res.named("mlp-compute-identity")
    principal = identity["outputs"]["principalId"]
    compute = res.one("mlplatform:index:Compute")
    own = [r for r in res.children(compute) if r["type"].endswith("authorization:RoleAssignment")]
    registry = res.one("containerregistry:Registry")["outputs"]["id"]
    assert {(r["inputs"]["principalId"], r["inputs"]["scope"], r["inputs"]["roleDefinitionId"][-36:]) for r in own} == {
        # jobs write outputs, logs and MLflow models to the default storage: Contributor, not Reader
        # (how-to-disable-local-auth-storage, "Model Registry and ML Flow")
        (
            principal,
            res.named("mlp-workspace-storage")["outputs"]["id"],
            ROLE_GUIDS["Storage Blob Data Contributor"],
        ),
        (principal, registry, ROLE_GUIDS["AcrPull"]),  # the stack creates its registry
    }
    assert all(r["inputs"]["principalType"] == "ServicePrincipal" for r in own)
    for cluster in res.ml_computes("AmlCompute").values():
        assert cluster["inputs"]["identity"] == {
            "type": "UserAssigned",
            "userAssignedIdentities": [identity["outputs"]["id"]],
        }
        assert {r["urn"] for r in own} <= set(cluster["dependencies"])
    assert res.plan.outputs["computeIdentityPrincipalId"] == principal
    # the access feature gives the same identity its datastores' data roles
    access = res.one("mlplatform:index:Access")
    assert [r for r in res.children(access) if r["inputs"].get("principalId") == principal]


def test_a_registry_left_to_azure_ml_gets_no_acr_pull_grants() -> None:
    overrides = {
        # a registry Azure ML creates later needs the system-assigned identity (settings: UserAssigned needs create)
        "workspace": {"identity": "SystemAssigned"},
        "registry": {"mode": "onDemand"},
        "compute": {"inference": {"enabled": True}},
    }
    res = Resources(plan("dev", overrides))
    assert res.of_type("containerregistry:Registry") == []
    assert not [
        r
        for r in res.of_type("authorization:RoleAssignment")
        if r["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS["AcrPull"])
    ]
    assert res.one(AKS_TYPE)  # the inference cluster exists, its kubelet just has no registry to pull from


@pytest.mark.parametrize("stack", STACKS)
def test_computes_are_replaced_not_silently_kept_when_azure_cannot_update_them(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    records = stack_plans[stack].of_type(COMPUTE)
    assert records
    for record in records:
        # the same compute name is reused, and Azure refuses two computes of one name
        assert record["deleteBeforeReplace"] is True, record["name"]
        assert record["replaceOnChanges"], record["name"]
    for cluster in stack_plans[stack].ml_computes("AmlCompute").values():
        paths = cluster["replaceOnChanges"]
        assert {"properties.properties.vmSize", "properties.properties.vmPriority"} <= set(paths)
        # the paths name real inputs (Pulumi's property-path syntax over the camelCase inputs)
        assert at_path(cluster["inputs"], "properties.properties.vmSize")
        assert at_path(cluster["inputs"], "properties.properties.vmPriority")
        assert not any("scaleSettings" in p for p in paths)  # scale settings update in place


def test_dev_has_personal_instances_for_named_users(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    settings = validate_settings(stack_values("dev"), "dev").compute
    instances = res.ml_computes("ComputeInstance")
    assert set(instances) == {i.name for i in settings.instances}
    assert len(instances) >= 1
    for wanted in settings.instances:
        record = instances[wanted.name]
        props = record["inputs"]["properties"]
        assert props["disableLocalAuth"] is True
        inner = props["properties"]
        assert inner["vmSize"] == wanted.vm_size
        assert inner["personalComputeInstanceSettings"] == {
            "assignedUser": {"objectId": wanted.assigned_user_object_id, "tenantId": TENANT_ID}
        }
        assert inner["computeInstanceAuthorizationType"] == "personal"
        assert inner["applicationSharingPolicy"] == "Personal"
        assert inner["idleTimeBeforeShutdown"] == wanted.idle_time_before_shutdown
        assert inner["sshSettings"] == {"sshPublicAccess": "Disabled"}
        # dev has no network: Azure needs a subnet or the managed network for a node without a public IP
        assert inner["enableNodePublicIp"] is True
        assert "identity" not in record["inputs"]  # a personal box acts as its user
        assert "properties.properties.vmSize" in record["replaceOnChanges"]


def test_staging_and_prod_have_no_instances(stack_plans: dict[str, Resources]) -> None:
    for stack in ("staging", "prod"):
        assert stack_plans[stack].ml_computes("ComputeInstance") == {}


def test_attached_compute_is_attached_by_resource_id() -> None:
    attached = [
        {"name": "dbx", "kind": "Databricks", "resourceId": DATABRICKS},
        {"name": "spark", "kind": "SynapseSpark", "resourceId": SYNAPSE_POOL},
    ]
    res = Resources(plan("dev", {"compute": {"attached": attached}}))
    identity_id = res.named("mlp-compute-identity")["outputs"]["id"]
    dbx = res.ml_computes("Databricks")["dbx"]
    spark = res.ml_computes("SynapseSpark")["spark"]
    assert dbx["inputs"]["properties"]["resourceId"] == DATABRICKS
    assert spark["inputs"]["properties"]["resourceId"] == SYNAPSE_POOL
    assert spark["inputs"]["identity"] == {"type": "UserAssigned", "userAssignedIdentities": [identity_id]}
    for record in (dbx, spark):
        assert record["inputs"]["properties"]["disableLocalAuth"] is True
        assert "properties.resourceId" in record["replaceOnChanges"]
        assert record["deleteBeforeReplace"] is True
    assert {"dbx", "spark"} <= set(res.plan.outputs["computeNames"])


def test_a_cluster_with_its_own_identity_gets_its_storage_role_after_it_exists_and_no_acr_pull() -> None:
    """Microsoft grants a cluster's system-assigned identity AcrPull on the workspace registry itself
    (how-to-identity-based-service-authentication): a second assignment would be 409 RoleAssignmentExists."""
    own = {"name": "own-id", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 1}
    cpu = {"name": "cpu-cluster", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 2}
    res = Resources(plan("staging", {"compute": {"clusters": [{**own, "identity": "SystemAssigned"}, cpu]}}))
    cluster = res.ml_computes("AmlCompute")["own-id"]
    assert cluster["inputs"]["identity"] == {"type": "SystemAssigned"}
    principal = cluster["outputs"]["identity"]["principalId"]
    compute = res.one("mlplatform:index:Compute")
    grants = [r for r in res.children(compute) if r["inputs"].get("principalId") == principal]
    assert {r["inputs"]["roleDefinitionId"][-36:] for r in grants} == {ROLE_GUIDS["Storage Blob Data Contributor"]}
    assert all(cluster["urn"] in r["dependencies"] for r in grants)
    # a cluster on the shared identity waits for that identity's roles only, not for this cluster
    shared = res.ml_computes("AmlCompute")["cpu-cluster"]["dependencies"]
    assert cluster["urn"] not in shared
    assert not {r["urn"] for r in grants} & set(shared)
    # it joins the access feature's data roles too, and the audit output lists every grant
    access = res.one("mlplatform:index:Access")
    assert [r for r in res.children(access) if r["inputs"].get("principalId") == principal]
    audited = {(g["objectId"], g["role"]) for g in res.plan.outputs["accessGrants"]}
    assert (principal, "Storage Blob Data Contributor") in audited
    assert (principal, "AcrPull") not in audited


def test_local_auth_can_be_allowed_on_every_compute() -> None:
    res = Resources(plan("dev", {"compute": {"disableLocalAuth": False}}))
    assert {r["inputs"]["properties"]["disableLocalAuth"] for r in res.of_type(COMPUTE)} == {False}


def test_compute_uses_the_network_features_subnets_when_it_sets_them() -> None:
    res = Resources(run_program(config_for("dev"), program=SUBNETS_PROGRAM))
    placed = [*res.ml_computes("AmlCompute").values(), *res.ml_computes("ComputeInstance").values()]
    assert len(placed) == 3  # cpu-cluster and dev's two instances
    for record in placed:
        inner = record["inputs"]["properties"]["properties"]
        assert inner["subnet"]["id"].endswith("/subnets/training"), record["name"]
        assert inner["enableNodePublicIp"] is False, record["name"]


def test_a_managed_network_takes_the_nodes_public_ips_away() -> None:
    res = Resources(plan("dev", {"network": {"mode": "managed"}}))
    placed = [*res.ml_computes("AmlCompute").values(), *res.ml_computes("ComputeInstance").values()]
    assert placed
    for record in placed:
        inner = record["inputs"]["properties"]["properties"]
        assert inner["enableNodePublicIp"] is False, record["name"]
        assert "subnet" not in inner
