"""The diff of two real plans of dev: one variant of the stack per op and per reason."""

from __future__ import annotations

from typing import Any

import pytest

from tests.planning import plan, stack_values
from tools.plan.diff.compare import Entry, diff_records
from tools.plan.diff.gate import annotate

Records = list[dict[str, Any]]


def diff(base: Records, head: Records) -> dict[str, Entry]:
    entries = diff_records(base, head)
    annotate(entries, base, head)
    return {e["name"]: e for e in entries}


def cluster(**fields: Any) -> dict[str, Any]:
    """dev's cpu-cluster with `fields` changed (the clusters list replaces the tier's whole)."""
    (only,) = stack_values("dev").get("compute", {}).get("clusters") or [
        {"name": "cpu-cluster", "vmSize": "Standard_DS3_v2", "priority": "LowPriority", "maxNodes": 2}
    ]
    return {**only, **fields}


@pytest.fixture(scope="module")
def base() -> Records:
    return plan("dev").resources


@pytest.fixture(scope="module")
def unchanged(base: Records) -> dict[str, Entry]:
    return diff(base, plan("dev").resources)


@pytest.fixture(scope="module")
def renamed(base: Records) -> dict[str, Entry]:
    return diff(base, plan("dev", {"naming": {"revision": 1}}).resources)


@pytest.fixture(scope="module")
def hbi(base: Records) -> dict[str, Entry]:
    return diff(base, plan("dev", {"workspace": {"hbiWorkspace": True}}).resources)


@pytest.fixture(scope="module")
def resized(base: Records) -> dict[str, Entry]:
    return diff(base, plan("dev", {"compute": {"clusters": [cluster(vmSize="Standard_DS4_v2")]}}).resources)


@pytest.fixture(scope="module")
def scaled_and_added(base: Records) -> dict[str, Entry]:
    """cpu-cluster's maxNodes 2 -> 3, and a second cluster."""
    extra = cluster(name="cpu-extra", maxNodes=1)
    return diff(base, plan("dev", {"compute": {"clusters": [cluster(maxNodes=3), extra]}}).resources)


def test_the_same_stack_planned_twice_is_all_same(unchanged: dict[str, Entry]) -> None:
    assert {e["op"] for e in unchanged.values()} == {"same"}
    assert all(not e["changed"] and not e["flags"] for e in unchanged.values())
    assert len(unchanged) > 30  # every resource has its entry, components and the stack included


def test_a_revision_bump_renames_and_so_replaces_the_storage_account(renamed: dict[str, Entry]) -> None:
    storage = renamed["mlp-workspace-storage"]
    assert storage["op"] == "replace"
    assert {"kind": "name", "path": "accountName", "why": "the Azure name or ARM id changed"} in storage["reasons"]
    assert storage["stateful"] is True
    assert [f["kind"] for f in storage["flags"]] == ["stateful-replace"]


def test_the_workspace_follows_its_new_storage_account_because_that_is_fixed_at_creation(
    renamed: dict[str, Entry],
) -> None:
    workspace = renamed["mlp-workspace-mlw"]
    assert workspace["op"] == "replace"
    kinds = {(r["kind"], r["path"]) for r in workspace["reasons"]}
    assert ("creationTime", "storageAccount") in kinds
    assert ("creationTime", "keyVault") in kinds


def test_hbi_workspace_replaces_the_workspace_and_nothing_else(hbi: dict[str, Entry]) -> None:
    workspace = hbi["mlp-workspace-mlw"]
    assert workspace["op"] == "replace"
    assert workspace["changed"] == ["hbiWorkspace"]
    assert workspace["reasons"] == [
        {"kind": "replaceOnChanges", "path": "hbiWorkspace", "why": "replaceOnChanges: hbiWorkspace"}
    ]
    assert [f["kind"] for f in workspace["flags"]] == ["stateful-replace"]
    assert [e["name"] for e in hbi.values() if e["op"] != "same"] == ["mlp-workspace-mlw"]


def test_a_clusters_vm_size_replaces_it_without_a_data_flag(resized: dict[str, Entry]) -> None:
    compute = resized["mlp-compute-cpu-cluster"]
    assert compute["op"] == "replace"
    assert compute["changed"] == ["properties.properties.vmSize"]
    assert compute["reasons"][0]["kind"] == "replaceOnChanges"
    assert compute["stateful"] is False
    assert compute["flags"] == []


def test_max_nodes_updates_the_cluster_in_place(scaled_and_added: dict[str, Entry]) -> None:
    compute = scaled_and_added["mlp-compute-cpu-cluster"]
    assert compute["op"] == "update"
    assert compute["changed"] == ["properties.properties.scaleSettings.maxNodeCount"]
    assert compute["reasons"] == []


def test_an_added_cluster_is_a_create(scaled_and_added: dict[str, Entry]) -> None:
    added = scaled_and_added["mlp-compute-cpu-extra"]
    assert added["op"] == "create"
    assert added["type"] == "azure-native:machinelearningservices:Compute"
    assert {
        e["op"] for n, e in scaled_and_added.items() if n not in ("mlp-compute-cpu-cluster", "mlp-compute-cpu-extra")
    } == {"same"}
