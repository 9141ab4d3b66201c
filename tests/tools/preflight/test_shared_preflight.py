"""Preflight of the shared stack (`kind: shared`, the Azure ML registry), offline against recorded
ARM responses: what it creates needs its providers, the deployer's permissions and, for the
registry, the type offered in the primary region and in every replica."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.settings.loader import any_settings_from_config
from tests.planning import Resources
from tests.tools.preflight.fake_arm import SUBSCRIPTION, Arm, FakeCredential, FixtureTransport
from tools.plan.mocks import SUBSCRIPTION_ID
from tools.plan.stackfile import load_stack_config
from tools.preflight.__main__ import main
from tools.preflight.azure_clients import Retry
from tools.preflight.needs import LOCK_WRITE, derive

S = f"/subscriptions/{SUBSCRIPTION}"
REGISTRIES = "Microsoft.MachineLearningServices/registries"


def shared_subscription(providers: str = "providers") -> Arm:
    """Every answer the shared stack's preflight asks for, before its first deployment."""
    roles = f"{S}/providers/Microsoft.Authorization/roleDefinitions"
    return (
        Arm()
        .serve(f"{S}/resourcegroups/rg-mlp-shared", "resource_group_not_found")
        .serve(f"{S}/providers", providers)
        .serve(f"{S}/providers/Microsoft.Authorization/roleAssignments", "role_assignments_owner")
        .serve(f"{roles}/8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "role_owner")
        .serve(f"{roles}/b24988ac-6180-42a0-ab88-20f7382dd24c", "role_contributor")
        .serve(f"{roles}/f58310d9-a9f6-439a-9e8d-f62e7b41a168", "role_rbac_administrator")
        .serve(f"{S}/providers/Microsoft.Compute/skus", "resource_skus")
    )


def preflight(tmp_path: Path, arm: Arm) -> tuple[int, list[dict]]:
    argv = ["--stack", "shared", "--subscription", SUBSCRIPTION, "--out", str(tmp_path)]
    retry = Retry(total=2, backoff=0.001, backoff_max=0.01)
    code = main(argv, credential=FakeCredential(), transport=FixtureTransport(arm), retry=retry)
    return code, json.loads((tmp_path / "shared.json").read_text())["findings"]


def test_the_shared_stack_needs_its_registry_in_every_region_and_the_lock_permission(
    shared_plans: dict[str, Resources],
) -> None:
    config = load_stack_config("shared")
    settings = any_settings_from_config(config.values, set(config.secret_keys), "shared")
    needs = derive(settings, shared_plans["shared"].records, "shared", SUBSCRIPTION, SUBSCRIPTION_ID)
    # stacks/Pulumi.shared.yaml: westeurope, replicated to northeurope
    assert {(REGISTRIES, "westeurope"), (REGISTRIES, "northeurope")} <= needs.located
    assert "Microsoft.MachineLearningServices" in needs.providers
    assert any(LOCK_WRITE in actions for actions in needs.actions.values())
    assert needs.workspace is None
    assert needs.ml_computes == []
    assert needs.pools == []


def test_all_green_passes_and_only_reads(tmp_path: Path) -> None:
    arm = shared_subscription()
    code, findings = preflight(tmp_path, arm)
    assert code == 0
    assert [f for f in findings if f["status"] != "ok"] == []
    assert {f["check"] for f in findings} >= {"exists", "provider", "permission"}
    assert {method for method, _ in arm.requests} == {"GET"}
    assert arm.unmatched == []


def test_a_replica_region_without_registries_fails_naming_the_replication_setting(tmp_path: Path) -> None:
    code, findings = preflight(tmp_path, shared_subscription("providers_registries_west_europe_only"))
    assert code == 1
    failed = [f for f in findings if f["status"] == "fail"]
    assert [f["target"] for f in failed] == [f"{REGISTRIES} in northeurope"]
    assert "mlRegistry.replicationLocations" in failed[0]["action"]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_environment_stacks_still_check_their_types_in_their_own_region(
    stack: str, stack_plans: dict[str, Resources]
) -> None:
    config = load_stack_config(stack)
    settings = any_settings_from_config(config.values, set(config.secret_keys), stack)
    needs = derive(settings, stack_plans[stack].records, stack, SUBSCRIPTION, SUBSCRIPTION_ID)
    assert ("Microsoft.MachineLearningServices/workspaces", "westeurope") in needs.located
