"""VM sizes offered and not restricted, and vCPU quota against the stack's caps.

Two quotas (learn: machine-learning/how-to-manage-quotas, "Azure Machine Learning compute is an
exception. It has a separate quota from the core compute quota"):
- AKS node pools run as the subscription's VMs: the Compute quota per VM family and the regional
  total ("Virtual machine cores have a regional total limit and a regional limit per size series.
  Both limits are separately enforced", same page). Usage_List: GET /subscriptions/{s}/providers/
  Microsoft.Compute/locations/{location}/usages; `value[] {name.value, currentValue, limit}`, the
  family rows named like the SKU's `family`, the regional total `cores` (compute/resource-manager/
  Microsoft.Compute/ComputeRP/stable/2024-11-01/computeRPCommon.json, example
  computeRPCommonExamples/Usage_List_MaximumSet_Gen.json).
- Azure ML clusters and instances: Azure ML's usages, dedicated cores per VM family and in total,
  low-priority cores in total ("a single value across VM families"); "A compute instance is
  considered a single-node cluster for quota purposes". Usages_List: GET /subscriptions/{s}/providers/
  Microsoft.MachineLearningServices/locations/{location}/usages; rows typed
  `.../vmFamily/dedicatedCores/usages` (name.value = family), `.../totalDedicatedCores/usages`
  (TotalDedicatedCores), `.../totalLowPriorityCores/usages` (TotalLowPriorityCores), and per
  workspace `.../workspaces/<ws>/usages/<family>`; Quotas_List: GET .../locations/{location}/quotas,
  the per-workspace limits (machinelearningservices/resource-manager/Microsoft.MachineLearningServices/
  stable/2020-08-01/machineLearningServices.json, the version azure-mgmt-machinelearningservices 1.0.1
  calls; examples ListUsages.json, ListWorkspaceQuotasByVMFamily.json). A limit of -1 is no limit.
Sizes: vCPUs and family from ResourceSkus_List (facts.py); AKS pools also need their zones offered
and not restricted, and `EncryptionAtHostSupported` "True" when they encrypt at host
("checking that the EncryptionAtHostSupported capability is set to True",
virtual-machines/linux/disks-enable-host-based-encryption-cli).
A cluster or workspace that already exists already counts in `currentValue`; what it runs is
subtracted (the cluster's `agentPoolProfiles[].count`, the workspace's own usage rows).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from azure.core.exceptions import ResourceNotFoundError

from ..report import Finding
from .facts import Facts, capability, sku_zones


def vm_sizes(facts: Facts) -> list[Finding]:
    needs, skus = facts.needs, facts.skus()
    findings = []
    uses: dict[str, list[str]] = defaultdict(list)
    for pool in needs.pools:
        uses[pool.vm_size].append(f"AKS pool {pool.name}")
    for compute in needs.ml_computes:
        uses[compute.vm_size].append(f"Azure ML compute {compute.name}")
    for size, users in sorted(uses.items()):
        sku = skus.get(size.lower())
        if sku is None:
            findings.append(
                Finding(
                    "vm-size",
                    size,
                    "fail",
                    f"not offered in {needs.location} ({', '.join(users)})",
                    "choose another size",
                )
            )
            continue
        problems = _restrictions(sku, needs.location, {z for p in needs.pools if p.vm_size == size for z in p.zones})
        for pool in (p for p in needs.pools if p.vm_size == size):
            missing = sorted(set(pool.zones) - sku_zones(sku, needs.location))
            if missing:
                problems.append(f"zones {', '.join(missing)} not offered (pool {pool.name})")
            if pool.encryption_at_host and capability(sku, "EncryptionAtHostSupported") != "True":
                problems.append(f"no encryption at host (pool {pool.name})")
        if problems:
            findings.append(
                Finding(
                    "vm-size",
                    size,
                    "fail",
                    "; ".join(problems),
                    "choose another size or zones, or ask Azure support to lift the restriction",
                )
            )
        else:
            findings.append(Finding("vm-size", size, "ok", f"offered in {needs.location} ({', '.join(users)})"))
    return findings


def _restrictions(sku: Any, location: str, zones: set[str]) -> list[str]:
    problems = []
    for restriction in sku.restrictions or []:
        reason = str(getattr(restriction.reason_code, "value", restriction.reason_code) or "")
        if restriction.type == "Location":
            problems.append(f"restricted in {location} for this subscription ({reason})")
        elif restriction.type == "Zone":
            info = restriction.restriction_info
            blocked = sorted(zones & {str(z) for z in (info.zones if info else None) or []})
            if blocked:
                problems.append(f"zones {', '.join(blocked)} restricted ({reason})")
    return problems


def _vcpus(facts: Facts, size: str) -> tuple[str, int] | None:
    sku = facts.skus().get(size.lower())
    if sku is None:
        return None
    return str(sku.family), int(capability(sku, "vCPUs") or 0)


def compute_quota(facts: Facts) -> list[Finding]:
    needs = facts.needs
    if not needs.pools:
        return []
    wanted: dict[str, int] = defaultdict(int)
    for pool in needs.pools:
        shape = _vcpus(facts, pool.vm_size)
        if shape:
            wanted[shape[0].lower()] += pool.max_count * shape[1]
    running = _running_pools(facts)
    usages = {str(u.name.value).lower(): u for u in facts.clients.compute().usage.list(needs.location)}
    rows = [*sorted(wanted.items()), ("cores", sum(wanted.values()))]
    findings = []
    for family, need in rows:
        own = sum(running.values()) if family == "cores" else running.get(family, 0)
        findings.append(_headroom("quota", family, usages.get(family), need, own, needs.location, "AKS node pools"))
    return findings


def _running_pools(facts: Facts) -> dict[str, int]:
    """vCPUs the stack's AKS cluster already runs, per family (0 before the first deployment)."""
    running: dict[str, int] = defaultdict(int)
    for cluster in sorted({p.cluster for p in facts.needs.pools}):
        version = facts.api_version("Microsoft.ContainerService/managedClusters")
        if version is None:
            continue
        try:
            found = facts.clients.resources().resources.get_by_id(cluster, api_version=version)
        except ResourceNotFoundError:
            continue
        for pool in (found.properties or {}).get("agentPoolProfiles") or []:
            shape = _vcpus(facts, str(pool.get("vmSize")))
            if shape:
                running[shape[0].lower()] += int(pool.get("count") or 0) * shape[1]
    return running


def _headroom(check: str, family: str, usage: Any, need: int, own: int, location: str, who: str) -> Finding:
    if usage is None:
        return Finding(
            check, family, "fail", f"no quota row for {family} in {location}", "request quota for this family"
        )
    limit, current = int(usage.limit), int(usage.current_value)
    if limit < 0:
        return Finding(check, family, "ok", f"no separate limit ({who} need {need} vCPUs)")
    free = limit - current + own
    detail = f"{who} need {need} vCPUs; limit {limit}, in use {current - own} by others"
    if need > free:
        return Finding(
            check,
            family,
            "fail",
            detail,
            f"request {need - free} more vCPUs of {family} in {location}, or lower the caps",
        )
    return Finding(check, family, "ok", detail)


def ml_quota(facts: Facts) -> list[Finding]:
    needs = facts.needs
    if not needs.ml_computes:
        return []
    dedicated: dict[str, int] = defaultdict(int)
    low_priority = 0
    for compute in needs.ml_computes:
        shape = _vcpus(facts, compute.vm_size)
        if not shape:
            continue
        if compute.low_priority:
            low_priority += compute.nodes * shape[1]
        else:
            dedicated[shape[0].lower()] += compute.nodes * shape[1]
    client = facts.clients.ml()
    usages = list(client.usages.list(needs.location))
    workspace = (needs.workspace_id or "").lower() + "/"
    subscription_rows: dict[str, Any] = {}
    own: dict[str, int] = defaultdict(int)
    for usage in usages:
        kind, name, row_id = str(usage.type).lower(), str(usage.name.value).lower(), str(usage.id).lower()
        if "/workspaces/" in row_id:
            if row_id.startswith(workspace) and "/computes/" not in row_id:
                own["lowpriority" if "lowprioritycores" in kind else name] += int(usage.current_value)
        elif kind.endswith("vmfamily/dedicatedcores/usages") or name in (
            "totaldedicatedcores",
            "totallowprioritycores",
        ):
            subscription_rows[name] = usage
    findings = []
    for family, need in sorted(dedicated.items()):
        findings.append(
            _headroom("ml-quota", family, subscription_rows.get(family), need, own[family], needs.location, "Azure ML")
        )
    if dedicated:
        total = sum(dedicated.values())
        mine = sum(v for k, v in own.items() if k != "lowpriority")
        findings.append(
            _headroom(
                "ml-quota",
                "TotalDedicatedCores",
                subscription_rows.get("totaldedicatedcores"),
                total,
                mine,
                needs.location,
                "Azure ML",
            )
        )
    if low_priority:
        findings.append(
            _headroom(
                "ml-quota",
                "TotalLowPriorityCores",
                subscription_rows.get("totallowprioritycores"),
                low_priority,
                own["lowpriority"],
                needs.location,
                "Azure ML low-priority",
            )
        )
    findings += _workspace_quotas(facts, dedicated)
    return findings


def _workspace_quotas(facts: Facts, dedicated: dict[str, int]) -> list[Finding]:
    """A workspace-level limit (set on an existing workspace) lower than the stack's clusters."""
    prefix = (facts.needs.workspace_id or "").lower() + "/quotas/"
    findings = []
    for quota in facts.clients.ml().quotas.list(facts.needs.location):
        family = str(quota.name.value).lower()
        if (
            str(quota.id).lower().startswith(prefix)
            and family in dedicated
            and 0 <= int(quota.limit) < dedicated[family]
        ):
            findings.append(
                Finding(
                    "ml-quota",
                    f"{facts.needs.workspace}/{family}",
                    "fail",
                    f"workspace quota {quota.limit} vCPUs < {dedicated[family]} the clusters need",
                    "raise the workspace's quota (studio: Usages + quotas > Configure quotas) or lower maxNodes",
                )
            )
    return findings
