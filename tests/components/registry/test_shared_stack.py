"""The shared stack (`kind: shared`): the Azure ML registry with its regions, public access,
published environments, diagnostics, protection and lock, and nothing of a workspace."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from components.registry.environments import published_environments
from tests.conftest import SHARED_STACKS
from tests.planning import Resources, plan
from tools.plan.policy import evaluate, policy_config_for

SHARED = SHARED_STACKS[0]
HUB_SUBNET = (
    "/subscriptions/5e5e5e5e-0000-4000-8000-00000000005e/resourceGroups/rg-hub/providers/Microsoft.Network"
    "/virtualNetworks/vnet-hub/subnets/snet-endpoints"
)
PRIVATE = {"network": {"privateEndpoints": True, "subnetId": HUB_SUBNET}, "mlRegistry": {"publishEnvironments": False}}


@pytest.fixture(scope="module")
def shared(shared_plans: dict[str, Resources]) -> Resources:
    return shared_plans[SHARED]


@pytest.fixture(scope="module")
def private() -> Resources:
    return Resources(plan(SHARED, PRIVATE))


def registry(res: Resources) -> dict[str, Any]:
    return res.one("machinelearningservices:Registry")


def test_one_shared_stack_ships_and_it_creates_no_workspace(shared: Resources) -> None:
    assert SHARED_STACKS == ["shared"]
    for kind in ("machinelearningservices:Workspace", "machinelearningservices:Compute", "storage:StorageAccount"):
        assert shared.of_type(kind) == [], kind
    assert not shared.of_type("applicationinsights:Component")  # logs only: no application to instrument


def test_the_registry_lists_its_primary_region_first_then_the_replicas(shared: Resources) -> None:
    inputs = registry(shared)["inputs"]
    regions = [r["location"] for r in inputs["regionDetails"]]
    assert regions == ["westeurope", "northeurope"]
    assert inputs["location"] == "westeurope"
    for region in inputs["regionDetails"]:
        storage = region["storageAccountDetails"][0]["systemCreatedStorageAccount"]
        assert storage["allowBlobPublicAccess"] is False
        assert storage["storageAccountType"] == "Standard_ZRS"  # the prod tier's default
        assert region["acrDetails"][0]["systemCreatedAcrAccount"]["acrAccountSku"] == "Premium"
    assert inputs["identity"]["type"] == "SystemAssigned"
    assert inputs["registryName"] == "mlr-mlp-shared"


def test_replicas_follow_the_settings() -> None:
    res = Resources(plan(SHARED, {"mlRegistry": {"replicationLocations": ["northeurope", "swedencentral"]}}))
    assert [r["location"] for r in registry(res)["inputs"]["regionDetails"]] == [
        "westeurope",
        "northeurope",
        "swedencentral",
    ]


def test_the_shipped_registry_is_public_and_publishes_every_environment_folder(shared: Resources) -> None:
    assert registry(shared)["inputs"]["publicNetworkAccess"] == "Enabled"
    versions = shared.of_type("machinelearningservices:RegistryEnvironmentVersion")
    published = published_environments(SHARED)
    assert {(v["inputs"]["environmentName"], v["inputs"]["version"]) for v in versions} == {
        (e.name, e.version) for e in published
    }
    containers = {c["urn"]: c for c in shared.of_type("machinelearningservices:RegistryEnvironmentContainer")}
    for version in versions:
        properties = version["inputs"]["properties"]
        folder = next(
            e
            for e in published
            if (e.name, e.version) == (version["inputs"]["environmentName"], version["inputs"]["version"])
        )
        # ARM's condaFile is the conda file's text; the image is the spec's base image
        assert yaml.safe_load(properties["condaFile"]) == yaml.safe_load(folder.path.with_name("conda.yml").read_text())
        assert properties["image"] == folder.image
        assert properties["autoRebuild"] == "Disabled"
        # the version waits for its container (its name is the container's output) and the registry
        assert set(version["dependencies"]) & set(containers)
        assert version["protect"] is True


def test_prod_tier_protects_the_registry_and_locks_it_last(shared: Resources) -> None:
    reg = registry(shared)
    assert reg["protect"] is True
    locks = {lock["inputs"]["scope"]: lock for lock in shared.of_type("authorization:ManagementLockByScope")}
    assert reg["outputs"]["id"] in locks
    lock = locks[reg["outputs"]["id"]]
    # the lock waits for everything scoped to or under the registry (protection/locks.py): its
    # diagnostic setting and the environment versions, or a failed first `up` leaves them locked
    scoped = [shared.one("monitor:DiagnosticSetting")]
    scoped += shared.of_type("machinelearningservices:RegistryEnvironmentVersion")
    assert {r["urn"] for r in scoped} <= set(lock["dependencies"])


REGISTRY_LOGS = [
    {"category": "RegistryAssetReadEvent", "enabled": True},
    {"category": "RegistryAssetWriteEvent", "enabled": True},
]


def test_the_registry_sends_its_logs_and_no_metrics(shared: Resources) -> None:
    """Azure Monitor's supported logs for registries: two categories, no category group; named,
    whatever the tier's group (a group the type lacks fails the deployment)."""
    setting = shared.one("monitor:DiagnosticSetting")
    assert setting["inputs"]["resourceUri"] == registry(shared)["outputs"]["id"]
    assert setting["inputs"]["logs"] == REGISTRY_LOGS
    assert setting["inputs"]["metrics"] == []  # Azure Monitor lists no platform metrics for registries
    law = shared.one("operationalinsights:Workspace")
    assert setting["inputs"]["workspaceId"] == law["outputs"]["id"]


def test_it_exports_what_the_environment_stacks_name(shared: Resources) -> None:
    outputs = shared.plan.outputs
    reg = registry(shared)
    assert outputs["registryId"] == reg["outputs"]["id"]
    assert outputs["registryName"] == "mlr-mlp-shared"
    assert outputs["registryPublicNetworkAccess"] == "Enabled"
    for version in ("1", "2"):  # version 1 stays published beside the pinned 2 (environments/)
        assert outputs["environments"][f"nyc-taxi-serve/{version}"] == (
            f"azureml://registries/mlr-mlp-shared/environments/nyc-taxi-serve/versions/{version}"
        )


def test_isolated_the_registry_is_closed_and_reached_through_its_endpoint(private: Resources) -> None:
    reg = registry(private)
    assert reg["inputs"]["publicNetworkAccess"] == "Disabled"
    endpoint = private.one("network:PrivateEndpoint")
    (connection,) = endpoint["inputs"]["privateLinkServiceConnections"]
    assert connection["privateLinkServiceId"] == reg["outputs"]["id"]
    assert connection["groupIds"] == ["amlregistry"]
    assert endpoint["inputs"]["subnet"]["id"] == HUB_SUBNET
    zone = private.one("privatedns:PrivateZone")
    assert zone["inputs"]["privateZoneName"] == "privatelink.api.azureml.ms"
    link = private.one("privatedns:VirtualNetworkLink")
    assert link["inputs"]["virtualNetwork"]["id"] == HUB_SUBNET.rsplit("/subnets/", 1)[0]
    # Microsoft does not support creating environments in a private registry: none is created
    assert private.of_type("machinelearningservices:RegistryEnvironmentVersion") == []
    assert private.plan.outputs["environments"] == {}


def test_the_registry_rules_judge_both_forms(shared: Resources, private: Resources) -> None:
    def verdicts(res: Resources) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for v in evaluate(res.records, SHARED, policy_config_for(SHARED, "prod")):
            found.setdefault(v.policy, []).append(v.level)
        return found

    public, closed = verdicts(shared), verdicts(private)
    assert public.get("ml-14-registry-public-network-disabled") == ["advisory"]
    assert "ml-14-registry-public-network-disabled" not in closed
    assert "mandatory" not in [level for levels in public.values() for level in levels]
    assert "mandatory" not in [level for levels in closed.values() for level in levels]
    # without its endpoint the closed registry is unreachable: STK-10 (mandatory in prod)
    no_endpoint = [r for r in private.records if not r["type"].endswith(("PrivateEndpoint", "PrivateDnsZoneGroup"))]
    verdict = [
        v for v in evaluate(no_endpoint, SHARED, policy_config_for(SHARED, "prod")) if v.policy.startswith("stk-10")
    ]
    assert [v.level for v in verdict] == ["mandatory"]


def test_a_dev_tier_shared_stack_names_the_registry_categories_not_the_audit_group() -> None:
    """dev's category group is `audit`; the registry lists none, so its categories are named there too."""
    from tests.planning import config_for
    from tools.plan.engine import run_program

    dev_shared = Resources(run_program(config_for("shared", {"tier": "dev"})))
    assert dev_shared.one("monitor:DiagnosticSetting")["inputs"]["logs"] == REGISTRY_LOGS
