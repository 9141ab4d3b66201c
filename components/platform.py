"""The one place that wires the platform: typed settings -> components -> the stack's outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi

from components.access.access import Access
from components.access.grants import Grantee
from components.compute.compute import Compute
from components.compute.job_roles import JobRoleScopes
from components.core.component import StackContext
from components.core.stack_root import StackRoot
from components.core.targets import PrivateLinkTarget
from components.data.data import Data
from components.network.outbound_rules import ManagedOutboundRules, user_defined_rules
from components.network.private_endpoints import PrivateEndpoints
from components.network.vnet import Network
from components.outputs import stack_outputs
from components.protection.diagnostics import Diagnostics
from components.protection.locks import Locks
from components.settings import StackSettings
from components.settings.registry import SHARED_REGISTRY_GROUP, SHARED_REGISTRY_TARGET
from components.settings.secrets import read_secret
from components.workspace.monitoring import Monitoring
from components.workspace.workspace import Workspace

if TYPE_CHECKING:
    from components.compute.inference.extension import ScoringTls


class Platform(StackRoot):
    """Everything one stack creates, under one component named after the name prefix."""

    def __init__(self, settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("Platform", settings, opts)
        ctx = self.children

        self.monitoring = Monitoring(self.child_name("monitoring"), ctx, settings.monitoring, opts=self.child_opts())
        logs_id = self.monitoring.log_analytics.id

        # the network comes before what lives in its subnets
        self.network = (
            Network(
                self.child_name("network"),
                ctx,
                settings.network,
                aks_subnet=settings.compute.inference.enabled,
                opts=self.child_opts(),
            )
            if settings.network.uses_vnet
            else None
        )
        subnets = self.network.subnets if self.network else {}

        self.workspace = Workspace(
            self.child_name("workspace"),
            ctx,
            settings.workspace,
            key_vault=settings.key_vault,
            storage=settings.storage,
            registry=settings.registry,
            encryption=settings.encryption,
            network=settings.network,
            app_insights_id=self._app_insights_id(),
            training_subnet_id=subnets.get("training"),
            deployer_object_id=self.client.object_id,
            role_assignment_wait_seconds=settings.role_assignment_wait_seconds,
            storage_public_network_access=settings.default_storage_public_access,
            storage_registry_rules=settings.storage_registry_rules,
            opts=self.child_opts(),
        )

        self.data = Data(
            self.child_name("data"),
            ctx,
            settings.data,
            storage_settings=settings.storage,
            public_network_access=settings.network.access.resources,
            ip_rules=settings.network.access.ip_ranges,
            workspace_name=self.workspace.workspace.name,
            secrets={name: read_secret(name) for name in settings.data.secret_references().values()},
            opts=self.child_opts(),
        )
        # The private endpoints (with their DNS) of the workspace's resources and the lakes, before
        # compute: the Kubernetes compute is attached once the cluster can resolve and reach them.
        self.private_endpoints = (
            PrivateEndpoints(
                self.child_name("endpoints"),
                ctx,
                private_dns_zone_ids=settings.network.private_dns_zone_ids,
                subnet_id=self.network.subnets["endpoints"],
                vnet_id=self.network.vnet_id,
                targets=[*self.workspace.private_link_targets, *self.data.private_link_targets],
                opts=self.child_opts(),
            )
            if self.network is not None
            else None
        )

        self.compute = Compute(
            self.child_name("compute"),
            ctx,
            settings.compute,
            workspace_name=self.workspace.workspace.name,
            role_scopes=JobRoleScopes(
                storage_account_id=self.workspace.storage.account.id,
                registry_id=self.workspace.registry.id if self.workspace.registry else None,
            ),
            managed_network=settings.network.mode == "managed",
            training_subnet_id=subnets.get("training"),
            aks_subnet_id=subnets.get("aks"),
            node_egress=settings.network.node_egress,
            logs_id=logs_id,
            # Microsoft lists the attach roles for a user-assigned workspace identity only
            workspace_identity_principal_id=(
                self.workspace.principal_id if settings.workspace.identity == "UserAssigned" else None
            ),
            scoring_tls=_scoring_tls(settings),
            attach_after=self.private_endpoints.ready if self.private_endpoints else [],
            opts=self.child_opts(),
        )

        self.access = Access(
            self.child_name("access"),
            ctx,
            settings.access,
            workspace_id=self.workspace.workspace.id,
            default_storage_id=self.workspace.storage.account.id,
            datastores=self.data.datastore_targets,
            compute_grantees=[
                Grantee(key, principal_id, "ServicePrincipal")
                for key, principal_id in self.compute.job_identities.items()
            ],
            shared_registry_id=settings.shared_registry.id if settings.shared_registry else None,
            opts=self.child_opts(),
        )

        # Outbound rules, diagnostics and locks come last: they point at what the components above made.
        self._isolate_and_protect(settings, ctx, logs_id=logs_id)
        self.outputs = stack_outputs(
            settings,
            resource_group_name=ctx.resource_group_name,
            monitoring=self.monitoring,
            workspace=self.workspace,
            compute=self.compute,
            data=self.data,
            access=self.access,
        )
        self.finish(self.outputs)

    def _app_insights_id(self) -> pulumi.Output[str]:
        assert self.monitoring.app_insights is not None  # an environment stack always has it
        return self.monitoring.app_insights.id

    def _isolate_and_protect(self, settings: StackSettings, ctx: StackContext, *, logs_id: pulumi.Input[str]) -> None:
        built: list[pulumi.Resource] = [self.monitoring, self.workspace, self.compute, self.data, self.access]
        if self.network is not None:
            built.append(self.network)
        if self.private_endpoints is not None:
            built += [
                self.private_endpoints,
                *self.workspace.grant_studio_endpoint_readers(self.private_endpoints.storage_endpoint_ids),
            ]
        # Azure ML reaches the workspace's own resources itself; the data accounts need rules, and
        # the approval of the endpoints they create (by the stack, or by an account's owner)
        managed = settings.network.mode == "managed"
        outbound = [*self.data.outbound_targets, *_shared_registry_targets(settings)]
        rules = user_defined_rules(settings.network, outbound, settings.registry_service_tag_rules()) if managed else {}
        if rules:
            approvals = self.workspace.approve_private_endpoints(self.data.approval_targets)
            built += [
                *approvals,
                ManagedOutboundRules(
                    self.child_name("outbound"),
                    ctx,
                    workspace_name=self.workspace.workspace.name,
                    rules=rules,
                    after=approvals,
                    opts=self.child_opts(),
                ),
            ]
        if settings.diagnostics.enabled:
            diagnostics = Diagnostics(
                self.child_name("diagnostics"),
                ctx,
                settings.diagnostics,
                logs_id=logs_id,
                targets=[
                    *self.workspace.diagnostic_targets,
                    *self.data.diagnostic_targets,
                    *self.compute.diagnostic_targets,
                ],
                opts=self.child_opts(),
            )
            built.append(diagnostics)
        if settings.locks.enabled:
            # last: after what the locks protect and everything scoped to it (protection/locks.py)
            Locks(
                self.child_name("locks"),
                ctx,
                settings.locks,
                targets=[*self.workspace.lock_targets, *self.monitoring.lock_targets, *self.data.lock_targets],
                after=built,
                opts=self.child_opts(),
            )


def _shared_registry_targets(settings: StackSettings) -> list[PrivateLinkTarget]:
    """The shared registry, reached from the managed network by a private-endpoint rule: "Using
    assets from registry to a secure workspace requires configuring outbound access to the registry"
    (how-to-registry-network-isolation); Azure ML registries are among the managed network's
    private-endpoint targets (how-to-managed-network, "Private endpoints"), sub-resource
    `amlregistry` (private-endpoint-dns). The workspace identity cannot approve it (Azure AI Enterprise
    Network Connection Approver has no registries action): the registry's owner does (docs/registry.md)."""
    if settings.shared_registry is None:
        return []
    return [PrivateLinkTarget(SHARED_REGISTRY_TARGET, settings.shared_registry.id, (SHARED_REGISTRY_GROUP,))]


def _scoring_tls(settings: StackSettings) -> ScoringTls | None:
    """The inference cluster's certificate and key, read as Pulumi secrets (HTTPS scoring only)."""
    inference = settings.compute.inference
    if not inference.https or inference.tls is None:
        return None
    # imported here: the inference modules load only for stacks with the cluster
    from components.compute.inference.extension import ScoringTls

    return ScoringTls(read_secret(inference.tls.certificate_secret), read_secret(inference.tls.key_secret))
