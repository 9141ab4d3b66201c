"""Compute settings (filled in by the compute feature)."""

from .base import SettingsModel


class ComputeSettings(SettingsModel):
    pass
