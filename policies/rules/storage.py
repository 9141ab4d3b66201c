"""Storage rules: accounts, containers, blob service properties (ST-01..ST-09)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from .lib.catalog import BLOB_CONTAINER, BLOB_SERVICE, ML_WORKSPACE, STORAGE_ACCOUNT
from .lib.props import MISSING, expect, fmt, one_of, read, same
from .lib.rule import ADVISORY, MANDATORY, Levels, Param, Report, Resource, Stack, integer, resource_rule, stack_rule

GEO_REDUNDANT_SKUS = (
    "Standard_GRS",
    "Standard_RAGRS",
    "Standard_GZRS",
    "Standard_RAGZRS",
    "StandardV2_GRS",
    "StandardV2_GZRS",
)
# Kinds that are premium-only or blob-only: not usable as a workspace's default storage.
NON_DEFAULT_KINDS = ("BlockBlobStorage", "FileStorage", "BlobStorage")


def network_exposure(props: Mapping[str, Any]) -> list[str]:
    """Why a storage account is reachable from public networks ([] when it is not).

    Shared by ST-04 and ML-05: closed means public network access Disabled, or a firewall
    that denies by default and still lets trusted Azure services (Azure ML) through.
    """
    problems: list[str] = []
    if same(read(props, "publicNetworkAccess"), "Disabled"):
        return problems
    action = read(props, "networkRuleSet.defaultAction")
    if not same(action, "Deny"):
        problems.append(
            f"publicNetworkAccess is {fmt(read(props, 'publicNetworkAccess'))} and "
            f"networkRuleSet.defaultAction is {fmt(action)}; disable public network "
            "access or deny by default"
        )
        return problems
    bypass = read(props, "networkRuleSet.bypass")
    services = [b.strip().casefold() for b in str(bypass).split(",")] if bypass else []
    if "azureservices" not in services:
        problems.append(
            f"networkRuleSet.bypass is {fmt(bypass)}; it must include AzureServices so Azure ML can reach the account"
        )
    return problems


# --- ST-01 -------------------------------------------------------------------------------


def _no_shared_key(r: Resource) -> Iterator[str]:
    yield from r.expect("allowSharedKeyAccess", False, "Entra ID authorization only")


ST_01 = resource_rule(
    rule_id="ST-01",
    slug="storage-shared-key-disabled",
    summary="Storage accounts disable shared-key access (allowSharedKeyAccess false).",
    sources="CKV2_AZURE_40, AzP 8c6a50c6",
    types=[STORAGE_ACCOUNT],
    check=_no_shared_key,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ST-02 -------------------------------------------------------------------------------


def _https_tls(r: Resource) -> Iterator[str]:
    yield from r.expect("enableHttpsTrafficOnly", True)
    yield from r.expect_in("minimumTlsVersion", ["TLS1_2", "TLS1_3"], "the Azure default is TLS 1.0")


ST_02 = resource_rule(
    rule_id="ST-02",
    slug="storage-https-tls12",
    summary="Storage accounts accept HTTPS only with TLS 1.2 or later.",
    sources="CKV_AZURE_3/44, AzP 404c3081, fe83a0eb, AZU-0008/0011",
    types=[STORAGE_ACCOUNT],
    check=_https_tls,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ST-03 -------------------------------------------------------------------------------


def _no_public_blobs(r: Resource) -> Iterator[str]:
    if r.type == STORAGE_ACCOUNT:
        yield from r.expect("allowBlobPublicAccess", False)
        return
    # Set explicitly like every "==" row: the container's level is the one thing that says
    # it stays private if the account setting is ever relaxed.
    yield from r.expect("publicAccess", "None")


ST_03 = resource_rule(
    rule_id="ST-03",
    slug="storage-no-public-blob-access",
    summary="Storage accounts disallow public blob access and containers are private (publicAccess None).",
    sources="CKV_AZURE_190, CKV2_AZURE_47, AzP 4fa4b6c0, AZU-0007",
    types=[STORAGE_ACCOUNT, BLOB_CONTAINER],
    check=_no_public_blobs,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ST-04 -------------------------------------------------------------------------------


def _network_restricted(r: Resource) -> Iterator[str]:
    yield from network_exposure(r.props)


ST_04 = resource_rule(
    rule_id="ST-04",
    slug="storage-network-restricted",
    summary="Storage accounts disable public network access, or deny by default with the AzureServices bypass.",
    sources="CKV_AZURE_59/35/36, AzP b2982f36, 34c877ad, AZU-0012",
    types=[STORAGE_ACCOUNT],
    check=_network_restricted,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ST-05 -------------------------------------------------------------------------------


def _no_cross_tenant_or_local_users(r: Resource) -> Iterator[str]:
    yield from r.expect("allowCrossTenantReplication", False)
    yield from r.expect("isLocalUserEnabled", False, "no SFTP/local-user credentials")


ST_05 = resource_rule(
    rule_id="ST-05",
    slug="storage-no-cross-tenant-replication-or-local-users",
    summary="Storage accounts disable cross-tenant replication and local users.",
    sources="AzP 92a89a79, CKV_AZURE_244",
    types=[STORAGE_ACCOUNT],
    check=_no_cross_tenant_or_local_users,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


# --- ST-06 -------------------------------------------------------------------------------


def _geo_redundant(r: Resource) -> Iterator[str]:
    yield from r.expect_in("sku.name", list(GEO_REDUNDANT_SKUS))


ST_06 = resource_rule(
    rule_id="ST-06",
    slug="storage-geo-redundant",
    summary="Storage accounts use a geo-redundant SKU (GRS, RAGRS, GZRS, RAGZRS).",
    sources="CKV_AZURE_206, AzP bf045164",
    types=[STORAGE_ACCOUNT],
    check=_geo_redundant,
    levels=Levels(
        dev=ADVISORY,
        staging=ADVISORY,
        prod=MANDATORY,
        why="geo-redundancy doubles storage cost; staging data is reproducible",
    ),
)


# --- ST-07 (stack: an account without blob service properties must be caught too) ---------

# Explicit exception: FileStorage (premium file shares) accounts have no blob service.
FILE_STORAGE_EXCEPTION = "FileStorage accounts have no blob service"
# Explicit exception: Azure Storage does not support blob versioning with a hierarchical
# namespace (ADLS Gen2 data lakes); their soft-delete settings are still checked.
HNS_VERSIONING_EXCEPTION = "blob versioning is not supported on hierarchical-namespace accounts"


def _blob_recovery(stack: Stack) -> Iterator[Report]:
    minimum = int(stack.config["minRetentionDays"])
    owners: dict[int, list[Resource]] = {}

    def locate(service: Resource) -> None:
        owners[id(service)] = stack.parent(service, "accountName", [STORAGE_ACCOUNT])

    services = stack.of_type(BLOB_SERVICE)
    complete = stack.index(services, locate)

    def check(account: Resource) -> Iterator[Report]:
        if same(account.get("kind"), "FileStorage"):
            return  # FILE_STORAGE_EXCEPTION
        mine = [s for s in services if any(o is account for o in owners.get(id(s), []))]
        if not mine and not complete:
            raise stack.undecided(account, "its blob service properties")
        if not mine:
            yield "no BlobServiceProperties for this account: blob and container soft delete and versioning are off"
        versioning = account.get("isHnsEnabled") is not True  # HNS_VERSIONING_EXCEPTION
        for service in mine:
            for problem in _recovery_problems(service.props, minimum, versioning):
                yield service.finding(problem)

    yield from stack.each(stack.of_type(STORAGE_ACCOUNT), check)


def _recovery_problems(props: Mapping[str, Any], minimum: int, versioning: bool = True) -> Iterator[str]:
    for policy in ("deleteRetentionPolicy", "containerDeleteRetentionPolicy"):
        yield from expect(props, f"{policy}.enabled", True)
        days = read(props, f"{policy}.days")
        if read(props, f"{policy}.enabled") is True and (days is MISSING or days < minimum):
            yield f"{policy}.days is {fmt(days)}; keep at least {minimum} days"
    if versioning:
        yield from expect(props, "isVersioningEnabled", True)


ST_07 = stack_rule(
    rule_id="ST-07",
    slug="blob-soft-delete-and-versioning",
    summary="Every storage account has blob service properties with blob and container soft delete and versioning on.",
    sources="CKV2_AZURE_38, AzP c36a325b, AZU-0056",
    check=_blob_recovery,
    levels=Levels(dev=ADVISORY, staging=MANDATORY, prod=MANDATORY),
    params=[Param("minRetentionDays", integer("Shortest soft-delete retention, in days.", 1), default=7)],
)


# --- ST-08 -------------------------------------------------------------------------------


def _infrastructure_encryption(r: Resource) -> Iterator[str]:
    double = r.get("encryption.requireInfrastructureEncryption") is True
    cmk = same(r.get("encryption.keySource"), "Microsoft.Keyvault")
    if not (double or cmk):
        yield (
            "neither encryption.requireInfrastructureEncryption is true nor "
            'encryption.keySource is "Microsoft.Keyvault" (customer-managed key)'
        )


ST_08 = resource_rule(
    rule_id="ST-08",
    slug="storage-infrastructure-encryption-or-cmk",
    summary="Storage accounts use infrastructure (double) encryption or a customer-managed key.",
    sources="CKV2_AZURE_1, AzP 6fac406b, 4733ea7b",
    types=[STORAGE_ACCOUNT],
    check=_infrastructure_encryption,
    levels=Levels(dev=ADVISORY, staging=ADVISORY, prod=ADVISORY),
)


# --- ST-09 (stack: only the workspace's default storage account is concerned) -------------


def _default_storage(stack: Stack) -> Iterator[Report]:
    def check(ws: Resource) -> Iterator[Report]:
        for account in stack.refs(ws, "storageAccount", [STORAGE_ACCOUNT]):
            sku = account.get("sku.name")
            kind = account.get("kind")
            if isinstance(sku, str) and sku.casefold().startswith("premium"):
                yield account.finding(f"sku.name is {fmt(sku)}; a workspace's default storage cannot be premium")
            if one_of(kind, NON_DEFAULT_KINDS):
                yield account.finding(f"kind is {fmt(kind)}; a workspace's default storage must be StorageV2")
            if account.get("isHnsEnabled") is True:
                yield account.finding(
                    "isHnsEnabled is true; a workspace's default storage cannot have a "
                    "hierarchical namespace (attach ADLS Gen2 as an extra datastore)"
                )

    yield from stack.each(stack.of_type(ML_WORKSPACE), check)


ST_09 = stack_rule(
    rule_id="ST-09",
    slug="workspace-default-storage-compatible",
    summary="A workspace's default storage account is not premium and has no hierarchical "
    "namespace (Azure ML requirement).",
    sources="Azure ML docs",
    check=_default_storage,
    levels=Levels(dev=MANDATORY, staging=MANDATORY, prod=MANDATORY),
)


RULES = [ST_01, ST_02, ST_03, ST_04, ST_05, ST_06, ST_07, ST_08, ST_09]

__all__ = ["RULES", "network_exposure"]
