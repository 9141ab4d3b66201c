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
from .shared import SharedStackSettings
from .stack import StackSettings
from .tiers import SHARED_TIER_DEFAULTS, TIER_DEFAULTS, deep_merge

AnySettings = StackSettings | SharedStackSettings


def _tier_defaults(raw: Mapping[str, Any], table: dict[str, dict[str, Any]]) -> dict[str, Any]:
    tier = raw.get("tier")
    # An unknown tier is reported by validation; defaults of dev still let every other key be checked.
    return table.get(tier, table["dev"]) if isinstance(tier, str) else table["dev"]


def validate_settings(raw: Mapping[str, Any], stack: str) -> StackSettings:
    """Validate one environment stack's settings (keys without the namespace) or raise SettingsError."""
    if raw.get("kind") == "shared":
        problem = Problem(f"{NAMESPACE}:kind", "'shared': a shared stack, where an environment stack is expected")
        raise SettingsError(stack, [problem])
    try:
        return StackSettings.model_validate(deep_merge(_tier_defaults(raw, TIER_DEFAULTS), dict(raw)))
    except ValidationError as error:
        raise SettingsError(stack, sorted(set(problems_from(error)))) from None


# The sections only an environment stack has: a shared stack file that sets one is told so by name.
ENVIRONMENT_ONLY = tuple(
    info.alias or name
    for name, info in StackSettings.model_fields.items()
    if name not in SharedStackSettings.model_fields
)


def validate_shared_settings(raw: Mapping[str, Any], stack: str) -> SharedStackSettings:
    """Validate a shared stack's settings (`kind: shared`) or raise SettingsError."""
    misplaced = [
        Problem(
            f"{NAMESPACE}:{key}", "applies to environment stacks: a shared stack creates only the Azure ML registry"
        )
        for key in ENVIRONMENT_ONLY
        if key in raw
    ]
    rest = {key: value for key, value in raw.items() if key not in ENVIRONMENT_ONLY}
    try:
        settings = SharedStackSettings.model_validate(deep_merge(_tier_defaults(raw, SHARED_TIER_DEFAULTS), rest))
    except ValidationError as error:
        raise SettingsError(stack, sorted(set(misplaced + problems_from(error)))) from None
    if misplaced:
        raise SettingsError(stack, sorted(misplaced))
    return settings


def validate_stack(raw: Mapping[str, Any], stack: str) -> AnySettings:
    """Either kind of stack, by its `kind` (default `environment`)."""
    return validate_shared_settings(raw, stack) if raw.get("kind") == "shared" else validate_settings(raw, stack)


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


def load_settings(stack: str | None = None) -> AnySettings:
    stack = stack or pulumi.get_stack()
    config = current_config()
    secret = secret_keys(config)
    try:
        # secure: values are never settings; settings name them and components read them as secrets
        raw = read_config({key: value for key, value in config.items() if key not in secret})
    except SettingsError as error:
        raise SettingsError(stack, error.problems) from None
    settings = validate_stack(raw, stack)
    references = settings.secret_references() if isinstance(settings, StackSettings) else {}
    problems = reference_problems(references, secret)
    if problems:
        raise SettingsError(stack, problems)
    return settings
