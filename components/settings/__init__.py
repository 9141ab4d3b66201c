"""Typed stack settings: parsed and validated once, before any resource is registered."""

from .errors import Problem, SettingsError
from .loader import load_settings, validate_settings
from .stack import StackSettings

__all__ = ["Problem", "SettingsError", "StackSettings", "load_settings", "validate_settings"]
