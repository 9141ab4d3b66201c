"""The root model: everything one stack configures."""

from __future__ import annotations

from pydantic import Field, model_validator

from .access import AccessSettings
from .compute import ComputeSettings
from .core import CoreFields
from .data import DataSettings
from .diagnostics import DiagnosticsSettings
from .encryption import EncryptionSettings
from .locks import LocksSettings
from .network import NetworkSettings, check_stack
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
    compute: ComputeSettings = Field(default_factory=ComputeSettings)
    data: DataSettings = Field(default_factory=DataSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    network: NetworkSettings
    encryption: EncryptionSettings
    diagnostics: DiagnosticsSettings
    locks: LocksSettings

    @model_validator(mode="after")
    def _isolation_is_consistent(self) -> StackSettings:
        check_stack(self)
        return self
