"""Rule parameters: their JSON schemas, where their values come from, and how the configured
values are reconciled with the defaults (as the CLI does).

A parameter takes its value from exactly one place:
- `default=`: one value for every tier, left out of the config files (a stack may still set it);
- `tiers=Tiers(...)`: a value per tier, written into each tier's config file; the prod value is
  the default (the pack without a config judges like prod);
- `setting="compute.maxNodesPerCluster"`: the tier default of that stack-file key
  (`ml-platform:` namespace), written into each tier's config file by tools/policy_config.py.
  The pack cannot read the settings, so such a parameter has no default: a rule run without a
  config file reports that it is missing (`not_configured`) instead of guessing.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_policy import PolicyConfigSchema

from .tiers import Tiers

_NO_DEFAULT: Any = object()


@dataclass(frozen=True)
class Param:
    """A rule parameter: its JSON schema (without the default) and the source of its value."""

    name: str
    schema: Mapping[str, Any]
    default: Any = _NO_DEFAULT
    tiers: Tiers[Any] | None = None
    setting: str | None = None

    def __post_init__(self) -> None:
        given = [self.default is not _NO_DEFAULT, self.tiers is not None, self.setting is not None]
        if sum(given) != 1:
            raise ValueError(f"parameter {self.name}: give exactly one of default=, tiers= or setting=")
        if "default" in self.schema:
            raise ValueError(f"parameter {self.name}: the default goes in default= or tiers=, not the schema")

    @property
    def has_default(self) -> bool:
        return self.setting is None

    @property
    def fallback(self) -> Any:
        """The value without a config file: the default, or the prod value (none for a setting)."""
        if self.tiers is not None:
            return self.tiers.prod
        if self.default is _NO_DEFAULT:
            raise ValueError(f"parameter {self.name} comes from the setting {self.setting}: it has no default")
        return self.default

    @property
    def per_tier(self) -> bool:
        """Whether each tier's config file states the value."""
        return self.setting is not None or self.tiers is not None

    def full_schema(self) -> dict[str, Any]:
        """The schema the CLI validates with and takes the default from."""
        return {**self.schema, "default": copy.deepcopy(self.fallback)} if self.has_default else dict(self.schema)


def string_list(description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "description": description}


def string(description: str) -> dict[str, Any]:
    return {"type": "string", "description": description}


def integer(description: str, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "minimum": minimum, "description": description}


def boolean(description: str) -> dict[str, Any]:
    return {"type": "boolean", "description": description}


def config_schema(params: Sequence[Param]) -> PolicyConfigSchema | None:
    if not params:
        return None
    return PolicyConfigSchema(properties={p.name: p.full_schema() for p in params})


def not_configured(name: str) -> str:
    """The violation of a rule whose parameter comes from the settings and was not configured."""
    return (
        f"{name} is not configured: it comes from the stack's tier, so run the pack with "
        "--policy-pack-config policies/config/<stack>.json"
    )


def _plain(value: Any) -> Any:
    # The CLI hands numbers over as floats (protobuf Struct); keep whole numbers integral.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Mapping):
        return {k: _plain(value[k]) for k in value}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def effective_config(params: Sequence[Param], given: Mapping[str, Any]) -> dict[str, Any]:
    """Schema defaults overlaid with the configured values, as the CLI reconciles them (a
    parameter from the settings is absent unless configured)."""
    config = {p.name: copy.deepcopy(p.fallback) for p in params if p.has_default}
    for key in given:
        config[key] = _plain(given[key])
    return config
