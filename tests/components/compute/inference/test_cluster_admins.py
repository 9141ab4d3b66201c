"""Someone administers prod's AKS cluster: Entra ID with Azure RBAC for Kubernetes authorization is on
(aks.py), so Microsoft grants people cluster access with Azure roles on the cluster
(learn.microsoft.com/azure/aks/manage-azure-rbac; "Azure Kubernetes Service RBAC Cluster Admin":
"Lets you manage all resources in the cluster", built-in roles, "Containers";
aks/enable-authentication-microsoft-entra-id for the Entra ID integration). With the API server
private and run command off, that group is how the instance types get applied (docs/compute.md).
Only the mock engine checks the assignment; that kubectl then works is not checked here."""

from __future__ import annotations

from typing import Any

import pytest

from components.settings import SettingsError, validate_settings
from components.settings.tiers import deep_merge
from tests.azure_roles import ROLE_GUIDS
from tests.journeys.helpers import journey, journeys, step, without
from tests.planning import Resources, plan, rejected_keys, stack_values

ROLE = "Azure Kubernetes Service RBAC Cluster Admin"
KEY = "ml-platform:compute.inference.adminGroupObjectIds"
GROUPS = ["ad0ad0ad-0000-4000-8000-0000000000a1", "ad0ad0ad-0000-4000-8000-0000000000a2"]


def admin_grants(res: Resources) -> list[dict[str, Any]]:
    cluster = res.one("containerservice:ManagedCluster")["outputs"]["id"]
    return [
        a
        for a in res.of_type("authorization:RoleAssignment")
        if a["inputs"]["scope"] == cluster and a["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS[ROLE])
    ]


def test_each_admin_group_gets_rbac_cluster_admin_on_the_cluster() -> None:
    res = Resources(plan("prod", {"compute": {"inference": {"adminGroupObjectIds": GROUPS}}}))
    grants = admin_grants(res)
    assert sorted(g["inputs"]["principalId"] for g in grants) == GROUPS
    assert {g["inputs"]["principalType"] for g in grants} == {"Group"}
    assert res.one("containerservice:ManagedCluster")["inputs"]["aadProfile"]["enableAzureRBAC"] is True
    listed = {(g["objectId"], g["role"], g["principalType"]) for g in res.plan.outputs["accessGrants"]}
    assert {(group, ROLE, "Group") for group in GROUPS} <= listed


def test_prod_without_an_admin_group_is_refused_by_key() -> None:
    assert rejected_keys({"compute": {"inference": {"adminGroupObjectIds": []}}}, "prod") == [KEY]


@pytest.mark.parametrize(
    "inference",
    [
        {"adminGroupObjectIds": [], "disableRunCommand": False},  # run command is a way in
        {"adminGroupObjectIds": [], "enabled": False},  # no cluster
    ],
)
def test_an_admin_group_is_required_only_where_the_cluster_has_no_other_way_in(inference: dict[str, Any]) -> None:
    overrides = {"compute": {"inference": inference}}
    assert rejected_or_none(overrides) == []
    res = Resources(plan("prod", overrides))
    if inference.get("enabled") is False:
        assert res.of_type("containerservice:ManagedCluster") == []
        assert not [
            a
            for a in res.of_type("authorization:RoleAssignment")
            if a["inputs"]["roleDefinitionId"].endswith(ROLE_GUIDS[ROLE])
        ]
    else:
        assert admin_grants(res) == []  # the cluster exists (res.one), with no admin group granted


def rejected_or_none(overrides: dict[str, Any]) -> list[str]:
    """The keys prod's settings with `overrides` are refused by, [] when they validate."""
    try:
        validate_settings(deep_merge(stack_values("prod"), overrides), "prod")
    except SettingsError as error:
        return list(error.keys)
    return []


def test_journey_j2_needs_the_admin_groups_role_and_breaks_without_it(stack_plans: dict[str, Resources]) -> None:
    prod = stack_plans["prod"]
    before = step(journey(journeys(prod), "J2", "deployPipeline"), ROLE, "AKS cluster")
    assert before.ok, before.detail
    grants = admin_grants(prod)
    assert len(grants) == 1
    after = journey(journeys(prod, without(prod.records, grants[0]["urn"])), "J2", "deployPipeline")
    assert not after.ok
    broken = step(after, ROLE, "AKS cluster")
    assert not broken.ok
    assert "no Azure Kubernetes Service RBAC Cluster Admin" in broken.detail
