"""What the inference cluster runs and offers: the Azure ML extension's configuration settings and
the instance types the Kubernetes compute gives deployments."""

from __future__ import annotations

from pulumi_azure_native import machinelearningservices as ml

from components.core.component import StackContext
from components.settings.compute import InferenceSettings, is_gpu_size

EXTENSION_TYPE = "Microsoft.AzureML.Kubernetes"
# the extension's own components live here (its sslSecret too); endpoints use settings.namespace
EXTENSION_NAMESPACE = "azureml"


def _flag(value: bool) -> str:
    return "True" if value else "False"


def scoring_host(settings: InferenceSettings, ctx: StackContext) -> str:
    """The HTTPS scoring host name: the stack's setting, or one under the private-use `.internal`
    top-level domain that the TLS certificate and a private DNS record are made for."""
    return settings.ssl_cname or f"{ctx.names.scoped(settings.compute_name.lower())}.internal"


def extension_settings(settings: InferenceSettings, *, ssl_cname: str) -> dict[str, str]:
    """The extension's configuration settings (Microsoft's names; values are strings)."""
    config = {
        "enableInference": "True",
        "enableTraining": _flag(settings.enable_training),
        "inferenceRouterServiceType": settings.inference_router_service_type,
        "inferenceRouterHA": _flag(settings.inference_router_ha),
        "allowInsecureConnections": _flag(settings.allow_insecure_connections),
        "installNvidiaDevicePlugin": _flag(is_gpu_size(settings.user_pool.vm_size)),
    }
    if settings.internal_load_balancer:
        config["internalLoadBalancerProvider"] = "azure"
    if not settings.allow_insecure_connections:
        config["sslCname"] = ssl_cname
        config["sslSecret"] = settings.ssl_secret
    return config


def instance_types(settings: InferenceSettings) -> dict[str, ml.InstanceTypeSchemaArgs]:
    shapes: dict[str, ml.InstanceTypeSchemaArgs] = {}
    for shape in settings.instance_types:
        resources = {"cpu": shape.cpu, "memory": shape.memory}
        limits = {**resources, "nvidia.com/gpu": str(shape.gpu)} if shape.gpu else resources
        shapes[shape.name] = ml.InstanceTypeSchemaArgs(
            node_selector=dict(shape.node_selector) or None,
            resources=ml.InstanceTypeSchemaResourcesArgs(requests=resources, limits=limits),
        )
    return shapes
