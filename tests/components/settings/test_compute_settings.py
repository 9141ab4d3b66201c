"""Compute settings: defaults per tier, every rule with a bad value rejected under its full key."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings import SettingsError, StackSettings, validate_settings
from components.settings.compute import duration_seconds
from components.settings.tiers import deep_merge
from policies.rules.stack import CPU_VM_SIZES, GPU_VM_SIZES
from tests.conftest import STACKS
from tests.planning import AKS_ADMINS, TIER_REQUIRED, stack_values
from tools.plan.policy import config_path_for, load_config

MINIMAL = {
    "location": "westeurope",
    "namePrefix": "mlp",
    "tags": {"owner": "team", "costCenter": "CC-1", "dataClassification": "internal"},
}
CPU = {"name": "cpu-cluster", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 2}
ALICE = "a11ce000-0000-4000-8000-000000000001"
INSTANCE = {"name": "ci-alice", "vmSize": "Standard_DS11_v2", "assignedUserObjectId": ALICE}
SYNAPSE_POOL = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
    "Microsoft.Synapse/workspaces/syn-data/bigDataPools/sparkpool"
)
DATABRICKS = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-data/providers/"
    "Microsoft.Databricks/workspaces/dbw-data"
)
# The policy pack's allow-list (STK-03): the settings check only the format, the stacks use these.
ALLOWED_VM_SIZES = {*CPU_VM_SIZES, *GPU_VM_SIZES}


def settings(tier: str, compute: dict[str, Any] | None = None) -> StackSettings:
    return validate_settings(
        deep_merge({**MINIMAL, "tier": tier, **TIER_REQUIRED.get(tier, {})}, {"compute": compute or {}}), tier
    )


def rejected_keys(tier: str, compute: dict[str, Any]) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        settings(tier, compute)
    return caught.value.keys


def test_dev_defaults_are_cheap_and_allow_personal_instances() -> None:
    compute = settings("dev").compute
    assert [(c.name, c.vm_size, c.priority, c.min_nodes, c.max_nodes) for c in compute.clusters] == [
        ("cpu-cluster", "Standard_DS3_v2", "LowPriority", 0, 2)
    ]
    assert (compute.max_nodes_per_cluster, compute.max_total_nodes) == (4, 8)
    assert compute.allow_instances is True
    assert compute.instances == []
    assert compute.inference.enabled is False
    assert compute.disable_local_auth is True


def test_staging_defaults_are_dedicated_without_inference() -> None:
    compute = settings("staging").compute
    assert [(c.name, c.priority, c.max_nodes) for c in compute.clusters] == [("cpu-cluster", "Dedicated", 4)]
    assert (compute.max_nodes_per_cluster, compute.max_total_nodes) == (6, 16)
    assert compute.allow_instances is True
    inference = compute.inference
    assert inference.enabled is False
    # once enabled, staging's cluster meets production's security bar (not its size or SLA)
    assert (inference.private_cluster, inference.disable_run_command, inference.defender) == (True, True, True)
    assert inference.internal_load_balancer is True
    assert inference.allow_insecure_connections is False
    assert (inference.tier, inference.inference_router_ha) == ("Free", False)


def test_prod_defaults_have_no_instances_and_a_closed_highly_available_inference_cluster() -> None:
    compute = settings("prod").compute
    assert [(c.name, c.priority) for c in compute.clusters] == [("cpu-cluster", "Dedicated")]
    assert (compute.max_nodes_per_cluster, compute.max_total_nodes) == (10, 40)
    assert compute.allow_instances is False
    inference = compute.inference
    assert inference.enabled is True
    assert inference.tier == "Standard"
    assert (inference.private_cluster, inference.disable_run_command, inference.defender) == (True, True, True)
    assert inference.internal_load_balancer is True
    assert inference.inference_router_ha is True
    assert inference.allow_insecure_connections is False
    assert inference.tls is not None  # HTTPS scoring names its certificate and key secrets
    assert inference.availability_zones == ["1", "2", "3"]
    assert inference.system_pool.min_count + inference.user_pool.min_count >= 3
    assert inference.compute_name == "aks-inference"


def test_dev_and_staging_inference_defaults_are_consistent_once_enabled() -> None:
    for tier in ("dev", "staging"):
        compute = settings(tier, {"inference": {"enabled": True, **AKS_ADMINS["compute"]["inference"]}}).compute
        assert compute.inference.enabled is True
        assert compute.inference.tier == "Free"
        assert compute.total_max_nodes() <= compute.max_total_nodes
    assert settings("dev", {"inference": {"enabled": True}}).compute.inference.allow_insecure_connections is True


def test_stack_values_override_compute_defaults_and_lists_replace() -> None:
    gpu = {"name": "gpu-cluster", "vmSize": "Standard_NC6s_v3", "priority": "Dedicated", "maxNodes": 2}
    compute = settings("prod", {"clusters": [CPU, gpu], "inference": {"userPool": {"maxCount": 4}}}).compute
    assert [c.name for c in compute.clusters] == ["cpu-cluster", "gpu-cluster"]
    assert compute.inference.user_pool.max_count == 4
    assert compute.inference.user_pool.vm_size == "Standard_D8ds_v5"  # the rest keeps prod's defaults


def test_shipped_stacks_have_the_compute_the_issue_asks_for() -> None:
    dev, prod = (validate_settings(stack_values(s), s).compute for s in ("dev", "prod"))
    assert len(dev.instances) >= 1
    assert all(c.priority == "LowPriority" for c in dev.clusters)
    assert {c.name for c in prod.clusters} == {"cpu-cluster", "gpu-cluster"}
    assert next(c for c in prod.clusters if c.name == "gpu-cluster").vm_size.startswith("Standard_NC")


@pytest.mark.parametrize("stack", STACKS)
def test_shipped_stacks_use_only_the_vm_sizes_their_policy_config_allows(stack: str) -> None:
    allowed = set(load_config(config_path_for(stack))["stk-03-vm-size-allow-list"]["allowedVmSizes"])
    compute = validate_settings(stack_values(stack), stack).compute
    sizes = {c.vm_size for c in compute.clusters} | {i.vm_size for i in compute.instances}
    if compute.inference.enabled:
        sizes |= {compute.inference.system_pool.vm_size, compute.inference.user_pool.vm_size}
    assert sizes <= allowed, sizes - allowed


def test_every_allow_listed_and_other_real_vm_size_passes_the_format_check() -> None:
    for size in [
        *ALLOWED_VM_SIZES,
        "Standard_E4-2ds_v5",
        "Standard_ND96amsr_A100_v4",
        "Standard_M128ms",
        "Standard_F4",
    ]:
        cluster = {**CPU, "name": "other", "vmSize": size}
        assert settings("dev", {"clusters": [CPU, cluster]}).compute.clusters[1].vm_size == size


@pytest.mark.parametrize("name", ["cpu-cluster", "gpu-nc4", "abc", "a" * 24, "Train-GPU-a1"])
def test_valid_compute_names_are_accepted(name: str) -> None:
    cluster = {**CPU, "name": name}
    extra = [CPU] if name != "cpu-cluster" else []
    assert settings("dev", {"clusters": [*extra, cluster]}).compute.clusters[-1].name == name


BAD: list[tuple[str, str, dict[str, Any], str]] = [
    # (case, tier, compute overrides, the key that must be named)
    ("min over max", "dev", {"clusters": [{**CPU, "minNodes": 3}]}, "compute.clusters[0].maxNodes"),
    ("max over the per-cluster cap", "dev", {"clusters": [{**CPU, "maxNodes": 5}]}, "compute.clusters[0].maxNodes"),
    ("negative min", "dev", {"clusters": [{**CPU, "minNodes": -1}]}, "compute.clusters[0].minNodes"),
    ("missing cpu-cluster", "dev", {"clusters": [{**CPU, "name": "train"}]}, "compute.clusters"),
    ("name starting with a digit", "dev", {"clusters": [CPU, {**CPU, "name": "1gpu"}]}, "compute.clusters[1].name"),
    (
        "name ending in -digits",
        "dev",
        {"clusters": [CPU, {**CPU, "name": "cpu-cluster-2"}]},
        "compute.clusters[1].name",
    ),
    ("name with underscore", "dev", {"clusters": [CPU, {**CPU, "name": "gpu_cluster"}]}, "compute.clusters[1].name"),
    ("name too short", "dev", {"clusters": [CPU, {**CPU, "name": "ab"}]}, "compute.clusters[1].name"),
    ("name too long", "dev", {"clusters": [CPU, {**CPU, "name": "a" * 25}]}, "compute.clusters[1].name"),
    ("name ending in hyphen", "dev", {"clusters": [CPU, {**CPU, "name": "gpu-"}]}, "compute.clusters[1].name"),
    ("duplicate cluster name", "dev", {"clusters": [CPU, CPU]}, "compute.clusters[1].name"),
    (
        "instance named like a cluster (any case)",
        "dev",
        {"instances": [{**INSTANCE, "name": "CPU-Cluster"}]},
        "compute.instances[0].name",
    ),
    ("VM size in lowercase", "dev", {"clusters": [{**CPU, "vmSize": "standard_ds3_v2"}]}, "compute.clusters[0].vmSize"),
    ("VM size without Standard_", "dev", {"clusters": [{**CPU, "vmSize": "DS3_v2"}]}, "compute.clusters[0].vmSize"),
    ("VM size with a space", "dev", {"clusters": [{**CPU, "vmSize": "Standard DS3"}]}, "compute.clusters[0].vmSize"),
    ("unknown priority", "dev", {"clusters": [{**CPU, "priority": "Spot"}]}, "compute.clusters[0].priority"),
    (
        "priority missing",
        "dev",
        {"clusters": [{k: v for k, v in CPU.items() if k != "priority"}]},
        "compute.clusters[0].priority",
    ),
    (
        "idle time not ISO 8601",
        "dev",
        {"clusters": [{**CPU, "idleTimeBeforeScaleDown": "120"}]},
        "compute.clusters[0].idleTimeBeforeScaleDown",
    ),
    (
        "zero idle time",
        "dev",
        {"clusters": [{**CPU, "idleTimeBeforeScaleDown": "PT0S"}]},
        "compute.clusters[0].idleTimeBeforeScaleDown",
    ),
    ("unknown identity", "dev", {"clusters": [{**CPU, "identity": "None"}]}, "compute.clusters[0].identity"),
    ("misspelt cluster key", "dev", {"clusters": [{**CPU, "maxNode": 2}]}, "compute.clusters[0].maxNode"),
    ("per-cluster cap out of range", "dev", {"maxNodesPerCluster": 0}, "compute.maxNodesPerCluster"),
    (
        "clusters over the total cap",
        "dev",
        {"clusters": [{**CPU, "maxNodes": 4}, {**CPU, "name": "cpu-b", "maxNodes": 4}, {**CPU, "name": "cpu-c"}]},
        "compute.maxTotalNodes",
    ),
    (
        "inference pools over the total cap",
        "dev",
        {"inference": {"enabled": True, "userPool": {"maxCount": 4}}},
        "compute.maxTotalNodes",
    ),
    ("instances in prod", "prod", {"instances": [INSTANCE]}, "compute.instances"),
    ("instances where disallowed", "dev", {"allowInstances": False, "instances": [INSTANCE]}, "compute.instances"),
    (
        "assigned user not a GUID",
        "dev",
        {"instances": [{**INSTANCE, "assignedUserObjectId": "alice@contoso.com"}]},
        "compute.instances[0].assignedUserObjectId",
    ),
    (
        "instance shutdown under 15 minutes",
        "dev",
        {"instances": [{**INSTANCE, "idleTimeBeforeShutdown": "PT5M"}]},
        "compute.instances[0].idleTimeBeforeShutdown",
    ),
    (
        "instance shutdown over 3 days",
        "dev",
        {"instances": [{**INSTANCE, "idleTimeBeforeShutdown": "P4D"}]},
        "compute.instances[0].idleTimeBeforeShutdown",
    ),
    (
        "instance without a user",
        "dev",
        {"instances": [{"name": "ci-x", "vmSize": "Standard_DS11_v2"}]},
        "compute.instances[0].assignedUserObjectId",
    ),
    (
        "Kubernetes compute name over 16",
        "prod",
        {"inference": {"computeName": "aks-inference-prod"}},
        "compute.inference.computeName",
    ),
    (
        "Kubernetes compute name ending -digits",
        "prod",
        {"inference": {"computeName": "aks-1"}},
        "compute.inference.computeName",
    ),
    (
        "Kubernetes compute named like a cluster",
        "prod",
        {"inference": {"computeName": "cpu-cluster"}},
        "compute.inference.computeName",
    ),
    (
        "HA router with fewer than 3 nodes",
        "prod",
        {"inference": {"systemPool": {"minCount": 1}, "userPool": {"minCount": 1}}},
        "compute.inference.inferenceRouterHa",
    ),
    (
        "HA router in dev's 2-node default",
        "dev",
        {"inference": {"enabled": True, "inferenceRouterHa": True}},
        "compute.inference.inferenceRouterHa",
    ),
    (
        "internal load balancer on a nodePort router",
        "prod",
        {"inference": {"inferenceRouterServiceType": "nodePort"}},
        "compute.inference.internalLoadBalancer",
    ),
    (
        "unknown router service type",
        "prod",
        {"inference": {"inferenceRouterServiceType": "ingress"}},
        "compute.inference.inferenceRouterServiceType",
    ),
    ("pool min over max", "prod", {"inference": {"userPool": {"minCount": 7}}}, "compute.inference.userPool.maxCount"),
    (
        "pool VM size format",
        "prod",
        {"inference": {"systemPool": {"vmSize": "D4ds_v5"}}},
        "compute.inference.systemPool.vmSize",
    ),
    ("unknown network policy", "prod", {"inference": {"networkPolicy": "calico"}}, "compute.inference.networkPolicy"),
    ("unknown AKS tier", "prod", {"inference": {"tier": "Gold"}}, "compute.inference.tier"),
    ("unknown zone", "prod", {"inference": {"availabilityZones": ["4"]}}, "compute.inference.availabilityZones[0]"),
    (
        "bad authorized range",
        "prod",
        {"inference": {"authorizedIpRanges": ["10.0.0/8"]}},
        "compute.inference.authorizedIpRanges[0]",
    ),
    (
        "admin group not a GUID",
        "prod",
        {"inference": {"adminGroupObjectIds": ["admins"]}},
        "compute.inference.adminGroupObjectIds[0]",
    ),
    ("namespace in uppercase", "prod", {"inference": {"namespace": "AzureML"}}, "compute.inference.namespace"),
    (
        "bad Kubernetes version",
        "prod",
        {"inference": {"kubernetesVersion": "latest"}},
        "compute.inference.kubernetesVersion",
    ),
    (
        "TLS host name with a scheme",
        "prod",
        {"inference": {"sslCname": "https://scoring"}},
        "compute.inference.sslCname",
    ),
    (
        "default instance type not defined",
        "prod",
        {"inference": {"defaultInstanceType": "gpu"}},
        "compute.inference.defaultInstanceType",
    ),
    (
        "HTTPS scoring without a certificate",
        "dev",
        {"inference": {"enabled": True, "allowInsecureConnections": False}},
        "compute.inference.tls",
    ),
    ("HTTPS scoring with tls taken away", "prod", {"inference": {"tls": None}}, "compute.inference.tls"),
    (
        "TLS secret name not a config key",
        "prod",
        {"inference": {"tls": {"certificateSecret": "tls-cert", "keySecret": "tlsKey"}}},
        "compute.inference.tls.certificateSecret",
    ),
    ("TLS without its key", "prod", {"inference": {"tls": {"keySecret": None}}}, "compute.inference.tls.keySecret"),
    (
        "in-cluster TLS secret (no longer supported)",
        "prod",
        {"inference": {"sslSecret": "azureml-scoring-tls"}},
        "compute.inference.sslSecret",
    ),
    (
        "instance type named like Azure ML's default",
        "prod",
        {
            "inference": {
                "instanceTypes": [
                    {"name": "cpu-small", "cpu": "2", "memory": "4Gi"},
                    {"name": "defaultinstancetype", "cpu": "2", "memory": "4Gi"},
                ]
            }
        },
        "compute.inference.instanceTypes[1].name",
    ),
    (
        "duplicate instance types",
        "prod",
        {"inference": {"instanceTypes": [{"name": "cpu-small", "cpu": "1", "memory": "4Gi"}] * 2}},
        "compute.inference.instanceTypes[1].name",
    ),
    (
        "instance type memory not a quantity",
        "prod",
        {"inference": {"instanceTypes": [{"name": "cpu-small", "cpu": "1", "memory": "4GB"}]}},
        "compute.inference.instanceTypes[0].memory",
    ),
    (
        "instance type cpu not a quantity",
        "prod",
        {"inference": {"instanceTypes": [{"name": "cpu-small", "cpu": "one", "memory": "4Gi"}]}},
        "compute.inference.instanceTypes[0].cpu",
    ),
    (
        "Synapse kind with a Databricks id",
        "dev",
        {"attached": [{"name": "spark", "kind": "SynapseSpark", "resourceId": DATABRICKS}]},
        "compute.attached[0].resourceId",
    ),
    (
        "Databricks kind with a Synapse pool id",
        "dev",
        {"attached": [{"name": "dbx", "kind": "Databricks", "resourceId": SYNAPSE_POOL}]},
        "compute.attached[0].resourceId",
    ),
    (
        "Synapse workspace instead of its pool",
        "dev",
        {
            "attached": [
                {"name": "spark", "kind": "SynapseSpark", "resourceId": SYNAPSE_POOL.rsplit("/bigDataPools", 1)[0]}
            ]
        },
        "compute.attached[0].resourceId",
    ),
    (
        "unknown attached kind",
        "dev",
        {"attached": [{"name": "hdi", "kind": "HDInsight", "resourceId": DATABRICKS}]},
        "compute.attached[0].kind",
    ),
    (
        "attached name taken by a cluster",
        "dev",
        {"attached": [{"name": "cpu-cluster", "kind": "Databricks", "resourceId": DATABRICKS}]},
        "compute.attached[0].name",
    ),
]


@pytest.mark.parametrize(("tier", "compute", "key"), [case[1:] for case in BAD], ids=[case[0] for case in BAD])
def test_broken_compute_settings_are_rejected_with_their_key(tier: str, compute: dict[str, Any], key: str) -> None:
    assert rejected_keys(tier, compute) == [f"ml-platform:{key}"]


def test_the_message_says_what_is_wrong() -> None:
    with pytest.raises(SettingsError) as caught:
        settings("prod", {"instances": [INSTANCE]})
    assert "ml-platform:compute.instances: compute instances are not allowed" in str(caught.value)
    with pytest.raises(SettingsError) as caught:
        settings("dev", {"clusters": [{**CPU, "minNodes": 3}]})
    assert "ml-platform:compute.clusters[0].maxNodes: must be >= minNodes (3)" in str(caught.value)


def test_attached_compute_by_resource_id_is_accepted_per_kind() -> None:
    attached = [
        {"name": "dbx", "kind": "Databricks", "resourceId": DATABRICKS},
        {
            "name": "spark",
            "kind": "SynapseSpark",
            "resourceId": SYNAPSE_POOL.replace("Microsoft.Synapse", "microsoft.synapse"),
        },
    ]
    assert [a.kind for a in settings("dev", {"attached": attached}).compute.attached] == ["Databricks", "SynapseSpark"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT120S", 120),
        ("PT15M", 900),
        ("PT1H30M", 5400),
        ("P3D", 259200),
        ("P1DT2H", 93600),
        ("PT", None),
        ("P", None),
        ("120", None),
        ("PT5X", None),
    ],
)
def test_iso_8601_durations(text: str, seconds: int | None) -> None:
    assert duration_seconds(text) == seconds
