"""What a stack needs from its subscription, read from its settings and its offline plan.

Pure data, no Azure SDK: the checks compare these needs with what the subscription answers.
(When components/ grows a list of the prerequisites a stack's settings need, this module should
read it instead of deriving providers and features itself.) Either kind of stack: a shared stack
(the Azure ML registry) needs what its plan creates and the existing network it names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from components.settings import AnySettings, SharedStackSettings, StackSettings

from . import arm

# Actions the deployer needs (learn.microsoft.com):
# role assignments: key-vault/general/rbac-guide ("To manage role assignments, you must have
# Microsoft.Authorization/roleAssignments/write and .../delete permissions, such as ... User Access
# Administrator, or Owner"); locks: azure-resource-manager/management/lock-resources ("Only the
# Owner and the User Access Administrator built-in roles can create and delete management locks");
# a new resource group: Microsoft.Resources/subscriptions/resourceGroups/write on the subscription.
ROLE_ASSIGNMENT_WRITE = "Microsoft.Authorization/roleAssignments/write"
LOCK_WRITE = "Microsoft.Authorization/locks/write"
GROUP_WRITE = "Microsoft.Resources/subscriptions/resourceGroups/write"


@dataclass(frozen=True)
class PoolNeed:
    """One AKS node pool: its nodes run as VMs of the subscription (the Compute quota)."""

    cluster: str  # ARM id of the cluster
    name: str
    vm_size: str
    max_count: int
    zones: tuple[str, ...]
    encryption_at_host: bool


@dataclass(frozen=True)
class MlComputeNeed:
    """An Azure ML cluster or instance: Azure ML's own quota (separate from the Compute quota)."""

    name: str
    vm_size: str
    nodes: int  # maxNodeCount of a cluster, 1 for an instance ("a single-node cluster for quota")
    low_priority: bool


@dataclass(frozen=True)
class Reference:
    """An existing resource the stack points at by id, and the setting that names it."""

    arm_id: str
    setting: str


@dataclass
class StackNeeds:
    stack: str
    subscription: str
    location: str
    resource_group: str
    creates_group: bool
    revision: int
    providers: dict[str, str] = field(default_factory=dict)  # namespace -> why
    # (ARM type, region) of each top-level resource: the stack's region, and a registry's replicas
    located: set[tuple[str, str]] = field(default_factory=set)
    features: dict[tuple[str, str], str] = field(default_factory=dict)  # (namespace, feature) -> why
    # scope -> action -> why. A scope is an ARM id: the stack's own resources are checked at their
    # resource group (they do not exist yet; permissions there are inherited), others where they are.
    actions: dict[str, dict[str, str]] = field(default_factory=dict)
    pools: list[PoolNeed] = field(default_factory=list)
    ml_computes: list[MlComputeNeed] = field(default_factory=list)
    key_vault: str | None = None
    workspace: str | None = None
    references: list[Reference] = field(default_factory=list)

    @property
    def group_id(self) -> str:
        return f"/subscriptions/{self.subscription}/resourceGroups/{self.resource_group}"

    @property
    def workspace_id(self) -> str | None:
        if self.workspace is None:
            return None
        return f"{self.group_id}/providers/Microsoft.MachineLearningServices/workspaces/{self.workspace}"

    def need(self, scope: str, action: str, why: str) -> None:
        self.actions.setdefault(scope, {}).setdefault(action, why)


def derive(
    settings: AnySettings,
    resources: Iterable[Mapping[str, Any]],
    stack: str,
    subscription: str,
    placeholder: str,
) -> StackNeeds:
    """Everything preflight checks, from the validated settings and the plan's resource records."""
    records = [r for r in resources if r.get("custom")]
    group = settings.resource_group.name or _planned_group(records)
    needs = StackNeeds(
        stack=stack,
        subscription=subscription,
        location=arm.region(settings.location),
        resource_group=group,
        creates_group=settings.resource_group.create,
        revision=settings.naming.revision,
    )

    def real(arm_id: str) -> str:
        return arm.with_subscription(arm_id, placeholder, subscription)

    def own(arm_id: str) -> bool:
        return arm.parse(arm_id).subscription.lower() == placeholder.lower()

    def where(arm_id: str) -> str:
        """The scope to check: a planned resource's group, else the existing resource itself."""
        parsed = arm.parse(real(arm_id))
        if own(arm_id) and parsed.resource_group:
            return parsed.group_id
        return real(arm_id)

    if needs.creates_group:
        needs.need(f"/subscriptions/{subscription}", GROUP_WRITE, "creates the resource group")
    for record in records:
        token = record["type"]
        if not token.startswith("azure-native:"):
            continue  # the program's own dynamic resources (RoleAssignmentWait) call no Azure API
        inputs = record.get("inputs") or {}
        arm_type = arm.ARM_TYPES.get(token)
        if arm_type is None:
            raise KeyError(f"tools/preflight/arm.py has no ARM type for {token}")
        namespace = arm_type.split("/")[0]
        if namespace.lower() not in arm.ALWAYS_REGISTERED:
            needs.providers.setdefault(namespace, f"the stack creates {arm_type}")
        if arm_type.count("/") == 1:
            for region in _regions(inputs):
                needs.located.add((arm_type, region))
        name = record["name"]
        if token == "azure-native:authorization:RoleAssignment":
            needs.need(where(inputs["scope"]), ROLE_ASSIGNMENT_WRITE, f"role assignment {name}")
        elif token == "azure-native:authorization:ManagementLockAtResourceGroupLevel":
            needs.need(f"/subscriptions/{subscription}/resourceGroups/{inputs['resourceGroupName']}", LOCK_WRITE, name)
        elif token == "azure-native:authorization:ManagementLockByScope":
            needs.need(where(inputs["scope"]), LOCK_WRITE, name)
        elif token != "azure-native:resources:ResourceGroup":
            target = inputs.get("scope") or inputs.get("resourceUri")
            if isinstance(target, str) and target.startswith("/subscriptions/"):
                scope = where(target)
            else:
                scope = f"/subscriptions/{subscription}/resourceGroups/{inputs.get('resourceGroupName', group)}"
            needs.need(scope, f"{arm_type}/write", f"creates {arm_type}")
        if token == "azure-native:keyvault:Vault":
            needs.key_vault = inputs.get("vaultName")
        elif token == "azure-native:machinelearningservices:Workspace":
            needs.workspace = inputs.get("workspaceName")
        elif token == "azure-native:containerservice:ManagedCluster":
            _cluster_needs(needs, inputs)
        elif token == "azure-native:machinelearningservices:Compute":
            _ml_compute_needs(needs, inputs)
    if isinstance(settings, SharedStackSettings):
        needs.references = _shared_references(settings)
    else:
        _setting_providers(needs, settings)
        needs.references = _references(settings)
    return needs


def _regions(inputs: Mapping[str, Any]) -> set[str]:
    """Where a top-level resource lives: its location, and for an Azure ML registry each region it
    replicates to (regionDetails, REST spec Registry.regionDetails: "Details of each region the
    registry is in"), since the registry type must be offered in every one of them."""
    regions = {arm.region(str(inputs["location"]))} if inputs.get("location") else set()
    for detail in inputs.get("regionDetails") or []:
        if isinstance(detail, Mapping) and detail.get("location"):
            regions.add(arm.region(str(detail["location"])))
    return regions


def _planned_group(records: list[Mapping[str, Any]]) -> str:
    for record in records:
        if record["type"] == "azure-native:resources:ResourceGroup":
            return str(record["inputs"]["resourceGroupName"])
    raise ValueError("the plan creates no resource group and resourceGroup.name is not set")


def _cluster_needs(needs: StackNeeds, inputs: Mapping[str, Any]) -> None:
    cluster = f"{needs.group_id}/providers/Microsoft.ContainerService/managedClusters/{inputs['resourceName']}"
    for pool in inputs.get("agentPoolProfiles") or []:
        needs.pools.append(
            PoolNeed(
                cluster=cluster,
                name=str(pool["name"]),
                vm_size=str(pool["vmSize"]),
                max_count=int(pool.get("maxCount") or pool.get("count") or 1),
                zones=tuple(str(z) for z in pool.get("availabilityZones") or ()),
                encryption_at_host=bool(pool.get("enableEncryptionAtHost")),
            )
        )
    if any(pool.encryption_at_host for pool in needs.pools):
        # learn: virtual-machines/linux/disks-enable-host-based-encryption-cli, "Prerequisites":
        # "You must enable the feature for your subscription before you use the EncryptionAtHost property"
        needs.features[("Microsoft.Compute", "EncryptionAtHost")] = "AKS node pools with enableEncryptionAtHost"
        needs.providers.setdefault("Microsoft.Compute", "re-registered after the EncryptionAtHost feature")
    addons = inputs.get("addonProfiles") or {}
    if (addons.get("azurepolicy") or {}).get("enabled"):
        # learn: governance/policy/concepts/policy-for-kubernetes (az provider register ... PolicyInsights)
        needs.providers.setdefault("Microsoft.PolicyInsights", "the AKS Azure Policy add-on")
    if (inputs.get("securityProfile") or {}).get("defender"):
        needs.providers.setdefault("Microsoft.Security", "Defender for Containers on the AKS cluster")


def _ml_compute_needs(needs: StackNeeds, inputs: Mapping[str, Any]) -> None:
    compute = inputs.get("properties") or {}
    details = compute.get("properties") or {}
    kind = compute.get("computeType")
    if kind == "AmlCompute":
        scale = details.get("scaleSettings") or {}
        needs.ml_computes.append(
            MlComputeNeed(
                name=str(inputs.get("computeName")),
                vm_size=str(details["vmSize"]),
                nodes=int(scale.get("maxNodeCount", 1)),
                low_priority=details.get("vmPriority") == "LowPriority",
            )
        )
    elif kind == "ComputeInstance":
        needs.ml_computes.append(MlComputeNeed(str(inputs.get("computeName")), str(details["vmSize"]), 1, False))


def _setting_providers(needs: StackNeeds, settings: StackSettings) -> None:
    if settings.network.mode == "managed":
        # learn: machine-learning/how-to-managed-network: "The Microsoft.Network resource provider must be
        # registered ... used by the workspace when creating private endpoints for the managed virtual network"
        needs.providers.setdefault("Microsoft.Network", "the workspace's managed virtual network")
    encryption = settings.encryption
    if encryption.customer_managed_key and not encryption.service_side:
        # learn: machine-learning/how-to-setup-customer-managed-keys, prerequisites: these providers
        # must be registered (Azure ML keeps Cosmos DB and AI Search in a managed resource group)
        needs.providers.setdefault("Microsoft.DocumentDB", "the workspace's customer-managed key")
        needs.providers.setdefault("Microsoft.Search", "the workspace's customer-managed key")


def _references(settings: StackSettings) -> list[Reference]:
    found: list[Reference] = []
    if settings.network.vnet.existing_id:
        found.append(Reference(settings.network.vnet.existing_id, "ml-platform:network.vnet.existingId"))
    for zone, zone_id in settings.network.private_dns_zone_ids.items():
        found.append(Reference(zone_id, f"ml-platform:network.privateDnsZoneIds.{zone}"))
    for name, rule in settings.network.managed.outbound_rules.items():
        if rule.type == "PrivateEndpoint" and rule.resource_id:
            found.append(Reference(rule.resource_id, f"ml-platform:network.managed.outboundRules.{name}.resourceId"))
    for key, account in settings.data.accounts.items():
        if account.existing_id:
            found.append(Reference(account.existing_id, f"ml-platform:data.accounts.{key}.existingId"))
    if settings.shared_registry is not None:
        found.append(Reference(settings.shared_registry.id, "ml-platform:sharedRegistry.id"))
    for i, attached in enumerate(settings.compute.attached):
        found.append(Reference(attached.resource_id, f"ml-platform:compute.attached[{i}].resourceId"))
    return _unique(found)


def _shared_references(settings: SharedStackSettings) -> list[Reference]:
    """A shared stack names existing resources only for its registry's private endpoint."""
    found: list[Reference] = []
    if settings.network.subnet_id:
        found.append(Reference(settings.network.subnet_id, "ml-platform:network.subnetId"))
    for zone, zone_id in settings.network.private_dns_zone_ids.items():
        found.append(Reference(zone_id, f"ml-platform:network.privateDnsZoneIds.{zone}"))
    return _unique(found)


def _unique(found: list[Reference]) -> list[Reference]:
    unique: dict[str, Reference] = {}
    for reference in found:
        unique.setdefault(reference.arm_id.lower(), reference)
    return list(unique.values())
