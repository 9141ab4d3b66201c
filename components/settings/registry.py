"""The shared Azure ML registry: what a shared stack (`kind: shared`) creates, and how an
environment stack names the registry it consumes and who may do what there.

An Azure ML registry (Microsoft.MachineLearningServices/registries) is not the workspace's
container registry (`registry`, ACR): it holds models, environments and components that several
workspaces share (how-to-manage-registries). One stack creates it; the environment stacks consume
it by its ARM id, so the offline plan needs no credentials and no stack reference.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator

from .base import SettingsModel, cross_checks, problem
from .core import check_location

# Microsoft (how-to-manage-registries, "Choose a name"): "Length can be 2-32 characters.
# Alphanumerics, underscore, hyphen are allowed [...] Needs to start with an alphanumeric." The REST
# spec's path parameter (specification/machinelearningservices/resource-manager/
# Microsoft.MachineLearningServices/stable/2025-12-01/registries.json, RegistryNameParameter) is
# `^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$`: 3-33 characters. A registry's id passes both: 3-32. (The AVM
# Bicep registry module, anchor A2, allows 5-50: Microsoft's page and spec are followed.)
ML_REGISTRY_ID = re.compile(
    r"^/subscriptions/(?P<subscription>[0-9a-fA-F-]{36})/resourceGroups/(?P<group>[\w\-.()]{1,90})"
    r"/providers/Microsoft\.MachineLearningServices/registries/(?P<name>[a-zA-Z0-9][a-zA-Z0-9\-_]{2,31})$"
)

Region = Annotated[str, AfterValidator(check_location)]
RegistryAccess = Literal["read", "publish"]
# The built-in role each access level is, on the registry. Microsoft (how-to-manage-registries, "Add
# users to the registry"): "To let a user only read assets, you can grant the user the built-in Reader
# role" (registries/read and registries/assets/read: "browse assets and use the assets in a
# workspace"). Creating assets: "The identity [...] used to create assets in the registry must be
# assigned the AzureML Registry User, owner, or contributor role" (how-to-registry-network-isolation);
# AzureML Registry User is registries/read + registries/assets/* (built-in roles, AI + machine
# learning), without the registries/write that Contributor and Owner carry.
REGISTRY_ROLES: dict[RegistryAccess, str] = {"read": "Reader", "publish": "AzureML Registry User"}

# The shared registry as a consuming stack's private-link target, and the private-endpoint outbound
# rule it gets there (`<target>-<group>`): its one sub-resource is `amlregistry` (private-endpoint-dns).
SHARED_REGISTRY_TARGET = "mlregistry"
SHARED_REGISTRY_GROUP = "amlregistry"
SHARED_REGISTRY_RULE = f"{SHARED_REGISTRY_TARGET}-{SHARED_REGISTRY_GROUP}"
# The registry's system-created storage (model files) and container registry (environment images)
# are not behind the `amlregistry` endpoint. Microsoft (how-to-registry-network-isolation, "workspace
# configuration is secure and Azure Machine Learning registry is public"): outbound to a registry
# needs the service tags `AzureMachineLearning`, `Storage.<region>`, `MicrosoftContainerRegistry.<region>`
# and `AzureContainerRegistry.<region>` ("Access Docker images for environments"). A managed network
# with approved outbound only has rules for AzureMachineLearning and MicrosoftContainerRegistry
# among its required ones (how-to-managed-network, "List of required rules") but none for another
# resource's storage or container registry: the consuming stack adds these two, for its own region
# (the registry's replica there: a workspace uses a registry's assets in a region the registry is in).
SHARED_REGISTRY_SERVICE_TAGS: dict[str, str] = {
    f"{SHARED_REGISTRY_TARGET}-storage": "Storage",
    f"{SHARED_REGISTRY_TARGET}-acr": "AzureContainerRegistry",
}

StorageAccountType = Literal["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_RAGRS", "Standard_GZRS"]

# Per-tier defaults of the shared stack's `mlRegistry` section (camelCase keys), merged by tiers.py.
# The AVM registry module (A2) takes Standard_ZRS with a Premium container registry, else LRS.
TIER_DEFAULTS: dict[str, dict[str, Any]] = {
    "dev": {"storageAccountType": "Standard_LRS"},
    "staging": {"storageAccountType": "Standard_ZRS"},
    "prod": {"storageAccountType": "Standard_ZRS"},
}


class SharedRegistryRef(SettingsModel):
    """An environment stack's `sharedRegistry`: the registry of the shared stack it consumes."""

    id: str = Field(
        description=(
            "ARM id of the shared stack's Azure ML registry (its output `registryId`, "
            "`/subscriptions/<sub>/resourceGroups/rg-<prefix>-shared/providers/Microsoft.MachineLearningServices/"
            "registries/mlr-<prefix>-shared`)."
        )
    )

    @field_validator("id")
    @classmethod
    def _is_a_registry(cls, value: str) -> str:
        if not ML_REGISTRY_ID.fullmatch(value):
            raise ValueError(
                "not the ARM id of an Azure ML registry (/subscriptions/<sub>/resourceGroups/<rg>/providers/"
                "Microsoft.MachineLearningServices/registries/<3-32 letters, digits, - or _>)"
            )
        return value

    @property
    def name(self) -> str:
        match = ML_REGISTRY_ID.fullmatch(self.id)
        assert match is not None  # checked by the validator
        return match["name"]

    @property
    def resource_group(self) -> str:
        match = ML_REGISTRY_ID.fullmatch(self.id)
        assert match is not None
        return match["group"]


class MlRegistrySettings(SettingsModel):
    """A shared stack's `mlRegistry`: the registry it creates."""

    replication_locations: list[Region] = Field(
        default_factory=list,
        description=(
            "Regions besides `location` the registry replicates to (its storage per region, its container registry "
            "geo-replicated): every region a consuming workspace is in. The primary region cannot change later."
        ),
    )
    storage_account_type: StorageAccountType = Field(
        description="Redundancy of the storage account the registry creates in each region."
    )
    publish_environments: bool = Field(
        default=True,
        description=(
            "Register every environment under `environments/` in the registry (image + conda file). Needs a public "
            "registry: Microsoft does not support creating environments in a private one."
        ),
    )

    @cross_checks
    def _distinct_regions(self) -> Iterator[ValueError]:
        for i, region in enumerate(self.replication_locations):
            if region in self.replication_locations[:i]:
                yield problem(f"replicationLocations[{i}]", f"'{region}' is listed twice")
