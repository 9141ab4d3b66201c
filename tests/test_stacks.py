"""Every shipped stack plans cleanly, deterministically, and differs the way environments do."""

from __future__ import annotations

import pytest

from tests.conftest import STACKS
from tests.planning import Resources, plan
from tools.plan.policy import evaluate

# What holds data, secrets, images or logs: deleting it loses them (a data-lake container holds
# the data itself; the customer-managed key is the only way to read the workspace's data).
STATEFUL = (
    "machinelearningservices:Workspace",
    "storage:StorageAccount",
    "storage:BlobContainer",
    "keyvault:Vault",
    "keyvault:Key",
    "containerregistry:Registry",
    "operationalinsights:Workspace",
    "containerservice:ManagedCluster",
)


def test_the_three_environments_ship() -> None:
    assert {"dev", "staging", "prod"} <= set(STACKS)


@pytest.mark.parametrize("stack", STACKS)
def test_stack_plans_the_workspace_and_its_associated_resources(stack: str, stack_plans: dict[str, Resources]) -> None:
    resources = stack_plans[stack]
    for type_suffix in (
        "machinelearningservices:Workspace",
        "storage:StorageAccount",
        "keyvault:Vault",
        "operationalinsights:Workspace",
        "applicationinsights:Component",
    ):
        assert resources.of_type(type_suffix), f"{stack} has no {type_suffix}"


@pytest.mark.parametrize("stack", STACKS)
def test_two_runs_register_exactly_the_same_resources(stack: str, stack_plans: dict[str, Resources]) -> None:
    assert plan(stack).to_json() == stack_plans[stack].plan.to_json()


@pytest.mark.parametrize("stack", STACKS)
def test_every_taggable_resource_carries_the_stack_tags(stack: str, stack_plans: dict[str, Resources]) -> None:
    for record in stack_plans[stack].records:
        if record["custom"] and "tags" in record["inputs"]:
            tags = record["inputs"]["tags"]
            assert tags["environment"] == stack
            assert {"owner", "costCenter", "dataClassification"} <= set(tags), record["name"]


def test_only_prod_protects_its_stateful_resources(stack_plans: dict[str, Resources]) -> None:
    for suffix in STATEFUL:  # prod has every kind, so no kind passes by being absent
        assert stack_plans["prod"].of_type(suffix), suffix
    for stack, resources in stack_plans.items():
        expected = stack == "prod"
        for suffix in STATEFUL:
            unprotected = [r["name"] for r in resources.of_type(suffix) if r["protect"] is not expected]
            assert unprotected == [], (stack, suffix)


def test_prod_protects_the_data_lake_containers(stack_plans: dict[str, Resources]) -> None:
    containers = stack_plans["prod"].of_type("storage:BlobContainer")
    assert {c["inputs"]["containerName"] for c in containers} == {"raw", "curated"}  # the stack file's lake
    assert all(c["protect"] is True for c in containers)


def test_prod_is_closed_redundant_and_high_business_impact(stack_plans: dict[str, Resources]) -> None:
    prod, dev = stack_plans["prod"], stack_plans["dev"]
    ws = prod.one("machinelearningservices:Workspace")["inputs"]
    assert ws["publicNetworkAccess"] == "Disabled"
    assert ws["hbiWorkspace"] is True
    assert prod.named("mlp-workspace-storage")["inputs"]["sku"]["name"] == "Standard_GZRS"
    assert dev.one("machinelearningservices:Workspace")["inputs"]["publicNetworkAccess"] == "Enabled"
    assert dev.named("mlp-workspace-storage")["inputs"]["sku"]["name"] == "Standard_LRS"


def test_every_stack_name_is_unique_across_stacks(stack_plans: dict[str, Resources]) -> None:
    """Globally unique names must differ between stacks or the second deployment fails."""
    for type_suffix in ("storage:StorageAccount", "keyvault:Vault"):
        names = [r["outputs"]["name"] for res in stack_plans.values() for r in res.of_type(type_suffix)]
        assert len(names) == len(set(names)), type_suffix


@pytest.mark.parametrize("stack", STACKS)
def test_every_shipped_stack_passes_all_its_mandatory_policies(stack: str, stack_plans: dict[str, Resources]) -> None:
    """The same rule objects `pulumi preview --policy-pack policies` runs, with the stack's config."""
    failed = [
        f"{v.policy} {v.resource_name}: {v.message}"
        for v in evaluate(stack_plans[stack].records, stack)
        if v.kind == "violation" and v.level == "mandatory"
    ]
    assert failed == []
