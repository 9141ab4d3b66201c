"""CanNotDelete locks (protection/locks.py) in the offline plan: the resource group the stack owns,
else each published data-bearing resource."""

from __future__ import annotations

from tests.planning import Resources, plan


def test_prod_locks_its_resource_group_and_the_lock_is_protected(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    lock = prod.one("authorization:ManagementLockAtResourceGroupLevel")
    assert lock["inputs"]["level"] == "CanNotDelete"
    assert lock["inputs"]["resourceGroupName"] == prod.one("resources:ResourceGroup")["outputs"]["name"]
    assert "README" in lock["inputs"]["notes"]
    assert lock["protect"] is True
    assert prod.of_type("authorization:ManagementLockByScope") == []
    assert stack_plans["staging"].of_type("authorization:ManagementLockAtResourceGroupLevel") == []


def test_an_existing_resource_group_is_never_locked_only_the_data_bearing_resources() -> None:
    res = Resources(plan("prod", {"resourceGroup": {"create": False, "name": "rg-shared-ml"}}))
    assert res.of_type("authorization:ManagementLockAtResourceGroupLevel") == []
    scopes = {lock["inputs"]["scope"] for lock in res.of_type("authorization:ManagementLockByScope")}
    assert scopes == {
        *(r["outputs"]["id"] for r in res.of_type("storage:StorageAccount")),  # default storage and the lake
        *(res.one(t)["outputs"]["id"] for t in ("keyvault:Vault", "containerregistry:Registry")),
        res.one("operationalinsights:Workspace")["outputs"]["id"],
    }
    assert len(scopes) == 5
    assert res.one("machinelearningservices:Workspace")["outputs"]["id"] not in scopes
