"""Compute: the identity jobs run as, clusters, personal instances, attached compute, inference.

Compute is for admins (the seed: "should only allow admins to create and manage, not data
scientists"): it exists only as this stack declares it, and data scientists use it without a
compute-write role.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pulumi
from pulumi_azure_native import machinelearningservices as ml
from pulumi_azure_native import managedidentity

from components.core.component import PlatformComponent, StackContext
from components.core.targets import DiagnosticTarget
from components.settings.compute import ComputeSettings
from components.settings.network import NodeEgress

from .job_roles import JobRoleScopes, grant_job_roles, job_roles
from .ml_compute import (
    AML_COMPUTE_REPLACE_ON,
    ATTACHED_REPLACE_ON,
    COMPUTE_INSTANCE_REPLACE_ON,
    ml_compute,
    system_assigned,
    user_assigned,
)
from .properties import Placement, attached_properties, cluster_properties, instance_properties

if TYPE_CHECKING:
    from .inference.extension import ScoringTls
    from .inference.inference import Inference


class Compute(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: ComputeSettings,
        *,
        workspace_name: pulumi.Input[str],
        role_scopes: JobRoleScopes,
        managed_network: bool = False,
        training_subnet_id: pulumi.Input[str] | None = None,
        aks_subnet_id: pulumi.Input[str] | None = None,
        node_egress: NodeEgress = "loadBalancer",
        logs_id: pulumi.Input[str],
        workspace_identity_principal_id: pulumi.Input[str] | None = None,
        scoring_tls: ScoringTls | None = None,
        attach_after: Sequence[pulumi.Resource] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Compute", name, ctx, opts)
        local_auth_off = settings.disable_local_auth
        placement = Placement(subnet_id=training_subnet_id, managed_network=managed_network)

        # One identity for every cluster, created with its roles before any cluster, so a node
        # never starts without permission to pull images or read its inputs.
        self.identity = managedidentity.UserAssignedIdentity(
            self.child_name("identity"),
            resource_name_=ctx.names.scoped("id-compute", 128),
            **self.common,
            opts=self.child_opts(),
        )
        self.principal_id: pulumi.Output[str] = self.identity.principal_id
        identity_roles = grant_job_roles(self, "identity", self.principal_id, role_scopes)
        self.role_assignments = list(identity_roles)
        # the identities jobs run as, by a stable key: the access feature gives them data roles
        self.job_identities: dict[str, pulumi.Output[str]] = {"compute": self.principal_id}
        # for the stack's access audit: (who, principal id, [(target, role)]) of every grant made here
        role_grants = [(target, role) for target, role, _ in job_roles(role_scopes)]
        self.role_grants: list[tuple[str, pulumi.Input[str], list[tuple[str, str]]]] = [
            ("computeIdentity", self.principal_id, role_grants)
        ]

        self.clusters: dict[str, ml.Compute] = {}
        for cluster in settings.clusters:
            own_identity = cluster.identity == "SystemAssigned"
            compute = ml_compute(
                self,
                cluster.name,
                compute_name=cluster.name,
                workspace_name=workspace_name,
                properties=cluster_properties(cluster, disable_local_auth=local_auth_off, placement=placement),
                identity=system_assigned() if own_identity else user_assigned(self.identity.id),
                replace_on=AML_COMPUTE_REPLACE_ON,
                depends_on=[] if own_identity else identity_roles,
            )
            if own_identity:
                principal = _principal_of(compute)
                self.role_assignments += grant_job_roles(
                    self, cluster.name, principal, role_scopes, system_assigned=True
                )
                self.job_identities[f"compute-{cluster.name}"] = principal
                own_grants = [(target, role) for target, role, _ in job_roles(role_scopes, system_assigned=True)]
                self.role_grants.append((f"cluster {cluster.name}", principal, own_grants))
            self.clusters[cluster.name] = compute

        # Personal instances act as their user (Entra ID), not as the shared compute identity.
        self.instances = {
            instance.name: ml_compute(
                self,
                instance.name,
                compute_name=instance.name,
                workspace_name=workspace_name,
                properties=instance_properties(
                    instance, tenant_id=ctx.tenant_id, disable_local_auth=local_auth_off, placement=placement
                ),
                replace_on=COMPUTE_INSTANCE_REPLACE_ON,
            )
            for instance in settings.instances
        }

        self.attached = {
            attached.name: ml_compute(
                self,
                attached.name,
                compute_name=attached.name,
                workspace_name=workspace_name,
                properties=attached_properties(attached, disable_local_auth=local_auth_off),
                # Synapse runs jobs as the attachment's identity; Databricks uses its own auth
                identity=user_assigned(self.identity.id) if attached.kind == "SynapseSpark" else None,
                replace_on=ATTACHED_REPLACE_ON,
            )
            for attached in settings.attached
        }

        self.inference: Inference | None = None
        self.inference_cluster_name: pulumi.Output[str] | None = None
        self.diagnostic_targets: list[DiagnosticTarget] = []
        if settings.inference.enabled:
            # imported here: the AKS and extension SDK modules load only for stacks that use them
            from .inference.inference import Inference

            self.inference = Inference(
                self.child_name("inference"),
                ctx,
                settings.inference,
                workspace_name=workspace_name,
                registry_id=role_scopes.registry_id,
                compute_identity_id=self.identity.id,
                disable_local_auth=local_auth_off,
                logs_id=logs_id,
                subnet_id=aks_subnet_id,
                egress=node_egress,
                workspace_identity_principal_id=workspace_identity_principal_id,
                scoring_tls=scoring_tls,
                attach_after=attach_after,
                opts=self.child_opts(),
            )
            self.inference_cluster_name = self.inference.cluster.name
            self.diagnostic_targets += self.inference.diagnostic_targets
            self.role_grants += self.inference.role_grants

        self.compute_names = [name for _, name in settings.named_computes()]
        self.finish(
            {
                "identityId": self.identity.id,
                "identityPrincipalId": self.principal_id,
                "computeNames": self.compute_names,
            }
        )


def _principal_of(compute: ml.Compute) -> pulumi.Output[str]:
    return compute.identity.apply(lambda identity: identity.principal_id if identity else "")
