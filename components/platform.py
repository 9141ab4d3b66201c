"""The one place that wires the platform: typed settings -> components -> the stack's outputs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi
from pulumi_azure_native import authorization, resources

from components.access.access import Access
from components.access.grants import Grantee
from components.compute.compute import Compute
from components.compute.job_roles import JobRoleScopes
from components.core.component import PlatformComponent, StackContext
from components.core.naming import Names
from components.data.data import Data
from components.network.outbound_rules import ManagedOutboundRules, user_defined_rules
from components.network.private_endpoints import PrivateEndpoints
from components.network.vnet import Network
from components.outputs import stack_outputs
from components.protection.diagnostics import Diagnostics
from components.protection.locks import Locks
from components.settings import StackSettings
from components.settings.secrets import read_secret
from components.workspace.monitoring import Monitoring
from components.workspace.workspace import Workspace

if TYPE_CHECKING:
    from components.compute.inference.extension import ScoringTls


class Platform(PlatformComponent):
    """Everything one stack creates, under one component named after the name prefix."""

    def __init__(self, settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        stack = pulumi.get_stack()
        names = Names(pulumi.get_project(), stack, settings.name_prefix, settings.naming.revision)
        client = authorization.get_client_config_output()
        rg_name = settings.resource_group.name or names.resource_group
        super().__init__("Platform", settings.name_prefix, _context(settings, names, client, rg_name), opts)
        # the children's context names the group through its output, so Pulumi creates the group first
        ctx = _context(settings, names, client, self._resource_group(settings, rg_name))

        self.monitoring = Monitoring(self.child_name("monitoring"), ctx, settings.monitoring, opts=self.child_opts())
        logs_id = self.monitoring.log_analytics.id

        # the network comes before what lives in its subnets
        self.network = (
            Network(self.child_name("network"), ctx, settings.network, opts=self.child_opts())
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
            app_insights_id=self.monitoring.app_insights.id,
            training_subnet_id=subnets.get("training"),
            deployer_object_id=client.object_id,
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
                settings.network,
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

    def _resource_group(self, settings: StackSettings, name: str) -> pulumi.Input[str]:
        """The group's name: the created group's output (so its children wait for it), or the
        name of the existing group the stack deploys into."""
        if not settings.resource_group.create:
            return name
        group = resources.ResourceGroup(
            self.child_name("rg"),
            resource_group_name=name,
            location=settings.location,
            tags=dict(self.ctx.tags),
            opts=self.child_opts(stateful=True),
        )
        return group.name

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
        rules = user_defined_rules(settings.network, self.data.outbound_targets) if managed else {}
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


def _scoring_tls(settings: StackSettings) -> ScoringTls | None:
    """The inference cluster's certificate and key, read as Pulumi secrets (HTTPS scoring only)."""
    inference = settings.compute.inference
    if not inference.https or inference.tls is None:
        return None
    # imported here: the inference modules load only for stacks with the cluster
    from components.compute.inference.extension import ScoringTls

    return ScoringTls(read_secret(inference.tls.certificate_secret), read_secret(inference.tls.key_secret))


def _context(
    settings: StackSettings,
    names: Names,
    client: pulumi.Output[authorization.GetClientConfigResult],
    resource_group_name: pulumi.Input[str],
) -> StackContext:
    """What every component knows of the stack; made whole, never patched afterwards."""
    return StackContext(
        names=names,
        location=settings.location,
        tags=settings.tags.as_dict(environment=names.stack),
        protect=settings.protect,
        resource_group_name=resource_group_name,
        subscription_id=client.subscription_id,
        tenant_id=client.tenant_id,
    )
