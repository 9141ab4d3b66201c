"""The instance types deployments ask for, as the Kubernetes objects Azure ML reads them from.

Microsoft (how-to-manage-kubernetes-instance-types): "In Kubernetes clusters, instance types are
represented in a custom resource definition (CRD) that's installed with the Azure Machine
Learning extension", created with `kubectl apply` (`amlarc.azureml.com/v1alpha1`, kind
`InstanceType` or `InstanceTypeList`). ARM cannot create them and the Kubernetes compute's
`instanceTypes` property does not, so the stack renders the manifest (a stack output) and the
platform engineer applies it to the cluster (docs/compute.md, "Instance types").
"""

from __future__ import annotations

from typing import Any

import yaml

from components.settings.compute import DEFAULT_INSTANCE_TYPE, InferenceSettings, InstanceTypeSettings

API_VERSION = "amlarc.azureml.com/v1alpha1"


def _item(name: str, shape: InstanceTypeSettings) -> dict[str, Any]:
    # CPU and memory: request and limit both required; a GPU count only under limits, as an integer
    resources = {"cpu": shape.cpu, "memory": shape.memory}
    limits: dict[str, Any] = {**resources, "nvidia.com/gpu": shape.gpu} if shape.gpu else dict(resources)
    spec: dict[str, Any] = {"resources": {"requests": resources, "limits": limits}}
    if shape.node_selector:
        spec["nodeSelector"] = dict(shape.node_selector)
    return {"metadata": {"name": name}, "spec": spec}


def instance_type_list(settings: InferenceSettings) -> dict[str, Any]:
    """Every configured type, plus `defaultinstancetype` in the shape of `defaultInstanceType`."""
    items = [_item(shape.name, shape) for shape in settings.instance_types]
    default = next(shape for shape in settings.instance_types if shape.name == settings.default_instance_type)
    # "To specify a default instance type for a Kubernetes cluster, create an instance type with
    # the name defaultinstancetype. It's automatically recognized as the default."
    items.append(_item(DEFAULT_INSTANCE_TYPE, default))
    return {"apiVersion": API_VERSION, "kind": "InstanceTypeList", "items": items}


def instance_type_manifest(settings: InferenceSettings) -> str:
    """The list as the YAML `kubectl apply -f` takes."""
    return yaml.safe_dump(instance_type_list(settings), sort_keys=False)
