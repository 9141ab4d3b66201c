"""The production deployment target, attached the Azure ML v2 way.

AKS cluster -> cluster extension `Microsoft.AzureML.Kubernetes` -> ML compute of type
`Kubernetes` pointing at the cluster. Never the legacy `AKS` compute type: it serves v1 web
services only (the v1 CLI ended 30 Sep 2025); Kubernetes online endpoints run on this one.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import kubernetesconfiguration as k8sconfig
from pulumi_azure_native import machinelearningservices as ml
from pulumi_azure_native import managedidentity

from components.compute.ml_compute import KUBERNETES_REPLACE_ON, ml_compute, user_assigned
from components.core.component import PlatformComponent, StackContext
from components.core.role_assignment import assign_role
from components.core.targets import DiagnosticTarget
from components.settings.compute import InferenceSettings
from components.settings.network import NodeEgress

from .aks import cluster_name, inference_cluster
from .container_insights import container_insights
from .extension import (
    EXTENSION_NAMESPACE,
    EXTENSION_TYPE,
    ScoringTls,
    extension_protected_settings,
    extension_settings,
    scoring_host,
)
from .instance_types import instance_type_manifest

# Microsoft (how-to-attach-kubernetes-to-workspace, "Attach to workspace with user-assigned managed
# identity"): a user-assigned workspace identity needs these on the cluster "before attaching the
# compute" (without Kubernetes Extension Contributor the attach fails with "extension not
# installed", without Cluster Admin with "internal server" error). A system-assigned one needs
# nothing: "The steps are completed if the system assigned default setting is on."
ATTACH_ROLES = {
    "reader": "Reader",
    "extension": "Kubernetes Extension Contributor",
    "cluster-admin": "Azure Kubernetes Service Cluster Admin Role",
}
# The cluster has Entra ID with Azure RBAC for Kubernetes authorization (aks.py): Microsoft
# (learn.microsoft.com/azure/aks/manage-azure-rbac) grants people Kubernetes access with Azure roles
# on the cluster, "Azure Kubernetes Service RBAC Cluster Admin" for cluster-wide admin ("Lets you
# manage all resources in the cluster"; it includes listClusterUserCredential, so `az aks
# get-credentials` works). The admin groups (compute.inference.adminGroupObjectIds) get it, so
# someone can apply the instance types and other in-cluster objects ARM cannot create.
CLUSTER_ADMIN_ROLE = "Azure Kubernetes Service RBAC Cluster Admin"
# Microsoft (learn.microsoft.com/azure/aks/concepts-network-cni-overview): with your own VNet "the
# cluster identity ... must have at least Network Contributor permissions on the subnet"; the
# router's internal load balancer joins that subnet (internal-lb). The CLI grants it on the subnet.
SUBNET_ROLE = "Network Contributor"


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
        egress: NodeEgress,
        workspace_identity_principal_id: pulumi.Input[str] | None,
        scoring_tls: ScoringTls | None,
        attach_after: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Inference", name, ctx, opts)
        if settings.https and scoring_tls is None:
            raise ValueError("HTTPS scoring needs the certificate and key (settings.tls, read as secrets)")
        # (who, principal id, [(target, role)]) of every grant made here, for the stack's access audit
        self.role_grants: list[tuple[str, pulumi.Input[str], list[tuple[str, str]]]] = []

        # The control plane's identity exists, with its role on the subnet, before the cluster.
        self.control_plane_identity = managedidentity.UserAssignedIdentity(
            self.child_name("aks-identity"),
            resource_name_=ctx.names.scoped("id-aks", 128),
            **self.common,
            opts=self.child_opts(),
        )
        control_plane = self.control_plane_identity.principal_id
        self.subnet_grant = (
            assign_role(
                self.child_name("aks-subnet-network"),
                scope=subnet_id,
                role=SUBNET_ROLE,
                principal_id=control_plane,
                principal_type="ServicePrincipal",
                opts=self.child_opts(),
            )
            if subnet_id is not None
            else None
        )
        if self.subnet_grant is not None:
            self.role_grants.append(("inferenceControlPlane", control_plane, [("aksSubnet", SUBNET_ROLE)]))

        # the cluster reports to the stack's Log Analytics; its nodes use the network's AKS subnet, if any
        self.cluster = inference_cluster(
            self,
            settings,
            logs_id=logs_id,
            subnet_id=subnet_id,
            control_plane_identity_id=self.control_plane_identity.id,
            egress=egress,
            after=[self.subnet_grant] if self.subnet_grant else [],
        )
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
                opts=self.child_opts(),
            )
            if registry_id is not None
            else None
        )
        if self.kubelet_acr_pull is not None:
            self.role_grants.append(("inferenceKubelet", self.kubelet_principal_id, [("registry", "AcrPull")]))

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
            # Microsoft's ARM and Terraform samples give the extension a system-assigned identity
            identity=k8sconfig.IdentityArgs(type=k8sconfig.ResourceIdentityType.SYSTEM_ASSIGNED),
            configuration_settings=extension_settings(
                settings,
                ssl_cname=scoring_host(settings, ctx),
                cluster_id=self.cluster.id,
                cluster_name=cluster_name(self),
                location=ctx.location,
            ),
            configuration_protected_settings=extension_protected_settings(scoring_tls if settings.https else None),
            # the router's internal load balancer joins the subnet as the control plane
            opts=self.child_opts(depends_on=[self.subnet_grant] if self.subnet_grant else None),
        )

        # the user-assigned workspace identity's roles on the cluster, before the attach
        self.attach_grants = (
            [
                assign_role(
                    self.child_name(f"workspace-{slug}"),
                    scope=self.cluster.id,
                    role=role,
                    principal_id=workspace_identity_principal_id,
                    principal_type="ServicePrincipal",
                    opts=self.child_opts(),
                )
                for slug, role in ATTACH_ROLES.items()
            ]
            if workspace_identity_principal_id is not None
            else []
        )
        if workspace_identity_principal_id is not None:
            self.role_grants.append(
                (
                    "workspaceIdentity",
                    workspace_identity_principal_id,
                    [("inferenceCluster", r) for r in ATTACH_ROLES.values()],
                )
            )

        self.admin_grants = [
            assign_role(
                self.child_name(f"admins-{index}-rbac-cluster-admin"),
                scope=self.cluster.id,
                role=CLUSTER_ADMIN_ROLE,
                principal_id=group,
                principal_type="Group",
                opts=self.child_opts(),
                description=f"{CLUSTER_ADMIN_ROLE} for an admin group of the inference cluster",
            )
            for index, group in enumerate(settings.admin_group_object_ids)
        ]
        # (who, principal id, principal type, role, target) of the people's grants, for accessGrants
        self.audit: list[tuple[str, pulumi.Input[str], str, str, str]] = [
            (f"clusterAdmins[{index}]", group, "Group", CLUSTER_ADMIN_ROLE, "inferenceCluster")
            for index, group in enumerate(settings.admin_group_object_ids)
        ]

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
                # No instanceTypes: they are objects in the cluster (instance_types.py), not
                # something this property creates. The namespace must exist ("default" always does).
                properties=ml.KubernetesPropertiesArgs(namespace=settings.namespace),
            ),
            # the compute identity pulls images and reads inputs for deployments
            identity=user_assigned(compute_identity_id),
            replace_on=KUBERNETES_REPLACE_ON,
            # Attaching before the extension runs fails; the workspace identity needs its roles first;
            # the cluster reaches the private workspace and its resources only once their private
            # endpoints and DNS records exist (Microsoft: how-to-secure-kubernetes-inferencing-
            # environment, private endpoints "in the same or peered VNet as AKS cluster" with
            # "private DNS zone integration enabled").
            depends_on=[self.extension, *self.attach_grants, *attach_after],
        )
        # what a platform engineer applies to the cluster after `pulumi up` (docs/compute.md)
        self.instance_type_manifest = instance_type_manifest(settings)
        # the cluster's control-plane logs (API server, audit...); container logs go through insights
        self.diagnostic_targets = [DiagnosticTarget("aks", self.cluster.id)]
        self.finish(
            {
                "clusterName": self.cluster.name,
                "clusterId": self.cluster.id,
                "computeName": self.compute.name,
                "controlPlanePrincipalId": control_plane,
            }
        )
