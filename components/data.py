"""Datastores: data-lake accounts the stack creates, containers in them, and the Azure ML datastores.

Blob and ADLS Gen2 datastores carry no credential (`credentialsType: None`): jobs reach the data
with the compute identity, studio with the signed-in user, each through a data role on the
container (see access.py). File shares are credential-only in Azure ML; their SAS token or key
comes in as a Pulumi secret and Azure ML keeps it in the workspace's key vault.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import machinelearningservices as ml
from pulumi_azure_native import storage

from .core.component import PlatformComponent, StackContext
from .core.targets import DiagnosticTarget, LockTarget, PrivateLinkTarget, storage_diagnostic_targets
from .settings.data import AccessLevel, DataSettings, DatastoreSettings
from .settings.errors import Problem, SettingsError
from .settings.workspace import StorageSettings
from .workspace.storage import StorageSpec, secure_storage_account


@dataclass(frozen=True)
class AccountRef:
    """Where a datastore's account lives, whether the stack created it or not."""

    name: pulumi.Input[str]
    id: pulumi.Input[str]
    resource_group: pulumi.Input[str]
    subscription_id: pulumi.Input[str]


@dataclass(frozen=True)
class DatastoreTarget:
    """What the access layer needs to grant data roles on a datastore's container."""

    kind: str
    container_key: str  # "<account key>/<container>": known at plan time, so grants can be deduplicated
    container_id: pulumi.Input[str]  # ARM id of the container: the narrowest scope of a data role
    compute_level: AccessLevel | None
    identity_based: bool


def datastore_target(store: DatastoreSettings, container_arm_id: pulumi.Input[str]) -> DatastoreTarget:
    return DatastoreTarget(
        kind=store.kind,
        container_key=f"{store.account}/{store.container}",
        container_id=container_arm_id,
        compute_level=store.compute_level,
        identity_based=store.identity_based,
    )


def container_id(account_id: pulumi.Input[str], container: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(account_id, "/blobServices/default/containers/", container)


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
        lake_names = self._lake_names(settings)
        for key, account in settings.accounts.items():
            if account.existing_id:
                subscription, group, account_name = account.existing()
                refs[key] = AccountRef(account_name, account.existing_id, group, subscription)
                continue
            lake = secure_storage_account(
                self,
                f"account-{key}",
                StorageSpec(
                    account_name=lake_names[key],
                    sku=account.sku or storage_settings.sku,
                    public_network_access=public_network_access,
                    blob_soft_delete_days=storage_settings.blob_soft_delete_days,
                    # Azure Storage does not support blob versioning on HNS accounts
                    versioning=storage_settings.versioning and not account.hierarchical_namespace,
                    hierarchical_namespace=account.hierarchical_namespace,
                    ip_rules=ip_rules,
                ),
            )
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
        self.targets: dict[str, DatastoreTarget] = {}
        for ds_name, store in settings.datastores.items():
            ref = refs[store.account]
            key = f"{store.account}/{store.container}"
            container = self.containers[key].name if key in self.containers else store.container
            self.datastores[ds_name] = ml.Datastore(
                self.child_name(f"datastore-{ds_name}"),
                name=ds_name,
                workspace_name=workspace_name,
                resource_group_name=ctx.resource_group_name,
                properties=_properties(store, ref, container, secrets),
                opts=self.child_opts(),
            )
            self.targets[ds_name] = datastore_target(store, container_id(ref.id, container))
        self.summary = {
            ds_name: {"kind": store.kind, "account": store.account, "container": store.container}
            for ds_name, store in settings.datastores.items()
        }
        self.finish({"datastores": self.summary, "lakeAccountIds": {k: a.id for k, a in self.lakes.items()}})

    def _publish_targets(self, settings: DataSettings) -> None:
        """The lakes this stack creates, for the private endpoints, diagnostic settings and locks."""
        self.private_link_targets: list[PrivateLinkTarget] = []
        self.diagnostic_targets: list[DiagnosticTarget] = []
        self.lock_targets: list[LockTarget] = []
        for key, lake in self.lakes.items():
            # file too: a lake may hold file-share datastores (and policy STK-07 asks blob + file of accounts)
            groups = ("blob", "file", "dfs") if settings.accounts[key].hierarchical_namespace else ("blob", "file")
            self.private_link_targets.append(PrivateLinkTarget(f"lake-{key}", lake.id, groups))
            self.diagnostic_targets += storage_diagnostic_targets(f"lake-{key}", lake.id)
            self.lock_targets.append(LockTarget(f"lake-{key}", lake.id))

    def _lake_names(self, settings: DataSettings) -> dict[str, str]:
        """Globally unique account names; two keys must not shorten to the same name."""
        names = {key: self.ctx.names.global_alnum(f"dl{key}") for key, a in settings.accounts.items() if a.created}
        seen: dict[str, str] = {}
        for key, account_name in names.items():
            if seen.setdefault(account_name, key) != key:
                raise SettingsError(
                    self.ctx.names.stack,
                    [Problem(f"ml-platform:data.accounts.{key}", f"shortens to the same name as {seen[account_name]}")],
                )
        return names


def _properties(
    store: DatastoreSettings, ref: AccountRef, container: pulumi.Input[str], secrets: Mapping[str, pulumi.Output[str]]
) -> ml.AzureBlobDatastoreArgs | ml.AzureDataLakeGen2DatastoreArgs | ml.AzureFileDatastoreArgs:
    # Studio previews data as the signed-in user (service identity None): no workspace-wide data path.
    common = {
        "account_name": ref.name,
        "resource_group": ref.resource_group,
        "subscription_id": ref.subscription_id,
        "description": store.description,
        "service_data_access_auth_identity": ml.ServiceDataAccessAuthIdentity.NONE,
    }
    if store.kind == "blob":
        return ml.AzureBlobDatastoreArgs(
            datastore_type="AzureBlob",
            credentials=ml.NoneDatastoreCredentialsArgs(credentials_type="None"),
            container_name=container,
            **common,
        )
    if store.kind == "adlsGen2":
        return ml.AzureDataLakeGen2DatastoreArgs(
            datastore_type="AzureDataLakeGen2",
            credentials=ml.NoneDatastoreCredentialsArgs(credentials_type="None"),
            filesystem=container,
            **common,
        )
    assert store.credential is not None  # validated: file shares always name their secret
    secret = secrets[store.credential.secret]
    credentials: ml.SasDatastoreCredentialsArgs | ml.AccountKeyDatastoreCredentialsArgs = (
        ml.SasDatastoreCredentialsArgs(
            credentials_type="Sas", secrets=ml.SasDatastoreSecretsArgs(secrets_type="Sas", sas_token=secret)
        )
        if store.credential.type == "sas"
        else ml.AccountKeyDatastoreCredentialsArgs(
            credentials_type="AccountKey",
            secrets=ml.AccountKeyDatastoreSecretsArgs(secrets_type="AccountKey", key=secret),
        )
    )
    return ml.AzureFileDatastoreArgs(
        datastore_type="AzureFile", credentials=credentials, file_share_name=container, **common
    )
