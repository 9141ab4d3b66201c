"""Network settings (filled in by the network feature)."""

from .base import SettingsModel


class NetworkSettings(SettingsModel):
    pass
