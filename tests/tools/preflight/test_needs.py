"""What preflight derives from a stack's settings and plan, and how it reads RBAC permissions."""

from __future__ import annotations

import subprocess
import sys

from components.settings import StackSettings
from components.settings.loader import settings_from_config
from tests.conftest import STACKS
from tests.planning import Resources
from tools.plan.mocks import SUBSCRIPTION_ID
from tools.plan.stackfile import ROOT, load_stack_config
from tools.preflight import arm, rbac
from tools.preflight.needs import LOCK_WRITE, ROLE_ASSIGNMENT_WRITE, StackNeeds, derive

REAL = "5b5b5b5b-0000-4000-8000-000000000001"


def settings_of(stack: str) -> StackSettings:
    config = load_stack_config(stack)
    return settings_from_config(config.values, set(config.secret_keys), stack)


def needs_of(stack: str, plans: dict[str, Resources]) -> StackNeeds:
    return derive(settings_of(stack), plans[stack].records, stack, REAL, SUBSCRIPTION_ID)


def test_every_type_a_shipped_stack_plans_has_an_arm_type(stack_plans: dict[str, Resources]) -> None:
    planned = {r["type"] for plan in stack_plans.values() for r in plan.records if r["custom"]}
    # the one custom type that is not Azure's: the dynamic wait (components/core/propagation.py)
    assert planned - set(arm.ARM_TYPES) == {"pulumi-python:dynamic/mlplatform:RoleAssignmentWait"}


def test_prod_needs_aks_prerequisites_and_dev_does_not(stack_plans: dict[str, Resources]) -> None:
    prod, dev = needs_of("prod", stack_plans), needs_of("dev", stack_plans)
    assert ("Microsoft.Compute", "EncryptionAtHost") in prod.features
    assert {"Microsoft.ContainerService", "Microsoft.KubernetesConfiguration", "Microsoft.PolicyInsights"} <= set(
        prod.providers
    )
    assert {"Microsoft.DocumentDB", "Microsoft.Search"} <= set(prod.providers)  # prod's customer-managed key
    assert dev.features == {}
    assert "Microsoft.ContainerService" not in dev.providers
    assert dev.pools == []
    assert {(p.name, p.vm_size, p.max_count) for p in prod.pools} == {
        ("system", "Standard_D4ds_v5", 3),
        ("user", "Standard_D8ds_v5", 6),
    }


def test_planned_scopes_are_checked_at_their_group_and_foreign_ones_where_they_are(
    stack_plans: dict[str, Resources],
) -> None:
    prod = needs_of("prod", stack_plans)
    group = f"/subscriptions/{REAL}/resourceGroups/rg-mlp-prod"
    assert {ROLE_ASSIGNMENT_WRITE, LOCK_WRITE} <= set(prod.actions[group])
    foreign = [scope for scope in prod.actions if scope.startswith("/subscriptions/9a9a9a9a-")]
    assert foreign
    assert all(set(prod.actions[s]) == {ROLE_ASSIGNMENT_WRITE} for s in foreign)
    assert not any(SUBSCRIPTION_ID in scope for scope in prod.actions)  # the mock subscription never leaks
    dev = needs_of("dev", stack_plans)
    assert LOCK_WRITE not in dev.actions[f"/subscriptions/{REAL}/resourceGroups/rg-mlp-dev"]  # dev has no lock


def test_dev_counts_its_low_priority_cluster_and_instances(stack_plans: dict[str, Resources]) -> None:
    computes = needs_of("dev", stack_plans).ml_computes
    assert any(c.low_priority and c.name == "cpu-cluster" for c in computes)
    assert {c.nodes for c in computes if not c.low_priority} == {1}  # instances: one node each


def test_arm_ids_split_for_the_permissions_api() -> None:
    container = arm.parse(
        "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a/blobServices/default"
        "/containers/c"
    )
    assert (container.namespace, container.parent_path, container.types[-1], container.names[-1]) == (
        "Microsoft.Storage",
        "storageAccounts/a/blobServices/default",
        "containers",
        "c",
    )
    assert arm.parse("/subscriptions/s/resourceGroups/g").namespace is None
    assert arm.parse("/subscriptions/s").resource_group is None


def test_not_actions_subtract_within_their_own_role_only() -> None:
    contributor = rbac.Permission(("*",), ("Microsoft.Authorization/*/Write",))
    rbac_admin = rbac.Permission(("Microsoft.Authorization/roleAssignments/write", "*/read"))
    assert rbac.allows([contributor], "Microsoft.Storage/storageAccounts/write")
    assert not rbac.allows([contributor], "microsoft.authorization/locks/write")  # case-insensitive
    assert rbac.allows([contributor, rbac_admin], ROLE_ASSIGNMENT_WRITE)
    assert not rbac.allows([contributor, rbac_admin], LOCK_WRITE)
    assert not rbac.allows([rbac_admin], "Microsoft.Authorization/roleAssignments/writeX")  # no prefix match


def test_the_plan_the_program_and_the_settings_never_load_an_azure_sdk() -> None:
    """Preflight's SDKs stay out of the plan's and the tests' start-up path."""
    code = (
        "import sys, tools.plan.__main__, tools.plan.engine, components.platform, tools.preflight.needs, "
        "tools.preflight.__main__, tests.conftest\n"
        "print(sorted(m for m in sys.modules if m == 'azure' or m.startswith('azure.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_stack_derives(stack_plans: dict[str, Resources]) -> None:
    for stack in STACKS:
        assert needs_of(stack, stack_plans).workspace
