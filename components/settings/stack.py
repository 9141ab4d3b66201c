"""The root model: everything one stack configures."""

from pydantic import Field

from .access import AccessSettings
from .compute import ComputeSettings
from .core import CoreFields
from .data import DataSettings
from .network import NetworkSettings
from .workspace import (
    KeyVaultSettings,
    MonitoringSettings,
    RegistrySettings,
    StorageSettings,
    WorkspaceSettings,
)


class StackSettings(CoreFields):
    workspace: WorkspaceSettings
    monitoring: MonitoringSettings
    key_vault: KeyVaultSettings
    storage: StorageSettings
    registry: RegistrySettings
    compute: ComputeSettings  # always present: every tier has compute defaults
    data: DataSettings = Field(default_factory=DataSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    network: NetworkSettings = Field(default_factory=NetworkSettings)
