"""Setting steps break when the setting is taken away, and hold at the edge: the image build
compute (named, a compute of the plan, a CPU size), the managed network provisioned before the
first deployment, quarantine off, a cluster with a managed identity."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from tests.planning import Resources, plan
from tools.plan.journeys.evaluate import evaluate

from .helpers import changed, journey, journeys, named, step


@pytest.fixture(scope="module")
def prod_builds() -> dict[str, Resources]:
    """Prod with package egress, building images on its CPU cluster (the settings refuse a GPU one)."""
    return {"cpu-cluster": Resources(plan("prod", {"network": {"managed": {"packageEgress": "public"}}}))}


def _build_on(name: str) -> Any:
    def change(inputs: dict[str, Any]) -> None:
        inputs["imageBuildCompute"] = name

    return change


def test_the_image_build_compute_must_be_named_and_a_cpu_size(prod_builds: dict[str, Resources]) -> None:
    """ "Only a CPU SKU is supported" (how-to-secure-workspace-vnet); "configure your workspace to use
    a compute cluster or compute instance to build images" (how-to-managed-network)."""
    res = prod_builds["cpu-cluster"]
    cpu = journey(journeys(res), "J3")
    assert step(cpu, "imageBuildCompute", "workspace").ok
    assert step(cpu, "a CPU size", "compute cpu-cluster").detail == "Standard_D8ds_v5"
    workspace = named(res.records, "mlp-workspace-mlw")["urn"]
    gpu = journey(journeys(res, changed(res.records, workspace, _build_on("gpu-cluster"))), "J3")
    assert step(gpu, "imageBuildCompute", "workspace").ok
    size = step(gpu, "a CPU size", "compute gpu-cluster")
    assert not size.ok
    assert "Standard_NC4as_T4_v3 is not a CPU size" in size.detail


def test_an_image_build_compute_that_is_not_in_the_plan_breaks_the_build(prod_builds: dict[str, Resources]) -> None:
    res = prod_builds["cpu-cluster"]
    workspace = named(res.records, "mlp-workspace-mlw")["urn"]

    def unknown(inputs: dict[str, Any]) -> None:
        inputs["imageBuildCompute"] = "no-such-cluster"

    after = journey(journeys(res, changed(res.records, workspace, unknown)), "J3")
    named_step = step(after, "imageBuildCompute", "workspace")
    assert not named_step.ok
    assert "'no-such-cluster' is no compute of the plan" in named_step.detail
    nodes = [s for s in after.steps if s.kind == "path"]
    assert nodes
    assert not any(s.ok for s in nodes)


def test_deployments_need_the_managed_network_provisioned_first(stack_plans: dict[str, Resources]) -> None:
    """ "To create an online deployment, you must manually provision the managed network, or create
    a compute instance first which will automatically provision it" (how-to-managed-network)."""
    res = stack_plans["staging"]
    assert step(journey(journeys(res), "J2"), "managed network provisioned", "workspace").ok
    workspace = named(res.records, "mlp-workspace-mlw")["urn"]
    records = changed(res.records, workspace, lambda inputs: inputs.pop("provisionNetworkNow"))
    broken = step(journey(journeys(res, records), "J2"), "managed network provisioned", "workspace")
    assert not broken.ok
    instance = {
        "urn": "urn:instance",
        "type": "azure-native:machinelearningservices:Compute",
        "name": "instance",
        "inputs": {"computeName": "ci-1", "properties": {"computeType": "ComputeInstance"}},
        "outputs": {},
        "dependencies": [],
    }
    healed = step(journey(journeys(res, [*records, instance]), "J2"), "managed network provisioned", "workspace")
    assert healed.ok
    assert healed.detail == "a compute instance provisions it"


def test_a_quarantined_registry_breaks_image_builds(prod_builds: dict[str, Resources]) -> None:
    """ "Once the Quarantine is enabled, any images without being marked as good will be blocked for
    pull" (Azure/acr, docs/preview/quarantine)."""
    res = prod_builds["cpu-cluster"]
    assert step(journey(journeys(res), "J3"), "quarantine off", "registry").ok
    registry = named(res.records, "mlp-workspace-registry")["urn"]

    def quarantine(inputs: dict[str, Any]) -> None:
        inputs.setdefault("policies", {})["quarantinePolicy"] = {"status": "enabled"}

    after = step(journey(journeys(res, changed(res.records, registry, quarantine)), "J3"), "quarantine off", "registry")
    assert not after.ok


def test_the_pipeline_needs_cpu_cluster_with_a_managed_identity(stack_plans: dict[str, Resources]) -> None:
    res = stack_plans["dev"]
    assert step(journey(journeys(res), "J1"), "a managed identity", "compute cpu-cluster").ok
    cluster = named(res.records, "mlp-compute-cpu-cluster")["urn"]
    after = journey(journeys(res, changed(res.records, cluster, lambda inputs: inputs.pop("identity"))), "J1")
    assert not step(after, "a managed identity", "compute cpu-cluster").ok
    # and the compute identity's grants then belong to no one the job runs as
    assert not any(s.ok for s in after.steps if s.who.startswith("compute identity"))


def test_deploying_needs_the_image_build_only_where_the_registry_is_private(
    stack_plans: dict[str, Resources], prod_builds: dict[str, Resources]
) -> None:
    """A public registry and storage: Azure ML builds serverless (how-to-secure-workspace-vnet), so
    J2 does not need J3; a private one without package egress cannot build the deployments'
    environment (image + conda file); with egress and a CPU build compute it can."""
    public = step(journey(journeys(stack_plans["dev"]), "J2"), "J3 holds", "registry")
    assert public.ok
    assert public.detail.startswith("J3 is not needed: the registry and the default storage are public")
    prod_without_egress = Resources(plan("prod", {"network": {"managed": {"packageEgress": "none"}}}))
    no_egress = journey(journeys(prod_without_egress), "J3")
    assert not no_egress.claimed
    assert "needed (" in no_egress.claim
    assert "no FQDN rule to a package index" in no_egress.claim
    blocked = step(journey(journeys(prod_without_egress), "J2"), "J3 holds", "registry")
    assert not blocked.ok
    assert blocked.detail.startswith("J3 is needed but not claimed")
    built = journeys(prod_builds["cpu-cluster"])
    assert journey(built, "J3").claimed
    assert step(journey(built, "J2"), "J3 holds", "registry").ok == bool(journey(built, "J3").ok)


def _manifest(cpu: str, memory: str, name: str = "cpu-small") -> str:
    resources = {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": cpu, "memory": memory}}
    item = {"metadata": {"name": name}, "spec": {"resources": resources}}
    return yaml.safe_dump({"apiVersion": "amlarc.azureml.com/v1alpha1", "kind": "InstanceTypeList", "items": [item]})


@pytest.mark.parametrize(
    ("manifest", "holds"),
    [
        (_manifest("2", "4Gi"), True),
        (_manifest("2000m", "4G"), True),  # the edge: exactly 2 cores and 4 GB
        (_manifest("1900m", "4Gi"), False),
        (_manifest("2", "3900M"), False),
        (_manifest("2", "4Gi", name="cpu-large"), False),  # not the type the deployment names
        (None, False),
    ],
)
def test_the_kubernetes_deployment_needs_its_instance_type_published_with_mlflows_minimum(
    stack_plans: dict[str, Resources], manifest: str | None, holds: bool
) -> None:
    """ "An instance type is required for model deployment"; "For MLflow model deployment, the
    resource request requires at least 2 CPU cores and 4 GB of memory" (how-to-manage-kubernetes-
    instance-types). The types are cluster resources the stack renders (`inferenceInstanceTypes`)."""
    res = stack_plans["prod"]
    outputs = {k: v for k, v in res.plan.outputs.items() if k != "inferenceInstanceTypes"}
    if manifest is not None:
        outputs["inferenceInstanceTypes"] = manifest
    deploy = journey(evaluate(res.records, outputs), "J2")
    published = step(deploy, "the deployment's instance type", "output inferenceInstanceTypes")
    assert published.ok is holds
    if holds:
        assert published.assumes is not None
        assert "kubectl apply" in published.assumes
