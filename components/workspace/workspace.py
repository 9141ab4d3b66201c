"""The Azure ML workspace with its associated key vault, storage account and registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from components.core.component import PlatformComponent, StackContext
from components.core.propagation import RoleAssignmentWait
from components.core.targets import DiagnosticTarget, LockTarget, PrivateLinkTarget, storage_diagnostic_targets
from components.network.managed_network import managed_network_args
from components.settings.encryption import EncryptionSettings
from components.settings.network import NetworkSettings
from components.settings.workspace import KeyVaultSettings, RegistrySettings, StorageSettings, WorkspaceSettings

from .customer_key import CustomerManagedKey
from .identity import (
    ENDPOINT_APPROVER,
    grant_workspace_identity,
    user_assigned_workspace_identity,
)
from .key_vault import workspace_key_vault
from .registry import workspace_registry
from .storage import StorageSpec, secure_storage_account


class Workspace(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: WorkspaceSettings,
        *,
        key_vault: KeyVaultSettings,
        storage: StorageSettings,
        registry: RegistrySettings,
        encryption: EncryptionSettings,
        network: NetworkSettings,
        app_insights_id: pulumi.Input[str],
        training_subnet_id: pulumi.Input[str] | None,
        deployer_object_id: pulumi.Input[str],
        role_assignment_wait_seconds: int,
        storage_public_network_access: str,
        storage_registry_rules: Sequence[str] = (),
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Workspace", name, ctx, opts)
        access = network.access  # the one decision on public network access (settings/network.py)

        self.key_vault = workspace_key_vault(
            self, key_vault, public_network_access=access.resources, ip_rules=access.ip_ranges
        )
        # after the vault (the key lives in it), before the storage and workspace that use the key
        self.cmk = (
            CustomerManagedKey(
                self.child_name("cmk"),
                ctx,
                encryption,
                vault=self.key_vault,
                deployer_object_id=deployer_object_id,
                role_assignment_wait_seconds=role_assignment_wait_seconds,
                opts=self.child_opts(),
            )
            if encryption.customer_managed_key
            else None
        )
        self.storage = secure_storage_account(
            self,
            "storage",
            StorageSpec(
                account_name=ctx.names.storage_account,
                sku=storage.sku,
                # the network's decision, opened to "selected networks" only for a registry rule
                public_network_access=storage_public_network_access,
                blob_soft_delete_days=storage.blob_soft_delete_days,
                versioning=storage.versioning,
                ip_rules=access.ip_ranges,
                customer_key=self.cmk if encryption.storage else None,
                resource_access_rules=tuple(storage_registry_rules),
            ),
        )
        self.registry = (
            workspace_registry(self, registry, public_network_access=access.resources, ip_rules=access.ip_ranges)
            if registry.mode == "create"
            else None
        )

        # UserAssigned: the identity and all its roles exist before the workspace (no RBAC race)
        self.identity = (
            user_assigned_workspace_identity(
                self,
                {
                    "storage": self.storage.account.id,
                    "keyvault": self.key_vault.id,
                    **({"registry": self.registry.id} if self.registry else {}),
                    "appinsights": app_insights_id,
                },
                managed_network=network.mode == "managed",
            )
            if settings.identity == "UserAssigned"
            else None
        )
        # Key Vault Administrator (data plane) and the storage data roles are used as the workspace is
        # created: it waits until they are in force (components/core/propagation.py)
        self.identity_wait = (
            RoleAssignmentWait(
                self.child_name("identity-rbac-wait"),
                seconds=role_assignment_wait_seconds,
                grants=self.identity.assignments,
                opts=self.child_opts(),
            )
            if self.identity
            else None
        )
        self.workspace = ml.Workspace(
            self.child_name("mlw"),
            workspace_name=ctx.names.workspace,
            kind="Default",
            sku=ml.SkuArgs(name="Basic", tier=ml.SkuTier.BASIC),
            identity=self._identity_args(),
            primary_user_assigned_identity=self.identity.identity.id if self.identity else None,
            friendly_name=settings.friendly_name or f"{ctx.names.prefix} ML ({ctx.names.stack})",
            description=settings.description,
            storage_account=self.storage.account.id,
            key_vault=self.key_vault.id,
            application_insights=app_insights_id,
            container_registry=self.registry.id if self.registry else None,
            public_network_access=access.workspace,
            # kept: not deprecated in the SDK's API version (workspaceRP.json 2025-12-01 describes it, default
            # false, no x-ms-deprecated); Microsoft's secure quickstart sets it too
            allow_public_access_when_behind_vnet=False,
            managed_network=managed_network_args(network),
            # build the managed network with the workspace, not on the first compute (which then
            # waits for it) or never (serverless jobs and Spark need it provisioned)
            provision_network_now=True if network.mode == "managed" else None,
            # serverless jobs run in the training subnet too, without public IPs (customerVnet)
            serverless_compute_settings=ml.ServerlessComputeSettingsArgs(
                serverless_compute_custom_subnet=training_subnet_id, serverless_compute_no_public_ip=True
            )
            if training_subnet_id
            else None,
            # a cluster builds the images whenever storage or the registry is private; Microsoft's secure
            # quickstart names it before the cluster exists (machine-learning-end-to-end-secure)
            image_build_compute=network.image_build_compute_name,
            encryption=self.cmk.workspace_encryption() if self.cmk else None,
            enable_service_side_cmk_encryption=encryption.service_side if self.cmk else None,
            hbi_workspace=settings.hbi_workspace,
            # v2 API and CLI (`az ml job create`) need v1 legacy mode off
            v1_legacy_mode=False,
            system_datastores_auth_mode=ml.SystemDatastoresAuthMode.IDENTITY,
            **self.common,
            # Encryption is fixed at creation: switching it replaces the workspace. The key version
            # is pinned: a refresh that sees a rotated version must not move (or replace) the workspace.
            opts=self.child_opts(
                stateful=True,
                depends_on=[
                    *(self.identity.assignments if self.identity else []),
                    *([self.identity_wait] if self.identity_wait else []),
                    *(self.cmk.workspace_permissions if self.cmk else []),
                ]
                or None,
                replace_on_changes=["encryption.status", "enableServiceSideCMKEncryption", "hbiWorkspace"],
                ignore_changes=["encryption.keyVaultProperties.keyIdentifier"] if self.cmk else None,
            ),
        )
        self.identity_grants: list[tuple[str, str]]
        if self.identity:
            self.principal_id: pulumi.Output[str] = self.identity.principal_id
            # the workspace cannot be a scope before it exists: its own Contributor comes right after
            grant_workspace_identity(self, self.identity.principal_id, "workspace", self.workspace.id, "Contributor")
            self.identity_grants = [*self.identity.grants, ("workspace", "Contributor")]
        else:
            self.principal_id = self.workspace.identity.apply(
                lambda identity: identity.principal_id if identity else ""
            )
            # Microsoft grants a system-assigned identity its roles on the associated resources
            # (storage: Storage Blob Data Contributor; "Role assignment creation: Managed by Microsoft",
            # how-to-identity-based-service-authentication): the stack must not create them again
            # (409 RoleAssignmentExists). Whether Microsoft's set includes Storage File Data Privileged
            # Contributor is not documented ("automatically assigned the permissions it needs",
            # how-to-disable-local-auth-storage): unverified, so the stack leaves it to Microsoft too.
            self.identity_grants = []
        self._publish_targets()
        self.finish(
            {
                "workspaceName": self.workspace.name,
                "workspaceId": self.workspace.id,
                "storageAccountId": self.storage.account.id,
                "keyVaultId": self.key_vault.id,
            }
        )

    def _publish_targets(self) -> None:
        """The workspace and its associated resources, for the private endpoints (the secure
        quickstart's set), the diagnostic settings and the locks."""
        registry = self.registry
        self.private_link_targets: list[PrivateLinkTarget] = [
            PrivateLinkTarget("workspace", self.workspace.id, ("amlworkspace",)),
            PrivateLinkTarget("keyvault", self.key_vault.id, ("vault",)),
            PrivateLinkTarget("storage", self.storage.account.id, ("blob", "file")),
            *([PrivateLinkTarget("registry", registry.id, ("registry",))] if registry else []),
        ]
        # the storage account with its blob and file services
        self.diagnostic_targets: list[DiagnosticTarget] = [
            DiagnosticTarget("workspace", self.workspace.id),
            DiagnosticTarget("keyvault", self.key_vault.id),
            *storage_diagnostic_targets("storage", self.storage.account.id, ("blob", "file")),
            *([DiagnosticTarget("registry", registry.id)] if registry else []),
        ]
        # Resources whose loss loses data. The workspace itself is left out: its computes and online
        # deployments are child resources, a lock on it would block deleting them, and a deleted
        # workspace stays recoverable (soft delete) for 14 days.
        self.lock_targets: list[LockTarget] = [
            LockTarget("storage", self.storage.account.id),
            LockTarget("keyvault", self.key_vault.id),
            *([LockTarget("registry", registry.id)] if registry else []),
        ]

    def approve_private_endpoints(self, targets: Sequence[PrivateLinkTarget]) -> list[pulumi.Resource]:
        """The workspace identity may approve the managed network's private endpoints to `targets`
        (resources the workspace does not own: data lakes, accounts of others that the stack may
        grant on) before their outbound rules exist. Since 30 April 2025 Azure grants this to neither
        identity type (ENDPOINT_APPROVER); a system-assigned identity gets it once it exists."""
        self.identity_grants += [(target.name, ENDPOINT_APPROVER) for target in targets]
        return [
            grant_workspace_identity(self, self.principal_id, target.name, target.resource_id, ENDPOINT_APPROVER)
            for target in targets
        ]

    def grant_studio_endpoint_readers(self, endpoint_ids: Mapping[str, pulumi.Input[str]]) -> list[pulumi.Resource]:
        """Reader for the workspace identity on each storage private endpoint of the client VNet, so
        studio works with private storage. Microsoft (how-to-managed-network, "Azure Machine Learning
        studio"): "ensure the private endpoint created in the client virtual network is granted the
        Reader role to your workspace managed identity. This applies to both blob and file storage
        private endpoints"; how-to-enable-studio-virtual-network: "one storage account might have
        separate private endpoint for blob, file, and dfs [...] Add the managed identity to all these
        endpoints" (the data lakes' too). Not needed on the managed network's own endpoints."""
        self.identity_grants += [(f"pe-{key}", "Reader") for key in endpoint_ids]
        return [
            grant_workspace_identity(self, self.principal_id, f"pe-{key}", endpoint_id, "Reader")
            for key, endpoint_id in endpoint_ids.items()
        ]

    def _identity_args(self) -> ml.ManagedServiceIdentityArgs:
        """The workspace's own identity, plus the customer key's identity when there is one."""
        user_assigned = [
            *([self.identity.identity.id] if self.identity else []),
            *([self.cmk.identity.id] if self.cmk else []),
        ]
        if self.identity:
            kind = ml.ManagedServiceIdentityType.USER_ASSIGNED
        elif user_assigned:
            kind = ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED_USER_ASSIGNED
        else:
            kind = ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED
        return ml.ManagedServiceIdentityArgs(type=kind, user_assigned_identities=user_assigned or None)
