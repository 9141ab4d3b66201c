"""Data settings: storage accounts the platform reads from and the datastores that point at them.

Blob and ADLS Gen2 datastores are identity-based (no stored credential): whoever runs the job
(a compute identity or the signed-in user) needs a data role on the container, which the access
settings grant. File shares are the exception: Azure ML supports only credential-based access to
them, so a file-share datastore names a `secure:` config value that holds its SAS token or key.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from .base import SettingsModel, cross_checks, problem
from .secrets import SECRET_NAME
from .workspace import StorageSku

# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
# Which accounts and datastores exist is a per-stack decision: no tier adds any by default.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {"dev": {}, "staging": {}, "prod": {}}

# Azure ML creates these with every workspace; registering one again would fight the service.
RESERVED_DATASTORES = frozenset(
    {"workspaceblobstore", "workspacefilestore", "workspaceartifactstore", "workspaceworkingdirectory"}
)

STORAGE_ACCOUNT_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[0-9a-fA-F-]{36})/resourceGroups/(?P<group>[\w\-.()]{1,90})"
    r"/providers/Microsoft\.Storage/storageAccounts/(?P<name>[a-z0-9]{3,24})$"
)
# Blob containers, ADLS Gen2 filesystems and file shares share these rules.
_CONTAINER_NAME = re.compile(r"^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$")

DatastoreKind = Literal["blob", "adlsGen2", "fileShare"]
AccessLevel = Literal["read", "write"]


def _datastore_name(name: str) -> str:
    if not re.fullmatch(r"[a-z0-9_]{1,255}", name):
        raise ValueError("a datastore name is 1-255 lowercase letters, digits and underscores")
    if name in RESERVED_DATASTORES:
        raise ValueError(f"Azure ML creates '{name}' with every workspace; choose another name")
    return name


def _account_key(name: str) -> str:
    if not re.fullmatch(r"[a-z][a-z0-9]{0,7}", name):
        raise ValueError("an account key is 1-8 lowercase letters and digits, starting with a letter")
    return name


def _storage_account_id(value: str) -> str:
    if not STORAGE_ACCOUNT_ID.fullmatch(value):
        raise ValueError(
            "must be /subscriptions/<guid>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>"
        )
    return value


DatastoreName = Annotated[str, AfterValidator(_datastore_name)]
AccountKey = Annotated[str, AfterValidator(_account_key)]


class DataAccountSettings(SettingsModel):
    """A storage account datastores point at: one the stack creates (a data lake built like the
    default storage account), or an existing one referenced by `existingId`."""

    existing_id: Annotated[str, AfterValidator(_storage_account_id)] | None = Field(
        default=None,
        description=(
            "ARM id of an existing storage account to reference (the stack creates nothing in it); "
            "omit it and the stack creates the account."
        ),
    )
    hierarchical_namespace: bool = Field(
        default=True,
        description="Created accounts: ADLS Gen2 (HNS). Blob versioning stays off on HNS accounts (unsupported).",
    )
    sku: StorageSku | None = Field(
        default=None, description="Created accounts: redundancy (default: the tier's `storage.sku`)."
    )
    endpoint_approval: Literal["owner", "grant"] | None = Field(
        default=None,
        description=(
            "Existing accounts in a managed network: who approves the private endpoints its outbound rules "
            "create. `owner` (default): the account's owner approves the pending connections (docs/network.md); "
            "`grant`: the stack gives the workspace identity Azure AI Enterprise Network Connection Approver on "
            "the account before the rules (the deployer then needs roleAssignments/write there)."
        ),
    )

    @property
    def created(self) -> bool:
        return self.existing_id is None

    @property
    def stack_approves_endpoints(self) -> bool:
        """Whether the stack grants the workspace identity the approval of this account's endpoints:
        always for accounts it creates, on request for an existing one."""
        return self.created or self.endpoint_approval == "grant"

    def existing(self) -> tuple[str, str, str]:
        """(subscription id, resource group, account name) of a referenced account."""
        parts = STORAGE_ACCOUNT_ID.fullmatch(self.existing_id or "")
        if parts is None:
            raise ValueError("not a referenced account")
        return parts["subscription"], parts["group"], parts["name"]

    @cross_checks
    def _creation_settings_only_when_created(self) -> Iterator[ValueError]:
        if not self.created:
            for field in ("hierarchical_namespace", "sku"):
                if field in self.model_fields_set:
                    alias = self.__class__.model_fields[field].alias or field
                    yield problem(alias, "applies only to accounts the stack creates (drop it or existingId)")
        elif self.endpoint_approval is not None:
            yield problem(
                "endpointApproval", "applies only to existing accounts (the stack approves its own accounts' endpoints)"
            )


class FileShareCredential(SettingsModel):
    """How a file-share datastore authenticates; the secret itself never appears in settings."""

    type: Literal["sas", "accountKey"] = Field(
        default="sas", description="A SAS token (scoped, expiring: preferred) or the account key."
    )
    secret: str = Field(
        description=(
            "Name of the `secure:` config value (`pulumi config set --secret <name> <value>`, key "
            "`ml-platform:<name>`) holding the token or key; read as a Pulumi secret."
        )
    )

    @cross_checks
    def _secret_is_a_config_name(self) -> Iterator[ValueError]:
        if not SECRET_NAME.fullmatch(self.secret):
            yield problem("secret", "must be a config key name (letters and digits, starting with a letter)")


class DatastoreSettings(SettingsModel):
    kind: DatastoreKind = Field(description="`blob` container, `adlsGen2` filesystem or `fileShare`.")
    account: str = Field(description="Key of the account under `data.accounts`.")
    container: str = Field(description="Container, filesystem or file share name (3-63: a-z, 0-9, single hyphens).")
    description: str | None = Field(default=None, max_length=256, description="Shown in Azure ML studio.")
    compute_access: Literal["none", "read", "write"] | None = Field(
        default=None,
        description=(
            "Data role the compute identity gets on the container (default: `read`; file shares: `none`, "
            "they are reached with their credential)."
        ),
    )
    credential: FileShareCredential | None = Field(
        default=None, description="File shares only (required there): the SAS token or key, by secret name."
    )

    @property
    def identity_based(self) -> bool:
        return self.kind != "fileShare"

    @property
    def compute_level(self) -> AccessLevel | None:
        """The data role level compute gets, with the default applied."""
        level = self.compute_access or ("read" if self.identity_based else "none")
        return None if level == "none" else level

    @cross_checks
    def _consistent(self) -> Iterator[ValueError]:
        if not _CONTAINER_NAME.fullmatch(self.container):
            yield problem(
                "container", "3-63 lowercase letters, digits and single hyphens, starting with a letter/digit"
            )
        if self.identity_based and self.credential is not None:
            yield problem("credential", f"{self.kind} datastores are identity-based: no stored credential")
        if not self.identity_based:
            if self.credential is None:
                yield problem("credential", "required: Azure ML reaches file shares only with a SAS token or key")
            if self.compute_access not in (None, "none"):
                yield problem("computeAccess", "file shares are reached with their credential, not a data role")


class DataSettings(SettingsModel):
    accounts: dict[AccountKey, DataAccountSettings] = Field(
        default_factory=dict, description="Storage accounts for datastores, by a short key (1-8 a-z/0-9)."
    )
    datastores: dict[DatastoreName, DatastoreSettings] = Field(
        default_factory=dict,
        description="Datastores by name (1-255 a-z/0-9/_; not one of the four Azure ML creates itself).",
    )

    @cross_checks
    def _datastores_point_at_known_accounts(self) -> Iterator[ValueError]:
        for name, store in self.datastores.items():
            account = self.accounts.get(store.account)
            if account is None:
                known = ", ".join(sorted(self.accounts)) or "none defined"
                yield problem(f"datastores.{name}.account", f"no account '{store.account}' in data.accounts ({known})")
                continue
            if store.kind == "adlsGen2" and account.created and not account.hierarchical_namespace:
                yield problem(f"datastores.{name}.kind", f"account '{store.account}' has hierarchicalNamespace off")
            if store.kind == "fileShare" and account.created:
                yield problem(
                    f"datastores.{name}.kind",
                    f"accounts the stack creates disable shared keys, so no SAS or key works on '{store.account}'; "
                    "point file shares at an existing account",
                )

    def secret_references(self) -> dict[str, str]:
        """Settings key -> name of the `secure:` config value it refers to."""
        return {
            f"data.datastores.{name}.credential.secret": store.credential.secret
            for name, store in self.datastores.items()
            if store.credential is not None
        }
