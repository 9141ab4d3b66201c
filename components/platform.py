"""The one place that wires components together from the typed settings."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pulumi
from pulumi_azure_native import authorization, resources

from .access import Access, Grantee, identity_grant_summary
from .access_cli import az_ml_commands
from .base import PlatformComponent, StackContext
from .compute import Compute
from .compute_identity import ComputeTargets
from .data import Data
from .monitoring import Monitoring
from .naming import Names
from .settings import StackSettings
from .settings.secrets import read_secret
from .workspace import Workspace


class Platform(PlatformComponent):
    """Everything one stack creates, under one component named after the name prefix."""

    def __init__(self, settings: StackSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        stack = pulumi.get_stack()
        names = Names(pulumi.get_project(), stack, settings.name_prefix, settings.naming.revision)
        client = authorization.get_client_config_output()
        rg_name = settings.resource_group.name or names.resource_group
        ctx = StackContext(
            names=names,
            location=settings.location,
            tags=settings.tags.as_dict(environment=stack),
            protect=settings.protect,
            resource_group_name=rg_name,
            subscription_id=client.subscription_id,
            tenant_id=client.tenant_id,
        )
        super().__init__("Platform", settings.name_prefix, ctx, opts)

        if settings.resource_group.create:
            group = resources.ResourceGroup(
                self.child_name("rg"),
                resource_group_name=rg_name,
                location=settings.location,
                tags=dict(ctx.tags),
                opts=self.child_opts(stateful=True),
            )
            rg_name_out: pulumi.Input[str] = group.name
            rg_id: pulumi.Input[str] = group.id
        else:
            rg_name_out = rg_name
            rg_id = client.subscription_id.apply(lambda sub: f"/subscriptions/{sub}/resourceGroups/{rg_name}")
        # children take the group's output, so Pulumi creates the group before them
        self.ctx = ctx = replace(ctx, resource_group_name=rg_name_out, resource_group_id=rg_id)

        self.monitoring = Monitoring(self.child_name("monitoring"), ctx, settings.monitoring, opts=self.child_opts())
        ctx = replace(ctx, log_analytics_workspace_id=self.monitoring.log_analytics.id)

        # --- network (customer VNet / managed network) wires in here, before what lives in subnets ---

        self.workspace = Workspace(
            self.child_name("workspace"),
            ctx,
            settings,
            app_insights_id=self.monitoring.app_insights.id,
            opts=self.child_opts(),
        )

        # --- compute wires in here ---
        self.compute = Compute(
            self.child_name("compute"),
            ctx,
            settings.compute,
            workspace_name=self.workspace.workspace.name,
            targets=ComputeTargets(
                storage_account_id=self.workspace.storage.account.id,
                registry_id=self.workspace.registry.id if self.workspace.registry else None,
            ),
            opts=self.child_opts(),
        )

        # --- data and access wire in here ---
        self.data = Data(
            self.child_name("data"),
            ctx,
            settings.data,
            storage_settings=settings.storage,
            public_network_access=settings.workspace.public_network_access,
            workspace_name=self.workspace.workspace.name,
            secrets={name: read_secret(name) for name in settings.data.secret_references().values()},
            opts=self.child_opts(),
        )
        self.access = Access(
            self.child_name("access"),
            ctx,
            settings.access,
            workspace_id=self.workspace.workspace.id,
            datastores=self.data.targets,
            compute_grantees=[
                Grantee(key, principal_id, "ServicePrincipal")
                for key, principal_id in self.compute.job_identities.items()
            ],
            opts=self.child_opts(),
        )

        self.outputs: dict[str, Any] = {
            "resourceGroupName": rg_name_out,
            "location": settings.location,
            "workspaceName": self.workspace.workspace.name,
            "workspaceId": self.workspace.workspace.id,
            "storageAccountName": self.workspace.storage.account.name,
            "keyVaultName": self.workspace.key_vault.name,
            "containerRegistryName": self.workspace.registry.name if self.workspace.registry else None,
            "logAnalyticsWorkspaceId": self.monitoring.log_analytics.id,
            "computeNames": self.compute.compute_names,
            "computeIdentityPrincipalId": self.compute.principal_id,
            "inferenceClusterName": self.compute.inference.cluster.name if self.compute.inference else None,
            "workspaceIdentity": {"type": settings.workspace.identity, "principalId": self.workspace.principal_id},
            "datastores": self.data.summary,
            "accessGrants": [
                *identity_grant_summary(
                    "workspaceIdentity", self.workspace.principal_id, self.workspace.identity_grants
                ),
                *(
                    entry
                    for who, principal_id, grants in self.compute.role_grants
                    for entry in identity_grant_summary(who, principal_id, grants)
                ),
                *self.access.summary,
            ],
            "azMl": az_ml_commands(self.workspace.workspace.name, rg_name_out),
        }
        self.finish(self.outputs)
