"""Data settings (filled in by the data feature)."""

from .base import SettingsModel


class DataSettings(SettingsModel):
    pass
