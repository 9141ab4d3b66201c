"""The production deployment target, attached the Azure ML v2 way.

AKS cluster -> cluster extension `Microsoft.AzureML.Kubernetes` -> ML compute of type
`Kubernetes` pointing at the cluster. Never the legacy `AKS` compute type: it serves v1 web
services only (the v1 CLI ended 30 Sep 2025); Kubernetes online endpoints run on this one.
"""

from __future__ import annotations

import pulumi
from pulumi_azure_native import kubernetesconfiguration as k8sconfig
from pulumi_azure_native import machinelearningservices as ml

from components.compute.ml_compute import KUBERNETES_REPLACE_ON, ml_compute, user_assigned
from components.core.component import PlatformComponent, StackContext
from components.core.role_assignment import assign_role
from components.core.targets import DiagnosticTarget
from components.settings.compute import InferenceSettings

from .aks import cluster_name, inference_cluster
from .container_insights import container_insights
from .extension import EXTENSION_NAMESPACE, EXTENSION_TYPE, extension_settings, instance_types, scoring_host


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
