"""The shared Azure ML registry and the environments the platform publishes in it.

Settings are Microsoft's where it gives them, else the AVM registry module's (anchor A2,
avm/res/machine-learning-services/registry/main.bicep), each named below. The registry creates its
own storage account per region and one container registry geo-replicated to every region, in a
managed resource group (how-to-manage-registries: "Azure blob storage accounts in each supported
region [...] a single Azure Container Registry with replication enabled to each supported region").
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
from pulumi_azure_native import machinelearningservices as ml

from components.core.component import PlatformComponent, StackContext
from components.core.targets import DiagnosticTarget, LockTarget, PrivateLinkTarget
from components.settings.registry import SHARED_REGISTRY_GROUP, SHARED_REGISTRY_TARGET
from components.settings.shared import SharedStackSettings

from .environments import EnvironmentDefinition

# Microsoft's REST example of a registry (how-to-manage-registries, REST tab) and A2's default: a
# Premium container registry (geo-replication to the registry's regions is a Premium feature).
ACR_SKU = "Premium"


class MlRegistry(PlatformComponent):
    def __init__(
        self,
        name: str,
        ctx: StackContext,
        settings: SharedStackSettings,
        *,
        environments: Sequence[EnvironmentDefinition],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("MlRegistry", name, ctx, opts)
        registry_settings = settings.ml_registry
        self.registry = ml.Registry(
            self.child_name("registry"),
            registry_name=ctx.names.ml_registry,
            # Microsoft's REST example and A2: a system-assigned identity
            identity=ml.ManagedServiceIdentityArgs(type=ml.ManagedServiceIdentityType.SYSTEM_ASSIGNED),
            # set explicitly (A2 leaves it to the service when no private endpoint is given); the one
            # decision is the shared network's (settings/shared.py)
            public_network_access=settings.network.public_network_access,
            # one entry per region, the primary first: "The primary location is listed twice" in
            # Microsoft's YAML (location and replication_locations); ARM takes regionDetails
            region_details=[
                ml.RegistryRegionArmDetailsArgs(
                    location=region,
                    storage_account_details=[
                        ml.StorageAccountDetailsArgs(
                            system_created_storage_account=ml.SystemCreatedStorageAccountArgs(
                                storage_account_type=registry_settings.storage_account_type,
                                # no anonymous blob reads (A2's default, Microsoft's REST example)
                                allow_blob_public_access=False,
                                # Microsoft's REST example sets false (A2 defaults to true): assets are
                                # read through the registry, nothing here needs a hierarchical namespace
                                storage_account_hns_enabled=False,
                            )
                        )
                    ],
                    acr_details=[
                        ml.AcrDetailsArgs(
                            system_created_acr_account=ml.SystemCreatedAcrAccountArgs(acr_account_sku=ACR_SKU)
                        )
                    ],
                )
                for region in settings.regions
            ],
            **self.common,
            # the models and environments every stack deploys from: protected like data
            opts=self.child_opts(stateful=True),
        )
        self.environments = self._publish(environments)
        self._publish_targets()
        self.finish(
            {
                "registryId": self.registry.id,
                "registryName": self.registry.name,
                "environments": {f"{e.name}:{e.version}": e.uri(ctx.names.ml_registry) for e in environments},
            }
        )

    def _publish(self, environments: Sequence[EnvironmentDefinition]) -> list[ml.RegistryEnvironmentVersion]:
        """Each environment's container, then its versions (RegistryEnvironmentContainers and
        RegistryEnvironmentVersions_CreateOrUpdate, 2025-12-01: `image` and `condaFile`, the conda
        file's text). Microsoft documents no moment when the registry builds the image; an
        environment made this way has its image in the registry's own container registry
        (Azure/azureml-examples#2959 pulls `<acr>.azurecr.io/azureml/<id>/<env>:<version>`)."""
        containers: dict[str, ml.RegistryEnvironmentContainer] = {}
        versions = []
        for environment in environments:
            if environment.name not in containers:
                containers[environment.name] = ml.RegistryEnvironmentContainer(
                    self.child_name(f"env-{environment.name}"),
                    environment_name=environment.name,
                    registry_name=self.registry.name,
                    resource_group_name=self.ctx.resource_group_name,
                    properties=ml.EnvironmentContainerPropertiesArgs(description=environment.description),
                    opts=self.child_opts(stateful=True),
                )
            versions.append(
                ml.RegistryEnvironmentVersion(
                    self.child_name(f"env-{environment.name}-{environment.version}"),
                    environment_name=containers[environment.name].name,
                    version=environment.version,
                    registry_name=self.registry.name,
                    resource_group_name=self.ctx.resource_group_name,
                    properties=ml.EnvironmentVersionPropertiesArgs(
                        image=environment.image,
                        conda_file=environment.conda_file,
                        description=environment.description,
                        os_type=ml.OperatingSystemType.LINUX,
                        # a version is fixed once published (jobs and deployments name it): a new base
                        # image comes as a new version, not as a rebuild under the same one
                        auto_rebuild=ml.AutoRebuildSetting.DISABLED,
                    ),
                    # deployments in prod run from these: protected like data
                    opts=self.child_opts(stateful=True),
                )
            )
        return versions

    def _publish_targets(self) -> None:
        self.private_link_targets = [
            PrivateLinkTarget(SHARED_REGISTRY_TARGET, self.registry.id, (SHARED_REGISTRY_GROUP,))
        ]
        # Microsoft's supported resource logs for Microsoft.MachineLearningServices/registries
        # (azure-monitor/reference/supported-logs/microsoft-machinelearningservices-registries-logs):
        # two categories and no category group, so they are named (the tier's `audit` group could be
        # refused); the type lists no platform metrics.
        self.diagnostic_targets = [
            DiagnosticTarget(
                SHARED_REGISTRY_TARGET,
                self.registry.id,
                metrics=False,
                log_categories=("RegistryAssetReadEvent", "RegistryAssetWriteEvent"),
            )
        ]
        self.lock_targets = [LockTarget(SHARED_REGISTRY_TARGET, self.registry.id)]
