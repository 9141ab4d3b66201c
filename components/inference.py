"""The production deployment target, attached the Azure ML v2 way.

AKS cluster -> cluster extension `Microsoft.AzureML.Kubernetes` -> ML compute of type
`Kubernetes` pointing at the cluster. Never the legacy `AKS` compute type: it serves v1 web
services only (the v1 CLI ended 30 Sep 2025); Kubernetes online endpoints run on this one.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import kubernetesconfiguration as k8sconfig
from pulumi_azure_native import machinelearningservices as ml

from .compute_resource import KUBERNETES_REPLACE_ON, ml_compute, user_assigned
from .core.component import PlatformComponent, StackContext
from .core.role_assignment import assign_role
from .core.targets import DiagnosticTarget
from .inference_aks import cluster_name, inference_cluster
from .inference_monitoring import container_insights
from .settings.compute import InferenceSettings, is_gpu_size

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


class Inference(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: InferenceSettings,
        *,
        workspace_name: pulumi.Input[str],
        registry_id: pulumi.Input[str] | None,
        compute_identity_id: pulumi.Input[str],
        disable_local_auth: bool,
        logs_id: pulumi.Input[str],
        subnet_id: pulumi.Input[str] | None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Inference", name, ctx, opts)
        # the cluster reports to the stack's Log Analytics; its nodes use the network's AKS subnet, if any
        self.cluster = inference_cluster(self, settings, logs_id=logs_id, subnet_id=subnet_id)
        self.insights = container_insights(
            self, cluster_id=self.cluster.id, cluster_name=cluster_name(self), logs_id=logs_id
        )
        # the nodes pull model images from the stack's registry with the kubelet identity
        self.kubelet_principal_id: pulumi.Output[str] = self.cluster.identity_profile.apply(
            lambda profile: (profile["kubeletidentity"].object_id or "") if profile else ""
        )
        self.kubelet_acr_pull = (
            assign_role(
                self.child_name("kubelet-acrpull"),
                scope=registry_id,
                role="AcrPull",
                principal_id=self.kubelet_principal_id,
                principal_type="ServicePrincipal",
                subscription_id=ctx.subscription_id,
                opts=self.child_opts(),
            )
            if registry_id is not None
            else None
        )
        self.extension = k8sconfig.Extension(
            self.child_name("azureml-extension"),
            extension_name="azureml",
            extension_type=EXTENSION_TYPE,
            cluster_rp="Microsoft.ContainerService",
            cluster_resource_name="managedClusters",
            cluster_name=self.cluster.name,
            resource_group_name=ctx.resource_group_name,
            release_train="stable",
            auto_upgrade_minor_version=True,
            scope=k8sconfig.ScopeArgs(cluster=k8sconfig.ScopeClusterArgs(release_namespace=EXTENSION_NAMESPACE)),
            identity=k8sconfig.IdentityArgs(type=k8sconfig.ResourceIdentityType.SYSTEM_ASSIGNED),
            configuration_settings=extension_settings(settings, ssl_cname=scoring_host(settings, ctx)),
            opts=self.child_opts(),
        )
        self.compute = ml_compute(
            self,
            "compute",
            compute_name=settings.compute_name,
            workspace_name=workspace_name,
            properties=ml.KubernetesArgs(
                compute_type="Kubernetes",
                resource_id=self.cluster.id,
                description="AKS inference cluster (Azure ML extension)",
                disable_local_auth=disable_local_auth,
                properties=ml.KubernetesPropertiesArgs(
                    namespace=settings.namespace,
                    default_instance_type=settings.default_instance_type,
                    instance_types=instance_types(settings),
                ),
            ),
            # the compute identity pulls images and reads inputs for deployments
            identity=user_assigned(compute_identity_id),
            replace_on=KUBERNETES_REPLACE_ON,
            # attaching before the extension is running fails
            depends_on=[self.extension],
        )
        # the cluster's control-plane logs (API server, audit...); container logs go through insights
        self.diagnostic_targets = [DiagnosticTarget("aks", self.cluster.id)]
        self.finish(
            {
                "clusterName": self.cluster.name,
                "clusterId": self.cluster.id,
                "computeName": self.compute.name,
            }
        )
