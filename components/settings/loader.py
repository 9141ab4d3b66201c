"""Read the stack's config once, apply tier defaults, validate everything before any resource."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.runtime import config as runtime_config
from pydantic import ValidationError

from .errors import NAMESPACE, Problem, SettingsError, problems_from
from .secrets import reference_problems, secret_keys
from .stack import StackSettings
from .tiers import TIER_DEFAULTS, deep_merge


def validate_settings(raw: Mapping[str, Any], stack: str) -> StackSettings:
    """Validate one stack's settings (keys without the namespace) or raise SettingsError."""
    tier = raw.get("tier")
    # An unknown tier is reported by validation; defaults of dev still let every other key be checked.
    defaults = TIER_DEFAULTS.get(tier, TIER_DEFAULTS["dev"]) if isinstance(tier, str) else TIER_DEFAULTS["dev"]
    try:
        return StackSettings.model_validate(deep_merge(defaults, dict(raw)))
    except ValidationError as error:
        raise SettingsError(stack, sorted(set(problems_from(error)))) from None


def read_config(config: Mapping[str, str]) -> dict[str, Any]:
    """Pulumi passes config as ``ml-platform:key -> string``; objects and numbers arrive as JSON."""
    raw: dict[str, Any] = {}
    problems = []
    for full_key, value in config.items():
        namespace, _, key = full_key.partition(":")
        if namespace != NAMESPACE:
            continue
        key = key.removeprefix("config:")  # older engines pass "<namespace>:config:<key>"
        try:
            raw[key] = _decode(value)
        except json.JSONDecodeError as error:
            problems.append(Problem(full_key, f"is not valid JSON ({error.msg})"))
    if problems:
        raise SettingsError("?", problems)
    return raw


def _decode(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text[:1] in "{[" or text in ("true", "false") or _is_number(text):
        return json.loads(text)
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def current_config() -> dict[str, str]:
    """Every config value the Pulumi runtime holds, from the engine or the environment."""
    values = dict(runtime_config.get_config_env())
    values.update(runtime_config.CONFIG.get())
    return values


def load_settings(stack: str | None = None) -> StackSettings:
    stack = stack or pulumi.get_stack()
    config = current_config()
    secret = secret_keys(config)
    try:
        # secure: values are never settings; settings name them and components read them as secrets
        raw = read_config({key: value for key, value in config.items() if key not in secret})
    except SettingsError as error:
        raise SettingsError(stack, error.problems) from None
    settings = validate_settings(raw, stack)
    problems = reference_problems(settings.secret_references(), secret)
    if problems:
        raise SettingsError(stack, problems)
    return settings
