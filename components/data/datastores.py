"""Azure ML datastores: what each points at and how it authenticates, and what access needs of it.

Blob and ADLS Gen2 datastores carry no credential (`credentialsType: None`): jobs reach the data
with the compute identity, studio with the signed-in user, each through a data role on the
container (access/grants.py). File shares are credential-only in Azure ML; their SAS token or key
comes in as a Pulumi secret and Azure ML keeps it in the workspace's key vault.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from components.settings.data import AccessLevel, DatastoreSettings

# The private-link groups (storage sub-resources) a datastore of each kind is reached through.
# ADLS Gen2 needs blob too: "If you create a private endpoint for the Data Lake Storage Gen2 storage
# resource, then you should also create one for the Blob Storage resource. That's because operations
# that target the Data Lake Storage Gen2 endpoint might be redirected to the Blob endpoint"
# (azure-docs articles/storage/common/storage-private-endpoints.md).
DATASTORE_GROUPS: dict[str, tuple[str, ...]] = {"blob": ("blob",), "adlsGen2": ("blob", "dfs"), "fileShare": ("file",)}


def reached_groups(stores: Iterable[DatastoreSettings]) -> tuple[str, ...]:
    """The groups an account's datastores are reached through, in a stable order (blob, file, dfs)."""
    wanted = {group for store in stores for group in DATASTORE_GROUPS[store.kind]}
    return tuple(group for group in ("blob", "file", "dfs") if group in wanted)


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


def datastore_properties(
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
