"""CanNotDelete locks (protection/locks.py) in the offline plan: one per published data-bearing
resource, never the resource group, each created after what it protects and what is scoped to it."""

from __future__ import annotations

import pytest

from tests.planning import Resources, plan, rejected_keys

LOCKED_TYPES = (
    "storage:StorageAccount",
    "keyvault:Vault",
    "containerregistry:Registry",
    "operationalinsights:Workspace",
)


def locked_ids(res: Resources) -> set[str]:
    return {r["outputs"]["id"] for t in LOCKED_TYPES for r in res.of_type(t)}


def test_prod_locks_each_data_bearing_resource_not_the_group(stack_plans: dict[str, Resources]) -> None:
    """Microsoft (lock-resources): "A cannot-delete lock on a resource group that contains Azure
    Machine Learning workspaces prevents autoscaling of Azure Machine Learning compute clusters from
    working correctly. With the lock, autoscaling can't remove unused nodes." """
    prod = stack_plans["prod"]
    assert prod.of_type("authorization:ManagementLockAtResourceGroupLevel") == []
    locks = prod.of_type("authorization:ManagementLockByScope")
    scopes = {lock["inputs"]["scope"] for lock in locks}
    assert scopes == locked_ids(prod)  # default storage, the lake, key vault, registry, logs
    assert len(scopes) == 5
    assert prod.one("machinelearningservices:Workspace")["outputs"]["id"] not in scopes
    for lock in locks:
        assert lock["inputs"]["level"] == "CanNotDelete"
        assert "docs/protection.md" in lock["inputs"]["notes"]
        assert lock["protect"] is True
    assert stack_plans["staging"].of_type("authorization:ManagementLockByScope") == []


def test_a_lock_comes_after_everything_scoped_to_what_it_protects(stack_plans: dict[str, Resources]) -> None:
    """A CanNotDelete lock "prevents the deletion of Azure RBAC assignments", and extension resources
    (diagnostic settings) inherit it (lock-resources): the lock is the last thing a first `up` makes."""
    prod = stack_plans["prod"]
    protected = locked_ids(prod)
    scoped = [
        *(a for a in prod.of_type("authorization:RoleAssignment") if a["inputs"]["scope"].startswith(tuple(protected))),
        *(
            pe
            for pe in prod.of_type("network:PrivateEndpoint")
            if pe["inputs"]["privateLinkServiceConnections"][0]["privateLinkServiceId"] in protected
        ),
        *prod.of_type("monitor:DiagnosticSetting"),
        *prod.of_type("machinelearningservices:ManagedNetworkSettingsRule"),
        *prod.of_type("storage:BlobContainer"),
    ]
    assert len(scoped) > 20
    by_id = {r["outputs"]["id"]: r for t in LOCKED_TYPES for r in prod.of_type(t)}
    locks = [*prod.of_type("authorization:ManagementLockByScope"), *prod.of_type("ManagementLockAtResourceGroupLevel")]
    assert locks
    for lock in locks:
        dependencies = set(lock["dependencies"])
        missing = [r["name"] for r in scoped if r["urn"] not in dependencies]
        assert missing == [], lock["name"]
        if "scope" in lock["inputs"]:
            assert by_id[lock["inputs"]["scope"]]["urn"] in dependencies


@pytest.mark.parametrize(
    "overrides",
    [
        {"locks": {"scope": "resourceGroup"}},
        # a group the stack does not create was silently locked per resource before: now refused too
        {"locks": {"scope": "resourceGroup"}, "resourceGroup": {"create": False, "name": "rg-shared-ml"}},
    ],
)
def test_a_resource_group_lock_is_refused_with_microsofts_reason(overrides: dict[str, object]) -> None:
    assert rejected_keys(overrides, stack="prod") == ["ml-platform:locks.scope"]


def test_a_disabled_lock_needs_no_scope_decision() -> None:
    res = Resources(plan("staging", {"locks": {"enabled": False, "scope": "resourceGroup"}}))
    assert res.of_type("authorization:ManagementLockByScope") == []


def test_an_existing_resource_group_gets_the_same_per_resource_locks() -> None:
    res = Resources(plan("prod", {"resourceGroup": {"create": False, "name": "rg-shared-ml"}}))
    assert res.of_type("authorization:ManagementLockAtResourceGroupLevel") == []
    assert {lock["inputs"]["scope"] for lock in res.of_type("authorization:ManagementLockByScope")} == locked_ids(res)
