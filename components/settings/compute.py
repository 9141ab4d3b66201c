"""Compute settings: clusters, personal instances, the AKS inference cluster, attached compute.

Compute is the costliest part of the platform, so nothing here is implicit: every cluster names
its VM size, priority and node cap; instances and the inference cluster are allowed per tier.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from .base import SettingsModel, cross_checks, problem
from .ids import ObjectId
from .secrets import SecretName

# The compute the examples' pipeline (and the seed's) submits to: every stack must have it.
REQUIRED_CLUSTER = "cpu-cluster"
# The instance type Azure ML gives deployments that name none (how-to-manage-kubernetes-instance-types)
DEFAULT_INSTANCE_TYPE = "defaultinstancetype"

# Digits are [0-9], never `\d`: Python's `\d` also matches other scripts' digits ("PT١٥M"),
# which Azure refuses.
_NAME_CHARS = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]")
_VM_SIZE = re.compile(r"Standard_[A-Z]+[0-9]+(-[0-9]+)?[a-z]*(_[A-Z]+[0-9]*[a-z]*)?(_v[0-9]+)?")
_DURATION = re.compile(r"P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)S)?)?")
_K8S_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_CPU = re.compile(r"[0-9]+(\.[0-9]+)?m?")
_MEMORY = re.compile(r"[0-9]+(Ki|Mi|Gi|Ti|K|M|G|T)?")
# ARM ids of what may be attached (provider namespaces are case-insensitive in ARM)
_SUB_RG = r"/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[\w\-.()]+/providers/"
_ATTACHABLE = {
    "Databricks": (r"Microsoft\.Databricks/workspaces/[\w-]+", "Microsoft.Databricks/workspaces/<name>"),
    "SynapseSpark": (
        r"Microsoft\.Synapse/workspaces/[\w-]+/bigDataPools/\w+",
        "Microsoft.Synapse/workspaces/<workspace>/bigDataPools/<pool>",
    ),
}


def duration_seconds(text: str) -> int | None:
    """Seconds of an ISO 8601 duration such as PT120S, PT1H30M or P1D; None if it is not one."""
    match = _DURATION.fullmatch(text)
    if not match or not any(match.groups()) or text.endswith("T"):
        return None
    days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def _compute_name(low: int, high: int):
    def check(value: str) -> str:
        # Azure: letters, digits, hyphens; starts with a letter, ends with a letter or digit, and
        # "numbers cannot be the ending of the name if the previous character is a minus symbol"
        if not (low <= len(value) <= high and _NAME_CHARS.fullmatch(value)) or re.search(r"-[0-9]+$", value):
            raise ValueError(
                f"'{value}' is not a valid compute name: {low}-{high} letters, digits or hyphens, starting with "
                "a letter, ending with a letter or digit, not ending in '-<digits>'"
            )
        return value

    return check


def _matches(pattern: re.Pattern[str], what: str):
    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise ValueError(f"'{value}' is not {what}")
        return value

    return check


def _ipv4_range(value: str) -> str:
    # Microsoft (api-server-authorized-ip-ranges): "individual IP addresses or ranges in CIDR format";
    # ipaddress refuses octets over 255 and prefixes over /32 (a host part is allowed, as in AKS)
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValueError(f"'{value}' is not an IPv4 address or CIDR range such as 203.0.113.0/24") from None
    if network.version != 4:
        raise ValueError(f"'{value}' is not an IPv4 address or CIDR range such as 203.0.113.0/24")
    return value


def _duration_between(low: int, high: int, what: str):
    def check(value: str) -> str:
        seconds = duration_seconds(value)
        if seconds is None or not low <= seconds <= high:
            raise ValueError(f"'{value}' is not an ISO 8601 duration {what}")
        return value

    return check


# Compute names, REST API (machinelearningservices, Compute PUT, computeName):
# ^[a-zA-Z](?![a-zA-Z0-9-]*-\d+$)[a-zA-Z0-9\-]{2,23}$, i.e. 3-24 characters.
ComputeName = Annotated[str, AfterValidator(_compute_name(3, 24))]
# Kubernetes (and the legacy AKS) computes: at most 16 (learn.microsoft.com, "Naming rules and
# restrictions for Azure resources", Microsoft.MachineLearningServices: workspaces / computes 2-16),
# and at least 3 by the REST API's pattern above: 3-16.
KubernetesComputeName = Annotated[str, AfterValidator(_compute_name(3, 16))]
VmSize = Annotated[str, AfterValidator(_matches(_VM_SIZE, "an Azure VM size such as Standard_DS3_v2"))]
K8sName = Annotated[str, AfterValidator(_matches(_K8S_NAME, "a Kubernetes name (lowercase letters, digits, '-')"))]
Cidr = Annotated[str, AfterValidator(_ipv4_range)]
CpuQuantity = Annotated[str, AfterValidator(_matches(_CPU, "a Kubernetes CPU quantity such as 1 or 500m"))]
MemoryQuantity = Annotated[str, AfterValidator(_matches(_MEMORY, "a Kubernetes memory quantity such as 4Gi"))]
ScaleDownTime = Annotated[str, AfterValidator(_duration_between(1, 10**9, "longer than zero"))]
# Azure's bounds for compute instance idle shutdown (REST API ComputeInstanceProperties /
# IdleShutdownSetting.idleTimeBeforeShutdown, also in the SDK's docstring): "Minimum is 15 min,
# maximum is 3 days", both included.
ShutdownTime = Annotated[str, AfterValidator(_duration_between(15 * 60, 3 * 86400, "between PT15M and P3D"))]


def is_gpu_size(vm_size: str) -> bool:
    """N-series sizes carry GPUs (NC, ND, NV...)."""
    return vm_size.startswith("Standard_N")


class ClusterSettings(SettingsModel):
    name: ComputeName = Field(description="Compute name (3-24; unique among the workspace's computes).")
    vm_size: VmSize = Field(description="VM size of every node (the policy pack holds the allow-list). Replaces.")
    priority: Literal["Dedicated", "LowPriority"] = Field(
        description="LowPriority nodes are cheaper and can be pre-empted. Replaces the cluster when changed."
    )
    min_nodes: int = Field(default=0, ge=0, description="Nodes kept running when idle (0: scale to zero).")
    max_nodes: int = Field(ge=1, description="Node cap; at most `compute.maxNodesPerCluster`.")
    idle_time_before_scale_down: ScaleDownTime = Field(
        default="PT120S", description="ISO 8601 idle time before a node is released."
    )
    identity: Literal["UserAssigned", "SystemAssigned"] = Field(
        default="UserAssigned",
        description=(
            "UserAssigned: the stack's compute identity, whose roles exist before any node starts; "
            "SystemAssigned: the cluster's own identity, granted the same roles after it exists."
        ),
    )
    description: str | None = Field(default=None, max_length=256, description="Shown in Azure ML studio.")

    @cross_checks
    def _min_within_max(self) -> Iterator[ValueError]:
        if self.min_nodes > self.max_nodes:
            yield problem("maxNodes", f"must be >= minNodes ({self.min_nodes})")


class InstanceSettings(SettingsModel):
    name: ComputeName = Field(description="Compute instance name (3-24; unique in the Azure region: use the prefix).")
    vm_size: VmSize = Field(description="VM size of the instance. Replaces.")
    assigned_user_object_id: ObjectId = Field(
        description="Entra object id of the one user the instance belongs to (personal instance)."
    )
    idle_time_before_shutdown: ShutdownTime = Field(
        default="PT60M", description="ISO 8601 idle time before the instance shuts down (PT15M to P3D)."
    )
    description: str | None = Field(default=None, max_length=256, description="Shown in Azure ML studio.")


class NodePoolSettings(SettingsModel):
    vm_size: VmSize = Field(description="VM size of the pool's nodes (4 vCPU / 14 GB minimum for production).")
    min_count: int = Field(ge=1, le=100, description="Nodes the autoscaler never goes below.")
    max_count: int = Field(ge=1, le=100, description="Nodes the autoscaler never goes above.")

    @cross_checks
    def _min_within_max(self) -> Iterator[ValueError]:
        if self.min_count > self.max_count:
            yield problem("maxCount", f"must be >= minCount ({self.min_count})")


class InstanceTypeSettings(SettingsModel):
    name: K8sName = Field(description="Instance type name that deployments ask for (`instance_type`).")
    cpu: CpuQuantity = Field(description="CPU requested and allowed per pod (Kubernetes quantity).")
    memory: MemoryQuantity = Field(description="Memory requested and allowed per pod (Kubernetes quantity).")
    gpu: int = Field(default=0, ge=0, le=8, description="NVIDIA GPUs per pod.")
    node_selector: dict[str, str] = Field(default_factory=dict, description="Kubernetes node selector.")


class InferenceTlsSettings(SettingsModel):
    """The scoring host's certificate and key, by the names of `secure:` stack values.

    The program sends them base64-encoded as the extension's protected settings
    `scoringFe.sslCert` / `scoringFe.sslKey`, what `az k8s-extension create` makes of
    `sslCertPemFile` / `sslKeyPemFile` (Azure/azure-cli-extensions, AzureMLKubernetes.py,
    `__set_inference_ssl_from_file`). Microsoft (how-to-secure-kubernetes-online-endpoint): a
    PEM certificate with the full chain, and a PEM key without a passphrase.
    """

    certificate_secret: SecretName = Field(
        description=(
            "Name of the `secure:` value holding the PEM certificate with its full chain "
            '(`pulumi config set --secret <name> -- "$(cat fullchain.pem)"`).'
        )
    )
    key_secret: SecretName = Field(
        description="Name of the `secure:` value holding the PEM private key (no passphrase: Azure ML refuses one)."
    )


class InferenceSettings(SettingsModel):
    """An AKS cluster attached the Azure ML v2 way: cluster extension + Kubernetes compute."""

    enabled: bool = Field(description="Create the AKS inference cluster (production deployment target).")
    compute_name: KubernetesComputeName = Field(
        default="aks-inference", description="Name of the Kubernetes compute in the workspace (3-16)."
    )
    namespace: K8sName = Field(
        default="default",
        description="Kubernetes namespace of the endpoints; it must exist before attach (`default` always does).",
    )
    kubernetes_version: str | None = Field(
        default=None, pattern=r"^[0-9]+\.[0-9]+(\.[0-9]+)?$", description="AKS version (none: AKS's default)."
    )
    tier: Literal["Free", "Standard", "Premium"] = Field(description="AKS control-plane tier (Standard has an SLA).")
    upgrade_channel: Literal["patch", "stable", "rapid", "node-image"] = Field(
        default="patch", description="AKS auto-upgrade channel (node images always follow `NodeImage`)."
    )
    network_policy: Literal["cilium", "azure"] = Field(
        default="cilium",
        description="cilium: Azure CNI overlay powered by Cilium; azure: Azure CNI with Azure network policy.",
    )
    private_cluster: bool = Field(description="API server reachable only from the cluster's virtual network.")
    authorized_ip_ranges: list[Cidr] = Field(
        default_factory=list, description="Public API server: the only source ranges allowed (empty: any)."
    )
    disable_run_command: bool = Field(description="Turn off `az aks command invoke`.")
    admin_group_object_ids: list[ObjectId] = Field(
        default_factory=list,
        description=(
            "Entra groups that administer the cluster: Azure Kubernetes Service RBAC Cluster Admin on it (Azure RBAC "
            "for Kubernetes is on) and the cluster's aadProfile admin groups. Required with a private API server and "
            "run command off: they apply the instance types and other in-cluster objects by hand."
        ),
    )
    availability_zones: list[Literal["1", "2", "3"]] = Field(description="Zones the node pools spread over.")
    encryption_at_host: bool = Field(
        default=True,
        description="Encrypt node temp disks and caches (subscription feature Microsoft.Compute/EncryptionAtHost).",
    )
    defender: bool = Field(description="Microsoft Defender for Containers sensor, reporting to the stack's logs.")
    system_pool: NodePoolSettings = Field(description="The system node pool (cluster add-ons).")
    user_pool: NodePoolSettings = Field(description="The autoscaling user node pool (model deployments).")
    instance_types: list[InstanceTypeSettings] = Field(
        description=(
            "Resource shapes deployments can request: in-cluster objects, rendered as the stack output "
            "`inferenceInstanceTypes` for you to `kubectl apply` (ARM cannot create them)."
        )
    )
    default_instance_type: K8sName = Field(
        description="Instance type of deployments that name none (the manifest's `defaultinstancetype`)."
    )
    enable_training: bool = Field(default=False, description="Also let training jobs run on the cluster.")
    inference_router_service_type: Literal["loadBalancer", "nodePort", "clusterIP"] = Field(
        default="loadBalancer", description="How the inference router (azureml-fe) is exposed."
    )
    internal_load_balancer: bool = Field(
        description="Expose the router on an internal (private) Azure load balancer only."
    )
    inference_router_ha: bool = Field(
        description="Three router replicas on separate nodes: needs >= 3 nodes (system + minimum user nodes)."
    )
    allow_insecure_connections: bool = Field(description="Serve scoring over plain HTTP (never in production).")
    ssl_cname: str | None = Field(
        default=None,
        max_length=253,
        pattern=r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$",
        description=(
            "Host name of the HTTPS scoring endpoint, matching the certificate "
            "(none: `<computeName>-<prefix>-<stack>.internal`)."
        ),
    )
    tls: InferenceTlsSettings | None = Field(
        default=None,
        description=(
            "HTTPS scoring (allowInsecureConnections false): the certificate and key, by `secure:` value names; "
            "required then, unused otherwise."
        ),
    )

    @model_validator(mode="before")
    @classmethod
    def _no_in_cluster_secret(cls, data: Any) -> Any:
        # The extension would read sslSecret from the `azureml` namespace, which only exists once the
        # extension is being installed by this same stack: nothing can put the secret there first.
        if isinstance(data, dict) and "sslSecret" in data:
            raise problem("sslSecret", "no longer supported: name the certificate and key secrets in tls instead")
        return data

    @cross_checks
    def _consistent(self) -> Iterator[ValueError]:
        names = [t.name for t in self.instance_types]
        for i, name in enumerate(names):
            if name in names[:i]:
                yield problem(f"instanceTypes[{i}].name", f"'{name}' is listed twice: instance type names are unique")
        if self.default_instance_type not in names:
            yield problem("defaultInstanceType", f"'{self.default_instance_type}' is not one of instanceTypes {names}")
        if DEFAULT_INSTANCE_TYPE in names:
            yield problem(
                f"instanceTypes[{names.index(DEFAULT_INSTANCE_TYPE)}].name",
                f"'{DEFAULT_INSTANCE_TYPE}' is the name the stack gives the copy of defaultInstanceType; "
                "name the type and point defaultInstanceType at it",
            )
        if self.internal_load_balancer and self.inference_router_service_type != "loadBalancer":
            yield problem("internalLoadBalancer", "needs inferenceRouterServiceType loadBalancer")
        if self.enabled and self.private_cluster and self.disable_run_command and not self.admin_group_object_ids:
            # Azure RBAC for Kubernetes authorizes every kubectl call (aks/manage-azure-rbac): without a
            # group holding a cluster-wide role, and with the API server private and run command off,
            # nobody can apply what ARM cannot create (instance types, docs/compute.md).
            yield problem(
                "adminGroupObjectIds",
                "name at least one Entra group (az ad group show --group <name> --query id -o tsv): it gets Azure "
                "Kubernetes Service RBAC Cluster Admin on the cluster, the only way in with a private API server and "
                "run command off",
            )
        if self.private_cluster and self.authorized_ip_ranges:
            # Microsoft (api-server-authorized-ip-ranges): "You can't use this feature with private clusters."
            yield problem("authorizedIpRanges", "AKS refuses authorized IP ranges on a private cluster: drop them")
        nodes = self.system_pool.min_count + self.user_pool.min_count
        if self.inference_router_ha and nodes < 3:
            yield problem("inferenceRouterHa", f"needs >= 3 nodes; systemPool.minCount + userPool.minCount is {nodes}")
        if self.enabled and not self.allow_insecure_connections and self.tls is None:
            # the CLI refuses the same (AzureMLKubernetes.py, __validate_scoring_fe_settings)
            yield problem(
                "tls",
                "HTTPS scoring (allowInsecureConnections: false) needs the certificate: set "
                "tls: {certificateSecret: <name>, keySecret: <name>} and store both with pulumi config set --secret",
            )

    @property
    def https(self) -> bool:
        return self.enabled and not self.allow_insecure_connections

    def secret_references(self) -> dict[str, str]:
        """Settings key -> name of the `secure:` config value it refers to (HTTPS scoring only)."""
        if not self.https or self.tls is None:
            return {}
        return {
            "compute.inference.tls.certificateSecret": self.tls.certificate_secret,
            "compute.inference.tls.keySecret": self.tls.key_secret,
        }


class AttachedComputeSettings(SettingsModel):
    name: ComputeName = Field(description="Compute name in the workspace.")
    kind: Literal["Databricks", "SynapseSpark"] = Field(description="What is attached.")
    resource_id: str = Field(
        description=(
            "ARM id: a Databricks workspace (`.../Microsoft.Databricks/workspaces/<name>`) or a Synapse Spark "
            "pool (`.../Microsoft.Synapse/workspaces/<ws>/bigDataPools/<pool>`)."
        )
    )
    description: str | None = Field(default=None, max_length=256, description="Shown in Azure ML studio.")

    @cross_checks
    def _resource_id_shape(self) -> Iterator[ValueError]:
        pattern, shape = _ATTACHABLE[self.kind]
        if not re.fullmatch(_SUB_RG + pattern, self.resource_id, re.IGNORECASE):
            yield problem(
                "resourceId", f"is not a {self.kind} id: /subscriptions/<id>/resourceGroups/<group>/providers/{shape}"
            )


class ComputeSettings(SettingsModel):
    clusters: list[ClusterSettings] = Field(description=f"Compute clusters; one must be `{REQUIRED_CLUSTER}`.")
    max_nodes_per_cluster: int = Field(ge=1, le=1000, description="Cap on every cluster's maxNodes (cost guard).")
    max_total_nodes: int = Field(
        ge=1, le=10000, description="Cap on the sum of every cluster's maxNodes and the inference pools' maxCount."
    )
    disable_local_auth: bool = Field(
        default=True, description="Entra ID only on every compute (no keys or local accounts of Azure ML)."
    )
    allow_instances: bool = Field(description="Whether personal compute instances may exist in this stack.")
    instances: list[InstanceSettings] = Field(default_factory=list, description="Personal compute instances.")
    inference: InferenceSettings = Field(description="The AKS inference cluster.")
    attached: list[AttachedComputeSettings] = Field(default_factory=list, description="Attached compute.")

    @cross_checks
    def _consistent(self) -> Iterator[ValueError]:
        if REQUIRED_CLUSTER not in {c.name for c in self.clusters}:
            yield problem("clusters", f"must include a cluster named '{REQUIRED_CLUSTER}' (the examples' pipeline)")
        for i, cluster in enumerate(self.clusters):
            if cluster.max_nodes > self.max_nodes_per_cluster:
                yield problem(
                    f"clusters[{i}].maxNodes", f"must be <= maxNodesPerCluster ({self.max_nodes_per_cluster})"
                )
        total = self.total_max_nodes()
        if total > self.max_total_nodes:
            yield problem(
                "maxTotalNodes",
                f"clusters and inference pools can grow to {total} nodes, over maxTotalNodes ({self.max_total_nodes})",
            )
        if self.instances and not self.allow_instances:
            yield problem("instances", "compute instances are not allowed in this stack (allowInstances is false)")
        seen: dict[str, str] = {}
        for key, name in self.named_computes():
            if name.lower() in seen:
                yield problem(
                    key, f"'{name}' is taken by {seen[name.lower()]} (compute names are unique per workspace)"
                )
            else:
                seen[name.lower()] = key

    def total_max_nodes(self) -> int:
        total = sum(c.max_nodes for c in self.clusters)
        if self.inference.enabled:
            total += self.inference.system_pool.max_count + self.inference.user_pool.max_count
        return total

    def named_computes(self) -> list[tuple[str, str]]:
        """(settings key, compute name) of every compute the stack puts in the workspace."""
        named = [(f"clusters[{i}].name", c.name) for i, c in enumerate(self.clusters)]
        named += [(f"instances[{i}].name", c.name) for i, c in enumerate(self.instances)]
        if self.inference.enabled:
            named.append(("inference.computeName", self.inference.compute_name))
        named += [(f"attached[{i}].name", c.name) for i, c in enumerate(self.attached)]
        return named


def _cluster(name: str, vm_size: str, priority: str, max_nodes: int) -> dict[str, Any]:
    return {"name": name, "vmSize": vm_size, "priority": priority, "minNodes": 0, "maxNodes": max_nodes}


_INFERENCE_DEFAULTS: dict[str, Any] = {
    "systemPool": {"vmSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 3},
    "userPool": {"vmSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 3},
    # Microsoft (how-to-manage-kubernetes-instance-types): an MLflow model deployment requests at
    # least 2 CPU cores and 4 GB of memory, or it fails; the examples deploy an MLflow model.
    "instanceTypes": [{"name": "cpu-small", "cpu": "2", "memory": "4Gi"}],
    "defaultInstanceType": "cpu-small",
}
# HTTPS scoring reads the certificate and key from these `secure:` values (docs/deploying.md)
_TLS_SECRETS: dict[str, Any] = {"certificateSecret": "inferenceTlsCert", "keySecret": "inferenceTlsKey"}

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
# Lists replace: a stack that lists its own clusters lists cpu-cluster too. The node caps are the
# policy pack's (ML-10 per cluster, STK-04 in total), so a stack that passes validation passes them.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {
        "clusters": [_cluster(REQUIRED_CLUSTER, "Standard_DS3_v2", "LowPriority", 2)],
        "maxNodesPerCluster": 4,
        "maxTotalNodes": 8,
        "allowInstances": True,
        "inference": {
            **_INFERENCE_DEFAULTS,
            "enabled": False,
            "tier": "Free",
            "privateCluster": False,
            "disableRunCommand": False,
            "availabilityZones": [],
            "defender": False,
            "internalLoadBalancer": False,
            "inferenceRouterHa": False,
            "allowInsecureConnections": True,
        },
    },
    "staging": {
        "clusters": [_cluster(REQUIRED_CLUSTER, "Standard_D4ds_v5", "Dedicated", 4)],
        "maxNodesPerCluster": 6,
        "maxTotalNodes": 16,
        "allowInstances": True,
        "inference": {
            **_INFERENCE_DEFAULTS,
            "enabled": False,
            "tier": "Free",
            # staging holds production's security bar (the policy pack's staging levels)
            "privateCluster": True,
            "disableRunCommand": True,
            "availabilityZones": [],
            "defender": True,
            "internalLoadBalancer": True,
            "inferenceRouterHa": False,
            "allowInsecureConnections": False,
            "tls": _TLS_SECRETS,
        },
    },
    "prod": {
        "clusters": [_cluster(REQUIRED_CLUSTER, "Standard_D8ds_v5", "Dedicated", 8)],
        "maxNodesPerCluster": 10,
        "maxTotalNodes": 40,
        "allowInstances": False,
        "inference": {
            **_INFERENCE_DEFAULTS,
            "enabled": True,
            "tier": "Standard",
            "privateCluster": True,
            "disableRunCommand": True,
            "availabilityZones": ["1", "2", "3"],
            "defender": True,
            "systemPool": {"vmSize": "Standard_D4ds_v5", "minCount": 2, "maxCount": 3},
            "userPool": {"vmSize": "Standard_D8ds_v5", "minCount": 2, "maxCount": 6},
            "internalLoadBalancer": True,
            "inferenceRouterHa": True,
            "allowInsecureConnections": False,
            "tls": _TLS_SECRETS,
        },
    },
}
