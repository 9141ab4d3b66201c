"""Rules about the stack as a whole, across services (STK-01..STK-05): tags, regions, VM sizes,
the node cost cap, and Pulumi's protection of stateful resources.

The other stack rules live with the service they judge: least privilege (STK-06) in iam.py,
private connectivity (STK-07) in network.py, diagnostics (STK-08) in monitoring.py, the
workspace's associated resources (STK-09) in ml.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .lib.catalog import (
    AKS_CLUSTER,
    AKS_POOL,
    KEY_VAULT,
    LOG_ANALYTICS,
    ML_COMPUTE,
    ML_REGISTRY,
    ML_WORKSPACE,
    REGISTRY,
    RESOURCE_GROUP,
    STORAGE_ACCOUNT,
)
from .lib.props import MISSING, as_list, fmt, key_ci, one_of, read, same
from .lib.rule import (
    ADVISORY,
    DISABLED,
    MANDATORY,
    Levels,
    Param,
    Report,
    Resource,
    Stack,
    Tiers,
    boolean,
    integer,
    not_configured,
    stack_rule,
    string_list,
)
from .lib.taggable import TAGGABLE, TAGGABLE_MODULES

CPU_VM_SIZES = [
    "Standard_DS3_v2",
    "Standard_DS11_v2",
    "Standard_D4s_v3",
    "Standard_D8s_v3",
    "Standard_D4ds_v5",
    "Standard_D8ds_v5",
    "Standard_E4ds_v5",
    "Standard_E8ds_v5",
]
GPU_VM_SIZES = ["Standard_NC4as_T4_v3", "Standard_NC6s_v3", "Standard_NC24ads_A100_v4", "Standard_NC40ads_H100_v5"]
REQUIRED_TAGS = ["environment", "owner", "costCenter", "dataClassification"]


def is_azure(resource: Resource) -> bool:
    """Custom Azure resources only: the stack, components and providers are not judged."""
    return resource.type.startswith("azure-native:")


# --- STK-01 ------------------------------------------------------------------------------


def taggable(resource: Resource) -> bool:
    """Whether the resource's inputs may carry tags (the SDK table, else: it has `tags`)."""
    if not is_azure(resource):
        return False
    if resource.type.split(":")[1] in TAGGABLE_MODULES:
        return resource.type in TAGGABLE
    return resource.has("tags")


def _blank(value: Any) -> bool:
    """Unset, or a value that says nothing ("" or spaces): a tag no one can act on."""
    return value is MISSING or (isinstance(value, str) and not value.strip())


def _required_tags(stack: Stack) -> Iterator[Report]:
    required = list(stack.config["requiredTags"])

    def check(resource: Resource) -> Iterator[str]:
        tags = resource.get("tags")
        missing = [t for t in required if _blank(read(tags, [key_ci(tags, t)]))]
        if missing:
            yield f"missing required tags: {', '.join(missing)}"

    yield from stack.each([r for r in stack.resources if taggable(r)], check)


STK_01 = stack_rule(
    rule_id="STK-01",
    slug="required-tags",
    summary="Every taggable resource carries the required tags (environment, owner, costCenter, dataClassification).",
    sources="custom stack rule",
    check=_required_tags,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
    params=[Param("requiredTags", string_list("Tags every resource must carry."), tiers=Tiers.every(REQUIRED_TAGS))],
)


# --- STK-02 ------------------------------------------------------------------------------

# Explicit exception: global resources (private DNS zones...) have location "global".
GLOBAL_LOCATIONS = ("global",)


def region(value: Any) -> str:
    return str(value).replace(" ", "").casefold()


def _locations(stack: Stack) -> Iterator[Report]:
    allowed = [region(r) for r in stack.config["allowedRegions"]]

    def check(resource: Resource) -> Iterator[str]:
        location = resource.get("location")
        if location is MISSING or region(location) in GLOBAL_LOCATIONS:
            return
        if region(location) not in allowed:
            yield f"location {fmt(location)} is not an allowed region ({', '.join(allowed)})"
        if resource.type == RESOURCE_GROUP:
            return
        group = stack.resource_group(resource)
        group_location = group.get("location") if group is not None else MISSING
        if group_location is not MISSING and region(group_location) != region(location):
            yield f"location {fmt(location)} differs from its resource group's {fmt(group_location)}"

    yield from stack.each([r for r in stack.resources if is_azure(r)], check)


STK_02 = stack_rule(
    rule_id="STK-02",
    slug="allowed-locations",
    summary="Every location is one of the stack's allowed regions and equals its resource group's.",
    sources="custom stack rule",
    check=_locations,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "allowedRegions",
            string_list("Regions resources may be deployed to."),
            tiers=Tiers.every(["westeurope", "northeurope"]),
        )
    ],
)


# --- STK-03 ------------------------------------------------------------------------------


def vm_sizes(resource: Resource) -> Iterator[tuple[str, Any]]:
    """(where, vmSize) for ML compute with VMs and for AKS node pools."""
    if resource.type == ML_COMPUTE:
        if one_of(resource.get("properties.computeType"), ("AmlCompute", "ComputeInstance")):
            yield "properties.properties.vmSize", resource.get("properties.properties.vmSize")
    elif resource.type == AKS_POOL:
        yield "vmSize", resource.get("vmSize")
    elif resource.type == AKS_CLUSTER:
        for index, pool in enumerate(as_list(resource.get("agentPoolProfiles"))):
            yield f"agentPoolProfiles[{index}].vmSize", read(pool, "vmSize")


def _vm_sizes(stack: Stack) -> Iterator[Report]:
    allowed = [str(s) for s in stack.config["allowedVmSizes"]]
    low_priority = bool(stack.config["requireLowPriorityClusters"])

    def check(resource: Resource) -> Iterator[str]:
        for where, size in vm_sizes(resource):
            if size is MISSING:
                yield f"{where} is not set; choose a size from the allow-list"
            elif not one_of(size, allowed):
                yield f"{where} is {fmt(size)}, which is not in the allowed VM sizes"
        is_cluster = same(resource.get("properties.computeType"), "AmlCompute")
        if low_priority and is_cluster:
            priority = resource.get("properties.properties.vmPriority")
            if not same(priority, "LowPriority"):
                yield f"properties.properties.vmPriority is {fmt(priority)}; clusters in this stack must be LowPriority"

    yield from stack.each(stack.of_type(ML_COMPUTE, AKS_POOL, AKS_CLUSTER), check)


STK_03 = stack_rule(
    rule_id="STK-03",
    slug="vm-size-allow-list",
    summary="ML compute and AKS node pools use VM sizes from the allow-list; where the stack "
    "requires it (dev), compute clusters are low priority.",
    sources="custom stack rule",
    check=_vm_sizes,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param("allowedVmSizes", string_list("Allowed VM sizes."), tiers=Tiers.every(CPU_VM_SIZES + GPU_VM_SIZES)),
        Param(
            "requireLowPriorityClusters",
            boolean("AmlCompute clusters must use vmPriority LowPriority."),
            tiers=Tiers(dev=True, staging=False, prod=False),
        ),
    ],
)


# --- STK-04 ------------------------------------------------------------------------------


def pool_nodes(pool: Any) -> Any:
    """Most nodes a node pool can run: maxCount when autoscaling, else count (default 1)."""
    if read(pool, "enableAutoScaling") is True:
        return read(pool, "maxCount")
    count = read(pool, "count")
    return 1 if count is MISSING else count


def node_counts(resource: Resource) -> Iterator[tuple[str, Any]]:
    if resource.type == ML_COMPUTE and same(resource.get("properties.computeType"), "AmlCompute"):
        yield resource.name, resource.get("properties.properties.scaleSettings.maxNodeCount")
    elif resource.type == AKS_POOL:
        yield resource.name, pool_nodes(resource.props)
    elif resource.type == AKS_CLUSTER:
        for pool in as_list(resource.get("agentPoolProfiles")):
            yield f"{resource.name}/{read(pool, 'name')}", pool_nodes(pool)


def _cost_caps(stack: Stack) -> Iterator[Report]:
    cap = stack.config.get("maxTotalNodes")
    if cap is None:
        yield not_configured("maxTotalNodes")
        return
    counted: list[tuple[str, int]] = []

    def count(resource: Resource) -> Iterator[str]:
        for label, nodes in node_counts(resource):
            if isinstance(nodes, (int, float)):
                counted.append((label, int(nodes)))
            else:
                yield f"{label}: the maximum node count is {fmt(nodes)}"

    yield from stack.each(stack.of_type(ML_COMPUTE, AKS_POOL, AKS_CLUSTER), count)
    total = sum(n for _, n in counted)
    if total > cap:
        detail = ", ".join(f"{label} {n}" for label, n in counted)
        yield f"clusters and node pools can reach {total} nodes, over the cap of {cap} ({detail})"


STK_04 = stack_rule(
    rule_id="STK-04",
    slug="node-cost-caps",
    summary="The sum of maximum nodes across compute clusters and AKS node pools stays within the stack's cap.",
    sources="custom stack rule",
    check=_cost_caps,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param("maxTotalNodes", integer("Cap on the summed maximum node counts.", 1), setting="compute.maxTotalNodes")
    ],
)


# --- STK-05 ------------------------------------------------------------------------------

PROTECTED_TYPES = (ML_WORKSPACE, STORAGE_ACCOUNT, KEY_VAULT, REGISTRY, ML_REGISTRY, AKS_CLUSTER, LOG_ANALYTICS)


def _protected(stack: Stack) -> Iterator[Report]:
    for resource in stack.of_type(*PROTECTED_TYPES):
        if not resource.protect:
            yield resource.finding(
                "not protected: set protect=True so `pulumi destroy` or a replacement cannot delete it"
            )


STK_05 = stack_rule(
    rule_id="STK-05",
    slug="stateful-resources-protected",
    summary="Workspaces, storage accounts, key vaults, container and Azure ML registries, AKS clusters and Log "
    "Analytics workspaces are protected (opts.protect) where the stack requires it "
    "(prod).",
    sources="custom stack rule",
    check=_protected,
    levels=Levels(
        dev=DISABLED, staging=ADVISORY, prod=MANDATORY, why="protection blocks tearing staging down; warn only"
    ),
)


RULES = [STK_01, STK_02, STK_03, STK_04, STK_05]
