"""Customer-managed keys for the workspace and its default storage (creation-time for the workspace)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import Field

from .base import SettingsModel, cross_checks, problem
from .ids import is_object_id

# The Azure Cosmos DB first-party application (how-to-setup-customer-managed-keys: "The principal ID
# for this entry is a232010e-820c-4083-83bb-3ace5fc29d0b for all regions other than Azure Government");
# its service principal's object id differs per tenant, so the stack takes that as a setting.
COSMOS_DB_APP_ID = "a232010e-820c-4083-83bb-3ace5fc29d0b"

# Key Vault rotation policies take ISO 8601 durations; these three units are the ones it documents.
# ASCII digits only: `\d` would also take other scripts' digits, which Key Vault refuses.
_DURATION = re.compile(r"P([0-9]+)([DMY])")
_DAYS_PER_UNIT = {"D": 1, "M": 30, "Y": 365}


def duration_days(value: str) -> int:
    match = _DURATION.fullmatch(value)
    if not match:
        raise ValueError(f"'{value}' is not an ISO 8601 duration in days, months or years (P90D, P18M, P2Y)")
    return int(match[1]) * _DAYS_PER_UNIT[match[2]]


# Per-tier defaults of this section (camelCase keys as in the stack file), merged by tiers.py.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {"customerManagedKey": False},
    # A tier default, not a staging stack setting: the key is creation-time for the workspace
    # (concept-customer-managed-keys), so only a staging built with it rehearses prod's key, its
    # grants, the waits for them and the Microsoft-managed Cosmos DB before prod is created, and
    # every staging-tier stack (not only stacks/Pulumi.staging.yaml) holds prod's bar. A standard
    # vault's software key (RSA): HSM-backed keys stay prod's (KV-05 requireHsmKeys).
    "staging": {"customerManagedKey": True},
    # prod's key vault is premium with purge protection (core tier defaults): HSM-backed key (KV-05)
    "prod": {"customerManagedKey": True, "keyType": "RSA-HSM"},
}


class EncryptionSettings(SettingsModel):
    customer_managed_key: bool = Field(
        description=(
            "Encrypt the workspace (and the default storage) with a key in the stack's key vault. "
            "Creation-time for the workspace: switching it on or off replaces the workspace."
        )
    )
    key_type: Literal["RSA", "RSA-HSM"] = Field(default="RSA", description="`RSA-HSM` needs `keyVault.sku: premium`.")
    key_size: Literal[2048, 3072, 4096] = Field(default=3072, description="RSA key size in bits.")
    rotate_after: str = Field(
        default="P1Y", description="Key Vault creates a new key version this long after the current one (ISO 8601)."
    )
    expires_after: str = Field(
        default="P2Y", description="Lifetime of each rotated key version (rotation policy expiry, ISO 8601)."
    )
    key_expires_on: datetime.date | None = Field(
        default=None,
        description=(
            "Expiry date of the first key version (policy KV-05). None by default: the workspace pins the "
            "version it was created with."
        ),
    )
    storage: bool = Field(default=True, description="Also encrypt the default storage account (versionless key).")
    service_side: bool = Field(
        default=False,
        description=(
            "Azure ML's service-side CMK (preview): no Cosmos DB / AI Search / storage in a Microsoft-managed "
            "resource group of your subscription. Creation-time only."
        ),
    )
    cosmos_db_principal_object_id: str | None = Field(
        default=None,
        description=(
            "Object id, in your tenant, of the Azure Cosmos DB first-party app "
            f"({COSMOS_DB_APP_ID}): `az ad sp show --id {COSMOS_DB_APP_ID} --query id -o tsv`. Required with a "
            "customer-managed key that is not service-side: it gets Key Vault Crypto Service Encryption User on "
            "the key before the workspace."
        ),
    )
    deployer_principal_type: Literal["ServicePrincipal", "User"] = Field(
        default="ServicePrincipal",
        description=(
            "Who runs `pulumi up` (it gets Key Vault Crypto Officer on the vault to create the key): "
            "`ServicePrincipal` for CI (deploy.yml), `User` for a person deploying by hand."
        ),
    )

    @cross_checks
    def _rotation_fits(self) -> Iterator[ValueError]:
        days: dict[str, int] = {}
        for key, value in (("rotateAfter", self.rotate_after), ("expiresAfter", self.expires_after)):
            try:
                days[key] = duration_days(value)
            except ValueError as error:
                yield problem(key, str(error))
        if len(days) < 2:
            return
        if days["expiresAfter"] < 28:
            yield problem("expiresAfter", "Key Vault needs at least P28D")
        if days["rotateAfter"] + 7 > days["expiresAfter"]:
            yield problem("rotateAfter", f"must be at least 7 days before expiresAfter ({self.expires_after})")

    @cross_checks
    def _cosmos_db_principal_when_classic(self) -> Iterator[ValueError]:
        # Without serviceSide, Azure ML keeps the workspace's metadata in a Cosmos DB it creates in your
        # subscription, encrypted with this key: Azure Cosmos DB's principal needs get/wrap/unwrap on it
        # (how-to-setup-customer-managed-keys; on an RBAC vault: "Key Vault Crypto Service Encryption
        # User", azure-databases-docs cosmos-db/how-to-setup-customer-managed-keys).
        needed = self.customer_managed_key and not self.service_side
        value = self.cosmos_db_principal_object_id
        if needed and value is None:
            yield problem(
                "cosmosDbPrincipalObjectId",
                f"required with customerManagedKey and without serviceSide: the object id of the Azure Cosmos DB "
                f"app in your tenant (az ad sp show --id {COSMOS_DB_APP_ID} --query id -o tsv)",
            )
        if value is not None and not needed:
            yield problem("cosmosDbPrincipalObjectId", "applies only with customerManagedKey and without serviceSide")
        if value is not None and (not is_object_id(value) or value.lower() == COSMOS_DB_APP_ID):
            yield problem(
                "cosmosDbPrincipalObjectId",
                f"'{value}' is not a service principal's object id "
                f"(a GUID, not all zeros; not the app id {COSMOS_DB_APP_ID})",
            )

    @property
    def expires_on_epoch(self) -> int | None:
        if self.key_expires_on is None:
            return None
        moment = datetime.datetime.combine(self.key_expires_on, datetime.time(), tzinfo=datetime.UTC)
        return int(moment.timestamp())
