"""Typed stack settings: parsed and validated once, before any resource is registered."""

from .errors import Problem, SettingsError
from .loader import AnySettings, load_settings, validate_settings, validate_stack
from .shared import SharedStackSettings
from .stack import StackSettings

__all__ = [
    "AnySettings",
    "Problem",
    "SettingsError",
    "SharedStackSettings",
    "StackSettings",
    "load_settings",
    "validate_settings",
    "validate_stack",
]
