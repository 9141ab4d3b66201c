"""The root model: everything one stack configures."""

from __future__ import annotations

from pydantic import Field, model_validator

from .access import AccessSettings, check_datastore_grants, check_workspace_identity
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
    compute: ComputeSettings  # always present: every tier has compute defaults
    data: DataSettings = Field(default_factory=DataSettings)
    access: AccessSettings = Field(default_factory=AccessSettings)
    network: NetworkSettings
    encryption: EncryptionSettings
    diagnostics: DiagnosticsSettings
    locks: LocksSettings

    @model_validator(mode="after")
    def _cross_section_checks(self) -> StackSettings:
        check_datastore_grants(self.access, self.data.datastores)
        check_workspace_identity(self.workspace.identity, self.registry.mode)
        check_stack(self)
        return self
