"""Data: the data-lake accounts the stack creates, the containers in them, and the Azure ML datastores
that point at them (or at accounts the stack only references)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_azure_native import machinelearningservices as ml
from pulumi_azure_native import storage

from components.core.component import PlatformComponent, StackContext
from components.core.targets import DiagnosticTarget, LockTarget, PrivateLinkTarget, storage_diagnostic_targets
from components.settings.data import DataSettings
from components.settings.workspace import StorageSettings
from components.workspace.storage import secure_storage_account

from .datastores import (
    AccountRef,
    DatastoreTarget,
    container_id,
    datastore_properties,
    datastore_target,
    reached_groups,
)
from .lakes import lake_names, lake_spec, private_link_groups


class Data(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: DataSettings,
        *,
        storage_settings: StorageSettings,
        public_network_access: str,
        ip_rules: tuple[str, ...] = (),
        workspace_name: pulumi.Input[str],
        secrets: Mapping[str, pulumi.Output[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("Data", name, ctx, opts)
        self.lakes: dict[str, storage.StorageAccount] = {}
        refs: dict[str, AccountRef] = {}
        account_names = lake_names(settings, ctx.names)
        for key, account in settings.accounts.items():
            if account.existing_id:
                subscription, group, account_name = account.existing()
                refs[key] = AccountRef(account_name, account.existing_id, group, subscription)
                continue
            spec = lake_spec(
                account,
                account_names[key],
                storage_settings,
                public_network_access=public_network_access,
                ip_rules=ip_rules,
            )
            lake = secure_storage_account(self, f"account-{key}", spec)
            self.lakes[key] = lake.account
            refs[key] = AccountRef(lake.account.name, lake.account.id, ctx.resource_group_name, ctx.subscription_id)
        self._publish_targets(settings)

        # one container per (account, name), however many datastores point at it
        self.containers: dict[str, storage.BlobContainer] = {}
        for store in settings.datastores.values():
            key = f"{store.account}/{store.container}"
            if store.account in self.lakes and key not in self.containers:
                self.containers[key] = storage.BlobContainer(
                    self.child_name(f"container-{store.account}-{store.container}"),
                    account_name=self.lakes[store.account].name,
                    resource_group_name=ctx.resource_group_name,
                    container_name=store.container,
                    public_access=storage.PublicAccess.NONE,
                    opts=self.child_opts(stateful=True),
                )

        self.datastores: dict[str, ml.Datastore] = {}
        # what access needs to grant data roles, by datastore name
        self.datastore_targets: dict[str, DatastoreTarget] = {}
        for ds_name, store in settings.datastores.items():
            ref = refs[store.account]
            key = f"{store.account}/{store.container}"
            container = self.containers[key].name if key in self.containers else store.container
            self.datastores[ds_name] = ml.Datastore(
                self.child_name(f"datastore-{ds_name}"),
                name=ds_name,
                workspace_name=workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=datastore_properties(store, ref, container, secrets),
                opts=self.child_opts(),
            )
            self.datastore_targets[ds_name] = datastore_target(store, container_id(ref.id, container))
        self.summary = {
            ds_name: {"kind": store.kind, "account": store.account, "container": store.container}
            for ds_name, store in settings.datastores.items()
        }
        self.finish({"datastores": self.summary, "lakeAccountIds": {k: a.id for k, a in self.lakes.items()}})

    def _publish_targets(self, settings: DataSettings) -> None:
        """The lakes this stack creates, for the private endpoints, diagnostic settings and locks; and
        every account a datastore reads (existing ones too), for the managed network's outbound rules."""
        self.private_link_targets: list[PrivateLinkTarget] = []
        self.diagnostic_targets: list[DiagnosticTarget] = []
        self.lock_targets: list[LockTarget] = []
        for key, lake in self.lakes.items():
            groups = private_link_groups(settings.accounts[key])
            self.private_link_targets.append(PrivateLinkTarget(f"lake-{key}", lake.id, groups))
            self.diagnostic_targets += storage_diagnostic_targets(f"lake-{key}", lake.id)
            self.lock_targets.append(LockTarget(f"lake-{key}", lake.id))
        # Microsoft (how-to-managed-network, Limitations): "If your managed network is configured to
        # allow only approved outbound, you can't use an FQDN rule to access Azure Storage Accounts.
        # You must use a private endpoint instead." Only the workspace's own resources get rules
        # automatically, so an existing account needs its rules too; no client-VNet endpoint is made
        # into an account the stack does not own.
        self.outbound_targets: list[PrivateLinkTarget] = list(self.private_link_targets)
        self.approval_targets: list[PrivateLinkTarget] = list(self.private_link_targets)
        for key, account in settings.accounts.items():
            if account.created or account.existing_id is None:
                continue
            groups = reached_groups(s for s in settings.datastores.values() if s.account == key)
            if not groups:
                continue
            target = PrivateLinkTarget(f"account-{key}", account.existing_id, groups)
            self.outbound_targets.append(target)
            if account.stack_approves_endpoints:
                self.approval_targets.append(target)
