"""The wait between Key Vault data-plane (and workspace identity) grants and what uses them.

Microsoft: "When you assign roles or remove role assignments, it can take up to 10 minutes for changes
to take effect" (learn.microsoft.com/azure/role-based-access-control/troubleshooting); Key Vault's RBAC
guide states the same for its data-plane roles. The provider's create/diff/update are run here
directly; under the mock engine nothing sleeps, so the plan tests check the dependency chain (grants ->
wait -> consumer) and the duration the wait is given. That it really sleeps under `pulumi up` (the
dynamic provider host) is not checked here.
"""

from __future__ import annotations

from typing import Any

import pytest

from components.core.propagation import SECONDS, TRIGGERS, RoleAssignmentWait, SleepOnCreate
from tests.planning import Resources, plan, rejected_keys

WAIT = "RoleAssignmentWait"


class Clock:
    def __init__(self) -> None:
        self.slept: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)


def test_creating_the_wait_sleeps_for_its_duration_once() -> None:
    clock = Clock()
    provider = SleepOnCreate(sleep=clock)
    created = provider.create({SECONDS: 600, TRIGGERS: ["/a", "/b"]})
    assert clock.slept == [600.0]
    assert created.outs == {SECONDS: 600, TRIGGERS: ["/a", "/b"]}
    assert created.id == provider.create({SECONDS: 600, TRIGGERS: ["/a", "/b"]}).id  # same grants, same id


def test_a_new_duration_updates_without_sleeping_and_a_replaced_grant_waits_again() -> None:
    clock = Clock()
    provider = SleepOnCreate(sleep=clock)
    old: dict[str, Any] = {SECONDS: 600, TRIGGERS: ["/a"]}
    assert provider.diff("id", old, dict(old)).changes is False
    longer = provider.diff("id", old, {SECONDS: 900, TRIGGERS: ["/a"]})
    assert longer.changes is True
    assert not longer.replaces
    assert provider.update("id", old, {SECONDS: 900, TRIGGERS: ["/a"]}).outs == {SECONDS: 900, TRIGGERS: ["/a"]}
    assert clock.slept == []
    replaced = provider.diff("id", old, {SECONDS: 600, TRIGGERS: ["/a2"]})
    assert replaced.changes is True
    assert replaced.replaces == [TRIGGERS]


def test_a_wait_without_grants_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="needs the grants"):
        RoleAssignmentWait("w", seconds=600, grants=[])


@pytest.mark.parametrize(("seconds", "ok"), [(59, False), (60, True), (1800, True), (1801, False)])
def test_the_wait_is_bounded_at_both_edges(seconds: int, ok: bool) -> None:
    if ok:
        waits = Resources(plan("prod", {"roleAssignmentWaitSeconds": seconds})).of_type(WAIT)
        assert waits
        assert {w["inputs"][SECONDS] for w in waits} == {seconds}
    else:
        assert rejected_keys({"roleAssignmentWaitSeconds": seconds}, "prod") == [
            "ml-platform:roleAssignmentWaitSeconds"
        ]


def test_the_default_is_microsofts_ten_minutes(stack_plans: dict[str, Resources]) -> None:
    assert {w["inputs"][SECONDS] for w in stack_plans["prod"].of_type(WAIT)} == {10 * 60}


def _assignments(res: Resources, scope: str) -> list[dict[str, Any]]:
    return [a for a in res.of_type("authorization:RoleAssignment") if a["inputs"]["scope"] == scope]


def test_the_customer_key_waits_for_the_deployers_crypto_officer_role(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    vault = prod.one("keyvault:Vault")["outputs"]["id"]
    deployer = [a for a in _assignments(prod, vault) if "deployer" in a["name"]]
    assert len(deployer) == 1
    wait = prod.named("mlp-workspace-cmk-deployer-rbac-wait")
    assert deployer[0]["urn"] in wait["dependencies"]
    assert wait["inputs"][TRIGGERS] == [deployer[0]["outputs"]["id"]]
    assert wait["urn"] in prod.one("keyvault:Key")["dependencies"]


def test_storage_and_workspace_wait_for_the_key_grants(stack_plans: dict[str, Resources]) -> None:
    """The key identity's and Azure Cosmos DB's Key Vault Crypto Service Encryption User on the key."""
    prod = stack_plans["prod"]
    grants = _assignments(prod, prod.one("keyvault:Key")["outputs"]["id"])
    assert len(grants) == 2
    wait = prod.named("mlp-workspace-cmk-key-rbac-wait")
    assert {g["urn"] for g in grants} <= set(wait["dependencies"])
    for consumer in (prod.named("mlp-workspace-storage"), prod.one("machinelearningservices:Workspace")):
        assert wait["urn"] in consumer["dependencies"], consumer["name"]


def test_the_workspace_waits_for_its_identitys_roles_key_vault_administrator_included(
    stack_plans: dict[str, Resources],
) -> None:
    prod = stack_plans["prod"]
    vault = prod.one("keyvault:Vault")["outputs"]["id"]
    admin = [a for a in _assignments(prod, vault) if "key-vault-administrator" in a["name"]]
    assert len(admin) == 1
    wait = prod.named("mlp-workspace-identity-rbac-wait")
    assert admin[0]["urn"] in wait["dependencies"]
    assert admin[0]["outputs"]["id"] in wait["inputs"][TRIGGERS]
    assert wait["urn"] in prod.one("machinelearningservices:Workspace")["dependencies"]


def test_a_system_assigned_workspace_without_a_key_grants_nothing_first_and_waits_for_nothing() -> None:
    """Azure ML grants a system-assigned identity's roles itself (workspace.py): nothing to wait for."""
    assert Resources(plan("dev", {"workspace": {"identity": "SystemAssigned"}})).of_type(WAIT) == []
