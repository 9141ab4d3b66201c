"""The checks of role and setting steps (path steps are paths.py's): each answers with an Outcome."""

from __future__ import annotations

from collections.abc import Callable

import yaml

from .azure import ROLE_IDS, ROLE_NAMES, SYSTEM_ASSIGNED_GRANTS, is_gpu_size, roles_satisfying
from .definitions import EXAMPLES_REGISTRY, KUBERNETES_INSTANCE_TYPE
from .facts import PlanFacts, Principal, covers, last_segment
from .paths import Outcome, public_access
from .vocabulary import Target


def check_role(facts: PlanFacts, principal: Principal | None, role: str, target: Target) -> Outcome:
    if principal is None:
        return Outcome(False, "no such identity in the plan")
    if target.arm_id is None:
        return Outcome(False, target.missing or "no such resource in the plan")
    if not principal.object_id:
        return Outcome(False, "its principal id is not known at plan time")
    accepted = {ROLE_IDS[r] for r in roles_satisfying(role)}
    held: list[str] = []
    for assignment in facts.role_assignments:
        inputs = facts.inputs(assignment)
        if str(inputs.get("principalId", "")).lower() != principal.object_id.lower():
            continue
        if not covers(str(inputs.get("scope", "")), target.arm_id):
            continue
        guid = last_segment(str(inputs.get("roleDefinitionId", "")))
        if guid in accepted:
            return Outcome(True, f"{ROLE_NAMES[guid]} ({assignment['name']})", evidence=[assignment["urn"]])
        held.append(ROLE_NAMES.get(guid, guid))
    if principal.system_assigned and (principal.owner, role, target.kind) in SYSTEM_ASSIGNED_GRANTS:
        return Outcome(True, "assigned by Azure to the system-assigned identity")
    having = f" (has {', '.join(held)} there)" if held else ""
    return Outcome(False, f"no {role} role assignment{having}")


def _has_identity(facts: PlanFacts, target: Target) -> Outcome:
    identity = facts.inputs(target.record).get("identity") or {}
    if PlanFacts.compute_type(target.record or {}) != "AmlCompute":
        return Outcome(False, "not a compute cluster (AmlCompute)")
    if "Assigned" not in str(identity.get("type", "")):
        return Outcome(False, "the cluster has no managed identity")
    return Outcome(True, f"{identity.get('type')} identity", evidence=[target.record["urn"]] if target.record else [])


def _names_build_compute(facts: PlanFacts, target: Target) -> Outcome:
    name = facts.workspace_input("imageBuildCompute")
    if not name:
        return Outcome(False, "imageBuildCompute is not set")
    compute = facts.computes.get(str(name))
    if compute is None:
        return Outcome(False, f"imageBuildCompute '{name}' is no compute of the plan")
    workspace = [facts.workspace["urn"]] if facts.workspace else []
    return Outcome(True, f"imageBuildCompute '{name}'", evidence=[*workspace, compute["urn"]])


def _cpu_size(facts: PlanFacts, target: Target) -> Outcome:
    properties = (facts.inputs(target.record).get("properties") or {}).get("properties") or {}
    size = str(properties.get("vmSize", ""))
    if PlanFacts.compute_type(target.record or {}) not in ("AmlCompute", "ComputeInstance"):
        return Outcome(False, "not a compute cluster or instance")
    if not size or is_gpu_size(size):
        return Outcome(False, f"{size or 'no size'} is not a CPU size")
    return Outcome(True, size, evidence=[target.record["urn"]] if target.record else [])


def _network_provisioned(facts: PlanFacts, target: Target) -> Outcome:
    if facts.workspace_input("provisionNetworkNow") is True:
        return Outcome(True, "provisionNetworkNow", evidence=[facts.workspace["urn"]] if facts.workspace else [])
    instances = [r for r in facts.computes.values() if PlanFacts.compute_type(r) == "ComputeInstance"]
    if instances:
        # "or create a compute instance first which will automatically provision it"
        return Outcome(True, "a compute instance provisions it", evidence=[instances[0]["urn"]])
    return Outcome(False, "provisionNetworkNow is not set and no compute instance provisions the network")


def _quarantine_off(facts: PlanFacts, target: Target) -> Outcome:
    status = ((facts.inputs(target.record).get("policies") or {}).get("quarantinePolicy") or {}).get("status")
    if str(status).lower() == "enabled":
        return Outcome(False, "quarantinePolicy enabled")
    return Outcome(
        True, f"quarantinePolicy {status or 'not set'}", evidence=[target.record["urn"]] if target.record else []
    )


def _cpu_cores(value: object) -> float:
    text = str(value)
    return float(text[:-1]) / 1000 if text.endswith("m") else float(text)


_MEMORY_UNITS = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "K": 10**3, "M": 10**6, "G": 10**9, "T": 10**12}


def _memory_bytes(value: object) -> float:
    text = str(value)
    for unit in sorted(_MEMORY_UNITS, key=len, reverse=True):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * _MEMORY_UNITS[unit]
    return float(text)


def _instance_type_published(facts: PlanFacts, target: Target) -> Outcome:
    """The deployment's instance type among the InstanceType resources the stack renders
    (`inferenceInstanceTypes`), with MLflow's minimum request: "For MLflow model deployment, the
    resource request requires at least 2 CPU cores and 4 GB of memory" (how-to-manage-kubernetes-instance-types)."""
    manifest = facts.outputs.get("inferenceInstanceTypes")
    if not isinstance(manifest, str):
        return Outcome(False, "the stack publishes no instance types (output inferenceInstanceTypes)")
    items = (yaml.safe_load(manifest) or {}).get("items") or []
    found = [i for i in items if (i.get("metadata") or {}).get("name") == KUBERNETES_INSTANCE_TYPE]
    if not found:
        return Outcome(False, f"no instance type {KUBERNETES_INSTANCE_TYPE} in inferenceInstanceTypes")
    requests = ((found[0].get("spec") or {}).get("resources") or {}).get("requests") or {}
    try:
        cpu, memory = _cpu_cores(requests.get("cpu", 0)), _memory_bytes(requests.get("memory", 0))
    except ValueError:
        return Outcome(False, f"{KUBERNETES_INSTANCE_TYPE} requests {requests}: not Kubernetes quantities")
    if cpu < 2 or memory < 4 * 10**9:
        return Outcome(False, f"{KUBERNETES_INSTANCE_TYPE} requests {requests}: under 2 CPU and 4 GB")
    return Outcome(
        True,
        f"{KUBERNETES_INSTANCE_TYPE} requests {requests.get('cpu')} CPU, {requests.get('memory')}",
        assumes="the manifest is applied to the cluster (kubectl apply: instance types are cluster resources)",
    )


def _examples_registry(facts: PlanFacts, target: Target) -> Outcome:
    """The registry the examples name (azureml://registries/<name>/...) is the one the stack consumes."""
    registry = facts.shared_registry
    name = str((registry or {}).get("name"))
    if name != EXAMPLES_REGISTRY:
        return Outcome(False, f"the examples name registry {EXAMPLES_REGISTRY}, the stack consumes {name}")
    return Outcome(True, f"registry {name}")


def _registry_reads_storage(facts: PlanFacts, target: Target) -> Outcome:
    """The default storage lets the registry copy the model out: public, or the registry as a
    resource instance ("Grant access from Azure resource instances") with public access Enabled."""
    record, registry = target.record, facts.shared_registry
    if record is None or registry is None:
        return Outcome(False, target.missing or "the stack consumes no shared registry")
    evidence = [record["urn"]]
    if public_access(record) == "open":
        return Outcome(True, "the default storage is public", evidence=evidence)
    inputs = facts.inputs(record)
    rules = (inputs.get("networkRuleSet") or {}).get("resourceAccessRules") or []
    listed = any(str(r.get("resourceId", "")).lower() == str(registry["id"]).lower() for r in rules)
    if not listed:
        return Outcome(
            False, f"the default storage is {public_access(record)} and no resource rule lets the registry in"
        )
    if inputs.get("publicNetworkAccess") == "Disabled":
        return Outcome(False, "the registry's resource rule needs publicNetworkAccess Enabled (selected networks)")
    return Outcome(True, f"resource rule for {registry.get('name')} (default action Deny)", evidence=evidence)


def _registry_storage_and_acr(facts: PlanFacts, target: Target) -> Outcome:
    """The shared registry's system-created storage and container registry reached from the managed
    network: internet outbound, or ServiceTag rules `Storage.<region>` and `AzureContainerRegistry.<region>`
    for the workspace's region (how-to-registry-network-isolation, outbound to a public registry)."""
    workspace = [facts.workspace["urn"]] if facts.workspace else []
    if facts.isolation_mode != "AllowOnlyApprovedOutbound":
        return Outcome(True, "internet outbound", evidence=workspace)
    region = str(facts.workspace_input("location") or "").lower()
    found: dict[str, str] = {}
    for rule, carrier in facts.outbound_rules():
        tag = str((rule.get("destination") or {}).get("serviceTag", "")) if rule.get("type") == "ServiceTag" else ""
        found.setdefault(tag.lower(), carrier["urn"])
    needed = [f"Storage.{region}", f"AzureContainerRegistry.{region}"]
    missing = [tag for tag in needed if tag.lower() not in found]
    if missing:
        return Outcome(False, f"no ServiceTag outbound rule {', '.join(missing)} (AllowOnlyApprovedOutbound)")
    return Outcome(True, f"ServiceTag outbound rules {', '.join(needed)}", evidence=[found[t.lower()] for t in needed])


SETTINGS: dict[str, Callable[[PlanFacts, Target], Outcome]] = {
    "the managed network reaches the registry's storage and container registry": _registry_storage_and_acr,
    "the examples' registry is this stack's shared registry": _examples_registry,
    "the registry may read the default storage": _registry_reads_storage,
    "the deployment's instance type, at least 2 CPU and 4 GB": _instance_type_published,
    "a managed identity": _has_identity,
    "imageBuildCompute names a compute of the plan": _names_build_compute,
    "a CPU size": _cpu_size,
    "managed network provisioned before the first deployment": _network_provisioned,
    "quarantine off": _quarantine_off,
}
