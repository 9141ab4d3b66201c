"""Stack rules: properties of the stack as a whole (STK-01..STK-09)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator, Sequence
from typing import Any

from .lib.catalog import (
    AKS_CLUSTER,
    AKS_POOL,
    APP_INSIGHTS,
    COMPUTE_WRITE_ACTION,
    COMPUTE_WRITE_ROLES,
    DIAGNOSTIC_SETTING,
    KEY_VAULT,
    LOG_ANALYTICS,
    ML_COMPUTE,
    ML_OUTBOUND_RULE,
    ML_WORKSPACE,
    PRIVILEGED_ROLES,
    REGISTRY,
    RESOURCE_GROUP,
    ROLE_ASSIGNMENT,
    ROLE_AZUREML_DATA_SCIENTIST,
    ROLE_DEFINITION,
    ROLE_NAMES,
    STORAGE_ACCOUNT,
)
from .lib.props import MISSING, UNKNOWN, as_list, fmt, key_ci, keys, known_str, one_of, read, same
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

# The workspace's associated resources: input name, type, label.
ASSOCIATED = (
    ("storageAccount", STORAGE_ACCOUNT, "storage account"),
    ("keyVault", KEY_VAULT, "key vault"),
    ("applicationInsights", APP_INSIGHTS, "Application Insights component"),
    ("containerRegistry", REGISTRY, "container registry"),
)


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


def _required_tags(stack: Stack) -> Iterator[Report]:
    required = list(stack.config["requiredTags"])

    def check(resource: Resource) -> Iterator[str]:
        tags = resource.get("tags")
        missing = [t for t in required if read(tags, [key_ci(tags, t)]) in (MISSING, "")]
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

PROTECTED_TYPES = (ML_WORKSPACE, STORAGE_ACCOUNT, KEY_VAULT, REGISTRY, AKS_CLUSTER, LOG_ANALYTICS)


def _protected(stack: Stack) -> Iterator[Report]:
    for resource in stack.of_type(*PROTECTED_TYPES):
        if not resource.protect:
            yield resource.finding(
                "not protected: set protect=True so `pulumi destroy` or a replacement cannot delete it"
            )


STK_05 = stack_rule(
    rule_id="STK-05",
    slug="stateful-resources-protected",
    summary="Workspaces, storage accounts, key vaults, registries, AKS clusters and Log "
    "Analytics workspaces are protected (opts.protect) where the stack requires it "
    "(prod).",
    sources="custom stack rule",
    check=_protected,
    levels=Levels(
        dev=DISABLED, staging=ADVISORY, prod=MANDATORY, why="protection blocks tearing staging down; warn only"
    ),
)


# --- STK-06 ------------------------------------------------------------------------------

_SUBSCRIPTION_OR_WIDER = re.compile(
    r"^(/|/subscriptions/[^/]+/?|/providers/microsoft\.management/managementgroups/[^/]+/?)$", re.IGNORECASE
)


def role_guid(value: Any) -> str | None:
    text = known_str(value)
    return text.rstrip("/").rsplit("/", 1)[-1].casefold() if text else None


def role_label(guid: str | None) -> str:
    return ROLE_NAMES.get(guid or "", guid or "?")


def allows(permissions: Sequence[Any], action: str) -> bool:
    """Whether a role definition's permissions grant `action` (wildcards as Azure reads them)."""
    target = action.casefold()
    for permission in permissions:
        granted = [str(a).casefold() for a in as_list(read(permission, "actions"))]
        denied = [str(a).casefold() for a in as_list(read(permission, "notActions"))]
        if any(fnmatch.fnmatchcase(target, p) for p in granted) and not any(
            fnmatch.fnmatchcase(target, p) for p in denied
        ):
            return True
    return False


def _least_privilege(stack: Stack) -> Iterator[Report]:
    by_principal: dict[str, list[tuple[Resource, str | None]]] = {}

    def check(assignment: Resource) -> Iterator[str]:
        guid = role_guid(assignment.get("roleDefinitionId"))
        principal_type = assignment.get("principalType")
        if guid in PRIVILEGED_ROLES:
            if principal_type is MISSING:
                yield (
                    f"{role_label(guid)} is assigned without principalType; set it (a "
                    "User or Group principal may never hold this role)"
                )
            elif one_of(principal_type, ("User", "Group")):
                yield (
                    f"a {principal_type} principal is granted {role_label(guid)}; humans get "
                    "scoped data-plane or AzureML roles, never Owner, Contributor, User "
                    "Access Administrator or RBAC Administrator"
                )
        scope = assignment.get("scope")
        if isinstance(scope, str) and _SUBSCRIPTION_OR_WIDER.match(scope):
            yield f"scope {fmt(scope)} is a subscription or wider; assign at the resource or resource group"
        principal = assignment.get("principalId")
        if isinstance(principal, str):
            by_principal.setdefault(principal.casefold(), []).append((assignment, guid))

    yield from stack.each(stack.of_type(ROLE_ASSIGNMENT), check)

    def writes_compute(assignment: Resource, guid: str | None) -> bool:
        if guid in COMPUTE_WRITE_ROLES:
            return True
        for definition in stack.refs(assignment, "roleDefinitionId", [ROLE_DEFINITION]):
            if allows(as_list(definition.get("permissions")), COMPUTE_WRITE_ACTION):
                return True
        return False

    def conflicts(principal: str) -> Iterator[Report]:
        grants = by_principal[principal]
        if not any(guid == ROLE_AZUREML_DATA_SCIENTIST for _, guid in grants):
            return
        for assignment, guid in grants:
            if guid != ROLE_AZUREML_DATA_SCIENTIST and writes_compute(assignment, guid):
                label = role_label(guid) if guid in ROLE_NAMES else f"custom role {guid}"
                yield assignment.finding(
                    f"principal {principal} holds AzureML Data Scientist and also {label}, "
                    "which can create or change compute (compute is for admins)"
                )

    for principal in by_principal:
        yield from stack.guard.run(conflicts(principal), label=f"principal {principal}")


STK_06 = stack_rule(
    rule_id="STK-06",
    slug="least-privilege-role-assignments",
    summary="User and Group principals never get Owner, Contributor, User Access Administrator "
    "or RBAC Administrator; nothing is assigned at subscription scope; AzureML Data "
    "Scientists get no compute-write role.",
    sources="custom stack rule",
    check=_least_privilege,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- STK-07 ------------------------------------------------------------------------------

APPROVED_OUTBOUND_ONLY = "AllowOnlyApprovedOutbound"


def _private_connectivity(stack: Stack) -> Iterator[Report]:
    required = {
        ML_WORKSPACE: ["amlworkspace"],
        KEY_VAULT: ["vault"],
        REGISTRY: ["registry"],
        STORAGE_ACCOUNT: [str(g).casefold() for g in stack.config["storageGroupIds"]],
    }
    covered: set[str] = set()

    def managed(ws: Resource) -> None:
        if not same(ws.get("managedNetwork.isolationMode"), APPROVED_OUTBOUND_ONLY):
            return
        # The managed VNet reaches the workspace's associated resources through managed private
        # endpoints, and any other resource through a PrivateEndpoint outbound rule: inline in
        # managedNetwork.outboundRules, or a ManagedNetworkSettingsRule resource of the workspace
        # (the platform's form for targets created after the workspace, such as data lakes).
        covered.add(ws.urn)
        for prop, kind, _label in ASSOCIATED:
            covered.update(r.urn for r in stack.refs(ws, prop, [kind]))
        rules = ws.get("managedNetwork.outboundRules")
        for name in keys(rules):
            if same(read(rules, [name, "type"]), "PrivateEndpoint"):
                target = read(rules, [name, "destination", "serviceResourceId"])
                if isinstance(target, str):
                    covered.update(r.urn for r in stack.by_arm_id(target, list(required)))
        for rule in stack.of_type(ML_OUTBOUND_RULE):
            if not any(w is ws for w in stack.parent(rule, "workspaceName", [ML_WORKSPACE])):
                continue
            if same(rule.get("properties.type"), "PrivateEndpoint"):
                targets = stack.refs(rule, "properties", list(required), "properties.destination.serviceResourceId")
                covered.update(r.urn for r in targets)

    complete = stack.index(stack.of_type(ML_WORKSPACE), managed)

    def check(resource: Resource) -> Iterator[str]:
        if resource.urn in covered:
            return
        wanted = required[resource.type]
        missing = [g for g in wanted if g not in stack.private_endpoint_groups(resource)]
        if missing and not complete:
            raise stack.undecided(resource, "whether a managed network covers it")
        if missing:
            yield (
                f"no private endpoint for {', '.join(missing)} and no workspace managed "
                f"network in {APPROVED_OUTBOUND_ONLY} mode covers it"
            )

    yield from stack.each(stack.of_type(*required), check)


STK_07 = stack_rule(
    rule_id="STK-07",
    slug="private-connectivity",
    summary="Every workspace, key vault, storage account and registry has private endpoints "
    "(amlworkspace; vault; blob and file; registry) or is covered by a workspace managed "
    "network in AllowOnlyApprovedOutbound mode (prod).",
    sources="custom stack rule",
    check=_private_connectivity,
    levels=Levels(dev=DISABLED, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "storageGroupIds",
            string_list("Private endpoint sub-resources every storage account needs."),
            default=["blob", "file"],
        )
    ],
)


# --- STK-08 ------------------------------------------------------------------------------

DIAGNOSED_TYPES = (ML_WORKSPACE, KEY_VAULT, REGISTRY, AKS_CLUSTER, STORAGE_ACCOUNT)


def _diagnostics(stack: Stack) -> Iterator[Report]:
    # urn of the target -> [(sends to a Log Analytics workspace of the stack, logs enabled)]
    settings: dict[str, list[tuple[bool, bool]]] = {}

    def index(setting: Resource) -> None:
        targets = stack.diagnostic_target(setting, DIAGNOSED_TYPES)
        to_law = bool(stack.refs(setting, "workspaceId", [LOG_ANALYTICS]))
        logs = any(read(entry, "enabled") is True for entry in as_list(setting.get("logs")))
        for target in targets:
            settings.setdefault(target.urn, []).append((to_law, logs))

    complete = stack.index(stack.of_type(DIAGNOSTIC_SETTING), index)

    def check(resource: Resource) -> Iterator[str]:
        found = settings.get(resource.urn, [])
        if not any(to_law and logs for to_law, logs in found) and not complete:
            raise stack.undecided(resource, "its diagnostic settings")
        if not found:
            yield "no diagnostic setting sends its logs to Log Analytics"
        elif not any(to_law for to_law, _ in found):
            yield "its diagnostic settings do not send to a Log Analytics workspace of this stack"
        elif not any(to_law and logs for to_law, logs in found):
            yield "its diagnostic setting enables no log category"

    yield from stack.each(stack.of_type(*DIAGNOSED_TYPES), check)


STK_08 = stack_rule(
    rule_id="STK-08",
    slug="diagnostic-settings",
    summary="Workspaces, key vaults, registries, AKS clusters and storage accounts send logs to "
    "the stack's Log Analytics workspace (storage: from a service of the account, e.g. "
    "blobServices/default; the account itself has no log categories).",
    sources="custom stack rule",
    check=_diagnostics,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- STK-09 ------------------------------------------------------------------------------

# Explicit exception: a hub project (kind Project) uses its hub's associated resources.
PROJECT_EXCEPTION = "a Project workspace uses the associated resources of its hub"


def _associated_in_stack(stack: Stack) -> Iterator[Report]:
    registry_required = bool(stack.config["requireContainerRegistry"])

    def check(ws: Resource) -> Iterator[str]:
        if same(ws.get("kind"), "Project"):
            return  # PROJECT_EXCEPTION
        for prop, kind, label in ASSOCIATED:
            value = ws.peek(prop)
            if value is MISSING:
                if prop != "containerRegistry" or registry_required:
                    yield (
                        f"{prop} is not set; the stack must create and harden the {label} "
                        "(Azure ML would otherwise create an unmanaged one)"
                    )
                continue
            if not stack.refs(ws, prop, [kind]):
                shown = "an unknown id" if value is UNKNOWN else fmt(value)
                yield f"{prop} is {shown}, not a {label} of this stack: it escapes the stack's rules"

    yield from stack.each(stack.of_type(ML_WORKSPACE), check)


STK_09 = stack_rule(
    rule_id="STK-09",
    slug="workspace-associated-resources-in-stack",
    summary="A workspace's storage account, key vault, Application Insights and container "
    "registry are resources of this stack (so the pack's rules judge them).",
    sources="custom stack rule",
    check=_associated_in_stack,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
    params=[
        Param(
            "requireContainerRegistry",
            boolean("The workspace must name a container registry of the stack."),
            default=True,
        )
    ],
)


RULES = [STK_01, STK_02, STK_03, STK_04, STK_05, STK_06, STK_07, STK_08, STK_09]
