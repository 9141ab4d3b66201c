"""Instance types are objects in the cluster: the stack renders them for `kubectl apply`.

Microsoft (how-to-manage-kubernetes-instance-types): instance types "are represented in a custom
resource definition (CRD) that's installed with the Azure Machine Learning extension", created with
`kubectl apply` (`amlarc.azureml.com/v1alpha1`, `InstanceType` / `InstanceTypeList`); CPU and
memory request and limit are required, a GPU count is an integer and only under limits; "To
specify a default instance type ... create an instance type with the name defaultinstancetype".
"""

from __future__ import annotations

from typing import Any

import yaml

from components.compute.inference.instance_types import instance_type_list
from components.settings import validate_settings
from components.settings.compute import InferenceSettings
from components.settings.tiers import deep_merge
from tests.planning import Resources, stack_values

GPU = {"name": "gpu", "cpu": "4", "memory": "16Gi", "gpu": 1, "nodeSelector": {"agentpool": "user"}}
SMALL = {"name": "cpu-small", "cpu": "2", "memory": "4Gi"}


def inference(**fields: Any) -> InferenceSettings:
    return validate_settings(
        deep_merge(stack_values("prod"), {"compute": {"inference": fields}}), "prod"
    ).compute.inference


def by_name(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["metadata"]["name"]: item["spec"] for item in manifest["items"]}


def test_prod_exports_the_manifest_to_apply(stack_plans: dict[str, Resources]) -> None:
    manifest = yaml.safe_load(stack_plans["prod"].plan.outputs["inferenceInstanceTypes"])
    assert (manifest["apiVersion"], manifest["kind"]) == ("amlarc.azureml.com/v1alpha1", "InstanceTypeList")
    specs = by_name(manifest)
    configured = validate_settings(stack_values("prod"), "prod").compute.inference
    assert set(specs) == {t.name for t in configured.instance_types} | {"defaultinstancetype"}
    # deployments that name no instance type get the configured default's shape
    assert specs["defaultinstancetype"] == specs[configured.default_instance_type]


def test_stacks_without_the_cluster_export_no_manifest(stack_plans: dict[str, Resources]) -> None:
    assert stack_plans["dev"].plan.outputs["inferenceInstanceTypes"] is None


def test_each_type_requests_and_limits_cpu_and_memory_and_gpus_only_as_a_limit() -> None:
    specs = by_name(instance_type_list(inference(instanceTypes=[SMALL, GPU], defaultInstanceType="gpu")))
    assert specs["gpu"] == {
        "resources": {
            "requests": {"cpu": "4", "memory": "16Gi"},
            "limits": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": 1},
        },
        "nodeSelector": {"agentpool": "user"},
    }
    # no GPU, no node selector: neither key is written
    assert specs["cpu-small"] == {
        "resources": {"requests": {"cpu": "2", "memory": "4Gi"}, "limits": {"cpu": "2", "memory": "4Gi"}}
    }
    assert specs["defaultinstancetype"] == specs["gpu"]


def test_the_kubernetes_compute_no_longer_claims_to_define_them(stack_plans: dict[str, Resources]) -> None:
    (compute,) = stack_plans["prod"].ml_computes("Kubernetes").values()
    inner = compute["inputs"]["properties"]["properties"]
    assert "instanceTypes" not in inner
    assert "defaultInstanceType" not in inner
