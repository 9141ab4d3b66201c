"""Access settings (filled in by the access feature)."""

from .base import SettingsModel


class AccessSettings(SettingsModel):
    pass
